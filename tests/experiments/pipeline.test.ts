// Incentive experiments through the real pipeline: the experiments admin
// route starts one, the worker creates each variant's own friend discount in
// the fake Shopify, referrers enrolled by the functions the storefront and the
// invitations use (and the storefront's enrol route itself) are assigned a
// variant uniformly at random, their codes go on their variant's discount,
// signed orders/paid webhooks are attributed to the variant and rewarded with
// its reward; ending makes the winner the program while the other variants'
// referrers keep their promise; moving the codes puts them on the program's
// discount and deletes the variants' discounts, once.
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import { countedTransaction } from "~/referrals/daily-stats.server";
import { enrolReferrer, enrolReferrers } from "~/referrals/referrers.server";
import { rotateReferrerCode } from "~/referrals/code-rotation.server";
import { enqueueJob } from "~/queue/queue.server";
import { EXPERIMENT_END_JOB } from "~/experiments/lifecycle.server";
import { VARIANT_DISCOUNTS_JOB } from "~/experiments/variant-discounts.server";
import * as experiments from "~/routes/app.experiments._index";
import * as experimentPage from "~/routes/app.experiments.$id";
import { orderGid, orderPaidPayload } from "../../fake-shopify/payloads";
import { testClock } from "../helpers/admin";
import { act, adminRequest, installShop } from "../helpers/admin-request";
import { sendProxy } from "../helpers/app-proxy";
import { DAY, usePipeline } from "../helpers/pipeline";
import { uniqueIp } from "../helpers/storefront";

const { shopify, setupShop } = usePipeline();
type Shop = Awaited<ReturnType<typeof setupShop>>;

const catchUp = () => (testClock.ms = Math.max(testClock.ms, Date.now()));

/** Three variants: the control (the program's 10% / 10% code), a bigger offer with a cash fee, free shipping with store credit. */
const VARIANTS = [
  { name: "Control", friendOfferKind: "PERCENTAGE", friendOfferValue: "10", rewardKind: "CODE_PERCENTAGE", rewardValue: "10" },
  { name: "Twenty", friendOfferKind: "PERCENTAGE", friendOfferValue: "20", rewardKind: "CASH", rewardValue: "5" },
  { name: "Shipping", friendOfferKind: "FREE_SHIPPING", friendOfferValue: "", rewardKind: "STORE_CREDIT", rewardValue: "7.50" },
];

function startForm(name: string, variants: typeof VARIANTS) {
  const form: Record<string, string> = { intent: "start", name, variantCount: String(variants.length) };
  variants.forEach((v, i) => {
    for (const [key, value] of Object.entries(v)) form[`variants.${i}.${key}`] = value;
  });
  return form;
}

/** Starts an experiment through the admin route (its answer is a redirect to the experiment's page). */
async function start(p: Shop, variants = VARIANTS) {
  await installShop(p.shop);
  const response = (await experiments.action({ request: adminRequest(p.shop, "/app/experiments", startForm("Which offer works", variants)), params: {}, context: {} })) as Response;
  expect(response.status).toBe(302);
  const id = response.headers.get("Location")!.split("/").pop()!;
  catchUp();
  return db.experiment.findFirstOrThrow({ where: { id, shop: p.shop }, include: { variants: { orderBy: { position: "asc" } } } });
}

const holderOf = (p: Shop, code: string) => shopify.fake.shop(p.shop).findByCode(code)?.discount ?? null;

let nextId = 6_400_000_000_000;
/** A friend's paid order with `code` typed at checkout, through the signed webhook route and the worker. */
async function friendOrder(p: Shop, code: string, webhookId?: string, orderId = ++nextId) {
  const body = orderPaidPayload({
    orderId,
    customerId: orderId,
    email: `friend${orderId}@example.com`,
    discountCodes: [code],
    subtotal: "80.00",
    total: "80.00",
    currency: "USD",
    createdAt: new Date(testClock.now()).toISOString(),
  });
  await p.send("orders/paid", body, webhookId);
  await p.drain();
  return { orderId, body };
}

async function enrolCustomers(p: Shop, from: number, count: number) {
  const referrers = [];
  for (let i = from; i < from + count; i++) {
    // Customers of the shop (store credit is credited to their account).
    const customer = shopify.fake.seedCustomer(p.shop, { email: `referrer${i}@example.com` });
    referrers.push((await enrolReferrer(db, { shop: p.shop, customerId: customer.id, source: "STOREFRONT", cause: "test" })).referrer);
  }
  // Enrolment stamps its code sync with the real clock: the test clock must not be behind it.
  catchUp();
  return referrers;
}

