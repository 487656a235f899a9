// GET /api/extensions/thank-you?orderId=<gid>&locale=<tag>: what the thank-you
// and order status block shows (checkout UI extension, session token from
// Shopify's checkout; the buyer may be a guest). See app/storefront/extension-api.server.ts.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { adminForShop } from "~/shopify/admin-for-shop.server";
import { thankYouData } from "~/storefront/extension-api.server";
import { authenticateExtension, extensionJson, extensionRateLimited, preflightOnly } from "~/storefront/extension-auth.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  const caller = await authenticateExtension(request, "checkout", url.searchParams.get("locale"));
  const limited = await extensionRateLimited(db, "extension", caller);
  if (limited) return limited;
  const outcome = await thankYouData(db, caller, url.searchParams.get("orderId"), () => adminForShop(caller.shop));
  return caller.cors(extensionJson(outcome.body, outcome.status));
};

// Remix sends every method but GET and HEAD here: the CORS preflight, and refusals.
export const action = ({ request }: ActionFunctionArgs) => preflightOnly(request, "checkout", "GET");
