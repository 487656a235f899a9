// Leaked codes, through the real entry points: signed orders/paid webhooks into
// the inbox and the real worker flag a referrer whose code is typed without
// their link by strangers; the Possible leaks page shows the evidence; its
// rotate action gives the referrer a new code on the fake Shopify discount,
// keeps the old one working for the grace period, emails the referrer, and
// the retire job takes the old code off the discount afterwards.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import * as leaks from "~/routes/app.leaks";
import * as review from "~/routes/app.review";
import * as referrerPage from "~/routes/app.referrers.$id";
import * as settings from "~/routes/app.settings";
import { applyRetention, DEFAULT_RETENTION } from "~/jobs/retention.server";
import { couponSiteOf } from "~/referrals/coupon-sites";
import { RETIRE_CODE_JOB } from "~/referrals/code-rotation.server";
import { enqueueJob } from "~/queue/queue.server";
import { REFERRAL_ATTRIBUTE } from "~/referrals/order";
import { orderGid, orderPaidPayload } from "../../fake-shopify/payloads";
import { testClock } from "../helpers/admin";
import { act, load, thrownStatus } from "../helpers/admin-request";
import { DAY, usePipeline } from "../helpers/pipeline";
import { startTestSmtp, useSmtpEnv, type TestSmtp } from "../helpers/smtp";

const { shopify, setupShop } = usePipeline();
const PATH = "/app/leaks";
let smtp: TestSmtp;

beforeAll(async () => {
  smtp = await startTestSmtp();
  useSmtpEnv(smtp);
});
afterAll(async () => {
  await smtp.close();
  useSmtpEnv(null);
});

let nextId = 8_100_000_000_000;
const newId = () => ++nextId;

interface OrderInput {
  code?: string;
  email?: string;
  landingSite?: string | null;
  referringSite?: string | null;
  attributes?: Record<string, string>;
}

type Shop = Awaited<ReturnType<typeof setupShop>>;

/** Each order's payload, by gid: sent again as Shopify's duplicate deliveries are. */
const payloads = new Map<string, object>();

/** A paid order by a new customer, sent as orders/paid and processed. Returns its gid. */
async function order(p: Shop, { code, email, landingSite = "/", referringSite = null, attributes = {} }: OrderInput) {
  const orderId = newId();
  const payload = orderPaidPayload({
    orderId,
    customerId: newId(),
    email: email ?? `buyer${orderId}@example.com`,
    discountCodes: code ? [code] : [],
    noteAttributes: Object.entries(attributes).map(([name, value]) => ({ name, value })),
    subtotal: "80.00",
    total: "80.00",
    currency: "USD",
    createdAt: new Date(testClock.now()).toISOString(),
    name: `#${orderId % 100_000}`,
    landingSite,
    referringSite,
  });
  payloads.set(orderGid(orderId), payload);
  await p.send("orders/paid", payload);
  await p.drain();
  return orderGid(orderId);
}

const fromCouponSite = { landingSite: "/collections/all", referringSite: "https://www.retailmenot.com/view/example-shop.com" };

async function referrerNow(p: Shop) {
  return db.referrer.findFirstOrThrow({ where: { shop: p.shop, id: p.referrer.id } });
}

/** Flags the shop's referrer: strangers type the code with no link, as many as the minimum (default 2 orders, 50%). */
async function flaggedShop(settings: { leakMinOrders?: number } & Record<string, unknown> = {}) {
  const p = await setupShop({ holdDays: 30, firstOrderOnly: false, leakMinOrders: 2, leakThresholdPercent: 50, ...settings });
  await db.referrer.updateMany({ where: { shop: p.shop, id: p.referrer.id }, data: { email: `rita+${p.shop}@example.com` } });
  for (let i = 0; i < (settings.leakMinOrders ?? 2); i++) await order(p, { code: p.referrer.code, ...fromCouponSite });
  return p;
}

/** Admin actions stamp rows with the real clock: the worker's test clock must not be behind it. */
function catchUp() {
  testClock.ms = Math.max(testClock.ms, Date.now());
}

const friendDiscountCodes = (p: Shop) => shopify.fake.discounts(p.shop).find((d) => d.id === p.program.discountId)!.codes.map((c) => c.code);

