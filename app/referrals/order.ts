// The facts about a Shopify order that attribution needs, read from a webhook
// payload (REST shape) or a reconciliation query (GraphQL shape) into one form.
import { createHash } from "node:crypto";
import { z } from "zod";
import { DIRECT_CHANNEL, normaliseChannel } from "./channels";
import { Decimal, toDecimal } from "./money";

/** The cart/note attribute the storefront writes when a friend arrives by link. */
export const REFERRAL_ATTRIBUTE = "_referral_code";
/** The share channel of that link (its `ch`, or utm_source), written beside it. */
export const REFERRAL_CHANNEL_ATTRIBUTE = "_referral_channel";

export interface OrderFacts {
  orderId: string;
  orderName: string | null;
  createdAt: Date;
  cancelledAt: Date | null;
  test: boolean;
  customerId: string | null;
  email: string | null;
  discountCodes: string[];
  attributes: Record<string, string>;
  landingSite: string | null;
  /** The site the buyer's visit came from (Shopify's referring_site); null when unknown. */
  referringSite: string | null;
  subtotal: Decimal;
  total: Decimal;
  currencyCode: string;
  shippingAddressHash: string | null;
  /** The shipping address without its flat or unit (streetHash): another flat of the same building. */
  shippingStreetHash: string | null;
  /** The buyer's browser (browser_ip / client_details; Order.clientIp): only ever hashed (device.ts). */
  clientIp: string | null;
  userAgent: string | null;
}

const id = z.union([z.string(), z.number()]).transform(String);
const amount = z.union([z.string(), z.number()]).nullish().transform((v) => toDecimal(v ?? 0));
const address = z
  .object({
    address1: z.string().nullish(),
    address2: z.string().nullish(),
    city: z.string().nullish(),
    zip: z.string().nullish(),
    country_code: z.string().nullish(),
  })
  .nullish();

const restOrder = z.object({
  id,
  admin_graphql_api_id: z.string().startsWith("gid://shopify/Order/"),
  name: z.string().nullish(),
  created_at: z.string().nullish(),
  cancelled_at: z.string().nullish(),
  test: z.boolean().nullish(),
  email: z.string().nullish(),
  contact_email: z.string().nullish(),
  customer: z.object({ admin_graphql_api_id: z.string().nullish(), email: z.string().nullish() }).nullish(),
  discount_codes: z.array(z.object({ code: z.string() })).nullish(),
  note_attributes: z.array(z.object({ name: z.string(), value: z.union([z.string(), z.number()]).nullish() })).nullish(),
  landing_site: z.string().nullish(),
  referring_site: z.string().nullish(),
  subtotal_price: amount,
  total_price: amount,
  currency: z.string().length(3),
  shipping_address: address,
  browser_ip: z.string().nullish(),
  client_details: z.object({ browser_ip: z.string().nullish(), user_agent: z.string().nullish() }).nullish(),
});

export class OrderPayloadError extends Error {
  name = "OrderPayloadError";
}

export function orderFromWebhook(payload: unknown): OrderFacts {
  const parsed = restOrder.safeParse(payload);
  if (!parsed.success) {
    throw new OrderPayloadError(
      `order payload is missing what attribution needs: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`,
    );
  }
  const o = parsed.data;
  const attributes: Record<string, string> = {};
  for (const a of o.note_attributes ?? []) attributes[a.name] = String(a.value ?? "");
  return {
    orderId: o.admin_graphql_api_id,
    orderName: o.name ?? null,
    createdAt: o.created_at ? new Date(o.created_at) : new Date(0),
    cancelledAt: o.cancelled_at ? new Date(o.cancelled_at) : null,
    test: o.test ?? false,
    customerId: o.customer?.admin_graphql_api_id ?? null,
    email: o.email || o.contact_email || o.customer?.email || null,
    discountCodes: (o.discount_codes ?? []).map((d) => d.code),
    attributes,
    landingSite: o.landing_site ?? null,
    referringSite: o.referring_site || null,
    subtotal: o.subtotal_price,
    total: o.total_price,
    currencyCode: o.currency,
    shippingAddressHash: addressHash(o.shipping_address),
    shippingStreetHash: streetHash(o.shipping_address),
    clientIp: o.client_details?.browser_ip || o.browser_ip || null,
    userAgent: o.client_details?.user_agent || null,
  };
}

/**
 * A stable hash of a shipping address (street, city, postcode, country), so a
 * friend order shipped to the referrer's address is recognised without keeping
 * the address itself.
 */
export function addressHash(a: z.infer<typeof address>): string | null {
  if (!a?.address1) return null;
  const norm = (s: string | null | undefined) => (s ?? "").toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
  const key = [a.address1, a.address2, a.city, a.zip, a.country_code].map(norm).join("|");
  return createHash("sha256").update(key).digest("hex");
}

/** Flat, unit, suite, apartment or "#n" designators, and what follows them on the street line. */
const UNIT = /\b(?:apt|apartment|unit|flat|suite|ste|room|rm|floor|fl|no|wohnung|appartement|piso|dpto|departamento|etage)\b\.?\s*[\p{L}\p{N}-]*|#\s*[\p{L}\p{N}-]+/giu;

/**
 * A hash of the building an address is in: its street line without flat or
 * unit designators, its postcode and country (not address2, nor the city's
 * spelling). Two addresses with the same streetHash and different
 * addressHash are "near": another flat of the same building, or the same
 * address written differently.
 */
export function streetHash(a: z.infer<typeof address>): string | null {
  if (!a?.address1 || !a.zip) return null;
  const norm = (s: string | null | undefined) => (s ?? "").toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
  const street = norm(a.address1.replace(UNIT, " "));
  if (!street) return null;
  return createHash("sha256").update(["street", street, norm(a.zip), norm(a.country_code)].join("|")).digest("hex");
}

/** The referral code an order carries by link (cart attribute, or ?ref= on its landing page). */
export function linkCodeOf(order: Pick<OrderFacts, "attributes" | "landingSite">): string | null {
  const fromAttribute = order.attributes[REFERRAL_ATTRIBUTE]?.trim();
  if (fromAttribute) return fromAttribute;
  return landingParams(order.landingSite)?.get("ref")?.trim() || null;
}

/**
 * The share channel of the link an order came by: the cart attribute the embed
 * writes, or the landing page's `ch` / utm_source. Null when the order carries
 * no referral link (the code was typed).
 */
export function linkChannelOf(order: Pick<OrderFacts, "attributes" | "landingSite">): string | null {
  const code = order.attributes[REFERRAL_ATTRIBUTE]?.trim();
  const channel = order.attributes[REFERRAL_CHANNEL_ATTRIBUTE];
  if (code && channel !== undefined) return normaliseChannel(channel);
  const landing = landingParams(order.landingSite);
  if (landing?.get("ref")?.trim()) return normaliseChannel(landing.get("ch") || landing.get("utm_source"));
  return code ? DIRECT_CHANNEL : null;
}

function landingParams(landingSite: string | null): URLSearchParams | null {
  if (!landingSite) return null;
  try {
    return new URL(landingSite, "https://shop.invalid").searchParams;
  } catch {
    return null;
  }
}
