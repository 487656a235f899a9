// The emailed sign-in link, /apps/referrals/partners/sign-in?token=...
// GET shows one "Sign in" button and redeems nothing, so a mail scanner that
// fetches the link cannot use it up. POST (the button) redeems it once, and
// answers with the partner's portal, its session carried in the portal's forms.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { redeemSignIn } from "~/partners/sign-in.server";
import { signInPage, signInRequestPage } from "~/storefront/partners/partner-page.server";
import { NOINDEX_HEADERS, openPortal } from "~/storefront/partners/portal-actions.server";
import { methodNotAllowed, rateLimited, readBody, verifyProxy } from "~/storefront/proxy-http.server";

const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { ctx, liquid } = await verifyProxy(request);
  const token = new URL(request.url).searchParams.get("token") ?? "";
  if (!TOKEN.test(token)) return liquid(signInRequestPage(ctx, { message: "invalid" }), { status: 400, headers: NOINDEX_HEADERS });
  return liquid(signInPage(ctx, token), { headers: NOINDEX_HEADERS });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return methodNotAllowed("GET, POST");
  const { ctx, liquid } = await verifyProxy(request);
  const limited = await rateLimited(db, "partner_sign_in", ctx);
  if (limited) {
    return liquid(signInRequestPage(ctx, { message: "rate" }), { status: 429, headers: { ...NOINDEX_HEADERS, "Retry-After": limited.headers.get("Retry-After") ?? "60" } });
  }
  const body = await readBody(request);
  const now = new Date();
  const redeemed = await redeemSignIn(db, { shop: ctx.shop, token: typeof body.token === "string" ? body.token : "", now });
  if (!redeemed.ok) {
    return liquid(signInRequestPage(ctx, { message: redeemed.reason }), { status: redeemed.reason === "invalid" ? 400 : 410, headers: NOINDEX_HEADERS });
  }
  return openPortal(db, ctx, liquid, redeemed.partnerId, now);
};
