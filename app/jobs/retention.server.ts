// How long the app keeps what it does not need forever. Processed webhook
// bodies are dropped when processed (completeClaim); what remains of them, of
// finished jobs and of finished erasures goes after `processedDays`. Deliveries
// that failed or could not be read, and jobs that failed, stay `problemDays` so
// the merchant can see them (and retry) on the Delivery problems page. Raw
// link events go after `linkEventDays`: their counts live on in the daily
// totals and the referrer counters. The audit trail goes after `auditDays`.
// The landing and referring sites of referrals (leak evidence) are cleared
// after `leakEvidenceDays`; the referral keeps whether it was typed without a link.
// Referrals, rewards, referrers and daily totals are the merchant's records:
// they stay while the app is installed, and shop/redact removes them.
//
// Run by every worker as a maintenance task: each step deletes in small
// batches by an indexed condition, so several workers running it at once, or
// a worker killed halfway, leave nothing inconsistent.
import type { Db } from "~/db.server";
import { DEAD, DONE, INVALID } from "~/queue/queue.server";
import { DEFAULT_RETENTION, type RetentionPolicy } from "./retention-policy";

export { DEFAULT_RETENTION, type RetentionPolicy };
import { UTC } from "~/referrals/daily-stats.server";
import { localDay, startOfLocalDay } from "~/referrals/local-day";

export interface RetentionCounts {
  deliveries: number;
  problemDeliveries: number;
  jobs: number;
  problemJobs: number;
  erasures: number;
  linkEvents: number;
  auditEvents: number;
  emails: number;
  referralEvents: number;
  /** Referrals whose landing and referring sites were cleared. */
  leakEvidence: number;
  /** Rows whose device hashes (device.ts) were erased: past the program's hold period. */
  deviceSignals: number;
  /** Single-use friend codes whose discount was deleted (or used) more than linkEventDays ago. */
  friendCodes: number;
  /** Partner sign-in links past their expiry (used or not). */
  partnerSignIns: number;
  /** Declined partner applications, declinedPartnerDays after the decision (their acceptance goes with them). */
  declinedPartners: number;
}

const DAY = 24 * 60 * 60 * 1000;
// Small enough that one DELETE never holds SQLite's write lock for long.
const BATCH = 1000;

const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * DAY);

/** Deletes, BATCH rows at a time, the rows `find` returns until it returns fewer. */
async function inBatches(find: () => Promise<{ id: string }[]>, remove: (ids: string[]) => Promise<{ count: number }>): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await find();
    if (rows.length > 0) total += (await remove(rows.map((r) => r.id))).count;
    if (rows.length < BATCH) return total;
  }
}

const ids = { select: { id: true }, take: BATCH } as const;

/**
 * Applies the policy at `now`. A finished delivery's or job's availableAt is
 * when it finished (completeClaim, failClaim and rejectClaim set it), which the
 * (status, availableAt) index serves.
 */
export async function applyRetention(db: Db, now: Date, policy: RetentionPolicy = DEFAULT_RETENTION): Promise<RetentionCounts> {
  const processed = daysBefore(now, policy.processedDays);
  const problems = daysBefore(now, policy.problemDays);
  const finished = (status: string, before: Date) => ({ status, availableAt: { lt: before } });

  const deliveries = (status: string, before: Date) =>
    inBatches(
      () => db.webhookDelivery.findMany({ where: finished(status, before), ...ids }),
      (id) => db.webhookDelivery.deleteMany({ where: { id: { in: id }, ...finished(status, before) } }),
    );
  const jobs = (status: string, before: Date) =>
    inBatches(
      () => db.job.findMany({ where: finished(status, before), ...ids }),
      (id) => db.job.deleteMany({ where: { id: { in: id }, ...finished(status, before) } }),
    );

  const counts: RetentionCounts = {
    deliveries: await deliveries(DONE, processed),
    problemDeliveries: (await deliveries(DEAD, problems)) + (await deliveries(INVALID, problems)),
    jobs: await jobs(DONE, processed),
    problemJobs: await jobs(DEAD, problems),
    erasures: (await db.erasure.deleteMany({ where: { finishedAt: { lt: processed } } })).count,
    linkEvents: 0,
    auditEvents: 0,
    emails: 0,
    referralEvents: 0,
    leakEvidence: 0,
    deviceSignals: 0,
    friendCodes: 0,
    partnerSignIns: (await db.partnerSignIn.deleteMany({ where: { expiresAt: { lt: now } } })).count,
    declinedPartners: 0,
  };

  // Per shop, so each delete walks the (shop, createdAt) index.
  const auditBefore = daysBefore(now, policy.auditDays);
  for (const shop of await shopsWithData(db)) {
    counts.linkEvents += await expireLinkEvents(db, shop, daysBefore(now, policy.linkEventDays));
    counts.auditEvents += await inBatches(
      () => db.auditEvent.findMany({ where: { shop, createdAt: { lt: auditBefore } }, ...ids }),
      (id) => db.auditEvent.deleteMany({ where: { shop, id: { in: id } } }),
    );
    // Finished emails only: one still waiting (a reminder months ahead) stays until it is sent.
    const emailDone = { shop, status: { in: ["SENT", "SUPPRESSED", "FAILED"] }, createdAt: { lt: daysBefore(now, policy.emailDays) } };
    counts.emails += await inBatches(
      () => db.emailMessage.findMany({ where: emailDone, ...ids }),
      (id) => db.emailMessage.deleteMany({ where: { ...emailDone, id: { in: id } } }),
    );
    // Events every delivery of which is finished (one still being retried stays until it is).
    const eventsDone = { shop, createdAt: { lt: daysBefore(now, policy.eventDays) }, deliveries: { none: { status: { in: ["QUEUED", "SENDING"] } } } };
    counts.referralEvents += await inBatches(
      () => db.referralEvent.findMany({ where: eventsDone, ...ids }),
      (id) => db.referralEvent.deleteMany({ where: { shop, id: { in: id } } }),
    );
    const oldEvidence = {
      shop,
      createdAt: { lt: daysBefore(now, policy.leakEvidenceDays) },
      OR: [{ landingSite: { not: null } }, { referringSite: { not: null } }],
    };
    counts.leakEvidence += await inBatches(
      () => db.referral.findMany({ where: oldEvidence, ...ids }),
      (id) => db.referral.updateMany({ where: { ...oldEvidence, id: { in: id } }, data: { landingSite: null, referringSite: null } }),
    );
    counts.deviceSignals += await expireDeviceSignals(db, shop, now);
    // The shop's own daily totals (the dashboard's share of its sales) go with the audit trail's age.
    await db.shopDayTotal.deleteMany({ where: { shop, day: { lt: auditBefore.toISOString().slice(0, 10) } } });
    // A friend code past its end, its discount deleted by the expiry job: history the link events outlive.
    const spentCodes = { shop, deletedAt: { lt: daysBefore(now, policy.linkEventDays) } };
    counts.friendCodes += await inBatches(
      () => db.friendCode.findMany({ where: spentCodes, ...ids }),
      (id) => db.friendCode.deleteMany({ where: { ...spentCodes, id: { in: id } } }),
    );
    // An application the merchant declined never gave the business a referrer row: nothing else refers to it.
    const declined = { shop, status: "DECLINED", referrerId: null, decidedAt: { lt: daysBefore(now, policy.declinedPartnerDays) } };
    counts.declinedPartners += await inBatches(
      () => db.partner.findMany({ where: declined, ...ids }),
      (id) => db.partner.deleteMany({ where: { ...declined, id: { in: id } } }),
    );
  }
  return counts;
}

