// The Delivery problems page and retention: what failed or could not be read
// is shown with its reason and can be retried; nothing is kept forever. Through
// the real webhook route, worker (with the app's maintenance tasks) and admin route.
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import { createWorker } from "~/jobs/worker.server";
import { jobHandlers, maintenanceTasks, webhookHandlers } from "~/jobs/registry.server";
import { rebuildDailyStats } from "~/referrals/daily-stats.server";
import { recordClick } from "~/storefront/link-events.server";
import * as page from "~/routes/app.delivery-problems";
import * as referrerPage from "~/routes/app.referrers.$id";
import * as home from "~/routes/app._index";
import { act, installShop, load, thrownStatus } from "../helpers/admin-request";
import { sendOrder } from "../helpers/admin-seed";
import { testClock } from "../helpers/admin";
import { DAY, usePipeline } from "../helpers/pipeline";
import { uniqueShop } from "../helpers/shops";

const pipeline = usePipeline();
const quiet = { info() {}, warn() {} };

/** A worker whose Shopify is unreachable and which gives up at once: what it runs dies. */
function failingWorker() {
  return createWorker({
    db,
    webhookHandlers,
    jobHandlers,
    now: () => new Date(testClock.now()),
    maxAttempts: 1,
    logger: quiet,
    admin: async () => {
      throw new Error("Shopify could not be reached (connect ETIMEDOUT)");
    },
  });
}

/** The admin route stamps a retried row with the real clock: the workers' test clock must not be behind it. */
function catchUpWithRealTime() {
  testClock.ms = Math.max(testClock.ms, Date.now() + 1000);
}

/** A worker running only the app's maintenance tasks (retention among them) at `at`. */
async function housekeepingAt(at: Date) {
  const worker = createWorker({ db, webhookHandlers: new Map(), jobHandlers: new Map(), maintenance: maintenanceTasks, now: () => at, logger: quiet });
  await worker.runOnce();
}

describe("delivery problems", () => {
  it("shows a failed order update with its reason; retrying it runs it again, once", async () => {
    const p = await pipeline.setupShop({ holdDays: 30 });
    const { orderId } = await sendOrder(p, p.referrer.code, { email: "friend@example.com", subtotal: "80.00" });
    await failingWorker().runOnce();

    const shown = await load(page.loader, p.shop, "/app/delivery-problems");
    expect(shown.deliveryCount).toBe(1);
    expect(shown.deliveries[0]).toMatchObject({ topic: "orders/paid", status: "DEAD", attempts: 1, retryable: true });
    expect(shown.deliveries[0].lastError).toContain("Shopify could not be reached");
    expect(await p.referral(`gid://shopify/Order/${orderId}`)).toBeNull();

    const retried = await act(page.action, p.shop, "/app/delivery-problems", { intent: "retry-delivery", id: shown.deliveries[0].id });
    expect(retried).toMatchObject({ status: 200, data: { ok: true } });
    catchUpWithRealTime();
    await p.drain();
    expect(await p.referral(`gid://shopify/Order/${orderId}`)).toMatchObject({ status: "PENDING" });
    expect((await load(page.loader, p.shop, "/app/delivery-problems")).deliveryCount).toBe(0);
    // A second retry of the same row finds nothing dead to retry.
    expect(await act(page.action, p.shop, "/app/delivery-problems", { intent: "retry-delivery", id: shown.deliveries[0].id })).toMatchObject({ status: 409, data: { ok: false } });
    expect(await db.auditEvent.count({ where: { shop: p.shop, action: "delivery.retried" } })).toBe(1);
  });

  it("shows an unreadable update (never retried) and a failed job (retried)", async () => {
    const p = await pipeline.setupShop();
    // Signed, but not an order: the worker parks it INVALID with the reason.
    await p.send("orders/paid", { id: "not-a-number", note: "no line items, no totals" });
    await p.drain();
    // A code sync that dies: Shopify unreachable.
    await db.referrer.updateMany({ where: { shop: p.shop }, data: { codeSyncedAt: null } });
    await db.job.updateMany({ where: { shop: p.shop, kind: "sync-codes" }, data: { status: "PENDING", availableAt: new Date(0) } });
    await failingWorker().runOnce();

    const shown = await load(page.loader, p.shop, "/app/delivery-problems");
    expect(shown.deliveries).toEqual([expect.objectContaining({ status: "INVALID", retryable: false, lastError: expect.any(String) })]);
    expect(shown.jobs).toEqual([expect.objectContaining({ kind: "sync-codes", lastError: expect.stringContaining("Shopify could not be reached") })]);

    const refused = await act(page.action, p.shop, "/app/delivery-problems", { intent: "retry-delivery", id: shown.deliveries[0].id });
    expect(refused).toMatchObject({ status: 409, data: { ok: false } });
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: shown.deliveries[0].id } })).toMatchObject({ status: "INVALID" });

    expect(await act(page.action, p.shop, "/app/delivery-problems", { intent: "retry-job", id: shown.jobs[0].id })).toMatchObject({ status: 200, data: { ok: true } });
    catchUpWithRealTime();
    await p.drain();
    expect(await db.job.findUniqueOrThrow({ where: { id: shown.jobs[0].id } })).toMatchObject({ status: "DONE" });
    expect(await db.referrer.count({ where: { shop: p.shop, codeSyncedAt: null } })).toBe(0);
  });

  it("answers another shop's problem 404 and changes nothing", async () => {
    const p = await pipeline.setupShop();
    await sendOrder(p, p.referrer.code, { email: "friend@example.com", subtotal: "80.00" });
    await failingWorker().runOnce();
    const [dead] = (await load(page.loader, p.shop, "/app/delivery-problems")).deliveries;
    const other = uniqueShop("other");
    await installShop(other);
    expect((await load(page.loader, other, "/app/delivery-problems")).deliveryCount).toBe(0);
    for (const intent of ["retry-delivery", "retry-job"]) {
      expect(await thrownStatus(() => act(page.action, other, "/app/delivery-problems", { intent, id: dead.id }))).toBe(404);
    }
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: dead.id } })).toMatchObject({ status: "DEAD" });
  });
});

