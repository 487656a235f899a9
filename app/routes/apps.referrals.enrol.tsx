// POST /apps/referrals/enrol: the block's join form (guest email + terms, or the logged-in customer).
import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { enrolFromStorefront } from "../storefront/enrolment.server";
import { methodNotAllowed, privateJson, rateLimited, readBody, verifyProxy } from "../storefront/proxy-http.server";

export const loader = () => methodNotAllowed("POST");

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return methodNotAllowed("POST");
  const { ctx } = await verifyProxy(request);
  const limited = await rateLimited(db, "enrol", ctx);
  if (limited) return limited;
  const result = await enrolFromStorefront(db, ctx, await readBody(request), "STOREFRONT");
  if (!result.ok) return privateJson({ errors: result.errors }, result.status);
  return privateJson({ state: "member", ...result.member }, result.created ? 201 : 200);
};
