// POST /apps/referrals/enrol: the block's join form (guest email + terms, or the logged-in customer).
// A guest is answered 202 {state: "check_email"} (the link was emailed to the
// address) or, without email, {state: "sign_in"}, whatever the email (new,
// enrolled or disabled): no code or link is shown to someone who has not signed in.
import type { ActionFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { createLogger } from "~/ops/logger.server";
import { adminForShop } from "~/shopify/admin-for-shop.server";
import { enrolFromStorefront } from "~/storefront/enrolment.server";
import { methodNotAllowed, privateJson, rateLimited, readBody, verifyProxy } from "~/storefront/proxy-http.server";

const log = createLogger({ component: "storefront" });

export const loader = () => methodNotAllowed("POST");

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return methodNotAllowed("POST");
  const { ctx } = await verifyProxy(request);
  const limited = await rateLimited(db, "enrol", ctx);
  if (limited) return limited;
  const result = await enrolFromStorefront(db, ctx, await readBody(request), "STOREFRONT", { admin: () => adminForShop(ctx.shop) });
  // Who it was is personal: the line says what happened, the request id and the shop.
  log.info("enrolment", result.ok ? { outcome: result.guest ? "guest" : result.created ? "created" : "existing" } : { outcome: "refused", status: result.status });
  if (!result.ok) return privateJson({ errors: result.errors }, result.status);
  if (result.guest) return privateJson({ state: result.emailed ? "check_email" : "sign_in" }, 202);
  return privateJson({ state: "referrer", ...result.view }, result.created ? 201 : 200);
};
