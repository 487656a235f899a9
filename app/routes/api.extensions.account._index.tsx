// GET /api/extensions/account?locale=<tag>: the customer account page's data
// (customer account UI extension; the session token must name a customer).
// A customer who joined as a guest with their verified email is recognised here.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { adminForShop } from "~/shopify/admin-for-shop.server";
import { accountData } from "~/storefront/extension-api.server";
import { authenticateExtension, extensionJson, extensionRateLimited, preflightOnly } from "~/storefront/extension-auth.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const caller = await authenticateExtension(request, "customerAccount", new URL(request.url).searchParams.get("locale"));
  const limited = await extensionRateLimited(db, "extension", caller);
  if (limited) return limited;
  const outcome = await accountData(db, caller, () => adminForShop(caller.shop));
  return caller.cors(extensionJson(outcome.body, outcome.status));
};

export const action = ({ request }: ActionFunctionArgs) => preflightOnly(request, "customerAccount", "GET");
