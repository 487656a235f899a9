// POST /api/extensions/join {orderId, terms, termsVersion, locale, showName?}:
// the buyer joins from the thank-you or order status block (checkout session
// token). A signed-in customer gets their link (201 new, 200 already in); a
// guest is enrolled with the order's email and answered 202.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { adminForShop } from "~/shopify/admin-for-shop.server";
import { joinFromThankYou } from "~/storefront/extension-api.server";
import { authenticateExtension, extensionJson, extensionRateLimited, localised, preflightOnly, readExtensionBody } from "~/storefront/extension-auth.server";

export const loader = ({ request }: LoaderFunctionArgs) => preflightOnly(request, "checkout", "POST");

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return preflightOnly(request, "checkout", "POST");
  const caller = await authenticateExtension(request, "checkout", null);
  const limited = await extensionRateLimited(db, "extension_join", caller);
  if (limited) return limited;
  const body = await readExtensionBody(request, caller);
  const outcome = await joinFromThankYou(db, localised(caller, request, body.locale), body, () => adminForShop(caller.shop));
  return caller.cors(extensionJson(outcome.body, outcome.status));
};
