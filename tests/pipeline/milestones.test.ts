// Milestone rewards through the real pipeline: signed webhooks, the real
// worker (two of them where it matters), the fake Shopify. A referrer who
// reaches a milestone gets its reward exactly once, whatever Shopify repeats;
// each kind of reward reaches Shopify as it should; and reversing the referral
// that reached it takes the reward back only while it has not started on its
// way to Shopify.
import { describe, expect, it } from "vitest";
import db, { type Db } from "~/db.server";
import { jobHandlers, webhookHandlers } from "~/jobs/registry.server";
import { createWorker } from "~/jobs/worker.server";
import type { JobHandler } from "~/queue/types";
import { saveMilestones, type ResolvedMilestone } from "~/referrals/milestones.server";
import { ISSUE_JOB, issueReward, REVOKE_JOB } from "~/referrals/rewards.server";
import { createAdminClient, type AdminClient } from "~/shopify/admin-client.server";
import { STORE_CREDIT_CREDIT } from "~/shopify/documents";
import { unauthenticated } from "~/shopify.server";
import { ThrottleTracker } from "~/shopify/throttle.server";
import { orderGid, orderPaidPayload, refundCreatePayload } from "../../fake-shopify/payloads";
import { testClock } from "../helpers/admin";
import { pipelineWorker, usePipeline } from "../helpers/pipeline";

const { shopify, setupShop } = usePipeline();
type Shop = Awaited<ReturnType<typeof setupShop>>;

let nextId = 6_100_000_000_000 + Math.floor(Math.random() * 1e9);

function paidOrder(code: string) {
  const orderId = ++nextId;
  const customerId = ++nextId;
  const payload = orderPaidPayload({
    orderId,
    customerId,
    email: `friend${customerId}@example.com`,
    discountCodes: [code],
    subtotal: "100.00",
    total: "100.00",
    currency: "USD",
    createdAt: new Date(testClock.now()).toISOString(),
  });
  return { orderId, payload, gid: orderGid(orderId) };
}

const refund = (orderId: number) => refundCreatePayload({ orderId, refundId: ++nextId, amount: "100.00", currency: "USD" });

function milestone(referrals: number, rewardKind: ResolvedMilestone["rewardKind"], rewardValue: string, product?: { id: string; title: string }): ResolvedMilestone {
  return { referrals, rewardKind, rewardValue, productId: product?.id ?? null, productTitle: product?.title ?? null };
}

const milestoneRewards = (shop: string) => db.reward.findMany({ where: { shop, source: "MILESTONE" }, orderBy: { createdAt: "asc" } });
const credits = (shop: string, amount: string) =>
  shopify.fake.storeCreditTransactions(shop).filter((t) => t.typename === "StoreCreditAccountCreditTransaction" && Number(t.amount) === Number(amount));

/** A paid order, processed to the end (holdDays 0: rewarded at once). */
async function friendBuys(p: Shop) {
  const order = paidOrder(p.referrer.code);
  await p.send("orders/paid", order.payload);
  await p.drain();
  return order;
}

/** Holds a worker where `wait` is called until the test opens it; `arrived` resolves once it is held. */
function gate() {
  let open!: () => void;
  let arrive!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  return {
    open,
    arrived,
    async wait() {
      arrive();
      await opened;
    },
  };
}

/** A worker like the pipeline's, with its issue handler or its Admin client held at a gate. */
function heldWorker(options: { beforeMilestoneIssue?: () => Promise<void>; wrap?: (client: AdminClient) => AdminClient }) {
  const handlers = new Map(jobHandlers);
  const issue: JobHandler = async (ctx) => {
    const reward = await db.reward.findFirst({ where: { shop: ctx.shop, id: ctx.key }, select: { source: true } });
    if (reward?.source === "MILESTONE") await options.beforeMilestoneIssue?.();
    await issueReward(ctx);
  };
  handlers.set(ISSUE_JOB, issue);
  return createWorker({
    db,
    webhookHandlers,
    jobHandlers: handlers,
    workerId: "held",
    now: () => new Date(testClock.now()),
    random: () => 0.5,
    logger: { info() {}, warn() {} },
    admin: async (shop, { beforeRetry }) => {
      const { admin } = await unauthenticated.admin(shop);
      const client = createAdminClient(admin.graphql, { shop, now: testClock.now, sleep: testClock.sleep, random: () => 0.5, throttle: new ThrottleTracker(), beforeRetry });
      return options.wrap ? options.wrap(client) : client;
    },
  });
}

