// Keeps the program's friend discount (and each experiment variant's, for the
// variant's referrers) holding exactly the active referrers' codes: adds new ones, 100 per discountRedeemCodeBulkAdd call, and removes a
// disabled (or erased) referrer's code with discountCodeRedeemCodeBulkDelete,
// so a leaked code stops working at checkout. Runs as a durable job
// ("sync-codes"): enrolment, disabling and erasure only write rows and ask for a
// sync, so they never wait on Shopify.
import type { Db, Prisma } from "~/db.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { JOB_STATUS, REDEEM_CODE_BULK_CREATION, REDEEM_CODE_LOOKUP, REDEEM_CODE_BULK_PROGRESS, REDEEM_CODES_ADD, REDEEM_CODES_DELETE } from "~/shopify/documents";
import { enqueueJob } from "~/queue/queue.server";
import { generateReferralCode } from "./codes";
import { InviteStatus } from "./invite-status";
import { writeCustomerCodes } from "./customer-codes.server";
import { deleteFriendDiscount, discountIdOfCode } from "./friend-discount.server";
import { retirePreviousDiscount } from "./friend-offer-switch.server";
import type { JobHandler } from "~/queue/types";

export const CODE_SYNC_JOB = "sync-codes";
export const CODES_PER_CALL = 100;

export async function requestCodeSync(db: Db, shop: string, now = new Date()) {
  await enqueueJob(db, { shop, kind: CODE_SYNC_JOB, key: "all", availableAt: now });
}

interface SyncArgs {
  db: Db;
  admin: AdminClient;
  shop: string;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  maxPolls?: number;
}

export interface SyncResult {
  /** Codes left for a later run, while an invitation enrols (a part-filled call). */
  heldBack?: number;
  synced: number;
  recoded: number;
  /** Disabled referrers' codes taken off the discount. */
  removed: number;
  calls: number;
}

export async function syncReferrerCodes({
  db,
  admin,
  shop,
  now = () => new Date(),
  sleep = (ms) => new Promise((r) => setTimeout(r, ms)),
  maxPolls = 30,
}: SyncArgs): Promise<SyncResult> {
  const result: SyncResult = { synced: 0, recoded: 0, removed: 0, calls: 0 };
  const program = await db.program.findUnique({
    where: { shop },
    select: { discountId: true, codePrefix: true, previousDiscountId: true },
  });
  if (!program?.discountId) return result; // Saving the program requests a sync once the discount exists.

  // The offer switched type: the replaced discount is deleted (freeing its
  // codes) right before they are added to the new one, so they are dead for
  // as short a time as possible (see friend-offer-switch.server.ts). The same
  // for the discounts of an ended experiment's variants whose referrers the
  // merchant moved to the program (app/experiments/lifecycle.server.ts).
  if (await retirePreviousDiscount({ db, admin, shop, program })) result.calls++;
  result.calls += await retireMovedVariantDiscounts({ db, admin, shop });

  const variants = await variantDiscounts(db, shop);
  // A code still held by one of these is on its way between the program's
  // discounts: never a reason to give its referrer a new code.
  const ours = new Set([program.previousDiscountId, ...variants.map((v) => v.discountId)].filter((id): id is string => Boolean(id)));
  const targets: Target[] = [
    { discountId: program.discountId, variantId: null, codePrefix: program.codePrefix },
    ...variants.flatMap((v) => (v.discountId ? [{ discountId: v.discountId, variantId: v.id, codePrefix: program.codePrefix }] : [])),
  ];
  let waiting = 0;
  for (const target of targets) {
    const outcome = await syncTarget({ db, admin, shop, target, ours, now, sleep, maxPolls }, result);
    if (outcome === "held-back") return result;
    waiting += outcome;
  }
  if (waiting) throw new Error(`${waiting} referral code(s) could not be added to the friend discount yet; the sync will try again`);
  return result;
}

/**
 * A discount holding referrers' codes: the program's friend discount (every
 * referrer not in an experiment's variant, or moved out of it), or one
 * variant's (its referrers until the merchant moves them).
 */
interface Target {
  discountId: string;
  variantId: string | null;
  codePrefix: string;
}

/** The referrers whose codes belong on the target's discount. */
export function referrersOf(variantId: string | null) {
  return variantId ? { variantId, variantMovedAt: null } : { OR: [{ variantId: null }, { variantMovedAt: { not: null } }] };
}

/** Variants whose discount exists (or is being made): their referrers' codes go there. */
async function variantDiscounts(db: Db, shop: string) {
  return db.experimentVariant.findMany({ where: { shop, discountCode: { not: null } }, select: { id: true, discountId: true }, orderBy: { createdAt: "asc" } });
}

