// What each webhook topic's payload must contain before a handler runs on it.
// The worker checks every delivery first (worker.server.ts), so an incomplete
// one, or one whose shape does not fit its topic, is parked INVALID with a
// reason the merchant can read instead of failing eight times in a handler.
// The door only refuses what is not a JSON object (receive-webhook.server.ts):
// checking an ~11 KB order against its schema cost more than anything else the
// request did (bench/webhook-ingest.ts), and the outcome is the same a moment later.
//
// The signature covers the body, not the X-Shopify-Topic and -Shop-Domain
// headers that choose the handler: a genuine body replayed under another topic
// or shop must fit that topic and name that shop where it can, or do nothing.
// The schemas demand what the handlers key on and what tells the topics apart;
// everything else passes through.
import { z } from "zod";
import { parseShopifyJson } from "~/webhooks/shopify-json";
import type { SubscribedTopic } from "~/webhooks/webhook-topics";
import { InvalidPayloadError, isInvalidPayload, PermanentError, type WebhookContext, type WebhookHandler } from "~/queue/types";

const id = z.union([z.number().int(), z.string().min(1)]);
const gidOf = (type: string) => z.string().startsWith(`gid://shopify/${type}/`, `must be gid://shopify/${type}/<id>`);

// An order, not a refund or anything else that has an id: a refund's gid is a
// Refund, and it has refund_line_items where an order has line_items.
const order = z.object({ id, admin_graphql_api_id: gidOf("Order"), line_items: z.array(z.unknown()), cancelled_at: z.string().nullish() });

const refund = z.object({
  id,
  admin_graphql_api_id: gidOf("Refund"),
  order_id: id,
  refund_line_items: z.array(z.unknown()),
  transactions: z.array(z.unknown()),
});

const customerRef = z
  .object({ id: id.nullish(), email: z.string().nullish() })
  .refine((c) => c.id != null || !!c.email, { message: "needs customer.id or customer.email" });

// A compliance request acts on the shop it names: it must name one, the delivery's.
const shopRef = z.object({ shop_id: id.nullish(), shop_domain: z.string({ required_error: "needs the shop's domain" }).min(1, "needs the shop's domain") });

// app/uninstalled carries the Shop: the handler logs the shop out, so the body must be the header's shop's.
const shopObject = z
  .object({ myshopify_domain: z.string().nullish(), domain: z.string().nullish() })
  .refine((s) => !!(s.myshopify_domain || s.domain), { message: "needs myshopify_domain or domain" });

export const webhookPayloadSchemas = {
  "orders/paid": order.refine((o) => !o.cancelled_at, { message: "a cancelled order is not a paid one", path: ["cancelled_at"] }),
  "orders/cancelled": order.extend({
    cancelled_at: z.string({ required_error: "needs the time the order was cancelled", invalid_type_error: "needs the time the order was cancelled" }).min(1),
  }),
  "refunds/create": refund,
  "app/uninstalled": shopObject,
  "app/scopes_update": z.object({ current: z.array(z.string()) }),
  "customers/data_request": z.intersection(shopRef, z.object({ customer: customerRef })),
  "customers/redact": z.intersection(shopRef, z.object({ customer: customerRef })),
  "shop/redact": shopRef,
} satisfies Record<SubscribedTopic, z.ZodTypeAny>;

/** The shop a payload says it is about, where it says so (app/uninstalled: its own domain first). */
function namedShop(topic: SubscribedTopic, payload: Record<string, unknown>): string | null {
  const text = (value: unknown) => (typeof value === "string" && value ? value.toLowerCase() : null);
  if (topic === "app/uninstalled") return text(payload.myshopify_domain) ?? text(payload.domain);
  if (topic === "customers/data_request" || topic === "customers/redact" || topic === "shop/redact") return text(payload.shop_domain);
  return null;
}

/**
 * The payload, checked against its topic's schema and, where it names its
 * shop, against the delivery's shop; InvalidPayloadError with the reason otherwise.
 */
export function checkShape(topic: SubscribedTopic, shop: string, payload: unknown): Record<string, unknown> {
  const result = webhookPayloadSchemas[topic].safeParse(payload);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".") || "(payload)"}: ${i.message}`);
    throw new InvalidPayloadError(`payload incomplete for ${topic}: ${problems.join("; ")}`);
  }
  const named = namedShop(topic, payload as Record<string, unknown>);
  if (named !== null && named !== shop) throw new InvalidPayloadError(`${topic} payload names ${named}, but the delivery is for ${shop}`);
  return payload as Record<string, unknown>;
}

/**
 * A topic's handler with its one parser: the shape check above, then the
 * domain's reading of the payload (`read`). The worker runs the parser once,
 * before the handler (see WebhookHandler); called directly, the handler parses.
 */
export function webhookTopic<Facts>(
  topic: SubscribedTopic,
  read: (payload: Record<string, unknown>, delivery: { shop: string; topic: string }) => Facts,
  handle: (ctx: WebhookContext, facts: Facts) => Promise<void>,
): WebhookHandler {
  const parse = (payload: unknown, delivery: { shop: string; topic: string }): Facts => {
    const checked = checkShape(topic, delivery.shop, payload);
    try {
      return read(checked, delivery);
    } catch (error) {
      if (isInvalidPayload(error) || !(error instanceof Error)) throw error;
      // Fits the topic's shape but the domain cannot use it: a failure for good
      // (DEAD, with the reason), as when the handler read it itself.
      throw new PermanentError(`${topic} payload cannot be processed: ${error.message}`);
    }
  };
  const handler = async (ctx: WebhookContext) => handle(ctx, ctx.parsed !== undefined ? (ctx.parsed as Facts) : parse(ctx.payload, ctx));
  return Object.assign(handler, { parse });
}

/**
 * The parser a worker runs for a topic: its handler's, or (a handler made
 * without webhookTopic, as tests make them) the topic's shape check alone.
 */
export function payloadParser(topic: string, handler: WebhookHandler | undefined): WebhookHandler["parse"] {
  if (handler?.parse) return handler.parse;
  if (!Object.hasOwn(webhookPayloadSchemas, topic)) return undefined;
  return (payload, delivery) => checkShape(topic as SubscribedTopic, delivery.shop, payload);
}

export type PayloadCheck = { ok: true; payload: unknown } | { ok: false; reason: string };

/** A raw body as the worker reads it (parseShopifyJson: 64-bit ids exact), and its shape check: the fixtures' test. */
export function checkWebhookPayload({ topic, shop }: { topic: string; shop: string }, rawBody: string): PayloadCheck {
  let payload: unknown;
  try {
    payload = parseShopifyJson(rawBody);
  } catch (error) {
    return { ok: false, reason: `body is not valid JSON: ${(error as Error).message}` };
  }
  if (!Object.hasOwn(webhookPayloadSchemas, topic)) return { ok: false, reason: `unsupported topic "${topic}"` };
  try {
    checkShape(topic as SubscribedTopic, shop, payload);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  return { ok: true, payload };
}
