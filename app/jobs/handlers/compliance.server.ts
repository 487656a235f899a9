// The three mandatory compliance webhooks. Shopify relays a customer's or a
// merchant's privacy request; the app must answer it for real (App Store
// requirement). The work itself lives in app/referrals/privacy.server.ts.
import { recordCustomerDataRequest, redactCustomer, redactShop } from "~/referrals/privacy.server";
import { InvalidPayloadError } from "~/queue/types";
import { webhookTopic } from "../webhook-payloads";

// The payload's shape and its shop (it must name the delivery's: a body naming
// another shop is not a request to act on this one's data) are checked by
// webhookTopic; what remains is who the customer is.
function customerOf(payload: Record<string, unknown>, { topic }: { topic: string }) {
  const customer = payload.customer as { id?: string | number | null; email?: string | null };
  if (customer.id == null && !customer.email) throw new InvalidPayloadError(`${topic} names no customer id or email`);
  return { customerId: customer.id ?? null, email: customer.email ?? null };
}

/** customers/data_request: the report is stored for the merchant, who sends it to the customer. */
export const customersDataRequest = webhookTopic("customers/data_request", customerOf, async (ctx, customer) => {
  await recordCustomerDataRequest(ctx.db, { shop: ctx.shop, ...customer, cause: ctx.cause, now: ctx.now() });
});

/** customers/redact: about 10 days after the customer asked, erase them. */
export const customersRedact = webhookTopic("customers/redact", customerOf, async (ctx, customer) => {
  await redactCustomer(ctx.db, { shop: ctx.shop, ...customer, cause: ctx.cause, now: ctx.now(), currentWebhookId: ctx.webhookId });
});

/** shop/redact: 48 hours after uninstalling, the shop's data goes, all of it. */
export const shopRedact = webhookTopic("shop/redact", () => null, async (ctx) => {
  await redactShop(ctx.db, { shop: ctx.shop, currentWebhookId: ctx.webhookId });
});
