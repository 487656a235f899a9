// Webhooks can be missed (Shopify says so and advises reconciling). Every hour
// this job asks the Admin API for orders updated since its last run and feeds
// those that carry a referral code into the same pipeline as the webhooks:
// attribution is idempotent per order, so an order both paths see counts once.
// Refunds are left to refunds/create (the orders query gives a total, not refunds).
import type { JobContext } from "../jobs/types";
import { ORDERS_FOR_RECONCILIATION } from "../shopify/documents";
import type { OrdersForReconciliationQuery } from "../types/admin.generated";
import { attributeOrder } from "./attribution.server";
import { toDecimal } from "./money";
import type { OrderFacts } from "./order";
import { cancelOrder } from "./reversal.server";

export const RECONCILE_JOB = "reconcile-orders";
export const RECONCILE_EVERY_MS = 60 * 60_000;
// Overlap with the previous window: orders updated while the last run was paging.
const OVERLAP_MS = 15 * 60_000;
const FIRST_WINDOW_MS = 3 * 86_400_000;
// 50 orders a page: at 100 the page's requested cost (about 1,200 points) is over
// Shopify's single-query maximum of 1,000, and every run failed MAX_COST_EXCEEDED.
const PAGE_SIZE = 50;
const MAX_PAGES = 100;

interface GraphqlOrder {
  id: string;
  name: string;
  createdAt: string;
  cancelledAt?: string | null;
  test: boolean;
  displayFinancialStatus?: string | null;
  discountCodes: string[];
  customAttributes: { key: string; value?: string | null }[];
  customer?: { id: string } | null;
  email?: string | null;
  currencyCode: string;
  subtotalPriceSet?: { shopMoney: { amount: string } } | null;
  totalPriceSet: { shopMoney: { amount: string } };
}

export function orderFromGraphql(o: GraphqlOrder): OrderFacts {
  return {
    orderId: o.id,
    orderName: o.name,
    createdAt: new Date(o.createdAt),
    cancelledAt: o.cancelledAt ? new Date(o.cancelledAt) : null,
    test: o.test,
    customerId: o.customer?.id ?? null,
    email: o.email ?? null,
    discountCodes: o.discountCodes,
    attributes: Object.fromEntries(o.customAttributes.map((a) => [a.key, a.value ?? ""])),
    landingSite: null,
    subtotal: toDecimal(o.subtotalPriceSet?.shopMoney.amount ?? 0),
    total: toDecimal(o.totalPriceSet.shopMoney.amount),
    currencyCode: o.currencyCode,
    // Not in the query: shipping addresses are personal data the reconciliation does not need to hold.
    shippingAddressHash: null,
  };
}

const PAID = new Set(["PAID", "PARTIALLY_REFUNDED", "REFUNDED"]);

export async function reconcileOrders(ctx: JobContext): Promise<{ seen: number; fed: number }> {
  const { db, shop } = ctx;
  const program = await db.program.findUnique({ where: { shop }, select: { id: true } });
  if (!program) return { seen: 0, fed: 0 };
  const now = ctx.now();
  const previous = parseWatermark(ctx.payload);
  const since = new Date((previous ?? now.getTime() - FIRST_WINDOW_MS) - OVERLAP_MS);
  const admin = await ctx.admin();

  let seen = 0;
  let fed = 0;
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const data: OrdersForReconciliationQuery = await admin.query(ORDERS_FOR_RECONCILIATION, {
      first: PAGE_SIZE,
      after,
      query: `updated_at:>'${since.toISOString()}'`,
    });
    for (const node of data.orders.nodes as unknown as GraphqlOrder[]) {
      seen++;
      const order = orderFromGraphql(node);
      const mayBeReferral = order.discountCodes.length > 0 || Object.keys(order.attributes).length > 0;
      if (!mayBeReferral) continue;
      const known = await db.referral.findUnique({ where: { shop_orderId: { shop, orderId: order.orderId } }, select: { id: true, status: true } });
      if (order.cancelledAt) {
        await cancelOrder(ctx, order);
        fed++;
      } else if (!known && PAID.has(node.displayFinancialStatus ?? "")) {
        await attributeOrder(ctx, order);
        fed++;
      }
    }
    if (!data.orders.pageInfo.hasNextPage) break;
    after = data.orders.pageInfo.endCursor ?? null;
  }
  // The next run starts where this one did (less the overlap).
  await db.job.updateMany({ where: { shop, kind: ctx.kind, key: ctx.key }, data: { payload: JSON.stringify({ since: now.toISOString() }) } });
  return { seen, fed };
}

function parseWatermark(payload: unknown): number | null {
  const since = (payload as { since?: string } | null)?.since;
  const ms = since ? Date.parse(since) : NaN;
  return Number.isFinite(ms) ? ms : null;
}
