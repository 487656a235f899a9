// The dashboard's figures for a date range, and inviting existing customers
// through a Shopify bulk operation (JSONL), including a resumed run.
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import { runInvite } from "~/referrals/invites.server";
import { localDay } from "~/referrals/local-day";
import * as dashboard from "~/routes/app.dashboard";
import * as invite from "~/routes/app.invite";
import { customerExportQuery } from "~/shopify/customer-export";
import { adminSchema } from "../../fake-shopify/schema";
import { parse, validate } from "graphql";
import { testAdminClient, testClock } from "../helpers/admin";
import { act, installShop, load } from "../helpers/admin-request";
import { seedShopActivity } from "../helpers/admin-seed";
import { usePipeline } from "../helpers/pipeline";
import { uniqueShop } from "../helpers/shops";

const pipeline = usePipeline();
// The fake shop's time zone: the dashboard's days are its days.
const today = () => localDay(new Date(), "America/New_York");

describe("dashboard", () => {
  it("sums the range: referrers, clicks, orders, revenue, rewards and their cost, ROI, funnel, channels, top referrers", async () => {
    const p = await seedShopActivity(pipeline);
    const { data, range } = await load(dashboard.loader, p.shop, "/app/dashboard");
    expect(range.to).toBe(today());
    expect(data).toMatchObject({ currencyCode: "USD", referrers: 2, clicks: 8, orders: 6, rewarded: 3, revenue: "465.00", rewardsIssued: 3 });
    // Three 10% reward codes, costed at the average referred order (465 / 6 = 77.50).
    expect(data.percentCostBasis).toBe("77.50");
    expect(data.rewardsCost).toBe("23.25");
    expect(data.roi).toBeCloseTo(20, 5);
    // The seeded orders typed their codes: no link, no channel.
    expect(data.channels[0]).toEqual({ channel: "", shares: 0, clicks: 0, orders: 6, revenue: "465.00", conversion: null });
    expect(data.channels[1]).toEqual({ channel: "whatsapp", shares: 2, clicks: 4, orders: 0, revenue: "0.00", conversion: 0 });
    // The funnel's steps: every referred order here had a typed code, none came by a link.
    expect(data.shares).toBe(data.channels.reduce((n, c) => n + c.shares, 0));
    expect(data.linkOrders).toBe(0);
    expect(data.topReferrers[0]).toMatchObject({ id: p.referrer.id, orders: 4, revenue: "345.00" });
    expect(data.series).toHaveLength(30);
    expect(data.series.at(-1)).toMatchObject({ day: today(), orders: 6 });
    expect(data.series.reduce((n, d) => n + d.clicks, 0)).toBe(8);
  });

  it("compares the headline figures with the same number of days just before", async () => {
    const p = await seedShopActivity(pipeline);
    const day = (offset: number) => localDay(new Date(Date.now() + offset * 86_400_000), "America/New_York");
    const headline = (d: { referrers: number; clicks: number; orders: number; revenue: string; rewardsIssued: number }) => ({
      referrers: d.referrers,
      clicks: d.clicks,
      orders: d.orders,
      revenue: d.revenue,
      rewardsIssued: d.rewardsIssued,
    });
    // Today against yesterday, and tomorrow's two days against yesterday and today: each "before" is that range's own figures.
    // Each load reads the shop's own order totals (402 points a page): the fake
    // bucket refills on the test clock, so let it refill between loads.
    const loadDashboard = async (url: string) => {
      testClock.advance(20_000);
      return load(dashboard.loader, p.shop, url);
    };
    for (const [from, to, beforeFrom, beforeTo] of [
      [day(0), day(0), day(-1), day(-1)],
      [day(1), day(2), day(-1), day(0)],
    ]) {
      const shown = await loadDashboard(`/app/dashboard?from=${from}&to=${to}`);
      const before = await loadDashboard(`/app/dashboard?from=${beforeFrom}&to=${beforeTo}`);
      expect(shown.previous).toEqual({ from: beforeFrom, to: beforeTo, ...headline(before.data) });
    }
    // The seeded orders are today's: the two days ending today hold all of them.
    expect((await loadDashboard(`/app/dashboard?from=${day(1)}&to=${day(2)}`)).previous).toMatchObject({ orders: 6, revenue: "465.00", rewardsIssued: 3 });
  });

  it("is empty for a range without activity and for another shop", async () => {
    const p = await seedShopActivity(pipeline);
    const past = await load(dashboard.loader, p.shop, "/app/dashboard?from=2020-01-01&to=2020-01-31");
    expect(past.data).toMatchObject({ orders: 0, clicks: 0, referrers: 0, revenue: "0.00", roi: null });
    expect(past.data.series).toHaveLength(31);
    const other = uniqueShop("other");
    await installShop(other);
    expect((await load(dashboard.loader, other, "/app/dashboard")).data).toMatchObject({ orders: 0, topReferrers: [] });
  });
});

