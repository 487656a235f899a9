// The one endpoint every webhook subscription in shopify.app.toml posts to
// (see app/webhooks/receive-webhook.server.ts for what it does). server.ts answers
// /webhooks itself with the same function; this route serves it wherever the
// Remix app runs without that server (and in the tests).
import type { ActionFunctionArgs } from "@remix-run/node";
import { env } from "~/env.server";
import { getInbox } from "~/webhooks/inbox.server";
import { methodNotAllowed, receiveWebhook } from "~/webhooks/receive-webhook.server";

export const loader = () => methodNotAllowed();

export const action = ({ request }: ActionFunctionArgs) =>
  receiveWebhook(request, { inbox: getInbox(), secret: env().SHOPIFY_API_SECRET, customShopDomain: env().SHOP_CUSTOM_DOMAIN });