/**
 * Device hashes serve the hold period only (a friend order from the
 * referrer's device, many friends from one address, a browser that came by
 * the link): erased once it has passed since they were taken. The rows stay.
 */
async function expireDeviceSignals(db: Db, shop: string, now: Date): Promise<number> {
  const program = await db.program.findUnique({ where: { shop }, select: { holdDays: true } });
  const before = daysBefore(now, Math.max(1, program?.holdDays ?? 30));
  const clicks = { shop, createdAt: { lt: before }, OR: [{ ipHash: { not: null } }, { uaHash: { not: null } }] };
  const referrers = { shop, deviceSeenAt: { lt: before } };
  const friends = { shop, createdAt: { lt: before }, OR: [{ friendIpHash: { not: null } }, { friendUaHash: { not: null } }] };
  return (
    (await inBatches(
      () => db.linkEvent.findMany({ where: clicks, ...ids }),
      (id) => db.linkEvent.updateMany({ where: { shop, id: { in: id } }, data: { ipHash: null, uaHash: null } }),
    )) +
    (await inBatches(
      () => db.referrer.findMany({ where: referrers, ...ids }),
      (id) => db.referrer.updateMany({ where: { shop, id: { in: id } }, data: { deviceIpHash: null, deviceUaHash: null, deviceSeenAt: null } }),
    )) +
    (await inBatches(
      () => db.referral.findMany({ where: friends, ...ids }),
      (id) => db.referral.updateMany({ where: { shop, id: { in: id } }, data: { friendIpHash: null, friendUaHash: null } }),
    ))
  );
}

/**
 * Deletes the shop's link events from before the start of the local day that
 * holds `before`, and records that start on the program first: a rebuild of
 * the daily totals then keeps the clicks and shares counted before it, whole
 * days of them, instead of recounting rows that are gone.
 */
async function expireLinkEvents(db: Db, shop: string, before: Date): Promise<number> {
  const program = await db.program.findUnique({ where: { shop }, select: { timezone: true, linkEventsSince: true } });
  if (!program) return 0;
  const since = startOfLocalDay(localDay(before, program.timezone ?? UTC), program.timezone ?? UTC);
  if (!program.linkEventsSince || program.linkEventsSince < since) {
    await db.program.updateMany({ where: { shop, OR: [{ linkEventsSince: null }, { linkEventsSince: { lt: since } }] }, data: { linkEventsSince: since } });
  }
  const cutoff = program.linkEventsSince && program.linkEventsSince > since ? program.linkEventsSince : since;
  return inBatches(
    () => db.linkEvent.findMany({ where: { shop, createdAt: { lt: cutoff } }, ...ids }),
    (id) => db.linkEvent.deleteMany({ where: { shop, id: { in: id } } }),
  );
}

/** Every shop that may hold audit events: installed once, or with a program (link events need one). */
async function shopsWithData(db: Db): Promise<string[]> {
  const [shops, programs] = await Promise.all([
    db.shop.findMany({ select: { shop: true } }),
    db.program.findMany({ select: { shop: true } }),
  ]);
  return [...new Set([...shops, ...programs].map((s) => s.shop))];
}

export const totalRemoved = (counts: RetentionCounts) => Object.values(counts).reduce((a, b) => a + b, 0);
