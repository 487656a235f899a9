// Rotating a referrer's code after it leaked: the referrer gets a new code
// (added to the friend discount by the code sync), and the old one keeps
// working and attributing to them for a grace period the merchant picks, so
// friends who already have it are not turned away at checkout. When the grace
// period ends the "retire-code" job deletes it from the discount; its
// ReferrerCode row stays as history.
import type { Db } from "~/db.server";
import { isUniqueViolation } from "~/db-errors";
import { enqueueJob } from "~/queue/queue.server";
import type { JobContext } from "~/queue/types";
import { REDEEM_CODES_DELETE } from "~/shopify/documents";
import { emailCodeChanged } from "~/email/events.server";
import { kickOutbox } from "~/email/outbox.server";
import { recordAudit } from "./audit.server";
import { generateReferralCode } from "./codes";
import { activeVariantId } from "~/experiments/incentive.server";
import { redeemCodeId, requestCodeSync, waitForJob, type Polling } from "./code-sync.server";

export const RETIRE_CODE_JOB = "retire-code";
const DAY = 86_400_000;
const MAX_CODE_ATTEMPTS = 5;
/**
 * A code sync is asked for before the rotation commits, this far ahead, and
 * again (now) after: if the process dies in between, the early request still
 * puts the new code on the discount. A sync with nothing to add costs a query.
 */
const SAFETY_SYNC_DELAY_MS = 60_000;

export type RotationOutcome =
  | { kind: "rotated"; code: string; oldCode: string; retireAt: Date }
  | { kind: "not-found" }
  /** The code is no longer the one the merchant saw (rotated meanwhile): nothing done. */
  | { kind: "stale" }
  /** A disabled or erased referrer's code is off the discount already: nothing to rotate. */
  | { kind: "disabled" };

export interface RotateInput {
  db: Db;
  shop: string;
  referrerId: string;
  /** The code the merchant saw: a second click (or a stale page) rotates nothing. Null: whatever code they have (automatic rotation). */
  expectedCode: string | null;
  graceDays: number;
  cause: string;
  /** Why, for the audit trail ("Possible leak: 5 of 6 orders typed without a link"). */
  reason: string;
  now?: Date;
}

export async function rotateReferrerCode(input: RotateInput): Promise<RotationOutcome> {
  const { db, shop, referrerId, cause, now = new Date() } = input;
  const referrer = await db.referrer.findFirst({ where: { id: referrerId, shop } });
  if (!referrer) return { kind: "not-found" };
  if (input.expectedCode !== null && referrer.code !== input.expectedCode) return { kind: "stale" };
  if (referrer.status !== "ACTIVE" || referrer.redactedAt) return { kind: "disabled" };
  const program = await db.program.findUnique({ where: { shop }, select: { codePrefix: true, discountId: true } });
  if (!program) return { kind: "not-found" };

  const oldCode = referrer.code;
  const retireAt = new Date(now.getTime() + input.graceDays * DAY);
  // Scheduled before the rotation commits (keyed by the old code, unique in
  // the shop): a crash right after the commit still retires the old code. A
  // retire job whose rotation never committed finds no row and does nothing.
  await enqueueJob(db, { shop, kind: RETIRE_CODE_JOB, key: oldCode, availableAt: retireAt }, now);
  await requestCodeSync(db, shop, new Date(now.getTime() + SAFETY_SYNC_DELAY_MS));

  for (let attempt = 0; attempt < MAX_CODE_ATTEMPTS; attempt++) {
    const code = generateReferralCode(program.codePrefix);
    // A former code stays reserved for its referrer: never handed to anyone again.
    if (await db.referrerCode.findUnique({ where: { shop_code: { shop, code } }, select: { id: true } })) continue;
    try {
      const rotated = await db.$transaction(async (tx) => {
        const moved = await tx.referrer.updateMany({
          where: { id: referrerId, shop, code: oldCode, status: "ACTIVE" },
          data: { code, codeSyncedAt: null, leakFlaggedAt: null, leakSince: now },
        });
        if (moved.count !== 1) return null;
        // On the discount already when the referrer's code was (their experiment
        // variant's, if they are in one); else the code sync adds it.
        const variantId = activeVariantId(referrer);
        const holder = variantId ? ((await tx.experimentVariant.findFirst({ where: { id: variantId, shop }, select: { discountId: true } }))?.discountId ?? null) : program.discountId;
        const onDiscount = referrer.codeSyncedAt ? holder : null;
        const history = await tx.referrerCode.create({ data: { shop, referrerId, code: oldCode, retireAt, discountId: onDiscount, createdAt: now } });
        await recordAudit(tx, {
          shop,
          referrerId,
          action: "referrer.code-rotated",
          cause,
          detail: `Code ${oldCode} replaced by ${code}; the old code works until ${retireAt.toISOString()}. ${input.reason}`.trim(),
        });
        await emailCodeChanged(tx, referrer, { rotationId: history.id, oldCode, newCode: code, retireAt }, now);
        return history;
      });
      if (!rotated) return { kind: "stale" };
      await requestCodeSync(db, shop, now);
      await kickOutbox(db, shop, now, now);
      return { kind: "rotated", code, oldCode, retireAt };
    } catch (error) {
      // The new code collided with another referrer's: draw again.
      if (!isUniqueViolation(error)) throw error;
    }
  }
  throw new Error(`Could not find a free referral code for ${shop} after ${MAX_CODE_ATTEMPTS} attempts`);
}

