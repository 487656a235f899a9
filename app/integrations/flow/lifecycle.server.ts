// Flow's trigger lifecycle callback (extensions/flow-lifecycle): Flow posts
// { flow_trigger_definition_id, has_enabled_flow, shop_id, shopify_domain,
// timestamp } when a merchant enables or disables a workflow that starts with
// one of the app's triggers, signed like a webhook (X-Shopify-Hmac-Sha256 over
// the raw body with the app's secret). Without a 2xx answer the merchant cannot
// enable the workflow, so anything signed and well-formed is answered 200.
import { z } from "zod";
import type { Db } from "~/db.server";
import { logger } from "~/ops/logger.server";
import { BodyTooLarge, isValidShopifyHmac, readBodyWithLimit, shopDomainPattern } from "~/webhooks/verify-webhook.server";
import { flowTriggerHandle } from "./triggers";
import { recordTriggerUse } from "./trigger-use.server";

const MAX_BODY_BYTES = 16 * 1024;

const callbackSchema = z.object({
  flow_trigger_definition_id: z.string().min(1),
  has_enabled_flow: z.boolean(),
  shopify_domain: z.string(),
  timestamp: z.string().datetime({ offset: true }),
});

export async function receiveFlowLifecycle(request: Request, { db, secret, customShopDomain }: { db: Db; secret: string; customShopDomain?: string }): Promise<Response> {
  if (request.method !== "POST") return new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
  let body: Buffer;
  try {
    body = await readBodyWithLimit(request, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLarge) return new Response("Payload Too Large", { status: 413 });
    throw error;
  }
  if (!isValidShopifyHmac(body, request.headers.get("x-shopify-hmac-sha256"), secret)) return new Response("Unauthorized", { status: 401 });

  let parsed;
  try {
    parsed = callbackSchema.safeParse(JSON.parse(body.toString("utf8")));
  } catch {
    return new Response("The body is not JSON", { status: 400 });
  }
  if (!parsed.success) return new Response(`Not a Flow lifecycle callback: ${parsed.error.issues.map((i) => i.path.join(".")).join(", ")}`, { status: 400 });
  const callback = parsed.data;
  const shop = callback.shopify_domain.trim().toLowerCase();
  if (!shopDomainPattern(customShopDomain).test(shop)) return new Response("shopify_domain is not a shop's domain", { status: 400 });

  const handle = flowTriggerHandle(callback.flow_trigger_definition_id);
  if (!handle) {
    // A trigger this version of the app no longer has: nothing would send it.
    logger.warn("Flow lifecycle callback for an unknown trigger", { shop, trigger: callback.flow_trigger_definition_id });
    return new Response(null, { status: 200 });
  }
  const applied = await recordTriggerUse(db, { shop, handle, active: callback.has_enabled_flow, changedAt: new Date(callback.timestamp) });
  logger.info(applied ? "Flow trigger use recorded" : "Flow lifecycle callback older than the recorded one", { shop, trigger: handle, active: callback.has_enabled_flow });
  return new Response(null, { status: 200 });
}
