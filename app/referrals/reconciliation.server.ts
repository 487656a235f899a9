// Webhooks can be missed (Shopify says so and advises reconciling). Every hour
// this job asks the Admin API for orders updated since its last run and feeds
// those that may carry a referral into the same functions as the webhooks:
// paid orders to attribution (every rule, the shipping address included),
// cancellations and refunds to the reversal code. Each is idempotent with its
// webhook (one referral per order, one OrderRefund per refund id, conditional
// status changes), so an order or refund both paths see counts once.
//
// A run pages to the end of its window. It records where it is after every page
// (the job's payload): a run cut short (killed, or past its page budget, when
// it asks for another run at once) resumes at that cursor, and the watermark
// moves to the run's start only once every page was processed.
import type { JobContext } from "~/queue/types";
import { enqueueJob } from "~/queue/queue.server";
import { ORDER_REFUNDS, ORDERS_FOR_RECONCILIATION } from "~/shopify/documents";
import type { OrderRefundsQuery, OrdersForReconciliationQuery } from "../types/admin.generated";
import { attributeOrder } from "./attribution.server";
import { Decimal, toDecimal } from "./money";
import { addressHash, streetHash, type OrderFacts } from "./order";
import { cancelOrder } from "./cancellation.server";
import { recordRefund, type RefundFacts } from "./reversal.server";

export const RECONCILE_JOB = "reconcile-orders";
export const RECONCILE_EVERY_MS = 60 * 60_000;
// Overlap with the previous window: orders updated while the last run was paging.
const OVERLAP_MS = 15 * 60_000;
const FIRST_WINDOW_MS = 3 * 86_400_000;
// 50 orders a page: at 100 the page's requested cost (about 1,200 points) is over
// Shopify's single-query maximum of 1,000, and every run failed MAX_COST_EXCEEDED.
const PAGE_SIZE = 50;
/** Pages one run processes before it hands the rest to a fresh run (keeps each run, and its lease, short). */
export const PAGES_PER_RUN = 100;

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
  clientIp?: string | null;
  currencyCode: string;
  subtotalPriceSet?: { shopMoney: { amount: string } } | null;
  totalPriceSet: { shopMoney: { amount: string } };
  totalRefundedSet?: { shopMoney: { amount: string } } | null;
  shippingAddress?: { address1?: string | null; address2?: string | null; city?: string | null; zip?: string | null; countryCodeV2?: string | null } | null;
}

export function orderFromGraphql(o: GraphqlOrder): OrderFacts {
  const a = o.shippingAddress;
  const shipping = a ? { address1: a.address1, address2: a.address2, city: a.city, zip: a.zip, country_code: a.countryCodeV2 } : null;
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
    // Not in the GraphQL order this query reads: leak evidence of an order
    // attributed here has its cart attributes only.
    landingSite: null,
    referringSite: null,
    subtotal: toDecimal(o.subtotalPriceSet?.shopMoney.amount ?? 0),
    total: toDecimal(o.totalPriceSet.shopMoney.amount),
    currencyCode: o.currencyCode,
    // Hashed at once, as for the webhook: the address itself is not kept.
    shippingAddressHash: shipping ? addressHash(shipping) : null,
    shippingStreetHash: shipping ? streetHash(shipping) : null,
    clientIp: o.clientIp ?? null,
    // The Admin API has the order's IP, not its browser.
    userAgent: null,
  };
}

const PAID = new Set(["PAID", "PARTIALLY_REFUNDED", "REFUNDED"]);

/** The job's payload: the watermark, and the run under way (its window and the cursor of the next page). */
interface ReconcileState {
  since?: string;
  run?: { since: string; startedAt: string; after: string | null };
}

