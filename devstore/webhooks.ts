// Webhooks as Shopify sends them: the JSON body signed with the app secret
// (base64 HMAC-SHA256 in X-Shopify-Hmac-Sha256) and the X-Shopify-* headers,
// POSTed to the app's /webhooks. Anything but 200 is an error: Shopify would
// retry, the dev store reports it instead.
import { webhookHeaders } from "../fake-shopify/sign";

export type WebhookTopic = "orders/paid" | "refunds/create" | "orders/cancelled" | "app/scopes_update";

/** Sends one signed webhook; resolves to its X-Shopify-Webhook-Id. */
export type DeliverWebhook = (topic: WebhookTopic, body: object) => Promise<string>;

export function signedWebhook(input: { url: string; topic: string; shop: string; body: object; secret: string; webhookId?: string }): Request {
  const body = JSON.stringify(input.body);
  return new Request(input.url, {
    method: "POST",
    headers: webhookHeaders({ topic: input.topic, shop: input.shop, body, secret: input.secret, webhookId: input.webhookId }),
    body,
  });
}

/**
 * Delivers to `<appUrl>/webhooks` through `send` (default: fetch over HTTP; the
 * seed passes the app's receiveWebhook to deliver in-process before the app runs).
 */
export function webhookSender(options: { appUrl: string; shop: string; secret: string; send?: (request: Request) => Promise<Response> }): DeliverWebhook {
  const send = options.send ?? ((request: Request) => fetch(request));
  return async (topic, body) => {
    const request = signedWebhook({ url: new URL("/webhooks", options.appUrl).href, topic, shop: options.shop, body, secret: options.secret });
    const webhookId = request.headers.get("X-Shopify-Webhook-Id")!;
    const response = await send(request);
    const text = await response.text();
    if (response.status !== 200) throw new Error(`the app answered ${topic} with ${response.status}: ${text.slice(0, 200)}`);
    return webhookId;
  };
}
