// Shopify Flow's trigger lifecycle callback (extensions/flow-lifecycle/
// shopify.extension.toml): see app/integrations/flow/lifecycle.server.ts.
import type { ActionFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { env } from "~/env.server";
import { receiveFlowLifecycle } from "~/integrations/flow/lifecycle.server";

export const loader = () => new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });

export const action = ({ request }: ActionFunctionArgs) =>
  receiveFlowLifecycle(request, { db, secret: env().SHOPIFY_API_SECRET, customShopDomain: env().SHOP_CUSTOM_DOMAIN });