async function variantOf(shop: string, referrerId: string) {
  return (await db.referrer.findFirstOrThrow({ where: { id: referrerId, shop } })).variantId;
}

/** Chi-square statistic of observed counts against an even split. */
function chiSquare(counts: number[]) {
  const expected = counts.reduce((a, b) => a + b, 0) / counts.length;
  return counts.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
}
/** The chi-square statistic's value past which p < 0.001, by degrees of freedom. */
const CHI2_P001 = { 1: 10.828, 2: 13.816, 3: 16.266 } as Record<number, number>;

describe("an incentive experiment through the pipeline", () => {
  it("assigns 2,000 new referrers evenly and for good, each code on its variant's discount", async () => {
    const p = await setupShop({ holdDays: 0 });
    const experiment = await start(p);
    await p.drain();
    const variantIds = experiment.variants.map((v) => v.id);

    // Half one by one (the storefront's, thank-you and account pages' enrolment), half in
    // batches of 250 (the invitation job's), and three through the storefront's own route.
    const single = await enrolCustomers(p, 0, 1000);
    for (let batch = 0; batch < 4; batch++) {
      const people = Array.from({ length: 250 }, (_, i) => ({ customerId: `gid://shopify/Customer/${800_000 + batch * 250 + i}`, email: `invitee${batch * 250 + i}@example.com` }));
      await countedTransaction(db, p.shop, (tx, changes) => enrolReferrers(tx, changes, { shop: p.shop, people, source: "INVITE", cause: "test" }));
    }
    for (const customer of [1, 2, 3]) {
      const response = await sendProxy({ shop: p.shop, ip: uniqueIp(), path: "/enrol", customerId: 700 + customer, body: { terms: true } });
      expect(response.status).toBeLessThan(300);
    }
    catchUp();

    const assigned = await db.referrer.groupBy({ by: ["variantId"], where: { shop: p.shop }, _count: { _all: true } });
    const count = (id: string | null) => assigned.find((a) => a.variantId === id)?._count._all ?? 0;
    // Rita joined before the experiment: she keeps the program's offer.
    expect(count(null)).toBe(1);
    expect(await variantOf(p.shop, p.referrer.id)).toBeNull();
    const counts = variantIds.map(count);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2003);
    expect(chiSquare(counts), `counts ${counts.join(", ")}`).toBeLessThan(CHI2_P001[counts.length - 1]);

    // Stable: enrolling the same people again gives them back with their variant.
    for (const r of single.slice(0, 50)) {
      const again = await enrolReferrer(db, { shop: p.shop, customerId: r.customerId, source: "THANK_YOU", cause: "test" });
      expect(again).toMatchObject({ created: false, referrer: { id: r.id, variantId: r.variantId } });
    }
    const rebatch = await countedTransaction(db, p.shop, (tx, changes) =>
      enrolReferrers(tx, changes, { shop: p.shop, people: single.slice(50, 100).map((r) => ({ customerId: r.customerId })), source: "INVITE", cause: "test" }),
    );
    expect(rebatch.every((o, i) => "referrer" in o && !o.created && o.referrer.id === single[50 + i].id)).toBe(true);
    for (const r of single.slice(50, 100)) expect(await variantOf(p.shop, r.id)).toBe(r.variantId);

    // Every code is on the discount of its referrer's variant; Rita's on the program's.
    await p.drain();
    const variants = await db.experimentVariant.findMany({ where: { shop: p.shop, experimentId: experiment.id } });
    const discountOf = new Map(variants.map((v) => [v.id, v.discountId]));
    const program = await db.program.findUniqueOrThrow({ where: { shop: p.shop } });
    const everyone = await db.referrer.findMany({ where: { shop: p.shop }, select: { code: true, variantId: true, codeSyncedAt: true } });
    const misplaced = everyone.filter((r) => holderOf(p, r.code)?.id !== (r.variantId ? discountOf.get(r.variantId) : program.discountId) || !r.codeSyncedAt);
    expect(misplaced).toEqual([]);
  }, 240_000);

  it("a friend gets the variant's offer, the order is the variant's, and the referrer earns the variant's reward, once", async () => {
    const p = await setupShop({ holdDays: 0 });
    const experiment = await start(p);
    await p.drain();
    const twenty = experiment.variants[1];
    const referrers = await enrolCustomers(p, 0, 60);
    await p.drain();
    const sharer = referrers.find((r) => r.variantId === twenty.id)!;

    // The code is on the variant's own discount, which gives 20% off.
    const discount = holderOf(p, sharer.code)!;
    expect(discount.id).toBe((await db.experimentVariant.findUniqueOrThrow({ where: { id: twenty.id } })).discountId);
    expect(discount.customerGets).toMatchObject({ value: { percentage: 0.2 } });
    expect(discount.title).toContain("20%");

    // The same delivery twice and the same order under a new webhook id.
    const webhookId = "variant-order-1";
    const { orderId, body } = await friendOrder(p, sharer.code, webhookId);
    await p.send("orders/paid", body, webhookId);
    await p.send("orders/paid", body);
    await p.drain();
    expect(await db.referral.count({ where: { shop: p.shop } })).toBe(1);
    expect(await db.reward.count({ where: { shop: p.shop } })).toBe(1);
    expect(await p.referral(orderGid(orderId))).toMatchObject({
      variantId: twenty.id,
      status: "REWARDED",
      reward: { kind: "CASH", value: expect.objectContaining({}), variantId: twenty.id },
    });
    expect((await p.referral(orderGid(orderId)))!.reward!.value.toString()).toBe("5");

    // Rita, enrolled before the experiment, still gives and earns the program's.
    const { orderId: ritas } = await friendOrder(p, p.referrer.code);
    expect(await p.referral(orderGid(ritas))).toMatchObject({ variantId: null, reward: { kind: "CODE", valueType: "PERCENTAGE", variantId: null } });
    expect(holderOf(p, p.referrer.code)!.id).toBe(p.program.discountId);
  }, 120_000);

  it("ending makes the winner the program, other variants keep their promise, and moving the codes deletes the variants' discounts once", async () => {
    const p = await setupShop({ holdDays: 0 });
    const experiment = await start(p);
    await p.drain();
    const [control, twenty, shipping] = experiment.variants;
    const referrers = await enrolCustomers(p, 0, 60);
    await p.drain();
    const of = (v: { id: string }) => referrers.find((r) => r.variantId === v.id)!;

    const path = `/app/experiments/${experiment.id}`;
    const ended = await act(experimentPage.action, p.shop, path, { intent: "end", winnerVariantId: twenty.id }, { id: experiment.id });
    expect(ended).toMatchObject({ status: 200, data: { ok: true } });
    catchUp();
    await p.drain();
    // The end job asked for again (its safety request, a retry) saves nothing more.
    await enqueueJob(db, { shop: p.shop, kind: EXPERIMENT_END_JOB, key: experiment.id });
    p.advance(2 * 60_000);
    await p.drain();
    const saves = await db.auditEvent.count({ where: { shop: p.shop, action: "program.updated", cause: `job:${EXPERIMENT_END_JOB}:${experiment.id}` } });
    expect(saves).toBe(1);

    // The winner is the program: its settings and its friend discount in Shopify.
    const program = await db.program.findUniqueOrThrow({ where: { shop: p.shop } });
    expect({ kind: program.friendOfferKind, value: program.friendOfferValue.toString(), reward: program.rewardKind, rewardValue: program.rewardValue.toString() }).toEqual({
      kind: "PERCENTAGE",
      value: "20",
      reward: "CASH",
      rewardValue: "5",
    });
    expect(shopify.fake.discounts(p.shop).find((d) => d.id === program.discountId)).toMatchObject({ title: expect.stringContaining("20%"), customerGets: { value: { percentage: 0.2 } } });
    // A new referrer joins the program as it now is.
    const [late] = await enrolCustomers(p, 500, 1);
    expect(late.variantId).toBeNull();

    // The shipping variant's referrer: code still on its discount, the variant's reward.
    const shipper = of(shipping);
    const shippingDiscount = (await db.experimentVariant.findUniqueOrThrow({ where: { id: shipping.id } })).discountId!;
    expect(holderOf(p, shipper.code)!.id).toBe(shippingDiscount);
    expect(holderOf(p, shipper.code)!.typename).toBe("DiscountCodeFreeShipping");
    const { orderId } = await friendOrder(p, shipper.code);
    expect(await p.referral(orderGid(orderId))).toMatchObject({ variantId: shipping.id, status: "REWARDED", reward: { kind: "STORE_CREDIT", variantId: shipping.id } });
    expect((await p.referral(orderGid(orderId)))!.reward!.value.toString()).toBe("7.5");
    // The control's referrer: still the control's 10% code reward, although the program now pays cash.
    const { orderId: controls } = await friendOrder(p, of(control).code);
    expect(await p.referral(orderGid(controls))).toMatchObject({ variantId: control.id, reward: { kind: "CODE", valueType: "PERCENTAGE", variantId: control.id } });

    // Move the codes: twice, and the job's run twice.
    const variantDiscounts = (await db.experimentVariant.findMany({ where: { shop: p.shop, experimentId: experiment.id } })).map((v) => v.discountId);
    expect(variantDiscounts.every(Boolean)).toBe(true);
    const deletesBefore = shopify.fake.callsTo("FriendOfferDelete").length;
    expect(await act(experimentPage.action, p.shop, path, { intent: "move" }, { id: experiment.id })).toMatchObject({ status: 200, data: { ok: true } });
    expect(await act(experimentPage.action, p.shop, path, { intent: "move" }, { id: experiment.id })).toMatchObject({ status: 200, data: { ok: true } });
    catchUp();
    await p.drain();
    await enqueueJob(db, { shop: p.shop, kind: VARIANT_DISCOUNTS_JOB, key: "all" });
    p.advance(2 * 60_000);
    await p.drain();
    expect(shopify.fake.callsTo("FriendOfferDelete").length - deletesBefore).toBe(3);
    expect(shopify.fake.discounts(p.shop).filter((d) => variantDiscounts.includes(d.id))).toEqual([]);
    expect(await db.experimentVariant.count({ where: { shop: p.shop, OR: [{ discountId: { not: null } }, { discountCode: { not: null } }] } })).toBe(0);

    // Every code is on the program's discount, unchanged, and gives the program's offer and reward.
    const everyone = await db.referrer.findMany({ where: { shop: p.shop }, select: { id: true, code: true, codeSyncedAt: true, variantMovedAt: true, variantId: true } });
    expect(everyone.filter((r) => holderOf(p, r.code)?.id !== program.discountId || !r.codeSyncedAt).map((r) => r.code)).toEqual([]);
    expect(everyone.filter((r) => r.variantId && !r.variantMovedAt)).toEqual([]);
    expect(everyone.find((r) => r.id === shipper.id)!.code).toBe(shipper.code);
    const { orderId: moved } = await friendOrder(p, shipper.code);
    expect(await p.referral(orderGid(moved))).toMatchObject({ variantId: null, reward: { kind: "CASH", variantId: null } });
  }, 180_000);

  it("with single-use friend codes, a friend's own code gives the offer of the referrer's variant", async () => {
    const p = await setupShop({ holdDays: 0, friendCodeMode: "SINGLE_USE" });
    const experiment = await start(p, VARIANTS.slice(0, 2));
    await p.drain();
    const twenty = experiment.variants[1];
    const referrers = await enrolCustomers(p, 0, 30);
    await p.drain();
    const sharer = referrers.find((r) => r.variantId === twenty.id)!;
    // The variant's discount is closed like the program's: friends get codes of their own.
    const variantDiscount = holderOf(p, sharer.code)!;
    expect(shopify.fake.shop(p.shop).status(variantDiscount)).not.toBe("ACTIVE");

    const response = await sendProxy({ shop: p.shop, ip: uniqueIp(), path: "/click", body: { code: sharer.code, channel: "whatsapp" } });
    const answer = (await response.json()) as { offer: string; code: string };
    expect(answer.offer).toBe("20% off");
    const own = holderOf(p, answer.code)!;
    expect(own).toMatchObject({ usageLimit: 1, customerGets: { value: { percentage: 0.2 } } });

    const { orderId } = await friendOrder(p, answer.code);
    expect(await p.referral(orderGid(orderId))).toMatchObject({ referrerId: sharer.id, variantId: twenty.id, reward: { kind: "CASH", variantId: twenty.id } });
  }, 120_000);

  it("the storefront shows a variant's referrer their variant's offer", async () => {
    const p = await setupShop();
    const experiment = await start(p, VARIANTS.slice(0, 2));
    await p.drain();
    const twenty = experiment.variants[1];
    for (let customer = 1; customer < 200; customer++) {
      const response = await sendProxy({ shop: p.shop, ip: uniqueIp(), path: "/enrol", customerId: 4_000 + customer, body: { terms: true } });
      const joined = (await response.json()) as { state: string; offer?: string };
      const referrer = await db.referrer.findUniqueOrThrow({ where: { shop_customerId: { shop: p.shop, customerId: `gid://shopify/Customer/${4_000 + customer}` } } });
      if (referrer.variantId !== twenty.id) continue;
      const block = (await (await sendProxy({ shop: p.shop, path: "/data", customerId: 4_000 + customer })).json()) as { state: string; offer: string; share: { text: string } };
      expect(block).toMatchObject({ state: "referrer", offer: "20% off" });
      expect(JSON.stringify(joined)).toContain("20% off");
      return;
    }
    throw new Error("no referrer was assigned to the second variant in 199 enrolments");
  }, 120_000);

  it("a variant referrer's rotated code goes on their variant's discount, and the old one leaves it after its grace period", async () => {
    const p = await setupShop({ holdDays: 0 });
    const experiment = await start(p, VARIANTS.slice(0, 2));
    await p.drain();
    const twenty = await db.experimentVariant.findUniqueOrThrow({ where: { id: experiment.variants[1].id } });
    const sharer = (await enrolCustomers(p, 0, 30)).find((r) => r.variantId === twenty.id)!;
    await p.drain();
    const rotated = await rotateReferrerCode({ db, shop: p.shop, referrerId: sharer.id, expectedCode: sharer.code, graceDays: 3, cause: "test", reason: "leaked", now: new Date(testClock.now()) });
    expect(rotated.kind).toBe("rotated");
    catchUp();
    await p.drain();
    const fresh = await db.referrer.findUniqueOrThrow({ where: { id: sharer.id } });
    expect(holderOf(p, fresh.code)?.id).toBe(twenty.discountId);
    expect(holderOf(p, sharer.code)?.id).toBe(twenty.discountId);
    const { orderId } = await friendOrder(p, sharer.code);
    expect(await p.referral(orderGid(orderId))).toMatchObject({ referrerId: sharer.id, variantId: twenty.id });

    p.advance(4 * DAY);
    await p.drain();
    expect(holderOf(p, sharer.code)).toBeNull();
    expect(holderOf(p, fresh.code)?.id).toBe(twenty.discountId);
  }, 120_000);

  it("a crash after a variant's discount was created: the retried job finds it, no second discount", async () => {
    const p = await setupShop();
    // The create runs, its answer is lost, and so is the look-up that would have found it: the job fails.
    shopify.fake.faults.queue("FriendOfferCreate", { kind: "executedThenDropped" });
    shopify.fake.faults.queue("DiscountByCode", { kind: "latency", ms: 0 }, { kind: "latency", ms: 0 }, { kind: "http5xx", status: 400 });
    const experiment = await start(p);
    await p.drain();
    const before = await db.experimentVariant.findMany({ where: { experimentId: experiment.id }, orderBy: { position: "asc" } });
    expect(before[0].discountId).toBeNull();
    const orphan = shopify.fake.shop(p.shop).findByCode(before[0].discountCode!)!.discount;

    // Run again (the program's next save asks for it; here directly), twice.
    await enqueueJob(db, { shop: p.shop, kind: VARIANT_DISCOUNTS_JOB, key: "all" });
    await p.drain();
    await enqueueJob(db, { shop: p.shop, kind: VARIANT_DISCOUNTS_JOB, key: "all" });
    await p.drain();
    const after = await db.experimentVariant.findMany({ where: { experimentId: experiment.id }, orderBy: { position: "asc" } });
    expect(after[0].discountId).toBe(orphan.id);
    expect(after.every((v) => v.discountId)).toBe(true);
    expect(shopify.fake.discounts(p.shop)).toHaveLength(4);
    expect(shopify.fake.callsTo("FriendOfferCreate").length + shopify.fake.callsTo("FreeShippingOfferCreate").length).toBe(1 + 3);
  }, 120_000);
});
