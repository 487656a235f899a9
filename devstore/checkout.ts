// The dev store's shop: a small catalogue, quotes that apply a discount code
// the way Shopify's checkout does (from the discounts the app created in the
// fake Admin API; a discount of the app's function runs the function), and orders. Placing an order writes it to the fake Admin
// API's store (the app looks orders up there) and sends orders/paid; a refund
// sends refunds/create, a cancellation orders/cancelled. Payloads are
// Shopify's documented examples carrying this order's values
// (fake-shopify/payloads.ts).
import type { FakeShopify } from "../fake-shopify/fake-shopify";
import type { FakeDiscount } from "../fake-shopify/store";
import { orderCancelledPayload, orderPaidPayload, refundCreatePayload } from "../fake-shopify/payloads";
import { runDiscountFunction } from "./discount-function";
import type { DeliverWebhook } from "./webhooks";

export interface Product {
  handle: string;
  title: string;
  /** Decimal string, the shop's currency. */
  price: string;
  description: string;
}

export interface CartLine {
  handle: string;
  quantity: number;
}

export interface Cart {
  token: string;
  lines: CartLine[];
  discountCodes: string[];
  attributes: Record<string, string>;
}

export interface StoreCustomer {
  /** Numeric, as the storefront's `customer.id` and the proxy's logged_in_customer_id. */
  id: number;
  firstName: string | null;
  email: string | null;
}

export interface Quote {
  lines: { title: string; quantity: number; amount: string }[];
  /** Before the discount. */
  itemsTotal: string;
  discount: { code: string; amount: string } | null;
  /** Why the cart's code does not apply, in Shopify's words. */
  codeError: string | null;
  /** After the discount: Shopify's subtotal_price (no shipping or tax in the dev store). */
  total: string;
}

export interface PlacedOrder {
  /** The numeric id (REST `id`), also the order status page's number. */
  number: number;
  id: string;
  name: string;
  email: string;
  customerId: number;
  discount: { code: string; amount: string } | null;
  attributes: Record<string, string>;
  total: string;
  refunded: string;
  cancelled: boolean;
  createdAt: string;
}

export interface PlaceOrderInput {
  cart: Pick<Cart, "lines" | "discountCodes" | "attributes">;
  email: string;
  customer?: StoreCustomer | null;
  /** Backdated orders (the demo's history); default now. */
  createdAt?: Date;
}

export interface Commerce {
  shopName: string;
  products: Product[];
  customers(): Promise<StoreCustomer[]>;
  customer(id: number): Promise<StoreCustomer | null>;
  quote(cart: Pick<Cart, "lines" | "discountCodes">, customer?: StoreCustomer | null): Quote;
  placeOrder(input: PlaceOrderInput): Promise<{ order: PlacedOrder } | { error: string }>;
  order(number: number): PlacedOrder | undefined;
}

export const PRODUCTS: Product[] = [
  { handle: "alpine-jacket", title: "Alpine Jacket", price: "120.00", description: "Windproof, waterproof, packs into its own pocket." },
  { handle: "summit-backpack", title: "Summit Backpack", price: "85.00", description: "28 litres, a laptop sleeve and a rain cover." },
  { handle: "trail-socks", title: "Trail Socks", price: "18.00", description: "Merino wool, three pairs." },
];

const CURRENCY = "USD" as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface DevCommerce extends Commerce {
  orders(): PlacedOrder[];
  /** Refunds `amount` (default: what is left) of the order's merchandise. */
  refund(number: number, amount?: string): Promise<PlacedOrder>;
  cancel(number: number): Promise<PlacedOrder>;
}