describe("leak detection", () => {
  it("flags a referrer once enough orders typed the code without their link, and not before the minimum", async () => {
    const p = await setupShop({ holdDays: 30, firstOrderOnly: false, leakMinOrders: 5, leakThresholdPercent: 65 });
    const code = p.referrer.code;

    // Three strangers from a coupon site type the code: 100%, but below the minimum of 5 orders.
    for (let i = 0; i < 3; i++) await order(p, { code, ...fromCouponSite });
    expect((await referrerNow(p)).leakFlaggedAt).toBeNull();

    // A friend who came by the link; one who followed the link in this browser and typed the code
    // too (the embed's cart attribute); the link friend ordering again by typing the code.
    await order(p, { email: "linked@example.com", landingSite: `/products/tea?ref=${code}&ch=whatsapp`, referringSite: "https://web.whatsapp.com/" });
    await order(p, { code, attributes: { [REFERRAL_ATTRIBUTE]: code }, landingSite: "/cart" });
    await order(p, { code, email: "Linked@Example.com", landingSite: "/" });
    const typed = await db.referral.findMany({ where: { shop: p.shop }, orderBy: { createdAt: "asc" }, select: { attributedBy: true, typedWithoutLink: true } });
    expect(typed.map((r) => [r.attributedBy, r.typedWithoutLink])).toEqual([
      ["CODE", true],
      ["CODE", true],
      ["CODE", true],
      ["LINK", false],
      ["CODE", false],
      ["CODE", false],
    ]);
    // 3 of 5 (60%) and 3 of 6 (50%): past the minimum, under the threshold.
    expect((await referrerNow(p)).leakFlaggedAt).toBeNull();

    await order(p, { code, landingSite: "/", referringSite: "https://www.google.com/" }); // 4 of 7: 57%
    await order(p, { code, ...fromCouponSite }); // 5 of 8: 62.5%
    expect((await referrerNow(p)).leakFlaggedAt).toBeNull();
    const tipping = await order(p, { code, landingSite: "/?utm_source=couponfollow", referringSite: null }); // 6 of 9: 67%
    const flagged = await referrerNow(p);
    expect(flagged.leakFlaggedAt).not.toBeNull();

    const audit = await db.auditEvent.findMany({ where: { shop: p.shop, referrerId: p.referrer.id, action: "referrer.leak-flagged" } });
    expect(audit.map((a) => a.detail)).toEqual(["Possible leak: 6 of 9 orders (67%) typed the code without a referral link"]);

    // The same order again under a new webhook id (attribution runs again): still one flag, one audit event.
    await p.send("orders/paid", payloads.get(tipping)!);
    await p.drain();
    expect(await db.auditEvent.count({ where: { shop: p.shop, action: "referrer.leak-flagged" } })).toBe(1);
    expect(await db.referral.count({ where: { shop: p.shop } })).toBe(9);

    const detail = await load(referrerPage.loader, p.shop, `/app/referrers/${p.referrer.id}`, { id: p.referrer.id });
    expect(detail.referrer.leakFlaggedAt).toBe(flagged.leakFlaggedAt!.toISOString());

    const page = await load(leaks.loader, p.shop, PATH);
    expect(page.timezone).toBe("America/New_York");
    expect(page.referrers).toHaveLength(1);
    const [listed] = page.referrers;
    expect(listed).toMatchObject({ id: p.referrer.id, code, counts: { orders: 9, typedWithoutLink: 6 }, share: 67 });
    expect(listed.evidence).toHaveLength(6);
    const tippingOrder = await p.referral(tipping);
    expect(listed.evidence[0]).toMatchObject({ id: tippingOrder!.id, code, landingSite: "/?utm_source=couponfollow", referringSite: null, couponSite: "CouponFollow" });
    expect(listed.evidence.filter((e) => e.couponSite === "RetailMeNot").map((e) => e.referringSite)).toEqual(Array(4).fill(fromCouponSite.referringSite));
    expect(listed.evidence.some((e) => e.referringSite === "https://www.google.com/" && e.couponSite === null)).toBe(true);
  });

  it("does not count a referrer's own orders or test orders", async () => {
    const p = await setupShop({ holdDays: 30, firstOrderOnly: false, leakMinOrders: 2, leakThresholdPercent: 50 });
    // The referrer typing their own code is a self-referral (rejected), not a leak.
    await order(p, { code: p.referrer.code, email: "rita@example.com" });
    const testOrderId = newId();
    await p.send(
      "orders/paid",
      orderPaidPayload({ orderId: testOrderId, customerId: newId(), email: "t@example.com", discountCodes: [p.referrer.code], subtotal: "10.00", total: "10.00", currency: "USD", test: true, createdAt: new Date(testClock.now()).toISOString() }),
    );
    await p.drain();
    await order(p, { email: "friend@example.com", landingSite: `/?ref=${p.referrer.code}` });
    expect((await referrerNow(p)).leakFlaggedAt).toBeNull();
    expect((await load(leaks.loader, p.shop, PATH)).referrers).toEqual([]);
  });

  it("clears the landing and referring sites after the evidence period, keeping what was counted", async () => {
    const p = await flaggedShop();
    const sites = () => db.referral.findMany({ where: { shop: p.shop }, select: { landingSite: true, referringSite: true, typedWithoutLink: true } });
    await applyRetention(db, new Date(testClock.now() + 179 * DAY), DEFAULT_RETENTION);
    expect(await sites()).toEqual(Array(2).fill({ ...fromCouponSite, typedWithoutLink: true }));
    const counts = await applyRetention(db, new Date(testClock.now() + 181 * DAY), DEFAULT_RETENTION);
    expect(counts.leakEvidence).toBeGreaterThanOrEqual(2);
    expect(await sites()).toEqual(Array(2).fill({ landingSite: null, referringSite: null, typedWithoutLink: true }));
  });

  it("recognises the known coupon sites by host, not by substring", () => {
    expect(couponSiteOf("https://www.retailmenot.com/view/x", null)).toBe("RetailMeNot");
    expect(couponSiteOf("retailmenot.co.uk/coupons", null)).toBe("RetailMeNot");
    expect(couponSiteOf("https://www.joinhoney.com/", null)).toBe("Honey");
    for (const [site, name] of [["https://couponfollow.com/site/x", "CouponFollow"], ["https://dealspotr.com/", "Dealspotr"], ["https://www.wethrift.com/x", "Wethrift"], ["https://knoji.com/", "Knoji"], ["https://www.coupert.com/", "Coupert"], ["https://slickdeals.net/f/1", "Slickdeals"]]) {
      expect(couponSiteOf(site, null), site).toBe(name);
    }
    expect(couponSiteOf("https://notretailmenot.com/", null)).toBeNull();
    expect(couponSiteOf("https://www.google.com/search?q=retailmenot", null)).toBeNull();
    expect(couponSiteOf(null, "/?utm_source=slickdeals.net&utm_medium=deal")).toBe("Slickdeals");
    expect(couponSiteOf(null, "/?utm_source=newsletter")).toBeNull();
  });

  it("validates the thresholds on the settings page, each error on its field", async () => {
    const p = await setupShop();
    const { values } = await load(settings.loader, p.shop, "/app/settings");
    expect(values).toMatchObject({ leakMinOrders: "10", leakThresholdPercent: "80", leakGraceDays: "14", leakAutoRotate: "false" });
    const bad = await act(settings.action, p.shop, "/app/settings", { ...values, intent: "save", leakMinOrders: "1", leakThresholdPercent: "120", leakGraceDays: "-1" });
    expect(bad.status).toBe(400);
    expect(bad.data.errors).toMatchObject({
      leakMinOrders: "Count at least 2 orders before flagging a referrer",
      leakThresholdPercent: "The share must be between 1 and 100%",
      leakGraceDays: "The grace period cannot be negative",
    });
    const ok = await act(settings.action, p.shop, "/app/settings", { ...values, intent: "save", leakMinOrders: "3", leakThresholdPercent: "75", leakGraceDays: "7", leakAutoRotate: "true" });
    expect(ok.status).toBe(200);
    expect(await db.program.findUniqueOrThrow({ where: { shop: p.shop } })).toMatchObject({ leakMinOrders: 3, leakThresholdPercent: 75, leakGraceDays: 7, leakAutoRotate: true });
  });
});

