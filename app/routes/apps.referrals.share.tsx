// POST /apps/referrals/share: the block reports which share button was used.
import type { ActionFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { normaliseChannel, recordShare } from "~/storefront/link-events.server";
import { methodNotAllowed, rateLimited, readBody, verifyProxy, PRIVATE_HEADERS } from "~/storefront/proxy-http.server";

export const loader = () => methodNotAllowed("POST");

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return methodNotAllowed("POST");
  const { ctx } = await verifyProxy(request);
  const limited = await rateLimited(db, "share", ctx);
  if (limited) return limited;
  const body = await readBody(request);
  const code = typeof body.code === "string" ? body.code.slice(0, 64) : null;
  await recordShare(db, { shop: ctx.shop, customerId: ctx.customerId, code, channel: normaliseChannel(body.channel) });
  return new Response(null, { status: 204, headers: PRIVATE_HEADERS });
};
