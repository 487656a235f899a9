// GET /api/extensions/account?locale=<tag>: the customer account page's data
// (customer account UI extension; the session token must name a customer).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { accountData } from "~/storefront/extension-api.server";
import { authenticateExtension, extensionJson, extensionRateLimited, preflightOnly } from "~/storefront/extension-auth.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const caller = await authenticateExtension(request, "customerAccount", new URL(request.url).searchParams.get("locale"));
  const limited = await extensionRateLimited(db, "extension", caller);
  if (limited) return limited;
  const outcome = await accountData(db, caller);
  return caller.cors(extensionJson(outcome.body, outcome.status));
};

export const action = ({ request }: ActionFunctionArgs) => preflightOnly(request, "customerAccount", "GET");
