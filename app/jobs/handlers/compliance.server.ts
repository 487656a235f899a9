// The three mandatory compliance webhooks. Shopify relays a customer's or a
// merchant's privacy request; the app must answer it for real (App Store
// requirement). The work itself lives in app/referrals/privacy.server.ts.
import { z } from "zod";
import { recordCustomerDataRequest, redactCustomer, redactShop } from "~/referrals/privacy.server";
import { PermanentError, type WebhookContext, type WebhookHandler } from "~/queue/types";

const id = z.union([z.number().int(), z.string().min(1)]);

const customerRequestSchema = z.object({
  shop_domain: z.string().nullish(),
  customer: z.object({ id: id.nullish(), email: z.string().nullish() }),
});

const shopRequestSchema = z.object({ shop_domain: z.string().nullish() });

function parse<T extends z.ZodTypeAny>(ctx: WebhookContext, schema: T): z.infer<T> {
  const parsed = schema.safeParse(ctx.payload);
  if (!parsed.success) throw new PermanentError(`${ctx.topic} payload is incomplete: ${parsed.error.issues[0]?.message}`);
  // The shop comes from the verified headers; a body naming another shop is not
  // a request to act on this one's data.
  const domain = (parsed.data as { shop_domain?: string | null }).shop_domain;
  if (domain && domain !== ctx.shop) {
    throw new PermanentError(`${ctx.topic} payload names ${domain}, but the delivery is for ${ctx.shop}`);
  }
  return parsed.data;
}

function customerOf(ctx: WebhookContext) {
  const { customer } = parse(ctx, customerRequestSchema);
  if (customer.id == null && !customer.email) throw new PermanentError(`${ctx.topic} names no customer id or email`);
  return { shop: ctx.shop, customerId: customer.id ?? null, email: customer.email ?? null };
}

/** customers/data_request: the report is stored for the merchant, who sends it to the customer. */
export const customersDataRequest: WebhookHandler = async (ctx) => {
  await recordCustomerDataRequest(ctx.db, { ...customerOf(ctx), cause: ctx.cause, now: ctx.now() });
};

/** customers/redact: about 10 days after the customer asked, erase them. */
export const customersRedact: WebhookHandler = async (ctx) => {
  await redactCustomer(ctx.db, { ...customerOf(ctx), cause: ctx.cause, now: ctx.now(), currentWebhookId: ctx.webhookId });
};

/** shop/redact: 48 hours after uninstalling, the shop's data goes, all of it. */
export const shopRedact: WebhookHandler = async (ctx) => {
  parse(ctx, shopRequestSchema);
  await redactShop(ctx.db, { shop: ctx.shop, currentWebhookId: ctx.webhookId });
};