describe("orders of a flagged referrer wait for review", () => {
  it("after a rotation, typed orders with the old code wait for review during the grace period; the new code's do not", async () => {
    // Three orders before a flag: the two after the rotation below are not enough to flag the referrer again.
    const p = await flaggedShop({ leakMinOrders: 3 });
    const oldCode = p.referrer.code;
    expect((await act(leaks.action, p.shop, PATH, { intent: "rotate", referrerId: p.referrer.id, code: oldCode, graceDays: "5" })).status).toBe(200);
    catchUp();
    await p.drain();
    const newCode = (await referrerNow(p)).code;
    const withOld = await p.referral(await order(p, { code: oldCode, ...fromCouponSite }));
    expect(withOld).toMatchObject({ referrerId: p.referrer.id, status: "PENDING", reviewStatus: "WAITING" });
    const flag = await db.referralFlag.findFirstOrThrow({ where: { shop: p.shop, referralId: withOld!.id } });
    expect(JSON.parse(flag.evidence)).toMatchObject({ why: "former-code", code: oldCode });
    const withNew = await p.referral(await order(p, { code: newCode, landingSite: "/" }));
    expect(withNew).toMatchObject({ referrerId: p.referrer.id, status: "PENDING", reviewStatus: null });
  });
});

describe("rotating a leaked code", () => {
  it("a switch of the friend offer's type during the grace period moves the old code to the new discount too", async () => {
    const p = await flaggedShop();
    const oldCode = p.referrer.code;
    expect((await act(leaks.action, p.shop, PATH, { intent: "rotate", referrerId: p.referrer.id, code: oldCode, graceDays: "10" })).status).toBe(200);
    catchUp();
    await p.drain();
    const newCode = (await referrerNow(p)).code;

    const { values } = await load(settings.loader, p.shop, "/app/settings");
    expect((await act(settings.action, p.shop, "/app/settings", { ...values, intent: "save", friendOfferKind: "FREE_SHIPPING" })).status).toBe(200);
    catchUp();
    await p.drain();
    const program = await db.program.findUniqueOrThrow({ where: { shop: p.shop } });
    expect(program.discountId).not.toBe(p.program.discountId);
    const discounts = shopify.fake.discounts(p.shop);
    expect(discounts.map((d) => d.id)).toEqual([program.discountId]);
    expect(discounts[0].codes.map((c) => c.code)).toEqual(expect.arrayContaining([oldCode, newCode]));
    expect(await db.referrerCode.findFirstOrThrow({ where: { shop: p.shop, code: oldCode } })).toMatchObject({ discountId: program.discountId, removedAt: null });

    const during = await p.referral(await order(p, { code: oldCode, email: "latecomer@example.com", landingSite: `/?ref=${oldCode}` }));
    expect(during).toMatchObject({ referrerId: p.referrer.id, codeUsed: oldCode });
  });

  it("gives a new code on the discount, keeps the old one working during the grace period, emails the referrer, then removes it", async () => {
    const p = await flaggedShop();
    const oldCode = p.referrer.code;
    expect((await referrerNow(p)).leakFlaggedAt).not.toBeNull();
    const before = smtp.received.length;

    const bad = await act(leaks.action, p.shop, PATH, { intent: "rotate", referrerId: p.referrer.id, code: oldCode, graceDays: "120" });
    expect(bad).toMatchObject({ status: 400, data: { errors: { graceDays: "The grace period is limited to 90 days" } } });

    const rotated = await act(leaks.action, p.shop, PATH, { intent: "rotate", referrerId: p.referrer.id, code: oldCode, graceDays: "7" });
    expect(rotated.status).toBe(200);
    catchUp();
    const referrer = await referrerNow(p);
    const newCode = referrer.code;
    expect(newCode).not.toBe(oldCode);
    expect(rotated.data.message).toContain(newCode);
    expect(referrer.leakFlaggedAt).toBeNull();
    // A second click on the stale page rotates nothing.
    expect(await act(leaks.action, p.shop, PATH, { intent: "rotate", referrerId: p.referrer.id, code: oldCode, graceDays: "7" })).toMatchObject({ status: 409 });

    await p.drain();
    expect(friendDiscountCodes(p)).toEqual(expect.arrayContaining([oldCode, newCode]));

    // The referrer is told, with both codes and the old code's last day.
    const mails = smtp.received.slice(before).filter((m) => m.envelopeTo.includes(`rita+${p.shop}@example.com`));
    expect(mails.map((m) => m.parsed.subject)).toEqual([expect.stringMatching(/^Your .+ referral code has changed$/)]);
    expect(mails[0].parsed.text).toContain(oldCode);
    expect(mails[0].parsed.text).toContain(newCode);
    expect(mails[0].parsed.text).toMatch(/keeps working until \w+ \d+, \d{4}/);
    expect(await db.emailMessage.findFirst({ where: { shop: p.shop, kind: "CODE_CHANGED" } })).toMatchObject({ status: "SENT", referrerId: p.referrer.id });

    const page = await load(leaks.loader, p.shop, PATH);
    expect(page.referrers).toEqual([]);
    expect(page.rotations).toMatchObject([{ referrerId: p.referrer.id, oldCode, newCode }]);
    const detailPath = `/app/referrers/${p.referrer.id}`;
    expect(await load(referrerPage.loader, p.shop, detailPath, { id: p.referrer.id })).toMatchObject({
      referrer: { code: newCode, leakFlaggedAt: null },
      formerCodes: [{ code: oldCode, removed: false }],
    });

    // During the grace period the old code still attributes to the referrer.
    p.advance(3 * DAY);
    const during = await p.referral(await order(p, { code: oldCode, landingSite: "/" }));
    expect(during).toMatchObject({ referrerId: p.referrer.id, codeUsed: oldCode, attributedBy: "CODE" });
    const withNew = await p.referral(await order(p, { code: newCode, landingSite: "/" }));
    expect(withNew).toMatchObject({ referrerId: p.referrer.id, codeUsed: newCode });

    // After it, the retire job takes the old code off the discount; it is history only.
    p.advance(4 * DAY + 60_000);
    await p.drain();
    expect(friendDiscountCodes(p)).toContain(newCode);
    expect(friendDiscountCodes(p)).not.toContain(oldCode);
    const history = await db.referrerCode.findFirstOrThrow({ where: { shop: p.shop, code: oldCode } });
    expect(history.removedAt).not.toBeNull();
    // The retire job run again (a retry): the code is already gone, nothing changes.
    await enqueueJob(db, { shop: p.shop, kind: RETIRE_CODE_JOB, key: oldCode, availableAt: new Date(testClock.now()) });
    await p.drain();
    expect(await db.job.findFirstOrThrow({ where: { shop: p.shop, kind: RETIRE_CODE_JOB, key: oldCode } })).toMatchObject({ status: "DONE", attempts: 1 });
    expect(await db.auditEvent.count({ where: { shop: p.shop, action: "referrer.old-code-removed" } })).toBe(1);
    expect(friendDiscountCodes(p)).toContain(newCode);
    expect((await load(leaks.loader, p.shop, PATH)).rotations).toEqual([]);
    expect((await load(referrerPage.loader, p.shop, detailPath, { id: p.referrer.id })).formerCodes).toMatchObject([{ code: oldCode, removed: true }]);
    expect(await p.referral(await order(p, { code: oldCode, landingSite: "/" }))).toBeNull();

    const actions = (await db.auditEvent.findMany({ where: { shop: p.shop, referrerId: p.referrer.id }, orderBy: { createdAt: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["referrer.leak-flagged", "referrer.code-rotated", "referrer.old-code-removed"]));
  });

  it("rotates at once when automatic rotation is on", async () => {
    const p = await flaggedShop({ leakAutoRotate: true, leakGraceDays: 3 });
    const referrer = await referrerNow(p);
    expect(referrer.code).not.toBe(p.referrer.code);
    const history = await db.referrerCode.findFirstOrThrow({ where: { shop: p.shop, referrerId: p.referrer.id } });
    expect(history.code).toBe(p.referrer.code);
    expect(history.retireAt.getTime() - referrer.leakSince!.getTime()).toBe(3 * DAY);
    expect(friendDiscountCodes(p)).toEqual(expect.arrayContaining([p.referrer.code, referrer.code]));
    const rotated = await db.auditEvent.findFirstOrThrow({ where: { shop: p.shop, action: "referrer.code-rotated" } });
    expect(rotated.detail).toContain("Rotated automatically");
  });

  it("keeps the code when the merchant dismisses the flag, and counts again from then", async () => {
    const p = await flaggedShop();
    expect((await act(leaks.action, p.shop, PATH, { intent: "dismiss", referrerId: p.referrer.id, reason: "" })).status).toBe(400);
    expect(await act(leaks.action, p.shop, PATH, { intent: "dismiss", referrerId: p.referrer.id, reason: "Her own blog" })).toMatchObject({ status: 200 });
    expect(await referrerNow(p)).toMatchObject({ leakFlaggedAt: null, code: p.referrer.code });
    await order(p, { code: p.referrer.code, ...fromCouponSite });
    expect((await referrerNow(p)).leakFlaggedAt).toBeNull();
    await order(p, { code: p.referrer.code, ...fromCouponSite });
    expect((await referrerNow(p)).leakFlaggedAt).not.toBeNull();
  });

  it("answers 404 for another shop's referrer", async () => {
    const p = await flaggedShop();
    const other = await setupShop();
    expect(await thrownStatus(() => act(leaks.action, other.shop, PATH, { intent: "rotate", referrerId: p.referrer.id, code: p.referrer.code, graceDays: "7" }))).toBe(404);
    expect(await thrownStatus(() => act(leaks.action, other.shop, PATH, { intent: "dismiss", referrerId: p.referrer.id, reason: "no" }))).toBe(404);
    expect(await referrerNow(p)).toMatchObject({ code: p.referrer.code, leakFlaggedAt: expect.any(Date) });
    expect((await load(leaks.loader, other.shop, PATH)).referrers).toEqual([]);
  });
});

// Last: it moves the test clock days ahead of the real one, which the admin
// actions above stamp their rotations with (grace periods in real time).
describe("orders of a flagged referrer wait for review, past the hold", () => {
  it("holds the orders that flagged the referrer and their next typed-code order, never rewarding them automatically; a linked order goes through", async () => {
    const p = await flaggedShop({ holdDays: 10 });
    const held = await db.referral.findMany({ where: { shop: p.shop }, orderBy: { createdAt: "asc" } });
    expect(held.map((r) => [r.status, r.reviewStatus])).toEqual([
      ["PENDING", "WAITING"],
      ["PENDING", "WAITING"],
    ]);

    const next = await p.referral(await order(p, { code: p.referrer.code, landingSite: "/", referringSite: "https://www.wethrift.com/example-shop" }));
    expect(next).toMatchObject({ status: "PENDING", reviewStatus: "WAITING", typedWithoutLink: true, couponSite: "Wethrift" });
    const flag = await db.referralFlag.findFirstOrThrow({ where: { shop: p.shop, referralId: next!.id } });
    expect(flag.rule).toBe("LEAK");
    expect(JSON.parse(flag.evidence)).toMatchObject({ why: "referrer-flagged", code: p.referrer.code, couponSite: "Wethrift", summary: "Possible leak: 3 of 3 orders (100%) typed the code without a referral link; this order came from Wethrift" });
    // The review queue's evidence names no landing or referring site (those stay on the referral, erasable).
    expect(flag.evidence).not.toContain("wethrift.com");

    const linked = await p.referral(await order(p, { email: "pal@example.com", landingSite: `/?ref=${p.referrer.code}` }));
    expect(linked).toMatchObject({ status: "PENDING", reviewStatus: null });

    // Past the hold, only the linked order is rewarded.
    p.advance(11 * DAY);
    await p.drain();
    expect(await p.referral(linked!.orderId)).toMatchObject({ status: "REWARDED" });
    for (const r of [...held, next!]) expect(await p.referral(r.orderId)).toMatchObject({ status: "PENDING", reviewStatus: "WAITING", reward: null });

    // The merchant's decision on the review page clears them.
    const approved = await act(review.action, p.shop, "/app/review", { intent: "approve", ids: [next!.id] });
    expect(approved).toMatchObject({ status: 200, data: { done: 1 } });
    await p.drain();
    expect(await p.referral(next!.orderId)).toMatchObject({ status: "REWARDED", reviewStatus: "CLEARED" });
  });
});
