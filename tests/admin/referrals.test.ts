// The referrals list, detail, bulk approve/reject and CSV export, on data made
// by the real order pipeline. Another shop's ids are answered 404.
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import { localDay } from "~/referrals/local-day";
import * as detail from "~/routes/app.referrals.$id";
import * as exportRoute from "~/routes/app.referrals.export";
import * as list from "~/routes/app.referrals._index";
import { listReferrals } from "~/admin/referral-list.server";
import { act, adminRequest, installShop, load, thrownStatus } from "../helpers/admin-request";
import { seedShopActivity } from "../helpers/admin-seed";
import { usePipeline } from "../helpers/pipeline";
import { uniqueShop } from "../helpers/shops";

const pipeline = usePipeline();

async function otherShop() {
  const shop = uniqueShop("other");
  await installShop(shop);
  return shop;
}

describe("referrals list", () => {
  it("lists the shop's referrals newest first, filters by status, referrer and search", async () => {
    const p = await seedShopActivity(pipeline);
    const all = await load(list.loader, p.shop, "/app/referrals");
    expect(all.items).toHaveLength(7);
    expect(all.items.map((i) => i.createdAt)).toEqual([...all.items.map((i) => i.createdAt)].sort().reverse());

    const statuses = (items: { status: string }[]) => items.map((i) => i.status).sort();
    expect(statuses((await load(list.loader, p.shop, "/app/referrals?status=PENDING")).items)).toEqual(["PENDING", "PENDING", "PENDING"]);
    expect((await load(list.loader, p.shop, "/app/referrals?status=REWARDED")).items).toHaveLength(3);
    expect((await load(list.loader, p.shop, "/app/referrals?status=REVERSED")).items).toHaveLength(1);
    expect((await load(list.loader, p.shop, `/app/referrals?referrerId=${p.sam.id}`)).items).toHaveLength(3);
    const byEmail = await load(list.loader, p.shop, "/app/referrals?q=BEN@example.com");
    expect(byEmail.items.map((i) => i.friendEmail)).toEqual(["ben@example.com"]);
    const byOrder = await load(list.loader, p.shop, `/app/referrals?q=${encodeURIComponent(byEmail.items[0].orderName!)}`);
    expect(byOrder.items.map((i) => i.id)).toEqual([byEmail.items[0].id]);
    // The range is in the shop's days (the fake shop is in New York), not UTC's.
    const today = localDay(new Date(), "America/New_York");
    expect((await load(list.loader, p.shop, `/app/referrals?from=${today}&to=${today}`)).items).toHaveLength(7);
    expect((await load(list.loader, p.shop, "/app/referrals?to=2020-01-01")).items).toHaveLength(0);
  });

  it("pages with cursors in both directions", async () => {
    const p = await seedShopActivity(pipeline);
    const { items: every } = await load(list.loader, p.shop, "/app/referrals");
    const first = await listReferrals(db, p.shop, {}, { take: 3 });
    expect(first.items.map((i) => i.id)).toEqual(every.slice(0, 3).map((i) => i.id));
    expect(first.previousCursor).toBeNull();
    const second = await listReferrals(db, p.shop, {}, { take: 3, after: first.nextCursor });
    expect(second.items.map((i) => i.id)).toEqual(every.slice(3, 6).map((i) => i.id));
    const back = await listReferrals(db, p.shop, {}, { take: 3, before: second.previousCursor });
    expect(back.items.map((i) => i.id)).toEqual(every.slice(0, 3).map((i) => i.id));
    const last = await listReferrals(db, p.shop, {}, { take: 3, after: second.nextCursor });
    expect(last.items.map((i) => i.id)).toEqual(every.slice(6).map((i) => i.id));
    expect(last.nextCursor).toBeNull();
    // Through the loader: the cursor in the URL.
    const viaLoader = await load(list.loader, p.shop, `/app/referrals?after=${first.nextCursor}`);
    expect(viaLoader.items[0].id).toBe(every[3].id);
  });

  it("shows an empty list to a shop with no referrals, and 404 for another shop's referrer filter", async () => {
    const p = await seedShopActivity(pipeline);
    const other = await otherShop();
    expect((await load(list.loader, other, "/app/referrals")).items).toEqual([]);
    expect(await thrownStatus(() => load(list.loader, other, `/app/referrals?referrerId=${p.referrer.id}`))).toBe(404);
  });

  it("bulk-approves pending referrals: the hold ends and the worker rewards them", async () => {
    const p = await seedShopActivity(pipeline);
    const pending = (await load(list.loader, p.shop, "/app/referrals?status=PENDING")).items.map((i) => i.id);
    const rewarded = (await load(list.loader, p.shop, "/app/referrals?status=REWARDED")).items[0].id;
    const result = await act(list.action, p.shop, "/app/referrals", { intent: "approve", ids: [...pending, rewarded] });
    expect(result.data).toMatchObject({ intent: "approve", done: 3, skipped: 1 });
    await p.drain();
    const after = await db.referral.findMany({ where: { shop: p.shop, id: { in: pending } }, include: { reward: true } });
    expect(after.map((r) => r.status)).toEqual(["REWARDED", "REWARDED", "REWARDED"]);
    expect(after.every((r) => r.reward?.status === "ISSUED")).toBe(true);
    const audit = await db.auditEvent.findMany({ where: { shop: p.shop, action: "referral.hold-ended" } });
    expect(audit.map((a) => a.cause)).toEqual(["merchant:42", "merchant:42", "merchant:42"]);
  });

  it("bulk-rejects with a reason, and needs one", async () => {
    const p = await seedShopActivity(pipeline);
    const pending = (await load(list.loader, p.shop, "/app/referrals?status=PENDING")).items.map((i) => i.id);
    expect((await act(list.action, p.shop, "/app/referrals", { intent: "reject", ids: pending })).status).toBe(400);
    const result = await act(list.action, p.shop, "/app/referrals", { intent: "reject", ids: pending.slice(0, 2), reason: "Same household" });
    expect(result.data).toMatchObject({ done: 2, skipped: 0 });
    const rejected = await db.referral.findMany({ where: { shop: p.shop, status: "REJECTED" } });
    expect(rejected.map((r) => r.reason)).toEqual(["Same household", "Same household"]);
    await p.drain();
    expect(await db.reward.count({ where: { shop: p.shop, referralId: { in: pending.slice(0, 2) } } })).toBe(0);
  });

  it("refuses to approve or reject another shop's referral (404), changing nothing", async () => {
    const p = await seedShopActivity(pipeline);
    const other = await otherShop();
    const pending = (await load(list.loader, p.shop, "/app/referrals?status=PENDING")).items[0].id;
    expect(await thrownStatus(() => act(list.action, other, "/app/referrals", { intent: "approve", ids: [pending] }))).toBe(404);
    expect(await thrownStatus(() => act(list.action, other, "/app/referrals", { intent: "reject", ids: [pending], reason: "x" }))).toBe(404);
    expect((await db.referral.findUniqueOrThrow({ where: { id: pending } })).status).toBe("PENDING");
  });
});

