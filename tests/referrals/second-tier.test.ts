// The second-tier referral fee through its real entry points: the admin page
// (off by default; on only with the warning acknowledged, recorded and listed),
// the order webhooks and the worker (the fee decided once with the referral's
// release, whatever duplicates and workers do; never deeper than two levels;
// taken back with the order), the payout ledger, and the program terms shoppers see.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import { jobHandlers, webhookHandlers } from "~/jobs/registry.server";
import { createWorker } from "~/jobs/worker.server";
import { ISSUE_JOB } from "~/referrals/rewards.server";
import { enrolReferrer } from "~/referrals/referrers.server";
import { SECOND_TIER_WARNING_EN, SECOND_TIER_WARNING_VERSION } from "~/referrals/second-tier.server";
import { en } from "~/i18n/en";
import * as secondTierPage from "~/routes/app.second-tier";
import * as payouts from "~/routes/app.payouts";
import { liveFor } from "~/storefront/extension-api.server";
import { customerGid, orderGid, orderPaidPayload, refundCreatePayload } from "../../fake-shopify/payloads";
import { act, load } from "../helpers/admin-request";
import { testClock } from "../helpers/admin";
import { sendProxy } from "../helpers/app-proxy";
import { DAY, pipelineWorker, usePipeline } from "../helpers/pipeline";
import { startTestSmtp, useSmtpEnv, type TestSmtp } from "../helpers/smtp";

const { setupShop } = usePipeline();
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

type Shop = Awaited<ReturnType<typeof setupShop>>;

function order(code: string, subtotal = "100.00") {
  const orderId = ++nextId;
  const customerId = ++nextId;
  const email = `friend${customerId}@example.com`;
  const payload = orderPaidPayload({ orderId, customerId, email, discountCodes: [code], subtotal, total: subtotal, currency: "USD", createdAt: new Date(testClock.now()).toISOString() });
  return { orderId, customerId, email, payload };
}

/** The friend who ordered joins the program themselves (from the storefront: no loop recorded). */
async function joins(p: Shop, friend: { customerId: number; email: string }) {
  const { referrer } = await enrolReferrer(db, { shop: p.shop, customerId: customerGid(friend.customerId), email: friend.email, source: "STOREFRONT", cause: "test", now: new Date(testClock.now()) });
  await p.drain();
  return referrer;
}

const form = (fields: Partial<Record<"enabled" | "kind" | "value" | "acknowledged" | "warningVersion", string>>) => ({
  enabled: "true",
  kind: "CASH",
  value: "3",
  acknowledged: "true",
  warningVersion: SECOND_TIER_WARNING_VERSION,
  ...fields,
});

async function turnOn(p: Shop, fields: Parameters<typeof form>[0] = {}) {
  const saved = await act(secondTierPage.action, p.shop, "/app/second-tier", form(fields));
  expect(saved).toEqual({ status: 200, data: { ok: true } });
}

const feesOf = (shop: string) => db.reward.findMany({ where: { shop, source: "SECOND_TIER" }, orderBy: { createdAt: "asc" } });

describe("turning the second-tier fee on", () => {
  it("is off by default and turns on only with the current warning acknowledged, recorded with who, when and the version", async () => {
    const p = await setupShop({ rewardKind: "CASH", rewardValue: "10" });
    const before = await load(secondTierPage.loader, p.shop, "/app/second-tier");
    expect(before).toMatchObject({ enabled: false, acknowledgement: null, history: [], warningVersion: SECOND_TIER_WARNING_VERSION });

    const unticked = await act(secondTierPage.action, p.shop, "/app/second-tier", form({ acknowledged: "false" }));
    expect(unticked).toEqual({ status: 400, data: { ok: false, errors: { acknowledged: en.secondTier.errors.notAcknowledged } } });
    const stale = await act(secondTierPage.action, p.shop, "/app/second-tier", form({ warningVersion: "w0-old" }));
    expect(stale).toEqual({ status: 400, data: { ok: false, errors: { acknowledged: en.secondTier.errors.staleWarning } } });
    const tooLarge = await act(secondTierPage.action, p.shop, "/app/second-tier", form({ value: "10" }));
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.data.errors).toEqual({ value: en.secondTier.errors.tooLarge("$10.00") });
    const notANumber = await act(secondTierPage.action, p.shop, "/app/second-tier", form({ value: "three" }));
    expect(notANumber).toEqual({ status: 400, data: { ok: false, errors: { value: en.secondTier.errors.value } } });
    expect((await db.program.findUniqueOrThrow({ where: { shop: p.shop } })).secondTierEnabled).toBe(false);

    await turnOn(p);
    const program = await db.program.findUniqueOrThrow({ where: { shop: p.shop } });
    expect(program).toMatchObject({ secondTierEnabled: true, secondTierKind: "CASH", secondTierAckVersion: SECOND_TIER_WARNING_VERSION, secondTierAckBy: "merchant:42" });
    expect(program.secondTierValue.toString()).toBe("3");
    const after = await load(secondTierPage.loader, p.shop, "/app/second-tier");
    expect(after.acknowledgement).toMatchObject({ version: SECOND_TIER_WARNING_VERSION, by: "merchant:42" });
    expect(after.history.map((e) => e.action).sort()).toEqual(["program.second-tier-acknowledged", "program.second-tier-on"]);

    // While on, the fee changes without a new acknowledgement; off and on again asks again.
    await turnOn(p, { value: "4", acknowledged: "false" });
    await turnOn(p, { enabled: "false", acknowledged: "false" });
    const again = await act(secondTierPage.action, p.shop, "/app/second-tier", form({ acknowledged: "false" }));
    expect(again.status).toBe(400);
    const history = await load(secondTierPage.loader, p.shop, "/app/second-tier");
    expect(history.history.map((e) => e.action)).toEqual(expect.arrayContaining(["program.second-tier-changed", "program.second-tier-off"]));
  });

  it("the English warning is the text whose digest is the version", () => {
    expect(en.secondTier.warning).toBe(SECOND_TIER_WARNING_EN);
  });
});

