// POST /apps/referrals/join: the program page's form. Works without JavaScript:
// it answers with the page again, showing the signed-in customer's link, a
// guest the same "sign in with this email" whatever the email, or the errors by field.
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import db from "~/db.server";
import { adminForShop } from "~/shopify/admin-for-shop.server";
import { enrolFromStorefront } from "~/storefront/enrolment.server";
import { translator } from "~/storefront/i18n";
import { programPageFor } from "~/storefront/program-page.server";
import { PRIVATE_HEADERS, methodNotAllowed, rateLimited, readBody, verifyProxy } from "~/storefront/proxy-http.server";

// A reload of the result page (GET) goes back to the program page.
export const loader = () => redirect("/apps/referrals");

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return methodNotAllowed("POST");
  const { ctx, liquid } = await verifyProxy(request);
  const limited = await rateLimited(db, "enrol", ctx);
  if (limited) {
    const page = await programPageFor(db, ctx, { errors: { form: translator(ctx.locale.language)("block.error_rate") } });
    const retryAfter = limited.headers.get("Retry-After") ?? "60";
    return liquid(page, { status: 429, headers: { ...PRIVATE_HEADERS, "Retry-After": retryAfter } });
  }
  const body = await readBody(request);
  const result = await enrolFromStorefront(db, ctx, body, "PROGRAM_PAGE", { admin: () => adminForShop(ctx.shop) });
  const email = typeof body.email === "string" ? body.email.slice(0, 254) : "";
  // A guest sees the same page whatever the email: sign in with it to see the link.
  const page = !result.ok
    ? await programPageFor(db, ctx, { errors: result.errors, email })
    : result.guest
      ? await programPageFor(db, ctx, { signIn: true, emailed: result.emailed })
      : await programPageFor(db, ctx, { view: result.view, joined: true });
  return liquid(page, { status: result.ok ? 200 : result.status, headers: PRIVATE_HEADERS });
};
