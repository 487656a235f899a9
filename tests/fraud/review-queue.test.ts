// Device and network signals, and the review queue they feed: orders through
// the real webhook route and worker, the referrer's device from the real
// storefront enrolment (app proxy), the merchant's decisions through the real
// admin route. Held referrals are never rewarded until the merchant decides.
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import { applyRetention } from "~/jobs/retention.server";
import { deviceHashes } from "~/referrals/device";
import { IP_CLUSTER_FRIENDS } from "~/referrals/review.server";
import * as home from "~/routes/app._index";
import * as review from "~/routes/app.review";
import * as referralPage from "~/routes/app.referrals.$id";
import { orderGid, orderPaidPayload } from "../../fake-shopify/payloads";
import { testClock } from "../helpers/admin";
import { act, load, thrownStatus } from "../helpers/admin-request";
import { sendProxy } from "../helpers/app-proxy";
import { DAY, usePipeline } from "../helpers/pipeline";
import { uniqueIp } from "../helpers/storefront";

const { setupShop } = usePipeline();
type Shop = Awaited<ReturnType<typeof setupShop>>;

let nextId = 7_300_000_000_000 + Math.floor(Math.random() * 1e9);
const newId = () => ++nextId;

const PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148";
const LAPTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

interface FriendOrder {
  code: string;
  ip?: string;
  userAgent?: string;
  address1?: string;
  customerId?: number | null;
}

async function friendOrders(p: Shop, o: FriendOrder) {
  const orderId = newId();
  await p.send(
    "orders/paid",
    orderPaidPayload({
      orderId,
      customerId: o.customerId === undefined ? newId() : o.customerId,
      email: `friend${orderId}@example.org`,
      discountCodes: [o.code],
      subtotal: "80.00",
      total: "80.00",
      currency: "USD",
      name: `#${orderId % 100_000}`,
      createdAt: new Date(testClock.now()).toISOString(),
      ...(o.ip || o.userAgent ? { clientIp: o.ip, userAgent: o.userAgent } : {}),
      ...(o.address1 ? { shippingAddress: { address1: o.address1, address2: null, city: "Springfield", zip: "62701", country_code: "US" } } : {}),
    }),
  );
  await p.drain();
  return (await p.referral(orderGid(orderId)))!;
}

/** Past the hold: the release job has run for everything not held. */
async function afterHold(p: Shop) {
  p.advance((p.program.holdDays + 1) * DAY);
  await p.drain();
}

