// A shop where one customer, Alice, is everywhere the app can hold her: as a
// referrer, as the friend in someone else's referral, in audit details, in
// stored webhook bodies, in a job, in a staff session. Bob and Carol are the
// other customers, whose data must survive Alice's erasure.
import type { Db } from "~/db.server";
import type { WebhookContext } from "~/queue/types";
import { rateLimitAddress } from "~/storefront/proxy-context";
import { storefrontRules } from "~/storefront/rate-limit.server";
import { klaviyoRules } from "~/integrations/klaviyo/sink.server";
import { apiRateLimitRule } from "~/api/request.server";
import { orderPaidPayload } from "../../fake-shopify/payloads";
import { seedInstalledShop } from "../../fake-shopify/seed";
import { recountLinkEvents } from "~/storefront/link-events.server";

export const ALICE = {
  id: "7283749823749",
  gid: "gid://shopify/Customer/7283749823749",
  referrerEmail: "Alice.Liddell+shop@gmail.com",
  friendEmail: "alice.liddell@googlemail.com",
  requestEmail: "alice.liddell@gmail.com",
  emailKey: "aliceliddell@gmail.com",
  code: "FRIEND-K7Q4XM9P",
};
/** What must not remain anywhere in the shop once Alice is erased (searched case-insensitively). */
export const ALICE_NEEDLES = [ALICE.id, ALICE.emailKey, "alice", "liddell"];

export const BOB = { gid: "gid://shopify/Customer/1111111111111", email: "bob@example.com", code: "FRIEND-B2B2B2B2" };
export const CAROL = { id: "2222222222222", gid: "gid://shopify/Customer/2222222222222", email: "carol@example.com" };

const T0 = new Date("2026-10-01T12:00:00.000Z");