describe("referral detail", () => {
  it("shows the order, friend, referrer, reward and audit trail", async () => {
    const p = await seedShopActivity(pipeline);
    const { items } = await load(list.loader, p.shop, "/app/referrals?status=REWARDED&q=ana@example.com");
    const data = await load(detail.loader, p.shop, `/app/referrals/${items[0].id}`, { id: items[0].id });
    expect(data.referral).toMatchObject({ status: "REWARDED", friendEmail: "ana@example.com", attributedBy: "CODE", total: "80", currencyCode: "USD" });
    expect(data.referrer).toMatchObject({ id: p.referrer.id, code: p.referrer.code });
    expect(data.reward).toMatchObject({ kind: "CODE", status: "ISSUED" });
    expect(data.audit.map((a) => a.action)).toEqual(["referral.created", "referral.approved", "reward.created", "reward.issued", "referral.rewarded"]);
    // Times in the shop's zone, as on the dashboard (Shopify's ianaTimezone, learned once).
    expect(data.timezone).toBe((await db.program.findUniqueOrThrow({ where: { shop: p.shop } })).timezone);
    expect(data.timezone).not.toBe("UTC");
  });

  it("shows why a referral was reversed", async () => {
    const p = await seedShopActivity(pipeline);
    const { items } = await load(list.loader, p.shop, "/app/referrals?status=REVERSED");
    const data = await load(detail.loader, p.shop, `/app/referrals/${items[0].id}`, { id: items[0].id });
    expect(data.referral.reason).toBe("The order was cancelled");
  });

  it("approves or rejects one referral from its page, and answers 404 to another shop", async () => {
    const p = await seedShopActivity(pipeline);
    const other = await otherShop();
    const [a, b] = (await load(list.loader, p.shop, "/app/referrals?status=PENDING")).items.map((i) => i.id);
    expect(await thrownStatus(() => load(detail.loader, other, `/app/referrals/${a}`, { id: a }))).toBe(404);
    expect(await thrownStatus(() => act(detail.action, other, `/app/referrals/${a}`, { intent: "approve" }, { id: a }))).toBe(404);
    expect(await thrownStatus(() => load(detail.loader, p.shop, "/app/referrals/nope", { id: "nope" }))).toBe(404);
    expect((await act(detail.action, p.shop, `/app/referrals/${a}`, { intent: "approve" }, { id: a })).status).toBe(200);
    expect((await act(detail.action, p.shop, `/app/referrals/${b}`, { intent: "reject", reason: "Test order" }, { id: b })).status).toBe(200);
    await p.drain();
    expect((await db.referral.findUniqueOrThrow({ where: { id: a } })).status).toBe("REWARDED");
    expect((await db.referral.findUniqueOrThrow({ where: { id: b } })).status).toBe("REJECTED");
  });
});

describe("referrals CSV export", () => {
  it("streams every matching row with the list's filters", async () => {
    const p = await seedShopActivity(pipeline);
    const other = await otherShop();
    const exportAs = (shop: string, qs: string) => exportRoute.loader({ request: adminRequest(shop, `/app/referrals/export?${qs}`), params: {}, context: {} });
    const response = await exportAs(p.shop, "status=REWARDED");
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.body).toBeInstanceOf(ReadableStream);
    const lines = (await response.text()).replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines[0]).toMatch(/^ID,Created at,Order,/);
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).every((l) => l.includes(",REWARDED,"))).toBe(true);
    expect(await thrownStatus(() => exportAs(other, `referrerId=${p.referrer.id}`))).toBe(404);
    const empty = await (await exportAs(other, "")).text();
    expect(empty.trim().split("\r\n")).toHaveLength(1);
  });
});
