// Keeps the program's friend discount holding exactly the active referrers'
// codes: adds new ones, 100 per discountRedeemCodeBulkAdd call, and removes a
// disabled (or erased) referrer's code with discountCodeRedeemCodeBulkDelete,
// so a leaked code stops working at checkout. Runs as a durable job
// ("sync-codes"): enrolment, disabling and erasure only write rows and ask for a
// sync, so they never wait on Shopify.
import type { Db } from "~/db.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { JOB_STATUS, REDEEM_CODE_BULK_CREATION, REDEEM_CODE_LOOKUP, REDEEM_CODE_BULK_PROGRESS, REDEEM_CODES_ADD, REDEEM_CODES_DELETE } from "~/shopify/documents";
import { enqueueJob } from "~/queue/queue.server";
import { generateReferralCode } from "./codes";
import { InviteStatus } from "./invite-status";
import { writeCustomerCodes } from "./customer-codes.server";
import { discountIdOfCode } from "./friend-discount.server";
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
  const discountId = program.discountId;

  // The offer switched type: the replaced discount is deleted (freeing its
  // codes) right before they are added to the new one, so they are dead for
  // as short a time as possible (see friend-offer-switch.server.ts).
  if (await retirePreviousDiscount({ db, admin, shop, program })) result.calls++;
  await removeDisabledCodes({ db, admin, shop, discountId, sleep, maxPolls }, result);
  // Codes that could not be added yet but stay the referrer's: retried by the job.
  const later: string[] = [];
  for (;;) {
    const batch = await db.referrer.findMany({
      where: { shop, codeSyncedAt: null, status: "ACTIVE", id: { notIn: later } },
      select: { id: true, code: true },
      orderBy: { createdAt: "asc" },
      take: CODES_PER_CALL,
    });
    // A running invitation adds codes by the hundred: a part-filled call now
    // would cost as much as a full one, so the rest waits for its next batch
    // (or its end, which asks for a sync again).
    if (batch.length > 0 && batch.length < CODES_PER_CALL && (await inviteEnrolling(db, shop, now()))) {
      result.heldBack = batch.length;
      return result;
    }
    if (batch.length === 0) {
      const formerLater = await addFormerCodes({ db, admin, shop, discountId, previousDiscountId: program.previousDiscountId, now, sleep, maxPolls }, result);
      const waiting = later.length + formerLater;
      if (waiting) throw new Error(`${waiting} referral code(s) could not be added to the friend discount yet; the sync will try again`);
      return result;
    }

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

    const outcomes = await waitForCreation(admin, creationId, { sleep, maxPolls, codes: batch.map((r) => r.code) });
    const syncedIds: string[] = [];
    for (const referrer of batch) {
      const holder = outcomes.get(referrer.code) === "added" ? discountId : await discountIdOfCode(admin, referrer.code);
      if (holder === discountId) {
        syncedIds.push(referrer.id);
      } else if (holder === null || holder === program.previousDiscountId) {
        // Free by now, or still on the discount a switch replaced (Shopify
        // may free a deleted discount's codes a little later): never a reason
        // to change a code already shared.
        later.push(referrer.id);
      } else {
        // The code is taken by another discount in this shop: give the referrer a fresh one.
        await db.referrer.updateMany({
          where: { id: referrer.id, shop },
          data: { code: generateReferralCode(program.codePrefix) },
        });
        result.recoded++;
      }
    }
    if (syncedIds.length) {
      // The program moved to another discount meanwhile: the run its switch requested adds every code there.
      if (!(await markSynced(db, shop, discountId, syncedIds, now()))) return result;
      result.synced += syncedIds.length;
    }
  }
}

/**
 * Puts referrers' former codes still in their grace period (code-rotation.server.ts)
 * on the program's discount when they are not there: after a switch of the
 * offer's type moved the program to a new discount, or when the code was
 * rotated before its referrer's code reached the discount. Returns how many
 * must wait for a later run (still held by the replaced discount). A former
 * code another discount took is history only from then on.
 */
async function addFormerCodes(
  { db, admin, shop, discountId, previousDiscountId, now, ...polling }: { db: Db; admin: AdminClient; shop: string; discountId: string; previousDiscountId: string | null; now: () => Date } & Polling,
  result: SyncResult,
): Promise<number> {
  const later: string[] = [];
  for (;;) {
    const batch = await db.referrerCode.findMany({
      where: { shop, removedAt: null, retireAt: { gt: now() }, OR: [{ discountId: null }, { discountId: { not: discountId } }], id: { notIn: later } },
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
      else if (holder === null || holder === previousDiscountId) later.push(former.id);
      else await db.referrerCode.updateMany({ where: { id: former.id, shop, removedAt: null }, data: { removedAt: now() } });
    }
    if (onDiscount.length && !(await markFormerCodes(db, shop, discountId, onDiscount))) return later.length;
  }
}

/** As markSynced, for former codes: recorded on the discount only while the program is still on it. */
async function markFormerCodes(db: Db, shop: string, discountId: string, ids: string[]): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.program.updateMany({ where: { shop, discountId }, data: { discountId } });
    if (count === 0) return false;
    await tx.referrerCode.updateMany({ where: { shop, id: { in: ids } }, data: { discountId } });
    return true;
  });
}

/**
 * Records the codes as on the program's discount, unless the program moved to
 * another discount meanwhile (a switch of the offer's type committed while this
 * sync ran): that switch set every code to be added again, and marking them
 * now would leave them off the new discount for good. The program row is
 * updated to itself first, which holds its row lock (PostgreSQL) or the write
 * lock (SQLite) until the marks are in, so the switch's transaction either
 * comes before (no mark) or after (its reset wins).
 */
async function markSynced(db: Db, shop: string, discountId: string, ids: string[], at: Date): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.program.updateMany({ where: { shop, discountId }, data: { discountId } });
    if (count === 0) return false;
    await tx.referrer.updateMany({ where: { shop, id: { in: ids } }, data: { codeSyncedAt: at } });
    return true;
  });
}

/**
 * Takes the codes of disabled referrers whose code is still on the discount
 * (codeSyncedAt set) off it. Deleting a code that is already gone is harmless,
 * so a retry after an ambiguous failure just looks the codes up again.
 */
async function removeDisabledCodes(
  { db, admin, shop, discountId, ...polling }: { db: Db; admin: AdminClient; shop: string; discountId: string } & Polling,
  result: SyncResult,
) {
  for (;;) {
    const batch = await db.referrer.findMany({
      where: { shop, status: "DISABLED", codeSyncedAt: { not: null } },
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
