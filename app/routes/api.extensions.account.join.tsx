// POST /api/extensions/account/join {terms, termsVersion, locale, showName?}:
// the signed-in customer joins from their account page (201 new, 200 already in).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { adminForShop } from "~/shopify/admin-for-shop.server";
import { joinFromAccount } from "~/storefront/extension-api.server";
import { authenticateExtension, extensionJson, extensionRateLimited, localised, preflightOnly, readExtensionBody } from "~/storefront/extension-auth.server";

export const loader = ({ request }: LoaderFunctionArgs) => preflightOnly(request, "customerAccount", "POST");

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return preflightOnly(request, "customerAccount", "POST");
  const caller = await authenticateExtension(request, "customerAccount", null);
  const limited = await extensionRateLimited(db, "extension_join", caller);
  if (limited) return limited;
  const body = await readExtensionBody(request, caller);
  const outcome = await joinFromAccount(db, localised(caller, request, body.locale), body, () => adminForShop(caller.shop));
  return caller.cors(extensionJson(outcome.body, outcome.status));
};