describe("invite existing customers", () => {
  it("builds a valid bulk query, with the tag escaped", () => {
    for (const tag of [null, "vip", 'say "hi" \\ there']) {
      expect(validate(adminSchema(), parse(customerExportQuery(tag)))).toEqual([]);
    }
    expect(customerExportQuery('a"b')).toContain('customers(query: "tag:\\"a\\\\\\"b\\"")');
  });

  it("enrols tagged customers through a bulk operation, skipping those already enrolled or disabled, and syncs their codes", async () => {
    const p = await seedShopActivity(pipeline);
    const fake = pipeline.shopify.fake;
    fake.shop(p.shop).bulkPolls = 2;
    for (let i = 0; i < 5; i++) fake.seedCustomer(p.shop, { firstName: `Vip${i}`, email: `vip${i}@example.com`, tags: ["VIP"] });
    fake.seedCustomer(p.shop, { firstName: "Gone", email: "gone@example.com", tags: ["vip"], state: "DISABLED" });
    fake.seedCustomer(p.shop, { firstName: "Other", email: "other@example.com", tags: ["wholesale"] });
    // Rita is already a referrer; give her the tag too.
    fake.shop(p.shop).customers.get(p.referrerCustomer.id)!.tags.push("vip");

    const started = await act(invite.action, p.shop, "/app/invite", { tag: "vip" });
    expect(started.data.ok).toBe(true);
    expect((await act(invite.action, p.shop, "/app/invite", { tag: "" })).status).toBe(409);

    for (let i = 0; i < 5; i++) {
      p.advance(5_000);
      await p.drain();
    }
    const { runs } = await load(invite.loader, p.shop, "/app/invite");
    expect(runs[0]).toMatchObject({ status: "DONE", total: 7, processed: 7, enrolled: 5, skipped: 2 });
    expect(Object.fromEntries(runs[0].reasons)).toEqual({ "Already a referrer": 1, "Customer account is disabled": 1 });
    const invited = await db.referrer.findMany({ where: { shop: p.shop, source: "INVITE", firstName: { startsWith: "Vip" } } });
    expect(invited).toHaveLength(5);
    expect(invited.every((r) => r.codeSyncedAt)).toBe(true);
    const friendDiscount = fake.discounts(p.shop).find((d) => d.id === p.program.discountId)!;
    expect(invited.every((r) => friendDiscount.codes.some((c) => c.code === r.code))).toBe(true);
    expect(fake.callsTo("BulkQueryRun")[0].variables.query).toContain('tag:\\"vip\\"');
  });

  it("resumes after a crash from its checkpoint, counting each customer once", async () => {
    const p = await pipeline.setupShop();
    await installShop(p.shop);
    for (let i = 0; i < 120; i++) pipeline.shopify.fake.seedCustomer(p.shop, { firstName: `C${i}`, email: `c${i}@example.com` });
    await act(invite.action, p.shop, "/app/invite", {});
    const run = await db.inviteRun.findFirstOrThrow({ where: { shop: p.shop } });
    const ctx = { db, shop: p.shop, cause: "test", kind: "invite-customers", key: run.id, payload: null, now: () => new Date(), admin: () => testAdminClient(p.shop) };
    await runInvite(ctx); // starts the export
    // The download dies after 75 lines (the process was killed): the checkpoint at 50 survives.
    const dying: typeof fetch = async (url) => {
      const text = await (await fetch(url)).text();
      const lines = text.split("\n").slice(0, 75).join("\n") + "\n";
      let sent = false;
      const body = new ReadableStream({
        pull(controller) {
          if (sent) return controller.error(new Error("connection reset"));
          controller.enqueue(new TextEncoder().encode(lines));
          sent = true;
        },
      });
      return new Response(body);
    };
    await expect(runInvite(ctx, { fetchFn: dying })).rejects.toThrow("connection reset");
    expect(await db.inviteRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "ENROLLING", processedLines: 50 });

    await runInvite(ctx, { sliceMs: 0 }); // a short slice: stops at the next checkpoint and asks to run again
    expect((await db.inviteRun.findUniqueOrThrow({ where: { id: run.id } })).processedLines).toBe(100);
    await runInvite(ctx);
    const done = await db.inviteRun.findUniqueOrThrow({ where: { id: run.id } });
    // 121 customers: Rita (already a referrer) and the 120 new ones, each counted once.
    expect(done).toMatchObject({ status: "DONE", totalCustomers: 121, processedLines: 121, enrolled: 120, skipped: 1 });
    expect(await db.referrer.count({ where: { shop: p.shop, source: "INVITE" } })).toBe(120);
  });

  it("reports a failed export in words the merchant can act on", async () => {
    const p = await pipeline.setupShop();
    await installShop(p.shop);
    const fake = pipeline.shopify.fake;
    await act(invite.action, p.shop, "/app/invite", {});
    await p.drain(); // export started
    const op = [...fake.shop(p.shop).bulkOperations.values()][0];
    op.status = "FAILED";
    p.advance(5_000);
    await p.drain();
    const { runs } = await load(invite.loader, p.shop, "/app/invite");
    expect(runs[0]).toMatchObject({ status: "FAILED", error: expect.stringContaining("Start a new invitation") });
  });
});
