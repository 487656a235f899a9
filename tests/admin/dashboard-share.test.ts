// The dashboard's share of the shop's sales, through the dashboard's loader
// (an authenticated admin request) and the fake Admin API's orders: the shop's
// own paid orders and revenue in the range, read from Shopify once per day and
// kept; test, cancelled and unpaid orders left out; refunds taken off; the
// previous period beside it; a Shopify failure or too many orders shown as
// such, never a wrong share.
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import { PAGE_SIZE, shopTotals } from "~/admin/shop-totals.server";
import { parseDateRange } from "~/admin/date-range";
import { testAdminClient, testClock } from "../helpers/admin";
import * as dashboard from "~/routes/app.dashboard";
import { addDays, localDay } from "~/referrals/local-day";
import { load } from "../helpers/admin-request";
import { seedShopActivity } from "../helpers/admin-seed";
import { usePipeline } from "../helpers/pipeline";

const pipeline = usePipeline();
const ZONE = "America/New_York";
const today = () => localDay(new Date(), ZONE);
/** Noon of a local day (New York is UTC-5 or -4): safely inside it. */
const noonOf = (day: string) => `${day}T17:00:00.000Z`;

describe("the share of the shop's sales", () => {
  it("counts the shop's paid orders and revenue after refunds, keeps each day, and compares with the period before", async () => {
    const p = await seedShopActivity(pipeline);
    const seed = (day: string, o: Partial<Parameters<typeof pipeline.shopify.fake.seedOrder>[1]> = {}) =>
      pipeline.shopify.fake.seedOrder(p.shop, { subtotal: "50.00", total: "50.00", createdAt: noonOf(day), discountCodes: [], customAttributes: [], ...o });
    const d = today();
    for (let i = 0; i < 18; i++) seed(d);
    seed(addDays(d, -3), { total: "100.00", totalRefunded: "40.00", displayFinancialStatus: "PARTIALLY_REFUNDED" });
    seed(addDays(d, -3), { total: "70.00", totalRefunded: "70.00", displayFinancialStatus: "REFUNDED" });
    // Not counted: a test order, a cancelled one, one not paid.
    seed(d, { test: true });
    seed(d, { cancelledAt: noonOf(d), displayFinancialStatus: "VOIDED" });
    seed(d, { displayFinancialStatus: "PENDING" });
    // The period before (the 30 days before the last 30): 4 orders of 25.00.
    for (let i = 0; i < 4; i++) seed(addDays(d, -40), { total: "25.00" });

    const calls = () => pipeline.shopify.fake.callsTo("ShopOrderTotals").length;
    const before = calls();
    const { data, share } = await load(dashboard.loader, p.shop, "/app/dashboard");
    expect(data).toMatchObject({ orders: 6, revenue: "465.00" });
    // 18 x 50 + (100 - 40) + (70 - 70) = 960.00 over 20 paid orders.
    expect(share.status).toBe("OK");
    expect(share.now).toEqual({ orders: 6, shopOrders: 20, revenue: "465.00", shopRevenue: "960.00", orderShare: 6 / 20, revenueShare: 465 / 960 });
    expect(share.before).toMatchObject({ orders: 0, shopOrders: 4, shopRevenue: "100.00", orderShare: 0, revenueShare: 0 });
    expect(share.firstVisibleDay).toBeNull();
    // One pass over each period's orders.
    expect(calls() - before).toBe(2);
    expect(await db.shopDayTotal.count({ where: { shop: p.shop } })).toBe(60);

    // Kept: loading again asks Shopify nothing (today's figure is under an hour old).
    testClock.advance(20_000);
    const again = await load(dashboard.loader, p.shop, "/app/dashboard");
    expect(again.share.now).toEqual(share.now);
    expect(calls() - before).toBe(2);
    // Today's figure is read again once it is an hour old; past days never.
    await db.shopDayTotal.updateMany({ where: { shop: p.shop }, data: { fetchedAt: new Date(Date.now() - 2 * 3_600_000) } });
    seed(d);
    testClock.advance(20_000);
    const later = await load(dashboard.loader, p.shop, "/app/dashboard");
    expect(later.share.now).toMatchObject({ shopOrders: 21, shopRevenue: "1010.00" });
    expect(pipeline.shopify.fake.callsTo("ShopOrderTotals").slice(-1)[0].variables).toMatchObject({ query: expect.stringMatching(/^created_at:>='[^']+' created_at:<'[^']+'$/) });
    // Other shops' totals are their own.
    const other = await seedShopActivity(pipeline);
    testClock.advance(20_000);
    expect((await load(dashboard.loader, other.shop, "/app/dashboard")).share.now).toMatchObject({ shopOrders: 0, orderShare: null });
  });

  it("says when the range reaches past the 60 days of orders Shopify shows the app", async () => {
    const p = await seedShopActivity(pipeline);
    const from = addDays(today(), -90);
    const { share } = await load(dashboard.loader, p.shop, `/app/dashboard?from=${from}&to=${today()}`);
    expect(share.status).toBe("OK");
    expect(share.firstVisibleDay).toBe(localDay(Date.now() - 60 * 86_400_000, ZONE));
    // Days Shopify does not show are not kept as zero.
    expect(await db.shopDayTotal.count({ where: { shop: p.shop, day: { lt: share.firstVisibleDay! } } })).toBe(0);
  });

  it("shows no share, and the program's own figures, when Shopify fails or the range holds too many orders", async () => {
    const p = await seedShopActivity(pipeline);
    pipeline.shopify.fake.faults.queue("ShopOrderTotals", ...Array.from({ length: 10 }, () => ({ kind: "http5xx" as const, status: 503 })));
    const failed = await load(dashboard.loader, p.shop, "/app/dashboard");
    expect(failed.data.orders).toBe(6);
    expect(failed.share).toMatchObject({ status: "UNAVAILABLE", now: null, before: null });
    expect(await db.shopDayTotal.count({ where: { shop: p.shop } })).toBe(0);
    pipeline.shopify.fake.faults.clear();

    // More orders than the pages a load may read (here 2 pages): no share rather than a short one, and nothing kept.
    const d = today();
    for (let i = 0; i <= 2 * PAGE_SIZE; i++) pipeline.shopify.fake.seedOrder(p.shop, { subtotal: "1.00", createdAt: noonOf(d), discountCodes: [], customAttributes: [] });
    testClock.advance(20_000);
    const range = parseDateRange(new URLSearchParams(), new Date(), ZONE);
    const busy = await shopTotals(db, await testAdminClient(p.shop), p.shop, range, new Date(), "USD", { maxPages: 2 });
    expect(busy).toEqual({ status: "TOO_MANY_ORDERS" });
    expect(await db.shopDayTotal.count({ where: { shop: p.shop } })).toBe(0);
    expect(await shopTotals(db, await testAdminClient(p.shop), p.shop, range, new Date(), "USD", { maxPages: 3 })).toMatchObject({ status: "OK", orders: 2 * PAGE_SIZE + 1 });
  });
});