export async function seedShop(db: Db, shop: string) {
  await seedInstalledShop(db, shop, {
    currencyCode: "USD",
    shopScope: "read_orders",
    accessToken: "shpat_offline",
    scope: null,
    sessions: [
      // A staff account that happens to be Alice.
      { id: `online_${shop}_1`, accessToken: "shpua_1", userId: 99n, email: "ALICE.LIDDELL@gmail.com", firstName: "Alice", lastName: "Liddell" },
      { id: `online_${shop}_2`, accessToken: "shpua_2", userId: 98n, email: "owner@example.com" },
    ],
  });
  await db.program.create({ data: { shop } });

  const alice = await db.referrer.create({
    data: {
      shop,
      customerId: ALICE.gid,
      email: ALICE.referrerEmail,
      emailKey: ALICE.emailKey,
      firstName: "Alice",
      lastName: "Liddell",
      code: ALICE.code,
      source: "STOREFRONT",
      createdAt: T0,
    },
  });
  // Her code before a rotation after a leak, still in its grace period.
  await db.referrerCode.create({ data: { shop, referrerId: alice.id, code: "FRIEND-OLDA1ICE", retireAt: new Date("2026-10-15T00:00:00.000Z"), createdAt: T0 } });
  const bob = await db.referrer.create({
    data: { shop, customerId: BOB.gid, email: BOB.email, emailKey: BOB.email, firstName: "Bob", lastName: "Builder", code: BOB.code, source: "ADMIN" },
  });

  // An incentive experiment Alice was assigned to on enrolment (shop/redact removes it).
  const experiment = await db.experiment.create({
    data: {
      shop,
      name: "Bigger friend offer",
      runningShop: shop,
      startedAt: T0,
      createdBy: "merchant:98",
      variants: {
        create: [
          { shop, position: 0, name: "Control", friendOfferKind: "PERCENTAGE", friendOfferValue: "10", rewardKind: "CODE_PERCENTAGE", rewardValue: "10", discountCode: "FRIEND-PROGRAM-CONTROL0000000A" },
          { shop, position: 1, name: "B", friendOfferKind: "PERCENTAGE", friendOfferValue: "20", rewardKind: "CASH", rewardValue: "5", discountCode: "FRIEND-PROGRAM-VARIANTB0000000A" },
        ],
      },
    },
    include: { variants: { orderBy: { position: "asc" } } },
  });
  await db.referrer.update({ where: { id: alice.id }, data: { variantId: experiment.variants[1].id } });

  // Alice referred Carol, and was paid for it.
  const aliceReferral = await db.referral.create({
    data: {
      shop,
      referrerId: alice.id,
      orderId: "gid://shopify/Order/5000000000001",
      orderName: "#1001",
      friendCustomerId: CAROL.gid,
      friendEmail: CAROL.email,
      friendEmailKey: CAROL.email,
      codeUsed: ALICE.code,
      attributedBy: "CODE",
      subtotalAmount: "100.00",
      totalAmount: "110.00",
      currencyCode: "USD",
      status: "REWARDED",
    },
  });
  await db.reward.create({
    data: {
      shop,
      referrerId: alice.id,
      referralId: aliceReferral.id,
      kind: "CASH",
      valueType: "FIXED_AMOUNT",
      value: "10.00",
      currencyCode: "USD",
      status: "PAID",
      payoutReference: "PayPal to Alice.Liddell@gmail.com",
    },
  });

  // Bob referred Alice (she is the friend here) and Carol.
  const bobReferral = await db.referral.create({
    data: {
      shop,
      referrerId: bob.id,
      orderId: "gid://shopify/Order/5000000000002",
      orderName: "#1002",
      friendCustomerId: ALICE.gid,
      friendEmail: ALICE.friendEmail,
      friendEmailKey: ALICE.emailKey,
      friendAddressHash: "addrhash-4f1c",
      // Leak evidence can name her: a newsletter link with her address, her webmail.
      landingSite: `/?ref=${BOB.code}&subscriber=${encodeURIComponent(ALICE.friendEmail)}`,
      referringSite: "https://mail.example.net/u/alice.liddell/inbox",
      codeUsed: BOB.code,
      attributedBy: "LINK",
      subtotalAmount: "50.00",
      totalAmount: "55.00",
      currencyCode: "USD",
      status: "APPROVED",
      reason: `Friend ${ALICE.friendEmail} passed the self-referral checks`,
    },
  });
  await db.reward.create({
    data: { shop, referrerId: bob.id, referralId: bobReferral.id, kind: "CODE", valueType: "PERCENTAGE", value: "10", code: "REWARD-B0B00001", status: "ISSUED" },
  });
  await db.referral.create({
    data: {
      shop,
      referrerId: bob.id,
      orderId: "gid://shopify/Order/5000000000003",
      friendCustomerId: CAROL.gid,
      friendEmail: CAROL.email,
      friendEmailKey: CAROL.email,
      attributedBy: "CODE",
      subtotalAmount: "20.00",
      totalAmount: "25.00",
      currencyCode: "USD",
      status: "PENDING",
    },
  });

  await db.linkEvent.createMany({
    data: [
      ...Array.from({ length: 3 }, () => ({ shop, referrerId: alice.id, type: "CLICK", channel: "whatsapp" })),
      { shop, referrerId: alice.id, type: "SHARE", channel: "email" },
      ...Array.from({ length: 2 }, () => ({ shop, referrerId: bob.id, type: "CLICK", channel: "copy" })),
    ],
  });
  await recountLinkEvents(db, shop);

  await db.auditEvent.createMany({
    data: [
      { shop, referrerId: alice.id, action: "referrer.enrolled", cause: "system", detail: `${ALICE.referrerEmail} via STOREFRONT` },
      {
        shop,
        referralId: bobReferral.id,
        action: "referral.created",
        cause: "webhook:paid-2",
        detail: JSON.stringify({ friend: { id: Number(ALICE.id), email: ALICE.friendEmail }, code: BOB.code }),
      },
      { shop, referralId: aliceReferral.id, action: "referral.created", cause: "webhook:paid-1", detail: `friend ${CAROL.email}` },
    ],
  });

  const aliceOrder = (orderId: number) =>
    JSON.stringify(
      orderPaidPayload({
        orderId,
        customerId: ALICE.id,
        email: ALICE.friendEmail,
        firstName: "Alice",
        lastName: "Liddell",
        subtotal: "50.00",
        total: "55.00",
        currency: "USD",
        discountCodes: [BOB.code],
      }),
    );
  const carolOrder = JSON.stringify(
    orderPaidPayload({ orderId: 5000000000003, customerId: CAROL.id, email: CAROL.email, firstName: "Carol", lastName: "Example", subtotal: "20.00", total: "25.00", currency: "USD" }),
  );
  await db.webhookDelivery.createMany({
    data: [
      // Gave up after retries: its body was never cleared.
      { shop, webhookId: "paid-2", topic: "orders/paid", payload: aliceOrder(5000000000002), status: "DEAD", lastError: `Error: no referrer for ${ALICE.friendEmail}` },
      // Not yet processed: must not run later and write Alice back.
      { shop, webhookId: "paid-4", topic: "orders/paid", payload: aliceOrder(5000000000004), status: "PENDING" },
      { shop, webhookId: "paid-3", topic: "orders/paid", payload: carolOrder, status: "PENDING" },
    ],
  });

  await db.job.createMany({
    data: [
      { shop, kind: "reward.issue", key: "bob-1", payload: JSON.stringify({ rewardFor: BOB.gid, friend: ALICE.gid }) },
      { shop, kind: "reconcile", key: "daily" },
    ],
  });
  // The storefront's windows, keyed as the app keys them (an IPv4 shopper, an IPv6 one by its /64, the shop's own).
  const windows = [...storefrontRules("enrol", { shop, ip: "203.0.113.9" }), ...storefrontRules("click", { shop, ip: rateLimitAddress("2001:db8:5::1") })];
  await db.rateLimit.createMany({ data: windows.map(({ key }) => ({ key, windowStart: T0, count: 3 })) });

  // The email outbox and send log: Alice's link (sent), a reminder refused by
  // her server (its answer quotes her address), her opt-out; Bob's email.
  await db.emailMessage.createMany({
    data: [
      { shop, kind: "YOUR_LINK", key: `link:${alice.id}:${ALICE.emailKey}`, recipient: ALICE.referrerEmail, emailKey: ALICE.emailKey, locale: "en", referrerId: alice.id, status: "SENT", sentAt: T0 },
      { shop, kind: "REWARD_REMINDER", key: `reminder:x:${ALICE.emailKey}`, recipient: ALICE.referrerEmail, emailKey: ALICE.emailKey, status: "FAILED", reason: `550 5.1.1 <${ALICE.referrerEmail}>: mailbox full` },
      { shop, kind: "YOUR_LINK", key: `link:${bob.id}:${BOB.email}`, recipient: BOB.email, emailKey: BOB.email, referrerId: bob.id, status: "SENT", sentAt: T0 },
    ],
  });
  await db.emailSuppression.create({ data: { shop, emailKey: ALICE.emailKey, reason: "UNSUBSCRIBED" } });
  await db.emailSwitch.create({ data: { shop, kind: "MERCHANT_DIGEST", enabled: true } });
  await db.emailText.create({ data: { shop, kind: "INVITATION", locale: "en", subject: "Hi", heading: "Hello", body: "Share {link}" } });
  // A Klaviyo connection (its sealed key) and its send windows, keyed as the sink keys them.
  await db.klaviyoConnection.create({ data: { shop, keyCiphertext: "c2VhbGVk", keyLast4: "abcd" } });
  await db.rateLimit.createMany({ data: klaviyoRules(shop).map(({ key }) => ({ key, windowStart: T0, count: 5 })) });
  // A read API key (app/api) and its rate-limit window.
  const apiKey = await db.apiKey.create({ data: { shop, name: "Warehouse", prefix: "rk_live_seed0000", keyHash: `seed-hash:${shop}`, createdBy: "merchant:1" } });
  await db.rateLimit.create({ data: { key: apiRateLimitRule(shop, apiKey.id).key, windowStart: T0, count: 1 } });

  // The program's milestones, and the milestone reward Alice's referral brought Bob (shop data: kept when Alice is erased).
  await db.milestone.createMany({
    data: [
      { shop, referrals: 1, rewardKind: "STORE_CREDIT", rewardValue: 20 },
      { shop, referrals: 5, rewardKind: "FREE_PRODUCT", rewardValue: 100, productId: "gid://shopify/Product/42", productTitle: "Blue Mug" },
    ],
  });
  await db.reward.create({
    data: { shop, referrerId: bob.id, source: "MILESTONE", sourceKey: `milestone:${bob.id}:1`, triggerReferralId: bobReferral.id, kind: "STORE_CREDIT", valueType: "FIXED_AMOUNT", value: 20, currencyCode: "USD", status: "ISSUED" },
  });

  // Alice is also the contact of a partner business (app/partners), which signed the agreement and has a sign-in link;
  // Bob's business is another partner (kept when Alice is erased).
  const agreement = await db.agreementVersion.create({ data: { shop, version: 1, body: "Partner agreement", publishedBy: "merchant:1" } });
  const alicePartner = await db.partner.create({
    data: {
      shop,
      referrerId: alice.id,
      status: "APPROVED",
      name: "Alice Liddell",
      businessName: "Liddell Looking-Glass Repairs",
      email: ALICE.referrerEmail,
      emailKey: ALICE.emailKey,
      website: "https://liddell-glass.example",
      pitch: "Alice tells her clients",
      payoutEmail: "alice.payouts@example.com",
      acceptedVersionId: agreement.id,
      acceptedAt: T0,
    },
  });
  await db.agreementAcceptance.create({ data: { shop, partnerId: alicePartner.id, versionId: agreement.id, version: 1, signature: "Alice Liddell", ipHash: "keyed-hash-of-alice-ip", acceptedAt: T0 } });
  await db.partnerSignIn.create({ data: { shop, partnerId: alicePartner.id, tokenHash: `seed-token-hash:${shop}`, expiresAt: new Date("2027-01-01T00:00:00.000Z") } });
  const bobPartner = await db.partner.create({ data: { shop, referrerId: bob.id, status: "APPROVED", name: "Bob Builder", businessName: "Bob's Bricks", email: BOB.email, emailKey: BOB.email, acceptedVersionId: agreement.id } });
  await db.agreementAcceptance.create({ data: { shop, partnerId: bobPartner.id, versionId: agreement.id, version: 1, signature: "Bob Builder", acceptedAt: T0 } });
  await db.partnerGroup.create({ data: { shop, name: "Stylists", feeKind: "PERCENT", feeValue: 12 } });
  await db.payoutBatch.create({ data: { shop, number: 1, currencyCode: "USD", createdBy: "merchant:1" } });

  return { alice, bob, aliceReferral, bobReferral, alicePartner, bobPartner };
}

