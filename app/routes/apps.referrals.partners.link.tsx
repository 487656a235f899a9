// POST /apps/referrals/partners/link: "email me a sign-in link". The answer is
// the same for any valid address, a partner's or not: only a partner who may
// sign in is emailed a link (requestSignInLink).
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import db from "~/db.server";
import { requestSignInLink } from "~/partners/partners.server";
import { NOINDEX_HEADERS } from "~/storefront/partners/portal-actions.server";
import { signInRequestPage } from "~/storefront/partners/partner-page.server";
import { methodNotAllowed, rateLimited, readBody, verifyProxy } from "~/storefront/proxy-http.server";

export const loader = () => redirect("/apps/referrals/partners");

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return methodNotAllowed("POST");
  const { ctx, liquid } = await verifyProxy(request);
  const limited = await rateLimited(db, "partner_link", ctx);
  if (limited) {
    return liquid(signInRequestPage(ctx, { message: "rate" }), { status: 429, headers: { ...NOINDEX_HEADERS, "Retry-After": limited.headers.get("Retry-After") ?? "60" } });
  }
  const body = await readBody(request);
  const email = typeof body.email === "string" ? body.email.slice(0, 300) : "";
  const outcome = await requestSignInLink(db, { shop: ctx.shop, email });
  if (!outcome.ok) {
    const error = outcome.errors.email === "required" ? "required" : "invalid_email";
    return liquid(signInRequestPage(ctx, { email, error }), { status: 422, headers: NOINDEX_HEADERS });
  }
  return liquid(signInRequestPage(ctx, { message: "sent" }), { headers: NOINDEX_HEADERS });
};