/**
 * The referrer a typed or linked code belongs to through a former code still in
 * its grace period when the order was placed; null otherwise (a retired code
 * is history only).
 */
export async function referrerOfFormerCode(db: Db, shop: string, codes: string[], orderedAt: Date) {
  if (codes.length === 0) return null;
  const rows = await db.referrerCode.findMany({
    where: { shop, code: { in: codes }, retireAt: { gt: orderedAt }, removedAt: null },
    include: { referrer: true },
  });
  for (const code of codes) {
    const row = rows.find((r) => r.code === code);
    if (row) return { referrer: row.referrer, code };
  }
  return null;
}

interface RetireOptions {
  sleep?: Polling["sleep"];
  maxPolls?: number;
}

/**
 * Job "retire-code" (key = the former code): once its grace period is over,
 * deletes the code from the friend discount and records it removed. Deleting
 * a code that is already gone is a lookup that finds nothing, so a second run
 * (or a run after a crash between Shopify's delete and the row's update) converges.
 */
export async function retireCode(ctx: JobContext, { sleep = (ms) => new Promise((r) => setTimeout(r, ms)), maxPolls = 30 }: RetireOptions = {}) {
  const { db, shop } = ctx;
  const row = await db.referrerCode.findUnique({ where: { shop_code: { shop, code: ctx.key } } });
  if (!row || row.removedAt) return;
  const now = ctx.now();
  if (row.retireAt > now) {
    await enqueueJob(db, { shop, kind: ctx.kind, key: ctx.key, availableAt: row.retireAt }, now);
    return;
  }
  const program = await db.program.findUnique({ where: { shop }, select: { discountId: true } });
  // The discount the code sync put it on (an experiment variant's for a variant's referrer), else the program's.
  const discountId = row.discountId ?? program?.discountId;
  if (discountId) {
    const admin = await ctx.admin();
    const id = await redeemCodeId(admin, discountId, row.code);
    if (id) {
      const deleted = await admin.mutate(REDEEM_CODES_DELETE, { discountId, ids: [id] }, { verify: async () => null });
      const job = deleted.discountCodeRedeemCodeBulkDelete?.job;
      if (!job) throw new Error("discountCodeRedeemCodeBulkDelete returned no job");
      await waitForJob(admin, job.id, { sleep, maxPolls });
    }
  }
  const { count } = await db.referrerCode.updateMany({ where: { id: row.id, shop, removedAt: null }, data: { removedAt: now } });
  if (count === 1) {
    await recordAudit(db, {
      shop,
      referrerId: row.referrerId,
      action: "referrer.old-code-removed",
      cause: ctx.cause,
      detail: `Code ${row.code} taken off the friend discount after its grace period`,
    });
  }
}
