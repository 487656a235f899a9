// Puts referrers' codes on the program's friend discount, 100 per
// discountRedeemCodeBulkAdd call. Runs as a durable job ("sync-codes"):
// enrolment only writes the row and asks for a sync, so it never waits on Shopify.
import type { Db } from "../db.server";
import type { AdminClient } from "../shopify/admin-client.server";
import { DISCOUNT_BY_CODE, REDEEM_CODE_BULK_CREATION, REDEEM_CODES_ADD } from "../shopify/documents";
import { enqueueJob } from "../jobs/queue.server";
import { generateReferralCode } from "./codes";
import type { JobHandler } from "../jobs/types";

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
  synced: number;
  recoded: number;
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
  const result: SyncResult = { synced: 0, recoded: 0, calls: 0 };
  const program = await db.program.findUnique({ where: { shop }, select: { discountId: true, codePrefix: true } });
  if (!program?.discountId) return result; // Saving the program requests a sync once the discount exists.

  for (;;) {
    const batch = await db.referrer.findMany({
      where: { shop, codeSyncedAt: null, status: "ACTIVE" },
      select: { id: true, code: true },
      orderBy: { createdAt: "asc" },
      take: CODES_PER_CALL,
    });
    if (batch.length === 0) return result;

    // Adding a code that is already on the discount only fails for that code,
    // so repeating the call after an ambiguous failure is harmless.
    const added = await admin.mutate(
      REDEEM_CODES_ADD,
      { discountId: program.discountId, codes: batch.map((r) => ({ code: r.code })) },
      { verify: async () => null },
    );
    result.calls++;
    const creationId = added.discountRedeemCodeBulkAdd?.bulkCreation?.id;
    if (!creationId) throw new Error("discountRedeemCodeBulkAdd returned no bulk creation");

    const outcomes = await waitForCreation(admin, creationId, { sleep, maxPolls, size: batch.length });
    const syncedIds: string[] = [];
    for (const referrer of batch) {
      const outcome = outcomes.get(referrer.code);
      if (outcome === "added" || (await codeIsOnDiscount(admin, referrer.code, program.discountId))) {
        syncedIds.push(referrer.id);
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
      await db.referrer.updateMany({ where: { shop, id: { in: syncedIds } }, data: { codeSyncedAt: now() } });
      result.synced += syncedIds.length;
    }
  }
}

async function waitForCreation(
  admin: AdminClient,
  id: string,
  { sleep, maxPolls, size }: { sleep: (ms: number) => Promise<void>; maxPolls: number; size: number },
): Promise<Map<string, "added" | "failed">> {
  for (let poll = 0; poll < maxPolls; poll++) {
    const data = await admin.query(REDEEM_CODE_BULK_CREATION, { id, first: size });
    const creation = data.discountRedeemCodeBulkCreation;
    if (creation?.done) {
      const outcomes = new Map<string, "added" | "failed">();
      for (const node of creation.codes.nodes) {
        outcomes.set(node.code, node.errors?.length ? "failed" : "added");
      }
      return outcomes;
    }
    await sleep(Math.min(250 * 2 ** poll, 5_000));
  }
  throw new Error(`Shopify's bulk code creation ${id} did not finish after ${maxPolls} polls`);
}

async function codeIsOnDiscount(admin: AdminClient, code: string, discountId: string): Promise<boolean> {
  const data = await admin.query(DISCOUNT_BY_CODE, { code });
  return data.codeDiscountNodeByCode?.id === discountId;
}

/** Job "sync-codes" (key "all"). */
export const syncCodesJob: JobHandler = async (ctx) => {
  await syncReferrerCodes({ db: ctx.db, admin: await ctx.admin(), shop: ctx.shop, now: ctx.now });
};