describe("the second-tier fee through the pipeline", () => {
  it("pays the referrer of the referrer once, whatever duplicates and two workers do, and nobody a third level up", async () => {
    const p = await setupShop({ holdDays: 0, rewardKind: "CASH", rewardValue: "10" });
    await turnOn(p);
    // Rita refers Bob; Bob joins and refers Carol.
    const bob = order(p.referrer.code);
    await p.send("orders/paid", bob.payload);
    await p.drain();
    const bobReferrer = await joins(p, bob);
    expect(await feesOf(p.shop)).toEqual([]); // Rita was never referred: no fee for Bob's order.

    const carol = order(bobReferrer.code, "80.00");
    const first = await p.send("orders/paid", carol.payload);
    await p.send("orders/paid", carol.payload, first); // the same delivery again
    await p.send("orders/paid", carol.payload); // and a second delivery of the same order
    const second = pipelineWorker({ workerId: "second" });
    await Promise.all([p.drain(), p.drain(second)]);

    const fees = await feesOf(p.shop);
    expect(fees).toHaveLength(1);
    expect(fees[0]).toMatchObject({ referrerId: p.referrer.id, kind: "CASH", valueType: "FIXED_AMOUNT", currencyCode: "USD", status: "ISSUED", sourceKey: expect.stringMatching(/^second-tier:/) });
    expect(fees[0].value.toString()).toBe("3");
    const carolReferral = await p.referral(orderGid(carol.orderId));
    expect(fees[0].triggerReferralId).toBe(carolReferral!.id);
    expect(carolReferral).toMatchObject({ status: "REWARDED", referrerId: bobReferrer.id, reward: { status: "ISSUED", kind: "CASH" } });

    // Rita's "your reward" email says what the fee is for (over SMTP).
    const mails = smtp.received.filter((m) => m.envelopeTo.includes("rita@example.com") && /reward is here/.test(m.parsed.subject ?? ""));
    const feeMail = mails.find((m) => m.parsed.text?.includes("second-tier fee"));
    expect(feeMail?.parsed.text).toContain("a referral fee of $3.00");
    expect(feeMail?.parsed.text).toContain("This is a second-tier fee: a friend you referred joined the program, and a friend they referred has completed their order.");

    // Carol joins and refers Dan: Bob earns the second-tier fee, Rita nothing.
    const carolReferrer = await joins(p, carol);
    const dan = order(carolReferrer.code);
    await p.send("orders/paid", dan.payload);
    await p.drain();
    const all = await feesOf(p.shop);
    expect(all.map((f) => f.referrerId)).toEqual([p.referrer.id, bobReferrer.id]);

    // The fee is on the payout ledger as the referrer's cash owed.
    const ledger = await load(payouts.loader, p.shop, "/app/payouts");
    const rita = ledger.rows.find((r) => r.referrerId === p.referrer.id)!;
    expect(Number(rita.approved)).toBe(13);
    expect(rita.owedRewardIds).toContain(all[0].id);
  });

  it("pays nobody when it is off", async () => {
    const p = await setupShop({ holdDays: 0, rewardKind: "CASH", rewardValue: "10" });
    const bob = order(p.referrer.code);
    await p.send("orders/paid", bob.payload);
    await p.drain();
    const bobReferrer = await joins(p, bob);
    await p.send("orders/paid", order(bobReferrer.code).payload);
    await p.drain();
    expect(await feesOf(p.shop)).toEqual([]);
  });

  it("the order refunded before the fee is issued cancels it; refunded after, a cash fee not yet paid is cancelled", async () => {
    const p = await setupShop({ holdDays: 30, rewardKind: "CASH", rewardValue: "10" });
    await turnOn(p, { kind: "STORE_CREDIT", value: "2" });
    const bob = order(p.referrer.code);
    await p.send("orders/paid", bob.payload);
    p.advance(31 * DAY);
    await p.drain();
    const bobReferrer = await joins(p, bob);

    // Carol's order qualifies; a worker without the issue job releases it (the fee is decided, not yet issued)...
    const carol = order(bobReferrer.code);
    await p.send("orders/paid", carol.payload);
    await p.drain(); // attributed; its release waits for the hold
    p.advance(31 * DAY);
    const releaseOnly = createWorker({
      db,
      webhookHandlers,
      jobHandlers: new Map([...jobHandlers].filter(([kind]) => kind !== ISSUE_JOB)),
      now: () => new Date(testClock.now()),
      random: () => 0.5,
      logger: { info() {}, warn() {} },
      admin: () => Promise.reject(new Error("no Shopify call expected")),
    });
    for (let round = 0; round < 20 && (await releaseOnly.runOnce()).claimed > 0; round++);
    const [decided] = await feesOf(p.shop);
    expect(decided).toMatchObject({ status: "PENDING", kind: "STORE_CREDIT", referrerId: p.referrer.id });
    // ...then it is refunded in full: the fee is cancelled with the referral's own reward, never issued.
    await p.send("refunds/create", refundCreatePayload({ orderId: carol.orderId, refundId: ++nextId, amount: "100.00", currency: "USD" }));
    await p.drain();
    expect(await feesOf(p.shop)).toEqual([expect.objectContaining({ id: decided.id, status: "CANCELLED", shopifyId: null })]);
    expect(await p.referral(orderGid(carol.orderId))).toMatchObject({ status: "REVERSED", reward: { status: "CANCELLED" } });

    // Dan's order: the cash fee is issued, then the order is refunded before payout: the fee is taken back.
    await turnOn(p, { kind: "CASH", value: "2", acknowledged: "false" });
    const dan = order(bobReferrer.code);
    await p.send("orders/paid", dan.payload);
    await p.drain();
    p.advance(31 * DAY);
    await p.drain();
    const issued = (await feesOf(p.shop)).find((f) => f.id !== decided.id)!;
    expect(issued).toMatchObject({ status: "ISSUED", kind: "CASH" });
    await p.send("refunds/create", refundCreatePayload({ orderId: dan.orderId, refundId: ++nextId, amount: "100.00", currency: "USD" }));
    await p.drain();
    expect(await db.reward.findUniqueOrThrow({ where: { id: issued.id } })).toMatchObject({ status: "REVOKED" });
  });
});