export async function reconcileOrders(ctx: JobContext): Promise<{ seen: number; fed: number; done: boolean }> {
  const { db, shop } = ctx;
  const program = await db.program.findUnique({ where: { shop }, select: { id: true } });
  if (!program) return { seen: 0, fed: 0, done: true };
  const state = parseState(ctx.payload);
  const now = ctx.now();
  const run = state.run ?? {
    since: new Date((parseTime(state.since) ?? now.getTime() - FIRST_WINDOW_MS) - OVERLAP_MS).toISOString(),
    startedAt: now.toISOString(),
    after: null,
  };
  const save = (next: ReconcileState) =>
    db.job.updateMany({ where: { shop, kind: ctx.kind, key: ctx.key }, data: { payload: JSON.stringify(next) } });
  const admin = await ctx.admin();

  let seen = 0;
  let fed = 0;
  for (let page = 0; page < PAGES_PER_RUN; page++) {
    const data: OrdersForReconciliationQuery = await admin.query(ORDERS_FOR_RECONCILIATION, {
      first: PAGE_SIZE,
      after: run.after,
      query: `updated_at:>'${run.since}'`,
    });
    for (const node of data.orders.nodes as unknown as GraphqlOrder[]) {
      seen++;
      if (await reconcileOrder(ctx, node)) fed++;
    }
    if (!data.orders.pageInfo.hasNextPage) {
      // Every order updated before this run started was seen: the next run starts here (less the overlap).
      await save({ since: run.startedAt });
      return { seen, fed, done: true };
    }
    run.after = data.orders.pageInfo.endCursor ?? null;
    await save({ since: state.since, run });
  }
  // More pages than one run should hold: a fresh run (with a fresh lease) carries on at the cursor.
  await enqueueJob(db, { shop, kind: ctx.kind, key: ctx.key, availableAt: now });
  return { seen, fed, done: false };
}

/** Feeds one order to the pipeline if it may be a referral. True when it did. */
async function reconcileOrder(ctx: JobContext, node: GraphqlOrder): Promise<boolean> {
  const { db, shop } = ctx;
  const order = orderFromGraphql(node);
  const mayBeReferral = order.discountCodes.length > 0 || Object.keys(order.attributes).length > 0;
  if (!mayBeReferral) return false;
  if (order.cancelledAt) {
    await cancelOrder(ctx, order);
  } else if (PAID.has(node.displayFinancialStatus ?? "")) {
    const known = await db.referral.findUnique({ where: { shop_orderId: { shop, orderId: order.orderId } }, select: { id: true } });
    if (!known) await attributeOrder(ctx, order);
  }
  if (toDecimal(node.totalRefundedSet?.shopMoney.amount ?? 0).greaterThan(0)) {
    for (const refund of await refundsOf(ctx, order.orderId)) await recordRefund(ctx, refund);
  }
  return true;
}

type GraphqlRefund = NonNullable<OrderRefundsQuery["order"]>["refunds"][number];

/** The order's refunds, counted as refundFromWebhook counts them. */
async function refundsOf(ctx: JobContext, orderId: string): Promise<RefundFacts[]> {
  const admin = await ctx.admin();
  const data: OrderRefundsQuery = await admin.query(ORDER_REFUNDS, { id: orderId });
  return (data.order?.refunds ?? []).map((r: GraphqlRefund) => {
    const lines = r.refundLineItems.nodes;
    let amount = new Decimal(0);
    let currencyCode: string | null = null;
    if (lines.length) {
      for (const line of lines) {
        amount = amount.plus(toDecimal(line.subtotalSet.shopMoney.amount));
        currencyCode ??= line.subtotalSet.shopMoney.currencyCode;
      }
    } else {
      for (const t of r.transactions.nodes) {
        if (t.kind !== "REFUND" || t.status !== "SUCCESS") continue;
        amount = amount.plus(toDecimal(t.amountSet.shopMoney.amount));
        currencyCode ??= t.amountSet.shopMoney.currencyCode;
      }
    }
    return { refundId: r.id, orderId, amount, currencyCode };
  });
}

function parseState(payload: unknown): ReconcileState {
  const p = (payload ?? {}) as ReconcileState;
  const run = p.run && typeof p.run.since === "string" && typeof p.run.startedAt === "string" ? p.run : undefined;
  return { since: typeof p.since === "string" ? p.since : undefined, run };
}

function parseTime(iso: string | undefined): number | null {
  const ms = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(ms) ? ms : null;
}