/**
 * The discounts of an ended experiment's variants none of whose referrers is
 * left on them (the merchant moved them to the program's discount, or it had
 * none): deleted, which frees their codes for the program's discount, then
 * forgotten. A discount already gone is done, one whose id was never recorded
 * is found by its anchor code: safe to repeat after a crash at any point.
 * Returns the number of Admin API calls it made.
 */
async function retireMovedVariantDiscounts({ db, admin, shop }: { db: Db; admin: AdminClient; shop: string }): Promise<number> {
  const done = await db.experimentVariant.findMany({
    where: { shop, discountCode: { not: null }, experiment: { status: "ENDED" } },
    select: { id: true, discountId: true, discountCode: true },
  });
  let calls = 0;
  for (const variant of done) {
    if (await db.referrer.findFirst({ where: { shop, ...referrersOf(variant.id) }, select: { id: true } })) continue;
    const id = variant.discountId ?? (await discountIdOfCode(admin, variant.discountCode!));
    if (id) {
      await deleteFriendDiscount(admin, id);
      calls++;
    }
    await db.experimentVariant.updateMany({ where: { id: variant.id, shop, discountCode: variant.discountCode }, data: { discountId: null, discountCode: null, discountSyncedAt: null } });
  }
  return calls;
}

type SyncTargetArgs = { db: Db; admin: AdminClient; shop: string; target: Target; ours: Set<string>; now: () => Date } & Polling;

/**
 * One discount's codes: disabled referrers' taken off, new ones added.
 * Returns how many codes must wait for a later run, or "held-back" while an
 * invitation enrols (the rest of its batch comes with its next one).
 */
async function syncTarget(args: SyncTargetArgs, result: SyncResult): Promise<number | "held-back"> {
  const { db, admin, shop, target, ours, now, ...polling } = args;
  const { discountId } = target;
  await removeDisabledCodes({ db, admin, shop, target, ...polling }, result);
  // Codes that could not be added yet but stay the referrer's: retried by the job.
  const later: string[] = [];
  for (;;) {
    const batch = await db.referrer.findMany({
      where: { shop, codeSyncedAt: null, status: "ACTIVE", id: { notIn: later }, ...referrersOf(target.variantId) },
      select: { id: true, code: true },
      orderBy: { createdAt: "asc" },
      take: CODES_PER_CALL,
    });
    // A running invitation adds codes by the hundred: a part-filled call now
    // would cost as much as a full one, so the rest waits for its next batch
    // (or its end, which asks for a sync again).
    if (batch.length > 0 && batch.length < CODES_PER_CALL && (await inviteEnrolling(db, shop, now()))) {
      result.heldBack = batch.length;
      return "held-back";
    }
    if (batch.length === 0) return later.length + (await addFormerCodes(args, result));

    // Adding a code that is already on the discount only fails for that code,
    // so repeating the call after an ambiguous failure is harmless.
    const added = await admin.mutate(
      REDEEM_CODES_ADD,
      { discountId, codes: batch.map((r) => ({ code: r.code })) },
      { verify: async () => null },
    );
    result.calls++;
    const creationId = added.discountRedeemCodeBulkAdd?.bulkCreation?.id;
    if (!creationId) throw new Error("discountRedeemCodeBulkAdd returned no bulk creation");

    const outcomes = await waitForCreation(admin, creationId, { ...polling, codes: batch.map((r) => r.code) });
    const syncedIds: string[] = [];
    for (const referrer of batch) {
      const holder = outcomes.get(referrer.code) === "added" ? discountId : await discountIdOfCode(admin, referrer.code);
      if (holder === discountId) {
        syncedIds.push(referrer.id);
      } else if (holder === null || ours.has(holder)) {
        // Free by now, or still on the discount a switch replaced or on an
        // experiment variant's being retired (Shopify may free a deleted
        // discount's codes a little later): never a reason to change a code
        // already shared.
        later.push(referrer.id);
      } else {
        // The code is taken by another discount in this shop: give the referrer a fresh one.
        await db.referrer.updateMany({
          where: { id: referrer.id, shop },
          data: { code: generateReferralCode(target.codePrefix) },
        });
        result.recoded++;
      }
    }
    if (syncedIds.length) {
      // The program moved to another discount meanwhile: the run its switch requested adds every code there.
      if (!(await markSynced(db, shop, target, syncedIds, now()))) return later.length;
      result.synced += syncedIds.length;
    }
  }
}