describe("retention", () => {
  it("drops processed deliveries after 30 days, failed ones after 90, and old link events without losing their counts", async () => {
    const p = await pipeline.setupShop({ holdDays: 0 });
    await sendOrder(p, p.referrer.code, { email: "friend@example.com", subtotal: "80.00" });
    await p.drain();
    await sendOrder(p, p.referrer.code, { email: "second@example.com", subtotal: "50.00" });
    await failingWorker().runOnce();
    for (let i = 0; i < 3; i++) await recordClick(db, { shop: p.shop, code: p.referrer.code, channel: "whatsapp" });
    const start = new Date(testClock.now());
    const deliveries = () => db.webhookDelivery.groupBy({ by: ["status"], where: { shop: p.shop }, _count: { _all: true } });
    const clicksShown = async () => (await load(referrerPage.loader, p.shop, `/app/referrers/${p.referrer.id}`, { id: p.referrer.id })).stats.clicks;
    const dashboardClicks = async () => (await db.dailyStat.aggregate({ where: { shop: p.shop }, _sum: { clicks: true } }))._sum.clicks;
    expect(await clicksShown()).toBe(3);

    await housekeepingAt(new Date(start.getTime() + 10 * DAY));
    expect(await deliveries()).toEqual(expect.arrayContaining([expect.objectContaining({ status: "DONE" }), expect.objectContaining({ status: "DEAD" })]));

    await housekeepingAt(new Date(start.getTime() + 31 * DAY));
    expect((await deliveries()).map((d) => d.status)).toEqual(["DEAD"]);
    expect(await db.job.count({ where: { shop: p.shop, status: "DONE" } })).toBe(0);

    await housekeepingAt(new Date(start.getTime() + 92 * DAY));
    expect(await deliveries()).toEqual([]);
    expect(await db.linkEvent.count({ where: { shop: p.shop } })).toBe(0);
    // The counts outlive the rows, also through a rebuild of the daily totals.
    expect(await clicksShown()).toBe(3);
    expect(await dashboardClicks()).toBe(3);
    // The first-run checklist still knows the embed works (a link was clicked).
    expect(await load(home.loader, p.shop, "/app")).toMatchObject({ theme: { source: "INFERRED", embedOn: true } });
    await rebuildDailyStats(db, p.shop);
    expect(await dashboardClicks()).toBe(3);
    // The merchant's records stay.
    expect(await db.referral.count({ where: { shop: p.shop } })).toBe(1);
    expect(await db.auditEvent.count({ where: { shop: p.shop } })).toBeGreaterThan(0);

    await housekeepingAt(new Date(start.getTime() + 731 * DAY));
    expect(await db.auditEvent.count({ where: { shop: p.shop } })).toBe(0);
    expect(await db.referral.count({ where: { shop: p.shop } })).toBe(1);
  });
});
