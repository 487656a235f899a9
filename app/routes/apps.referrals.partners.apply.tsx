// POST /apps/referrals/partners/apply: the partner application, signed. Works
// without JavaScript: the answer is the partner page again, thanking them, or
// the form refilled with each field's error. An address that is already a
// partner gets the same thanks as a new one (applyAsPartner changes nothing).
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import db from "~/db.server";
import { applyAsPartner } from "~/partners/partners.server";
import { deviceHashes } from "~/referrals/device";
import { partnerPageFor } from "~/storefront/partners/partner-page.server";
import { PRIVATE_HEADERS, methodNotAllowed, rateLimited, readBody, verifyProxy } from "~/storefront/proxy-http.server";

/** The form's free text, percent-encoded, is larger than the storefront's other forms. */
const MAX_APPLICATION_BYTES = 48 * 1024;

// A reload of the result page (GET) goes back to the partner page.
export const loader = () => redirect("/apps/referrals/partners");

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return methodNotAllowed("POST");
  const { ctx, liquid } = await verifyProxy(request);
  const limited = await rateLimited(db, "partner_apply", ctx);
  if (limited) {
    const page = await partnerPageFor(db, ctx, { limited: true });
    return liquid(page, { status: 429, headers: { ...PRIVATE_HEADERS, "Retry-After": limited.headers.get("Retry-After") ?? "60" } });
  }
  const body = await readBody(request, MAX_APPLICATION_BYTES);
  const outcome = await applyAsPartner(db, {
    shop: ctx.shop,
    input: body,
    // A keyed hash of the address the agreement was signed from, never the address.
    ipHash: deviceHashes(ctx.shop, { ip: ctx.ip, userAgent: null }).ipHash,
    locale: ctx.locale.tag,
  });
  const page = outcome.ok ? await partnerPageFor(db, ctx, { applied: true }) : await partnerPageFor(db, ctx, { values: body, errors: outcome.errors });
  return liquid(page, { status: outcome.ok ? 200 : 422, headers: PRIVATE_HEADERS });
};