/**
 * Puts referrers' former codes still in their grace period (code-rotation.server.ts)
 * on their referrer's discount (the program's, or their variant's) when they are not there: after a switch of the
 * offer's type moved the program to a new discount, or when the code was
 * rotated before its referrer's code reached the discount. Returns how many
 * must wait for a later run (still held by the replaced discount). A former
 * code another discount took is history only from then on.
 */
async function addFormerCodes({ db, admin, shop, target, ours, now, ...polling }: SyncTargetArgs, result: SyncResult): Promise<number> {
  const { discountId } = target;
  const later: string[] = [];
  for (;;) {
    const batch = await db.referrerCode.findMany({
      where: {
        shop,
        removedAt: null,
        retireAt: { gt: now() },
        OR: [{ discountId: null }, { discountId: { not: discountId } }],
        id: { notIn: later },
        referrer: referrersOf(target.variantId),
      },
      select: { id: true, code: true },
      orderBy: { createdAt: "asc" },
      take: CODES_PER_CALL,
    });
    if (batch.length === 0) return later.length;
    const added = await admin.mutate(REDEEM_CODES_ADD, { discountId, codes: batch.map((c) => ({ code: c.code })) }, { verify: async () => null });
    result.calls++;
    const creationId = added.discountRedeemCodeBulkAdd?.bulkCreation?.id;
    if (!creationId) throw new Error("discountRedeemCodeBulkAdd returned no bulk creation");
    const outcomes = await waitForCreation(admin, creationId, { ...polling, codes: batch.map((c) => c.code) });
    const onDiscount: string[] = [];
    for (const former of batch) {
      const holder = outcomes.get(former.code) === "added" ? discountId : await discountIdOfCode(admin, former.code);
      if (holder === discountId) onDiscount.push(former.id);
      else if (holder === null || ours.has(holder)) later.push(former.id);
      else await db.referrerCode.updateMany({ where: { id: former.id, shop, removedAt: null }, data: { removedAt: now() } });
    }
    if (onDiscount.length && !(await markFormerCodes(db, shop, target, onDiscount))) return later.length;
  }
}

/** As markSynced, for former codes: recorded on the discount only while it is still the target's. */
async function markFormerCodes(db: Db, shop: string, target: Target, ids: string[]): Promise<boolean> {
  return db.$transaction(async (tx) => {
    if (!(await holdTarget(tx, shop, target))) return false;
    await tx.referrerCode.updateMany({ where: { shop, id: { in: ids }, referrer: referrersOf(target.variantId) }, data: { discountId: target.discountId } });
    return true;
  });
}

/**
 * Records the codes as on the target's discount, unless it is no longer the
 * target's (a switch of the program offer's type, or an experiment's codes
 * moved, committed while this sync ran): that change set the codes to be
 * added again, and marking them now would leave them off the new discount for
 * good. The owner's row is updated to itself first, which holds its row lock
 * (PostgreSQL) or the write lock (SQLite) until the marks are in, so the
 * change's transaction either comes before (no mark) or after (its reset
 * wins); referrers moved out of the target meanwhile are not marked.
 */
async function markSynced(db: Db, shop: string, target: Target, ids: string[], at: Date): Promise<boolean> {
  return db.$transaction(async (tx) => {
    if (!(await holdTarget(tx, shop, target))) return false;
    await tx.referrer.updateMany({ where: { shop, id: { in: ids }, ...referrersOf(target.variantId) }, data: { codeSyncedAt: at } });
    return true;
  });
}

/** Locks the row that owns the target's discount; false when it owns it no more. */
async function holdTarget(tx: Prisma.TransactionClient, shop: string, { discountId, variantId }: Target): Promise<boolean> {
  const { count } = variantId
    ? await tx.experimentVariant.updateMany({ where: { id: variantId, shop, discountId }, data: { discountId } })
    : await tx.program.updateMany({ where: { shop, discountId }, data: { discountId } });
  return count === 1;
}

/**
 * Takes the codes of disabled referrers whose code is still on the discount
 * (codeSyncedAt set) off it. Deleting a code that is already gone is harmless,
 * so a retry after an ambiguous failure just looks the codes up again.
 */
