// What each webhook topic's payload must contain before a handler runs on it.
// The worker checks every delivery first (worker.server.ts), so an unparseable
// or incomplete one is parked INVALID with a reason the merchant can read,
// instead of failing eight times in a handler. Not at the door: parsing and
// checking an ~11 KB order cost more than anything else the request did
// (bench/webhook-ingest.ts), and the outcome is the same a moment later. The
// schemas only demand what the handlers key on; everything else passes through.
import { z } from "zod";
import { parseShopifyJson } from "./shopify-json";

const id = z.union([z.number().int(), z.string().min(1)]);
const gid = z.string().startsWith("gid://shopify/");

const order = z.object({ id, admin_graphql_api_id: gid });

const customerRef = z
  .object({ id: id.nullish(), email: z.string().nullish() })
  .refine((c) => c.id != null || !!c.email, { message: "needs customer.id or customer.email" });

const shopRef = z
  .object({ shop_id: id.nullish(), shop_domain: z.string().nullish() })
  .refine((s) => s.shop_id != null || !!s.shop_domain, { message: "needs shop_id or shop_domain" });

export const webhookPayloadSchemas = {
  "orders/create": order,
  "orders/paid": order,
  "orders/fulfilled": order,
  "orders/cancelled": order,
  "refunds/create": z.object({ id: id.optional(), order_id: id }),
  "customers/create": z.object({ id, admin_graphql_api_id: gid }),
  "app/uninstalled": z.object({}).passthrough(),
  "app/scopes_update": z.object({ current: z.array(z.string()) }),
  "customers/data_request": z.intersection(shopRef, z.object({ customer: customerRef })),
  "customers/redact": z.intersection(shopRef, z.object({ customer: customerRef })),
  "shop/redact": shopRef,
} satisfies Record<string, z.ZodTypeAny>;

export type SupportedTopic = keyof typeof webhookPayloadSchemas;
export const SUPPORTED_TOPICS = Object.keys(webhookPayloadSchemas) as SupportedTopic[];

export type PayloadCheck = { ok: true; payload: unknown } | { ok: false; reason: string };

/** Parses the raw body as the handlers get it (parseShopifyJson: 64-bit ids exact) and checks it against its topic's schema. */
export function checkWebhookPayload(topic: string, rawBody: string): PayloadCheck {
  let payload: unknown;
  try {
    payload = parseShopifyJson(rawBody);
  } catch (error) {
    return { ok: false, reason: `body is not valid JSON: ${(error as Error).message}` };
  }
  if (!Object.hasOwn(webhookPayloadSchemas, topic)) return { ok: false, reason: `unsupported topic "${topic}"` };
  const result = webhookPayloadSchemas[topic as SupportedTopic].safeParse(payload);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".") || "(payload)"}: ${i.message}`);
    return { ok: false, reason: `payload incomplete for ${topic}: ${problems.join("; ")}` };
  }
  return { ok: true, payload };
}