export function devCommerce(options: { fake: FakeShopify; shop: string; shopName: string; deliver: DeliverWebhook }): DevCommerce {
  const { fake, shop, deliver } = options;
  const orders = new Map<number, PlacedOrder>();
  let nextRefund = 8_100_000_000;

  const storeCustomer = (c: { id: string; firstName: string | null; email: string | null }): StoreCustomer => ({
    id: numericId(c.id),
    firstName: c.firstName,
    email: c.email,
  });

  /**
   * `customer` is who the order will belong to (for codes limited to a
   * customer); `buyer` is who is logged in, the only customer a discount
   * function knows at checkout (a guest is not known there).
   */
  function quote(cart: Pick<Cart, "lines" | "discountCodes">, customer?: StoreCustomer | null, buyer: StoreCustomer | null = customer ?? null): Quote {
    const lines = cart.lines.flatMap((line) => {
      const product = PRODUCTS.find((p) => p.handle === line.handle);
      return product ? [{ title: product.title, quantity: line.quantity, cents: toCents(product.price) * line.quantity }] : [];
    });
    const itemsCents = lines.reduce((sum, l) => sum + l.cents, 0);
    const code = cart.discountCodes[0];
    let discount: Quote["discount"] = null;
    let codeError: string | null = null;
    if (code) {
      const applied = applyCode(code, itemsCents, customer ?? null, buyer);
      if ("error" in applied) codeError = applied.error;
      else discount = { code: applied.code, amount: fromCents(applied.cents) };
    }
    const total = itemsCents - (discount ? toCents(discount.amount) : 0);
    return {
      lines: lines.map((l) => ({ title: l.title, quantity: l.quantity, amount: fromCents(l.cents) })),
      itemsTotal: fromCents(itemsCents),
      discount,
      codeError,
      total: fromCents(total),
    };
  }

  /** What Shopify's checkout takes off for `code`, from the discount as the app configured it. */
  function applyCode(code: string, itemsCents: number, customer: StoreCustomer | null, buyer: StoreCustomer | null): { code: string; cents: number } | { error: string } {
    const state = fake.shop(shop);
    const found = state.findByCode(code);
    const invalid = { error: `Enter a valid discount code (${code} is not one).` };
    if (!found || state.status(found.discount) !== "ACTIVE") return invalid;
    const d: FakeDiscount = found.discount;
    const exact = d.codes.find((c) => c.id === found.codeId)!.code;
    // Shopify counts a usage limit over the whole discount (a single-use friend code is a discount of its own).
    if (state.usedUp(d)) return { error: `${exact} has already been used.` };
    if (d.typename === "DiscountCodeApp") {
      // A discount of the app's function: Shopify runs the function's code (devstore/discount-function.ts).
      const ran = runDiscountFunction({ state, discount: d, code: exact, itemsCents, currency: CURRENCY, buyer: buyer ? `gid://shopify/Customer/${buyer.id}` : null });
      return "error" in ran ? ran : { code: exact, cents: ran.cents };
    }
    if (d.customers && !(customer && d.customers.includes(`gid://shopify/Customer/${customer.id}`))) {
      return { error: `${exact} is not available to you: log in as the customer it was issued to.` };
    }
    if (d.minimumSubtotalCents !== null && itemsCents < d.minimumSubtotalCents) {
      return { error: `${exact} needs a subtotal of at least $${fromCents(d.minimumSubtotalCents)}.` };
    }
    const value = (d.customerGets as { value?: { percentage?: number | null; discountAmount?: { amount?: string } | null } } | null)?.value;
    let cents = 0;
    if (value?.percentage != null) cents = Math.round(itemsCents * value.percentage);
    else if (value?.discountAmount?.amount != null) cents = Math.min(itemsCents, toCents(String(value.discountAmount.amount)));
    return { code: exact, cents };
  }

  async function placeOrder(input: PlaceOrderInput): Promise<{ order: PlacedOrder } | { error: string }> {
    const email = input.email.trim();
    if (!EMAIL.test(email)) return { error: "Enter a valid email address." };
    if (!input.cart.lines.length) return { error: "Your cart is empty." };
    const state = fake.shop(shop);
    // Shopify attaches every checkout with an email to a customer, creating one if needed.
    const known = input.customer ? state.customers.get(`gid://shopify/Customer/${input.customer.id}`) : state.customerByEmail(email);
    const customer = known ?? fake.seedCustomer(shop, { email, firstName: email.split("@")[0].replace(/^./, (c) => c.toUpperCase()) });
    const q = quote(input.cart, storeCustomer(customer), input.customer ?? null);
    if (q.codeError) return { error: q.codeError };
    const createdAt = (input.createdAt ?? new Date()).toISOString();
    const attributes = { ...input.cart.attributes };
    const fakeOrder = fake.seedOrder(shop, {
      createdAt,
      email,
      customerId: customer.id,
      discountCodes: q.discount ? [q.discount.code] : [],
      customAttributes: Object.entries(attributes).map(([key, value]) => ({ key, value })),
      subtotal: q.total,
      total: q.total,
      // What the buyer saved, as Shopify's totalDiscountsSet (the thank-you block says "you saved $12").
      totalDiscounts: q.discount?.amount ?? "0.00",
      currencyCode: CURRENCY,
    });
    customer.numberOfOrders++;
    if (q.discount) {
      const used = state.findByCode(q.discount.code);
      if (used) used.discount.usageCount++;
    }
    const order: PlacedOrder = {
      number: numericId(fakeOrder.id),
      id: fakeOrder.id,
      name: fakeOrder.name,
      email,
      customerId: numericId(customer.id),
      discount: q.discount,
      attributes,
      total: q.total,
      refunded: "0.00",
      cancelled: false,
      createdAt,
    };
    orders.set(order.number, order);
    const payload = orderPaidPayload({
      ...orderFields(order),
      firstName: customer.firstName ?? undefined,
      lastName: customer.lastName ?? undefined,
      noteAttributes: Object.entries(attributes).map(([name, value]) => ({ name, value })),
      createdAt,
      name: order.name,
    });
    await deliver("orders/paid", payload);
    return { order };
  }

  function orderFields(order: PlacedOrder) {
    return {
      orderId: order.number,
      customerId: order.customerId,
      email: order.email,
      discountCodes: order.discount ? [{ code: order.discount.code, amount: order.discount.amount, type: "percentage" as const }] : [],
      subtotal: order.total,
      total: order.total,
      currency: CURRENCY,
    };
  }

  function mustFind(number: number): PlacedOrder {
    const order = orders.get(number);
    if (!order) throw new DevStoreError(404, `No order ${number} in the dev store.`);
    return order;
  }

  return {
    shopName: options.shopName,
    products: PRODUCTS,
    async customers() {
      return [...fake.shop(shop).customers.values()].filter((c) => c.email).map(storeCustomer);
    },
    async customer(id) {
      const c = fake.shop(shop).customers.get(`gid://shopify/Customer/${id}`);
      return c ? storeCustomer(c) : null;
    },
    quote,
    placeOrder,
    order: (number) => orders.get(number),
    orders: () => [...orders.values()],

    async refund(number, amount) {
      const order = mustFind(number);
      if (order.cancelled) throw new DevStoreError(409, `Order ${order.name} is cancelled.`);
      const leftCents = toCents(order.total) - toCents(order.refunded);
      const cents = amount === undefined ? leftCents : parseAmount(amount);
      if (cents <= 0 || cents > leftCents) {
        throw new DevStoreError(400, `Refund between 0.01 and ${fromCents(leftCents)} (what is left of ${order.name}).`);
      }
      order.refunded = fromCents(toCents(order.refunded) + cents);
      const fakeOrder = fake.shop(shop).orders.find((o) => o.id === order.id)!;
      const refunded = toCents(order.refunded);
      Object.assign(fakeOrder, {
        totalRefunded: order.refunded,
        currentSubtotal: fromCents(toCents(order.total) - refunded),
        displayFinancialStatus: refunded === toCents(order.total) ? "REFUNDED" : "PARTIALLY_REFUNDED",
        updatedAt: new Date().toISOString(),
      });
      await deliver("refunds/create", refundCreatePayload({ orderId: order.number, refundId: ++nextRefund, amount: fromCents(cents), currency: CURRENCY }));
      return order;
    },

    async cancel(number) {
      const order = mustFind(number);
      if (order.cancelled) throw new DevStoreError(409, `Order ${order.name} is already cancelled.`);
      order.cancelled = true;
      const cancelledAt = new Date().toISOString();
      Object.assign(fake.shop(shop).orders.find((o) => o.id === order.id)!, { cancelledAt, updatedAt: cancelledAt });
      await deliver("orders/cancelled", orderCancelledPayload({ ...orderFields(order), cancelledAt, name: order.name, createdAt: order.createdAt }));
      return order;
    },
  };
}

/** A refusal the control API answers with its status and message. */
export class DevStoreError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "DevStoreError";
  }
}

const numericId = (gid: string) => Number(gid.split("/").pop());

function parseAmount(amount: string): number {
  if (!/^\d+(\.\d{1,2})?$/.test(amount)) throw new DevStoreError(400, `amount must be a decimal string like "12.50", not ${JSON.stringify(amount)}.`);
  return toCents(amount);
}

function toCents(decimal: string): number {
  const [whole, fraction = ""] = decimal.split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0").slice(0, 2));
}

function fromCents(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}