describe("same device as the referrer", () => {
  it("a guest's storefront enrolment keeps only keyed hashes of the device; an order from it waits for review, another device's does not", async () => {
    const p = await setupShop({ holdDays: 14 });
    const ip = uniqueIp();
    const joined = await sendProxy({ shop: p.shop, ip, path: "/enrol", method: "POST", body: { email: "dana@example.net", terms: "on" }, headers: { "User-Agent": PHONE } });
    expect(joined.status).toBe(202);
    const dana = await db.referrer.findFirstOrThrow({ where: { shop: p.shop, emailKey: "dana@example.net" } });
    expect(dana.deviceIpHash).toMatch(/^[\w-]{32}$/);
    expect(dana.deviceUaHash).toMatch(/^[\w-]{32}$/);
    expect(dana.deviceSeenAt).not.toBeNull();
    // Neither the address nor the browser is stored, in any column.
    expect(JSON.stringify(dana)).not.toContain(ip);
    expect(JSON.stringify(dana)).not.toContain("iPhone");
    // Keyed per shop: the same device hashes differently in another shop.
    expect(deviceHashes("another-shop.myshopify.com", { ip, userAgent: PHONE }).ipHash).not.toBe(dana.deviceIpHash);

    const same = await friendOrders(p, { code: dana.code, ip, userAgent: PHONE });
    const other = await friendOrders(p, { code: dana.code, ip, userAgent: LAPTOP });
    expect(same).toMatchObject({ status: "PENDING", reviewStatus: "WAITING" });
    expect(other).toMatchObject({ status: "PENDING", reviewStatus: null });
    expect(await db.referralFlag.findMany({ where: { shop: p.shop, referralId: same.id }, select: { rule: true } })).toEqual([{ rule: "DEVICE" }]);

    await afterHold(p);
    expect(await p.referral(same.orderId)).toMatchObject({ status: "PENDING", reviewStatus: "WAITING", reward: null });
    expect((await p.referral(other.orderId))!.status).toBe("REWARDED");

    // The page shows it with why; the merchant approves; the hold is already over, so it is rewarded.
    expect(await load(home.loader, p.shop, "/app")).toMatchObject({ toReview: 1 });
    const queue = await load(review.loader, p.shop, "/app/review");
    expect(queue.total).toBe(1);
    // Times shown in the shop's zone (learned from Shopify), as on the dashboard.
    expect(queue.timezone).toBe("America/New_York");
    expect(queue.items[0]).toMatchObject({ id: same.id, flags: [{ rule: "DEVICE", summary: expect.stringContaining("browser and network address the referrer joined from") }] });
    const approved = await act(review.action, p.shop, "/app/review", { intent: "approve", ids: [same.id] });
    expect(approved).toMatchObject({ status: 200, data: { done: 1, skipped: 0 } });
    await p.drain();
    expect(await p.referral(same.orderId)).toMatchObject({ status: "REWARDED", reviewStatus: "CLEARED" });
    expect((await load(review.loader, p.shop, "/app/review")).total).toBe(0);
    const history = await db.auditEvent.findMany({ where: { shop: p.shop, referralId: same.id }, orderBy: { createdAt: "asc" }, select: { action: true } });
    expect(history.map((h) => h.action)).toEqual(expect.arrayContaining(["referral.held-for-review", "referral.review-cleared", "referral.rewarded"]));
  });

  it("replaying the order changes nothing: one flag, still waiting", async () => {
    const p = await setupShop();
    const ip = uniqueIp();
    await sendProxy({ shop: p.shop, ip, path: "/enrol", method: "POST", body: { email: "eli@example.net", terms: "on" }, headers: { "User-Agent": LAPTOP } });
    const eli = await db.referrer.findFirstOrThrow({ where: { shop: p.shop, emailKey: "eli@example.net" } });
    const orderId = newId();
    const payload = orderPaidPayload({ orderId, customerId: newId(), email: "x@example.org", discountCodes: [eli.code], subtotal: "50.00", total: "50.00", currency: "USD", clientIp: ip, userAgent: LAPTOP });
    await p.send("orders/paid", payload);
    await p.send("orders/paid", payload);
    await p.drain();
    const referral = (await p.referral(orderGid(orderId)))!;
    expect(referral.reviewStatus).toBe("WAITING");
    expect(await db.referralFlag.count({ where: { referralId: referral.id } })).toBe(1);
  });
});

describe("many friends from one network address", () => {
  it(`holds every pending referral of the referrer from an address once the ${IP_CLUSTER_FRIENDS}rd friend orders from it`, async () => {
    const p = await setupShop({ holdDays: 30 });
    const ip = uniqueIp();
    const first = await friendOrders(p, { code: p.referrer.code, ip, userAgent: PHONE });
    const second = await friendOrders(p, { code: p.referrer.code, ip, userAgent: LAPTOP });
    expect([first.reviewStatus, second.reviewStatus]).toEqual([null, null]);
    const elsewhere = await friendOrders(p, { code: p.referrer.code, ip: uniqueIp(), userAgent: PHONE });
    const third = await friendOrders(p, { code: p.referrer.code, ip, userAgent: LAPTOP });
    for (const r of [first, second, third]) expect((await p.referral(r.orderId))!.reviewStatus).toBe("WAITING");
    expect((await p.referral(elsewhere.orderId))!.reviewStatus).toBeNull();
    const queue = await load(review.loader, p.shop, "/app/review");
    expect(queue.items.map((i) => i.id).sort()).toEqual([first.id, second.id, third.id].sort());
    expect(queue.items[0].flags[0].orders).toHaveLength(3);

    // Rejected with a reason: out of the queue, never rewarded.
    const refused = await act(review.action, p.shop, "/app/review", { intent: "reject", ids: [first.id, second.id, third.id], reason: "One household" });
    expect(refused).toMatchObject({ status: 200, data: { done: 3 } });
    await afterHold(p);
    for (const r of [first, second, third]) expect(await p.referral(r.orderId)).toMatchObject({ status: "REJECTED", reason: "One household", reviewStatus: "CLEARED", reward: null });
    expect((await p.referral(elsewhere.orderId))!.status).toBe("REWARDED");
  });
});

