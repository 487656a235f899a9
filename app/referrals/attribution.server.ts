// Turning a paid order into a referral: which referrer it belongs to, and
// whether it qualifies. Every decision is recorded with its reason. Safe to run
// any number of times for the same order (one referral per order, enforced by
// a unique key), and in any order relative to the order's refunds and cancellation.
import type { Db } from "~/db.server";
import type { WorkContext } from "~/queue/types";
import { recordAudit } from "./audit.server";
import { kickEvents, recordEvent } from "~/events/record.server";
import { referralFacts } from "~/events/facts";
import { requestRelease } from "./rewards.server";
import { canonicalCode } from "./codes";
import { normaliseEmail } from "./email";
import { countedTransaction } from "./daily-stats.server";
import { linkChannelOf, linkCodeOf, type OrderFacts } from "./order";
import { isUniqueViolation } from "~/db-errors";
import { hasEarlierOrder } from "./shopify-lookups.server";
import { applyRefunds } from "./reversal.server";
import { LIVE_REFERRAL_STATUSES, ReferralStatus } from "./statuses";
import type { ProgramRow } from "./programs.server";
import { emailFriendOrdered } from "~/email/events.server";
import { deviceHashes } from "./device";
import { holdForReview, reviewNewReferral } from "./review.server";
import { referrerOfFormerCode } from "./code-rotation.server";
import { referrerOfFriendCode } from "./friend-codes.server";
import { checkForLeak, leakFactsOf, leakSuspects } from "./leaks.server";
import { activeVariantId } from "~/experiments/incentive.server";


export type AttributionOutcome =
  | { kind: "not-referred" }
  | { kind: "duplicate"; referralId: string }
  | { kind: "pending" | "rejected" | "reversed"; referralId: string; reason?: string };

type ReferrerRow = NonNullable<Awaited<ReturnType<Db["referrer"]["findFirst"]>>>;

/**
 * @param cancelled the order is already cancelled (a cancellation that arrived
 *   before, or instead of, the paid webhook): the referral is recorded reversed.
 */