describe("the second-tier fee racing a refund", () => {
  it("a refund processed while the release runs never leaves a fee standing on a reversed order (two workers, 5 rounds)", async () => {
    const p = await setupShop({ holdDays: 30, rewardKind: "CASH", rewardValue: "10" });
    await turnOn(p);
    const bob = order(p.referrer.code);
    await p.send("orders/paid", bob.payload);
    p.advance(31 * DAY);
    await p.drain();
    const bobReferrer = await joins(p, bob);
    const second = pipelineWorker({ workerId: "racer" });
    for (let round = 0; round < 5; round++) {
      const friend = order(bobReferrer.code);
      await p.send("orders/paid", friend.payload);
      await p.drain();
      p.advance(31 * DAY); // its release is due...
      // ...and its full refund arrives at the same time: two workers take both at once.
      await p.send("refunds/create", refundCreatePayload({ orderId: friend.orderId, refundId: ++nextId, amount: "100.00", currency: "USD" }));
      await Promise.all([p.drain(), p.drain(second)]);
      await p.drain();
      const referral = await p.referral(orderGid(friend.orderId));
      expect(referral!.status).toBe("REVERSED");
      const fees = await db.reward.findMany({ where: { shop: p.shop, triggerReferralId: referral!.id } });
      expect(fees.length).toBeLessThanOrEqual(1);
      for (const fee of fees) expect(["CANCELLED", "REVOKED"]).toContain(fee.status);
    }
  });
});

describe("the program terms shoppers see", () => {
  it("describe the fee while it is on, in the shopper's language, and its acceptance version changes with it", async () => {
    const p = await setupShop({ rewardKind: "CASH", rewardValue: "10", terms: "Be nice." });
    const page = async (locale: string) => (await sendProxy({ shop: p.shop, path: "", query: { locale } })).text();
    const caller = { shop: p.shop, locale: { tag: "en", language: "en" } };
    const offVersion = (await liveFor(db, caller as Parameters<typeof liveFor>[1]))!.termsVersion;
    expect(await page("en")).not.toContain("rfl-second-tier");

    await turnOn(p, { value: "2.5" });
    const english = await page("en");
    expect(english).toContain("Be nice.");
    expect(english).toContain("you also earn $2.50 as a cash fee");
    expect(await page("fr")).toContain("vous gagnez aussi 2,50");
    const onVersion = (await liveFor(db, caller as Parameters<typeof liveFor>[1]))!.termsVersion;
    expect(onVersion).not.toBe(offVersion);
  });
});
