// The shop's own paid orders and revenue per local day, from the Admin API,
// for the dashboard's "share of the shop's orders and revenue". Read once per
// day and kept (ShopDayTotal): a day that had ended when it was read is final;
// today's is read again once it is an hour old. The days a range lacks are read
// in one pass over the orders created in them (oldest first, 100 a page: 402 points requested, well inside the bucket), at
// most MAX_PAGES pages a load: a range with more orders than that shows no
// share rather than a wrong one.
//
// What counts is what the referral figures count: paid orders (paid, partly or
// wholly refunded, partly paid), not test orders nor cancelled ones, and
// revenue as the orders' totals less their refunds, in the shop's currency.
// Shopify gives an app with read_orders the last 60 days of orders: a range
// reaching further back is marked so, and its share is of those days only.
import { logger } from "~/ops/logger.server";
import type { Db } from "~/db.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import type { ShopOrderTotalsQuery } from "~/types/admin.generated";
import { SHOP_ORDER_TOTALS } from "~/shopify/documents";
import { Decimal, toDecimal } from "~/referrals/money";
import { addDays, localDay, startOfLocalDay } from "~/referrals/local-day";
import { daysOf, type DateRange } from "./date-range";

export const PAGE_SIZE = 100;
export const MAX_PAGES = 100;
/** Today's figure is read again once it is this old. */
export const TODAY_FRESH_MS = 60 * 60_000;
/** How far back Shopify lets an app with read_orders (not read_all_orders) see orders. */
export const ORDER_HISTORY_DAYS = 60;
const PAID = new Set(["PAID", "PARTIALLY_PAID", "PARTIALLY_REFUNDED", "REFUNDED"]);

export type ShopTotals =
  | { status: "OK"; orders: number; revenue: string; currencyCode: string; firstVisibleDay: string | null }
  | { status: "TOO_MANY_ORDERS" | "UNAVAILABLE" };

/** The shop's paid orders and revenue over `range`, reading from Shopify the days not yet kept. */
export async function shopTotals(db: Db, admin: AdminClient, shop: string, range: DateRange, now: Date, currencyCode: string, { maxPages = MAX_PAGES } = {}): Promise<ShopTotals> {
  const days = daysOf(range);
  const today = localDay(now, range.timezone);
  // Days after today have no orders; days Shopify does not show this app count as what it shows.
  const firstVisible = localDay(now.getTime() - ORDER_HISTORY_DAYS * 86_400_000, range.timezone);
  const wanted = days.filter((d) => d <= today);
  const kept = await db.shopDayTotal.findMany({ where: { shop, day: { in: wanted } } });
  const fresh = new Map(kept.filter((k) => k.complete || now.getTime() - k.fetchedAt.getTime() < TODAY_FRESH_MS).map((k) => [k.day, k]));
  const missing = wanted.filter((d) => !fresh.has(d) && d >= firstVisible);

  if (missing.length > 0) {
    const read = await readDays(admin, missing, range.timezone, maxPages);
    if (read.status !== "OK") return { status: read.status };
    for (const day of missing) {
      const t = read.byDay.get(day) ?? { orders: 0, revenue: new Decimal(0) };
      const data = { orders: t.orders, revenue: t.revenue.toFixed(4), currencyCode, complete: day < today, fetchedAt: now };
      await db.shopDayTotal.upsert({ where: { shop_day: { shop, day } }, create: { shop, day, ...data }, update: data });
      fresh.set(day, { shop, day, ...data, revenue: toDecimal(data.revenue) } as (typeof kept)[number]);
    }
  }
  let orders = 0;
  let revenue = new Decimal(0);
  for (const day of wanted) {
    const t = fresh.get(day);
    if (!t) continue;
    orders += t.orders;
    revenue = revenue.plus(toDecimal(t.revenue));
  }
  return { status: "OK", orders, revenue: revenue.toFixed(2), currencyCode, firstVisibleDay: range.fromDay < firstVisible ? firstVisible : null };
}

type DayTotal = { orders: number; revenue: Decimal };

/** One pass over the orders created from the first missing day to the end of the last, counted by local day. */
async function readDays(admin: AdminClient, missing: string[], timezone: string, maxPages: number): Promise<{ status: "OK"; byDay: Map<string, DayTotal> } | { status: "TOO_MANY_ORDERS" | "UNAVAILABLE" }> {
  const from = startOfLocalDay(missing[0], timezone);
  const to = startOfLocalDay(addDays(missing.at(-1)!, 1), timezone);
  const query = `created_at:>='${from.toISOString()}' created_at:<'${to.toISOString()}'`;
  const byDay = new Map<string, DayTotal>();
  let after: string | null = null;
  try {
    for (let page = 0; ; page++) {
      if (page >= maxPages) return { status: "TOO_MANY_ORDERS" };
      const data: ShopOrderTotalsQuery = await admin.query(SHOP_ORDER_TOTALS, { first: PAGE_SIZE, after, query });
      for (const o of data.orders.nodes) {
        if (o.test || o.cancelledAt || !PAID.has(o.displayFinancialStatus ?? "")) continue;
        const day = localDay(new Date(o.createdAt as string), timezone);
        const t = byDay.get(day) ?? { orders: 0, revenue: new Decimal(0) };
        // Shopify's current total: after refunds and returns.
        const net = toDecimal(o.currentTotalPriceSet.shopMoney.amount);
        byDay.set(day, { orders: t.orders + 1, revenue: t.revenue.plus(net) });
      }
      if (!data.orders.pageInfo.hasNextPage) return { status: "OK", byDay };
      after = data.orders.pageInfo.endCursor ?? null;
    }
  } catch (error) {
    // The dashboard shows the program's own figures without the share.
    logger.warn("shop totals: not read", { error });
    return { status: "UNAVAILABLE" };
  }
}