/** What the worker would hand a handler, without the worker. */
export function webhookContext(
  db: Db,
  input: { shop: string; topic: string; payload: unknown; webhookId?: string; now?: Date },
): WebhookContext {
  const webhookId = input.webhookId ?? `${input.topic}-1`;
  return {
    db,
    shop: input.shop,
    topic: input.topic,
    webhookId,
    cause: `webhook:${webhookId}`,
    payload: input.payload,
    triggeredAt: null,
    now: () => input.now ?? new Date("2026-11-01T00:00:00.000Z"),
    admin: () => Promise.reject(new Error("compliance handlers must not call the Admin API")),
  };
}

/** Row counts and money totals that erasing a customer must not change. */
export async function anonymousTotals(db: Db, shop: string) {
  const [referrers, referrals, rewards, linkEvents, referralSums, rewardSums] = await Promise.all([
    db.referrer.count({ where: { shop } }),
    db.referral.count({ where: { shop } }),
    db.reward.count({ where: { shop } }),
    db.linkEvent.count({ where: { shop } }),
    db.referral.aggregate({ where: { shop }, _sum: { subtotalAmount: true, totalAmount: true } }),
    db.reward.aggregate({ where: { shop }, _sum: { value: true } }),
  ]);
  return {
    referrers,
    referrals,
    rewards,
    linkEvents,
    subtotal: referralSums._sum.subtotalAmount?.toString(),
    total: referralSums._sum.totalAmount?.toString(),
    rewardValue: rewardSums._sum.value?.toString(),
  };
}