describe("address near-match", () => {
  it("another flat of the referrer's building waits for review; the very same address is rejected as before", async () => {
    const p = await setupShop();
    // The referrer's own order (not referred) teaches the app her address, as hashes.
    await p.send(
      "orders/paid",
      orderPaidPayload({
        orderId: newId(),
        customerId: Number(p.referrerCustomer.id.split("/").pop()),
        email: "rita@example.com",
        subtotal: "20.00",
        total: "20.00",
        currency: "USD",
        shippingAddress: { address1: "12 Elm Street, Apt 4", address2: null, city: "Springfield", zip: "62701", country_code: "US" },
      }),
    );
    await p.drain();
    const near = await friendOrders(p, { code: p.referrer.code, address1: "12 Elm Street, Apt 9" });
    const same = await friendOrders(p, { code: p.referrer.code, address1: "12 Elm Street, Apt 4" });
    const far = await friendOrders(p, { code: p.referrer.code, address1: "40 Oak Avenue" });
    expect(near).toMatchObject({ status: "PENDING", reviewStatus: "WAITING" });
    expect(same).toMatchObject({ status: "REJECTED", reason: "Self-referral: the order ships to the referrer's address" });
    expect(far).toMatchObject({ status: "PENDING", reviewStatus: null });
    const detail = await load(referralPage.loader, p.shop, `/app/referrals/${near.id}`, { id: near.id });
    expect(JSON.stringify(detail)).toContain("ADDRESS_NEAR");
  });
});

describe("the merchant's side", () => {
  it("another shop's referral ids are 404 for approve and reject, and change nothing", async () => {
    const p = await setupShop({ holdDays: 30 });
    const q = await setupShop();
    const ip = uniqueIp();
    const held = await friendOrders(p, { code: p.referrer.code, ip, userAgent: PHONE });
    await friendOrders(p, { code: p.referrer.code, ip, userAgent: PHONE });
    await friendOrders(p, { code: p.referrer.code, ip, userAgent: PHONE });
    expect((await p.referral(held.orderId))!.reviewStatus).toBe("WAITING");
    expect(await thrownStatus(() => act(review.action, q.shop, "/app/review", { intent: "approve", ids: [held.id] }))).toBe(404);
    expect(await thrownStatus(() => act(review.action, q.shop, "/app/review", { intent: "reject", ids: [held.id], reason: "x" }))).toBe(404);
    expect((await act(review.action, p.shop, "/app/review", { intent: "reject", ids: [held.id] })).status).toBe(400);
    expect(await p.referral(held.orderId)).toMatchObject({ status: "PENDING", reviewStatus: "WAITING" });
    expect((await load(review.loader, q.shop, "/app/review")).total).toBe(0);
  });
});

describe("how long device signals are kept", () => {
  it("clicks, the referrer's device and the friends' hashes are erased once the hold period has passed; the rows stay", async () => {
    const p = await setupShop({ holdDays: 10 });
    const ip = uniqueIp();
    const clicked = await sendProxy({ shop: p.shop, ip, path: "/click", method: "POST", body: { code: p.referrer.code, channel: "whatsapp" }, headers: { "User-Agent": PHONE } });
    expect(clicked.status).toBe(200);
    const click = await db.linkEvent.findFirstOrThrow({ where: { shop: p.shop, type: "CLICK" } });
    expect(click).toMatchObject(deviceHashes(p.shop, { ip, userAgent: PHONE }));
    await sendProxy({ shop: p.shop, ip, path: "/enrol", method: "POST", body: { email: "fay@example.net", terms: "on" }, headers: { "User-Agent": PHONE } });
    const referral = await friendOrders(p, { code: p.referrer.code, ip, userAgent: LAPTOP });
    expect(referral.friendIpHash).toBe(click.ipHash);

    // Rows are stamped with the real clock (the test clock has moved on by other tests' holds).
    const now = click.createdAt;
    // Other tests' shops share the database: what counts is this shop's rows.
    await applyRetention(db, new Date(now.getTime() + 9 * DAY));
    expect(await db.linkEvent.findUniqueOrThrow({ where: { id: click.id } })).toMatchObject({ ipHash: click.ipHash });
    expect((await db.referral.findUniqueOrThrow({ where: { id: referral.id } })).friendIpHash).toBe(click.ipHash);
    const later = await applyRetention(db, new Date(now.getTime() + 11 * DAY));
    expect(later.deviceSignals).toBeGreaterThanOrEqual(3);
    expect(await db.linkEvent.findUniqueOrThrow({ where: { id: click.id } })).toMatchObject({ ipHash: null, uaHash: null });
    expect(await db.referrer.findFirstOrThrow({ where: { shop: p.shop, emailKey: "fay@example.net" } })).toMatchObject({ deviceIpHash: null, deviceUaHash: null, deviceSeenAt: null });
    expect(await db.referral.findUniqueOrThrow({ where: { id: referral.id } })).toMatchObject({ friendIpHash: null, friendUaHash: null, status: referral.status });
  });
});