async function removeDisabledCodes(
  { db, admin, shop, target, ...polling }: { db: Db; admin: AdminClient; shop: string; target: Target } & Polling,
  result: SyncResult,
) {
  const { discountId } = target;
  for (;;) {
    const batch = await db.referrer.findMany({
      where: { shop, status: "DISABLED", codeSyncedAt: { not: null }, ...referrersOf(target.variantId) },
      select: { id: true, code: true },
      orderBy: { createdAt: "asc" },
      take: CODES_PER_CALL,
    });
    if (batch.length === 0) return;

    const ids: string[] = [];
    for (const referrer of batch) {
      const id = await redeemCodeId(admin, discountId, referrer.code);
      if (id) ids.push(id);
    }
    if (ids.length) {
      const deleted = await admin.mutate(REDEEM_CODES_DELETE, { discountId, ids }, { verify: async () => null });
      result.calls++;
      const job = deleted.discountCodeRedeemCodeBulkDelete?.job;
      if (!job) throw new Error("discountCodeRedeemCodeBulkDelete returned no job");
      await waitForJob(admin, job.id, polling);
    }
    await db.referrer.updateMany({
      where: { shop, id: { in: batch.map((r) => r.id) }, status: "DISABLED" },
      data: { codeSyncedAt: null },
    });
    result.removed += batch.length;
  }
}

/** The id of `code` among the discount's redeem codes, or null when it is not on it. */
export async function redeemCodeId(admin: AdminClient, discountId: string, code: string): Promise<string | null> {
  const data = await admin.query(REDEEM_CODE_LOOKUP, { id: discountId, query: code });
  const discount = data.codeDiscountNode?.codeDiscount;
  const nodes = discount && "codes" in discount ? discount.codes.nodes : [];
  // The search matches text; only the exact code (case-insensitive, as at checkout) is this referrer's.
  return nodes.find((n) => n.code.toUpperCase() === code.toUpperCase())?.id ?? null;
}

export type Polling = { sleep: (ms: number) => Promise<void>; maxPolls: number };

/** Polls `done` (backing off from 250 ms to 5 s) until it is true; `what` names the work in the error. */
async function pollUntilDone(done: () => Promise<boolean>, { sleep, maxPolls }: Polling, what: string): Promise<void> {
  for (let poll = 0; poll < maxPolls; poll++) {
    if (await done()) return;
    await sleep(Math.min(250 * 2 ** poll, 5_000));
  }
  throw new Error(`Shopify's ${what} did not finish after ${maxPolls} polls`);
}

/** Waits for a Shopify job (a bulk delete of codes) to finish. */
export async function waitForJob(admin: AdminClient, id: string, polling: Polling) {
  await pollUntilDone(async () => Boolean((await admin.query(JOB_STATUS, { id })).job?.done), polling, `job ${id} deleting codes`);
}

async function waitForCreation(admin: AdminClient, id: string, { codes, ...polling }: Polling & { codes: string[] }): Promise<Map<string, "added" | "failed">> {
  let allAdded = false;
  await pollUntilDone(
    async () => {
      const creation = (await admin.query(REDEEM_CODE_BULK_PROGRESS, { id })).discountRedeemCodeBulkCreation;
      allAdded = creation?.failedCount === 0 && creation.importedCount === codes.length;
      return Boolean(creation?.done);
    },
    polling,
    `bulk code creation ${id}`,
  );
  return allAdded ? new Map(codes.map((code) => [code, "added"])) : codeOutcomes(admin, id, codes.length);
}

/** Which codes of a finished import were added and which failed (e.g. taken by another discount). */
async function codeOutcomes(admin: AdminClient, id: string, size: number): Promise<Map<string, "added" | "failed">> {
  const data = await admin.query(REDEEM_CODE_BULK_CREATION, { id, first: size });
  const outcomes = new Map<string, "added" | "failed">();
  for (const node of data.discountRedeemCodeBulkCreation?.codes.nodes ?? []) {
    outcomes.set(node.code, node.errors?.length ? "failed" : "added");
  }
  return outcomes;
}

/**
 * Job "sync-codes" (key "all"): the codes on the friend discount, then, when
 * that discount is the function's, each referrer's code on their customer
 * (customer-codes.server.ts), so the function can refuse a referrer their own code.
 */
export const syncCodesJob: JobHandler = async (ctx) => {
  const admin = await ctx.admin();
  const { heldBack } = await syncReferrerCodes({ db: ctx.db, admin, shop: ctx.shop, now: ctx.now });
  // The invitation asks again after each batch and at its end; this is for one that died.
  if (heldBack) await requestCodeSync(ctx.db, ctx.shop, new Date(ctx.now().getTime() + INVITE_QUIET_MS));
  await writeCustomerCodes({ db: ctx.db, admin, shop: ctx.shop });
};

/** An invitation that wrote no checkpoint for this long is not waited for. */
const INVITE_QUIET_MS = 60_000;

async function inviteEnrolling(db: Db, shop: string, now: Date): Promise<boolean> {
  const run = await db.inviteRun.findFirst({
    where: { shop, status: InviteStatus.ENROLLING, updatedAt: { gt: new Date(now.getTime() - INVITE_QUIET_MS) } },
    select: { id: true },
  });
  return run !== null;
}