export async function attributeOrder(ctx: WorkContext, order: OrderFacts, { cancelled = false } = {}): Promise<AttributionOutcome> {
  const { db, shop } = ctx;
  const program = await db.program.findUnique({ where: { shop } });
  if (!program) return { kind: "not-referred" };
  await markRewardCodesUsed(db, shop, order, ctx.now());

  const found = await findReferrer(db, shop, order, program);
  if (!found) {
    await rememberReferrerAddress(db, shop, order);
    return { kind: "not-referred" };
  }
  const device = deviceHashes(shop, { ip: order.clientIp, userAgent: order.userAgent });
  const existing = await db.referral.findUnique({ where: { shop_orderId: { shop, orderId: order.orderId } } });
  if (existing) {
    // A run that died between creating the referral and scheduling its release
    // is retried here: finish its work, or the referral would wait forever.
    if (existing.status === ReferralStatus.PENDING) {
      await review(ctx, program, existing, found.referrer, order, device);
      await followUpPending(ctx, existing);
    }
    return { kind: "duplicate", referralId: existing.id };
  }

  const rejection = await rejectionReason(ctx, program, found.referrer, order);
  const leak = await leakFactsOf(db, shop, found.referrer, order, found.by);
  const now = ctx.now();
  const holdUntil = new Date(now.getTime() + program.holdDays * 86_400_000);
  let status = rejection ? ReferralStatus.REJECTED : cancelled ? ReferralStatus.REVERSED : ReferralStatus.PENDING;
  let reason = rejection ?? (cancelled ? "The order was cancelled" : null);

  let referral;
  let deliveries = 0;
  try {
    referral = await countedTransaction(db, shop, async (tx, changes) => {
      if (status === ReferralStatus.PENDING && program.maxRewardsPerReferrer) {
        // The cap again, under the referrer's row lock (a no-op UPDATE: PostgreSQL
        // row lock, SQLite write lock) held until commit: two of the referrer's
        // orders attributed at once cannot both see room for one more.
        await tx.referrer.updateMany({ where: { id: found.referrer.id, shop }, data: { referralCount: { increment: 0 } } });
        const capped = await capReason(tx, shop, found.referrer.id, program.maxRewardsPerReferrer);
        if (capped) {
          status = ReferralStatus.REJECTED;
          reason = capped;
        }
      }
      const created = await tx.referral.create({
        data: {
          shop,
          referrerId: found.referrer.id,
          orderId: order.orderId,
          orderName: order.orderName,
          friendCustomerId: order.customerId,
          friendEmail: order.email,
          friendEmailKey: order.email ? normaliseEmail(order.email) : null,
          friendAddressHash: order.shippingAddressHash,
          friendStreetHash: order.shippingStreetHash,
          friendIpHash: device.ipHash,
          friendUaHash: device.uaHash,
          codeUsed: found.code,
          attributedBy: found.by,
          subtotalAmount: order.subtotal,
          totalAmount: order.total,
          currencyCode: order.currencyCode,
          status,
          reason,
          test: order.test,
          orderCreatedAt: order.createdAt,
          holdUntil: status === ReferralStatus.PENDING ? holdUntil : null,
          rejectedAt: status === ReferralStatus.REJECTED ? now : null,
          reversedAt: status === ReferralStatus.REVERSED ? now : null,
          channel: linkChannelOf(order),
          landingSite: leak.landingSite,
          referringSite: leak.referringSite,
          couponSite: leak.couponSite,
          typedWithoutLink: leak.typedWithoutLink,
          // The variant whose offer the friend got and whose reward the referrer is promised.
          variantId: activeVariantId(found.referrer),
        },
      });
      if (status === ReferralStatus.PENDING) changes.liveReferral(created, 1);
      const base = { referrerId: found.referrer.id, referralId: created.id, occurredAt: now };
      if (status === ReferralStatus.PENDING) deliveries = await recordEvent(tx, shop, { ...base, type: "referral.created", key: `created:${created.id}`, data: { referral: referralFacts(created) } }, now);
      else if (status === ReferralStatus.REJECTED) deliveries = await recordEvent(tx, shop, { ...base, type: "referral.rejected", key: `rejected:${created.id}`, data: { referral: referralFacts(created), reason: reason ?? "" } }, now);
      return created;
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await db.referral.findUnique({ where: { shop_orderId: { shop, orderId: order.orderId } } });
    return { kind: "duplicate", referralId: winner!.id };
  }
  if (deliveries > 0) await kickEvents(db, shop, now, now);

  await recordAudit(db, {
    shop,
    referralId: referral.id,
    referrerId: found.referrer.id,
    action: "referral.created",
    toStatus: status,
    cause: ctx.cause,
    detail: reason ?? `Attributed by ${found.by === "CODE" ? "code" : "link"} ${found.code}${order.test ? " (test order)" : ""}`,
  });

  if (status === ReferralStatus.PENDING) {
    // Before the release is scheduled: a held referral must never be approved by it.
    await review(ctx, program, referral, found.referrer, order, device);
    const afterRefunds = await followUpPending(ctx, referral);
    if (afterRefunds === ReferralStatus.REVERSED) return { kind: "reversed", referralId: referral.id };
    return { kind: "pending", referralId: referral.id };
  }
  return { kind: status === ReferralStatus.REJECTED ? "rejected" : "reversed", referralId: referral.id, reason: reason ?? undefined };
}

type NewReferralRow = { id: string; referrerId: string; orderName: string | null; createdAt: Date; codeUsed: string | null; typedWithoutLink: boolean };

/**
 * The suspecting rules (review.server.ts): a flagged referral waits for the
 * merchant. Then leak detection (leaks.server.ts): the referrer may be flagged
 * now, and their orders typed without a link wait for review while they are,
 * as do orders typed with a former code in its grace period. Idempotent.
 */
async function review(ctx: WorkContext, program: ProgramRow, referral: NewReferralRow, referrer: ReferrerRow, order: OrderFacts, device: ReturnType<typeof deviceHashes>) {
  await reviewNewReferral(ctx.db, {
    referral: { id: referral.id, referrerId: referral.referrerId, orderName: referral.orderName, createdAt: referral.createdAt, shop: ctx.shop },
    referrer,
    order: { device, streetHash: order.shippingStreetHash, addressHash: order.shippingAddressHash, createdAt: order.createdAt },
    holdDays: program.holdDays,
    cause: ctx.cause,
    now: ctx.now(),
  });
  const check = await checkForLeak(ctx, referral.referrerId);
  for (const suspect of await leakSuspects(ctx.db, ctx.shop, referral, check)) {
    await holdForReview(ctx.db, { shop: ctx.shop, referralId: suspect.referralId, rule: "LEAK", evidence: suspect.evidence, cause: ctx.cause, now: ctx.now() });
  }
}

/** Schedules a pending referral's release and applies refunds that arrived before the paid order. Idempotent. */
async function followUpPending(ctx: WorkContext, referral: { id: string; referrerId: string; holdUntil: Date | null }): Promise<string> {
  await requestRelease(ctx.db, { shop: ctx.shop, referralId: referral.id, at: referral.holdUntil ?? ctx.now() });
  const status = await applyRefunds(ctx, referral.id);
  if (status === ReferralStatus.PENDING) {
    const referrer = await ctx.db.referrer.findFirst({ where: { id: referral.referrerId, shop: ctx.shop } });
    if (referrer) await emailFriendOrdered(ctx.db, { id: referral.id, shop: ctx.shop }, referrer, ctx.now());
  }
  return status;
}

/** An order paid with a reward code: the code was used (its reminder is not sent). */
async function markRewardCodesUsed(db: Db, shop: string, order: OrderFacts, now: Date) {
  const codes = order.discountCodes.map(canonicalCode).filter(Boolean);
  if (codes.length === 0) return;
  await db.reward.updateMany({ where: { shop, code: { in: codes }, usedAt: null }, data: { usedAt: now } });
}

async function findReferrer(db: Db, shop: string, order: OrderFacts, program: ProgramRow) {
  const typed = order.discountCodes.map(canonicalCode).filter((c) => c && c !== program.discountCode);
  if (typed.length) {
    const referrers = await db.referrer.findMany({ where: { shop, code: { in: typed } } });
    // The first typed code that is a referrer's wins.
    for (const code of typed) {
      const referrer = referrers.find((r) => r.code === code);
      if (referrer) return { referrer, code, by: "CODE" as const };
    }
    // A rotated code in its grace period still belongs to its referrer.
    const former = await referrerOfFormerCode(db, shop, typed, order.createdAt);
    if (former) return { ...former, by: "CODE" as const };
    // A single-use friend code was made on a visit by the referrer's link: by link.
    const friend = await referrerOfFriendCode(db, shop, typed, { orderId: order.orderId, at: order.createdAt });
    if (friend) return { ...friend, by: "LINK" as const };
  }
  const linked = linkCodeOf(order);
  if (linked) {
    const code = canonicalCode(linked);
    const referrer = await db.referrer.findUnique({ where: { shop_code: { shop, code } } });
    if (referrer) return { referrer, code, by: "LINK" as const };
    const former = await referrerOfFormerCode(db, shop, [code], order.createdAt);
    if (former) return { ...former, by: "LINK" as const };
  }
  return null;
}

async function rejectionReason(ctx: WorkContext, program: ProgramRow, referrer: ReferrerRow, order: OrderFacts) {
  const { db, shop } = ctx;
  if (referrer.status !== "ACTIVE") return "The referrer is disabled";
  if (referrer.customerId && order.customerId === referrer.customerId) return "Self-referral: the friend is the referrer";
  const friendEmail = order.email ? normaliseEmail(order.email) : null;
  if (friendEmail && referrer.emailKey && friendEmail === referrer.emailKey) {
    return "Self-referral: the friend's email is the referrer's";
  }
  if (order.shippingAddressHash && referrer.addressHash === order.shippingAddressHash) {
    return "Self-referral: the order ships to the referrer's address";
  }
  if (program.minimumOrderAmount && order.subtotal.lessThan(program.minimumOrderAmount)) {
    return `The order subtotal ${order.subtotal.toFixed(2)} ${order.currencyCode} is below the minimum of ${program.minimumOrderAmount.toFixed(2)}`;
  }
  // Checked again under a lock when the referral is created (see attributeOrder).
  if (program.maxRewardsPerReferrer) {
    const capped = await capReason(db, shop, referrer.id, program.maxRewardsPerReferrer);
    if (capped) return capped;
  }
  if (program.firstOrderOnly && (await hasOrderedBefore(ctx, order))) return "Not the friend's first order";
  return null;
}

async function capReason(db: Pick<Db, "referral">, shop: string, referrerId: string, cap: number): Promise<string | null> {
  const live = await db.referral.count({ where: { shop, referrerId, status: { in: LIVE_REFERRAL_STATUSES } } });
  return live >= cap ? `The referrer reached the cap of ${cap} referrals` : null;
}

/**
 * Did the friend order before this order? A customer's earlier orders are
 * found by customer id; a guest checkout (no customer) is known by its email:
 * an earlier referral order of the same (normalised) email here, or any
 * earlier order with that email in Shopify.
 */
async function hasOrderedBefore(ctx: WorkContext, order: OrderFacts): Promise<boolean> {
  const { db, shop } = ctx;
  const before = { orderId: order.orderId, before: order.createdAt };
  if (order.customerId) return hasEarlierOrder(await ctx.admin(), { ...before, customerId: order.customerId });
  if (!order.email) return false;
  const earlierReferral = await db.referral.findFirst({
    where: { shop, friendEmailKey: normaliseEmail(order.email), orderId: { not: order.orderId }, orderCreatedAt: { lt: order.createdAt } },
    select: { id: true },
  });
  if (earlierReferral) return true;
  return hasEarlierOrder(await ctx.admin(), { ...before, email: order.email });
}

/** A referrer's own order tells us their address: a later friend order shipped there is a self-referral. */
async function rememberReferrerAddress(db: Db, shop: string, order: OrderFacts) {
  if (!order.customerId || !order.shippingAddressHash) return;
  await db.referrer.updateMany({
    where: { shop, customerId: order.customerId },
    data: { addressHash: order.shippingAddressHash, streetHash: order.shippingStreetHash },
  });
}