describe("milestone rewards", () => {
  it("reaching a milestone issues its reward once, under duplicate deliveries and two workers, and never again", async () => {
    const p = await setupShop({ holdDays: 0 });
    await saveMilestones(db, { shop: p.shop, milestones: [milestone(2, "STORE_CREDIT", "20")], cause: "test" });
    const first = paidOrder(p.referrer.code);
    const second = paidOrder(p.referrer.code);
    const firstId = await p.send("orders/paid", first.payload);
    await p.send("orders/paid", first.payload, firstId); // the same delivery again
    const secondId = await p.send("orders/paid", second.payload);
    await p.send("orders/paid", second.payload, secondId);
    await p.send("orders/paid", second.payload); // the same order under a new webhook id
    const a = pipelineWorker({ workerId: "a" });
    const b = pipelineWorker({ workerId: "b" });
    for (let round = 0; round < 100; round++) {
      const [x, y] = await Promise.all([a.runOnce(), b.runOnce()]);
      if (x.claimed === 0 && y.claimed === 0) break;
    }

    const referrals = await db.referral.findMany({ where: { shop: p.shop } });
    expect(referrals.map((r) => r.status)).toEqual(["REWARDED", "REWARDED"]);
    const [reward, ...more] = await milestoneRewards(p.shop);
    expect(more).toEqual([]);
    expect(reward).toMatchObject({ status: "ISSUED", kind: "STORE_CREDIT", currencyCode: "USD", referralId: null, sourceKey: `milestone:${p.referrer.id}:2` });
    // Whichever of the two was rewarded second made the count 2 (the two workers decide which).
    const trigger = referrals.find((r) => r.id === reward.triggerReferralId)!;
    expect(trigger).toBeDefined();
    expect(reward.value.toString()).toBe("20");
    expect(credits(p.shop, "20")).toHaveLength(1);
    expect(credits(p.shop, "20")[0].id).toBe(reward.shopifyId);

    // Integrations hear of it as a rewarded referral whose reward came from the milestone.
    const event = await db.referralEvent.findFirstOrThrow({ where: { shop: p.shop, type: "referral.rewarded", rewardId: reward.id } });
    expect(event.referralId).toBe(trigger.id);
    expect(JSON.parse(event.data)).toMatchObject({
      reward: { source: "MILESTONE", milestone: 2, kind: "STORE_CREDIT", value: "20.00", currencyCode: "USD" },
      referral: { id: trigger.id, orderId: trigger.orderId },
    });
    const other = referrals.find((r) => r.id !== trigger.id)!;
    const perFriend = await db.referralEvent.findFirstOrThrow({ where: { shop: p.shop, type: "referral.rewarded", referralId: other.id } });
    expect(JSON.parse(perFriend.data)).toMatchObject({ reward: { source: "REFERRAL", milestone: null } });
    const trail = await db.auditEvent.findMany({ where: { shop: p.shop, rewardId: reward.id }, orderBy: { createdAt: "asc" } });
    expect(trail.map((e) => e.action)).toEqual(["reward.created", "reward.issued"]);
    expect(trail[0]).toMatchObject({ referralId: trigger.id, detail: expect.stringContaining("Milestone of 2 successful referrals") });

    // A third friend: past the milestone, nothing more.
    await friendBuys(p);
    expect(await milestoneRewards(p.shop)).toHaveLength(1);
    expect(credits(p.shop, "20")).toHaveLength(1);
  });

  it("issues each kind of milestone reward the way Shopify should get it, the free product as a 100%-off code for it alone", async () => {
    const p = await setupShop({ holdDays: 0, rewardExpiryDays: 90 });
    const mug = shopify.fake.seedProduct(p.shop, { title: "Blue Mug", handle: "blue-mug" });
    await saveMilestones(db, {
      shop: p.shop,
      cause: "test",
      milestones: [
        milestone(1, "CODE_PERCENTAGE", "15"),
        milestone(2, "CODE_FIXED_AMOUNT", "7.5"),
        milestone(3, "STORE_CREDIT", "20"),
        milestone(4, "CASH", "25"),
        milestone(5, "FREE_PRODUCT", "100", mug),
      ],
    });
    for (let i = 0; i < 5; i++) await friendBuys(p);

    const rewards = await milestoneRewards(p.shop);
    expect(rewards.map((r) => [r.sourceKey, r.status, r.kind, r.valueType, r.value.toString()])).toEqual([
      [`milestone:${p.referrer.id}:1`, "ISSUED", "CODE", "PERCENTAGE", "15"],
      [`milestone:${p.referrer.id}:2`, "ISSUED", "CODE", "FIXED_AMOUNT", "7.5"],
      [`milestone:${p.referrer.id}:3`, "ISSUED", "STORE_CREDIT", "FIXED_AMOUNT", "20"],
      [`milestone:${p.referrer.id}:4`, "ISSUED", "CASH", "FIXED_AMOUNT", "25"],
      [`milestone:${p.referrer.id}:5`, "ISSUED", "CODE", "PERCENTAGE", "100"],
    ]);
    const [percent, fixed, credit, cash, free] = rewards;
    const discountOf = (code: string | null) => shopify.fake.discounts(p.shop).find((d) => d.codes.some((c) => c.code === code));
    const day90 = (r: { createdAt: Date }) => r.createdAt.getTime() + 90 * 86_400_000;

    expect(discountOf(percent.code)).toMatchObject({ usageLimit: 1, customers: [p.referrerCustomer.id], customerGets: { value: { percentage: 0.15 }, items: { all: true } } });
    expect(discountOf(fixed.code)).toMatchObject({ usageLimit: 1, customerGets: { value: { discountAmount: { amount: "7.5", appliesOnEachItem: false } }, items: { all: true } } });
    expect(Date.parse(discountOf(fixed.code)!.endsAt!)).toBeCloseTo(day90(fixed), -4);

    // Store credit with the program's expiry, on Shopify's credit too.
    const [transaction] = credits(p.shop, "20");
    expect(transaction.id).toBe(credit.shopifyId);
    expect(credit.expiresAt).not.toBeNull();
    expect(transaction.expiresAt).toBe(credit.expiresAt!.toISOString());

    // A cash fee is recorded for payout: nothing is sent to Shopify.
    expect(cash).toMatchObject({ shopifyId: null, currencyCode: "USD", expiresAt: null });

    // The free product: 100% off that one product, single use, for the referrer only.
    expect(free.productId).toBe(mug.id);
    expect(discountOf(free.code)).toMatchObject({
      usageLimit: 1,
      appliesOncePerCustomer: true,
      customers: [p.referrerCustomer.id],
      customerGets: { value: { percentage: 1 }, items: { products: { productsToAdd: [mug.id] } } },
    });
    const creates = shopify.fake.callsTo("RewardCodeCreate").filter((c) => JSON.stringify(c.variables).includes(free.code!));
    expect(creates).toHaveLength(1);
  });

  it("the referral that reached it refunded before its reward is issued: the reward is cancelled, and the milestone can be reached again", async () => {
    const p = await setupShop({ holdDays: 0 });
    await saveMilestones(db, { shop: p.shop, milestones: [milestone(2, "STORE_CREDIT", "20")], cause: "test" });
    await friendBuys(p);

    // The worker that rewards the second friend stalls before issuing the milestone's reward.
    const held = gate();
    const second = paidOrder(p.referrer.code);
    await p.send("orders/paid", second.payload);
    const stalled = p.drain(heldWorker({ beforeMilestoneIssue: () => held.wait() }));
    await held.arrived;
    const [pending] = await milestoneRewards(p.shop);
    expect(pending).toMatchObject({ status: "PENDING", triggerReferralId: (await p.referral(second.gid))!.id });

    // Meanwhile the second friend's order is refunded, and another worker handles it.
    await p.send("refunds/create", refund(second.orderId));
    await p.drain(pipelineWorker({ workerId: "b" }));
    held.open();
    await stalled;
    await p.drain();

    const [cancelled] = await milestoneRewards(p.shop);
    expect(cancelled).toMatchObject({ id: pending.id, status: "CANCELLED", sourceKey: `milestone:${p.referrer.id}:2:cancelled:${pending.id}` });
    expect(cancelled.reason).toMatch(/reversed before the reward was issued/);
    expect(credits(p.shop, "20")).toHaveLength(0);
    expect(await db.auditEvent.count({ where: { shop: p.shop, rewardId: pending.id, action: "reward.cancelled" } })).toBe(1);

    // A new friend brings the referrer back to two successful referrals: reached again, issued once.
    const third = await friendBuys(p);
    const rewards = await milestoneRewards(p.shop);
    expect(rewards.map((r) => r.status)).toEqual(["CANCELLED", "ISSUED"]);
    expect(rewards[1]).toMatchObject({ sourceKey: `milestone:${p.referrer.id}:2`, triggerReferralId: (await p.referral(third.gid))!.id });
    expect(credits(p.shop, "20")).toHaveLength(1);
  });

  it("a reversal that died before reaching the milestone's reward: the issue job sees the referral reversed and cancels it itself", async () => {
    const p = await setupShop({ holdDays: 0 });
    await saveMilestones(db, { shop: p.shop, milestones: [milestone(2, "STORE_CREDIT", "20")], cause: "test" });
    await friendBuys(p);
    const held = gate();
    const second = paidOrder(p.referrer.code);
    await p.send("orders/paid", second.payload);
    const stalled = p.drain(heldWorker({ beforeMilestoneIssue: () => held.wait() }));
    await held.arrived;

    // The refund's worker marks the referral reversed, then its process dies before the milestone's reward is looked at.
    const dying = new Proxy(db, {
      get(target, property, receiver) {
        if (property !== "reward") return Reflect.get(target, property, receiver);
        return new Proxy(target.reward, {
          get(rewards, name, r) {
            if (name === "findMany") {
              return (args: { where?: { triggerReferralId?: unknown } }) => {
                if (args?.where?.triggerReferralId) throw new Error("worker killed before settling the milestone");
                return rewards.findMany(args as Parameters<typeof rewards.findMany>[0]);
              };
            }
            return Reflect.get(rewards, name, r);
          },
        });
      },
    }) as Db;
    await p.send("refunds/create", refund(second.orderId));
    await createWorker({ db: dying, webhookHandlers, jobHandlers, workerId: "dying", now: () => new Date(testClock.now()), random: () => 0.5, logger: { info() {}, warn() {} } }).runOnce();
    expect(await p.referral(second.gid)).toMatchObject({ status: "REVERSED" });
    const [pending] = await milestoneRewards(p.shop);
    expect(pending.status).toBe("PENDING");

    held.open();
    await stalled;
    const [cancelled] = await milestoneRewards(p.shop);
    expect(cancelled).toMatchObject({ id: pending.id, status: "CANCELLED", sourceKey: `milestone:${p.referrer.id}:2:cancelled:${pending.id}` });
    expect(credits(p.shop, "20")).toHaveLength(0);
    p.advance(86_400_000); // the refund's retry, past its backoff: nothing more to do
    await p.drain();
    expect((await milestoneRewards(p.shop)).map((r) => r.status)).toEqual(["CANCELLED"]);
  });

  it("refunded after its reward was issued: the reward stays, and the milestone is not reached twice", async () => {
    const p = await setupShop({ holdDays: 0 });
    await saveMilestones(db, { shop: p.shop, milestones: [milestone(2, "STORE_CREDIT", "20")], cause: "test" });
    await friendBuys(p);
    const second = await friendBuys(p);
    const [issued] = await milestoneRewards(p.shop);
    expect(issued.status).toBe("ISSUED");

    await p.send("refunds/create", refund(second.orderId));
    await p.drain();
    expect(await p.referral(second.gid)).toMatchObject({ status: "REVERSED", reward: { status: "REVOKED" } });
    const [kept] = await milestoneRewards(p.shop);
    expect(kept).toMatchObject({ id: issued.id, status: "ISSUED", sourceKey: `milestone:${p.referrer.id}:2` });
    expect(await db.job.findUnique({ where: { shop_kind_key: { shop: p.shop, kind: REVOKE_JOB, key: issued.id } } })).toBeNull();
    expect(await db.auditEvent.findFirst({ where: { shop: p.shop, rewardId: issued.id, action: "reward.kept" } })).toMatchObject({ detail: expect.stringMatching(/kept: it was issued/) });
    expect(Number(shopify.fake.storeCreditBalance(p.shop, p.referrerCustomer.id, "USD"))).toBe(20);

    // Back at two successful referrals: the milestone was reached already.
    await friendBuys(p);
    expect(await milestoneRewards(p.shop)).toHaveLength(1);
    expect(credits(p.shop, "20")).toHaveLength(1);
  });

  it("refunded while its reward is being issued (ISSUING): the reward is issued once and kept, nothing is revoked", async () => {
    const p = await setupShop({ holdDays: 0 });
    await saveMilestones(db, { shop: p.shop, milestones: [milestone(2, "STORE_CREDIT", "20")], cause: "test" });
    await friendBuys(p);

    // The worker has claimed the milestone's reward (ISSUING) and stalls in its call to Shopify.
    const held = gate();
    const wrap = (client: AdminClient): AdminClient => ({
      query: (document, variables) => client.query(document, variables),
      mutate: async (document, variables, options) => {
        if (document === STORE_CREDIT_CREDIT) await held.wait();
        return client.mutate(document, variables, options);
      },
    });
    const second = paidOrder(p.referrer.code);
    await p.send("orders/paid", second.payload);
    const stalled = p.drain(heldWorker({ wrap }));
    await held.arrived;
    const [issuing] = await milestoneRewards(p.shop);
    expect(issuing.status).toBe("ISSUING");

    await p.send("refunds/create", refund(second.orderId));
    await p.drain(pipelineWorker({ workerId: "b" }));
    expect(await p.referral(second.gid)).toMatchObject({ status: "REVERSED" });
    expect((await milestoneRewards(p.shop))[0].status).toBe("ISSUING");
    held.open();
    await stalled;
    await p.drain();

    const [kept] = await milestoneRewards(p.shop);
    expect(kept).toMatchObject({ id: issuing.id, status: "ISSUED", sourceKey: `milestone:${p.referrer.id}:2` });
    expect(credits(p.shop, "20")).toHaveLength(1);
    expect(Number(shopify.fake.storeCreditBalance(p.shop, p.referrerCustomer.id, "USD"))).toBe(20);
    expect(await db.job.findUnique({ where: { shop_kind_key: { shop: p.shop, kind: REVOKE_JOB, key: issuing.id } } })).toBeNull();
    expect(await db.auditEvent.findFirst({ where: { shop: p.shop, rewardId: issuing.id, action: "reward.kept" } })).toMatchObject({ detail: expect.stringMatching(/being issued/) });

    await friendBuys(p);
    expect(await milestoneRewards(p.shop)).toHaveLength(1);
  });
});
