// Webhook requests as Shopify sends them: the raw body signed with the app's
// secret (base64 HMAC-SHA256) and the X-Shopify-* headers.
import { signWebhookBody as sign, webhookHeaders } from "../../fake-shopify/sign";

export const WEBHOOK_URL = "https://referrals.test/webhooks";

/** X-Shopify-Hmac-Sha256 of a body (fake-shopify/sign.ts), with the app's secret by default. */
export function signWebhookBody(body: string | Uint8Array, secret = appSecret()): string {
  return sign(body, secret);
}

export interface SignedWebhookRequestInput {
  topic: string;
  shop: string;
  /** A string is sent as is (e.g. malformed JSON); an object is JSON-encoded. */
  body: string | object;
  webhookId?: string;
  /** Defaults to the app's secret (process.env.SHOPIFY_API_SECRET). */
  secret?: string;
  /** Added last: override or remove (value null) any header. */
  headers?: Record<string, string | null>;
}

export function signedWebhookRequest(input: SignedWebhookRequestInput): Request {
  const body = typeof input.body === "string" ? input.body : JSON.stringify(input.body);
  const headers = new Headers(webhookHeaders({ topic: input.topic, shop: input.shop, signature: signWebhookBody(body, input.secret), webhookId: input.webhookId }));
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    if (value === null) headers.delete(name);
    else headers.set(name, value);
  }
  return new Request(WEBHOOK_URL, { method: "POST", headers, body });
}

/** Sends a request through the real webhook route (app/routes/webhooks.tsx). */
export async function deliverWebhook(request: Request): Promise<Response> {
  const route = await import("~/routes/webhooks");
  if (request.method === "GET" || request.method === "HEAD") {
    return route.loader();
  }
  return route.action({ request, params: {}, context: {} });
}

function appSecret(): string {
  const secret = process.env.SHOPIFY_API_SECRET;
  if (!secret) throw new Error("SHOPIFY_API_SECRET is not set (tests/setup/env.ts sets it)");
  return secret;
}
