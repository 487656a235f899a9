// Inviting existing customers: a Shopify bulk operation exports them (JSONL),
// then each is enrolled as a referrer with source INVITE; their codes reach the
// friend discount through the usual batched code sync (100 per call).
//
// One durable job per run (kind "invite-customers", key = run id), run in short
// slices: start the export, poll it, then enrol until a time budget is spent
// and ask to run again. Customers are enrolled in batches (up to 800 lines),
// each one transaction of a handful of queries whatever its size: the
// referrers, their audit trail, daily totals and invitation emails, and the
// run's checkpoint (processedLines, the counts, the skip reasons) commit
// together, so a crash or a restart resumes exactly where the last batch ended.
import type { Db } from "~/db.server";
import { enqueueJob } from "~/queue/queue.server";
import type { JobContext } from "~/queue/types";
import type { AdminClient } from "~/shopify/admin-client.server";
import { ShopifyUserError } from "~/shopify/errors";
import { customerExportQuery, type ExportedCustomer } from "~/shopify/customer-export";
import { BULK_OPERATION, BULK_QUERY_RUN, RECENT_BULK_OPERATIONS } from "~/shopify/documents";
import { isUniqueViolation } from "~/db-errors";
import { LeaseLostError } from "~/queue/types";
import { recordAudit } from "./audit.server";
import { requestCodeSync } from "./code-sync.server";
import { countedTransaction } from "./daily-stats.server";
import { kickEvents, recordEvents } from "~/events/record.server";
import { InviteStatus } from "./invite-status";
import { enrolReferrers, type EnrolledReferrer } from "./referrers.server";
import { emailConfig } from "~/email/config.server";
import { emailInvitations } from "~/email/events.server";
import { kickOutbox } from "~/email/outbox.server";

export { InviteStatus };
export const INVITE_JOB = "invite-customers";
const ACTIVE = [InviteStatus.QUEUED, InviteStatus.EXPORTING, InviteStatus.ENROLLING];
// A small shop's export is often ready within a second; a large one takes minutes.
const FIRST_POLL_MS = 1_000;
const POLL_MS = 3_000;
const FIRST_BATCH = 50;
const MAX_BATCH = 800;
/** A batch that lost a unique-key race to a concurrent enrolment is run again, this many times at most. */
const BATCH_ATTEMPTS = 3;
const BATCH_TRANSACTION = { maxWait: 10_000, timeout: 60_000 };
const SLICE_MS = 20_000;
// About four seconds of the code sync's work at the Standard plan's 100 points/s.
const CODES_AHEAD_OF_SYNC = 3_000;
const CODE_SYNC_PAUSE_MS = 1_000;
const SYNC_ALIVE_MS = 30_000;

export const SkipReason = {
  ALREADY: "Already a referrer",
  DISABLED_ACCOUNT: "Customer account is disabled",
  NO_CONTACT: "No email address or account",
  INVALID: "Invalid customer data",
} as const;

export async function activeInvite(db: Db, shop: string) {
  return db.inviteRun.findFirst({ where: { shop, status: { in: ACTIVE } }, orderBy: { createdAt: "desc" } });
}

/**
 * The latest runs, newest first. A run whose job gave up (DEAD) is marked
 * FAILED with the job's error, so it does not block new invitations forever.
 */
export async function recentInvites(db: Db, shop: string, take = 5) {
  const runs = await db.inviteRun.findMany({ where: { shop }, orderBy: { createdAt: "desc" }, take });
  for (const run of runs.filter((r) => ACTIVE.includes(r.status as (typeof ACTIVE)[number]))) {
    const job = await db.job.findUnique({ where: { shop_kind_key: { shop, kind: INVITE_JOB, key: run.id } }, select: { status: true, lastError: true } });
    if (job?.status !== "DEAD") continue;
    const error = `The invitation stopped after repeated errors: ${job.lastError ?? "unknown error"}`;
    await fail(db, run, error);
    Object.assign(run, { status: InviteStatus.FAILED, error });
  }
  return runs;
}

/** Starts a run unless one is already going (then returns null). */
export async function startInvite(db: Db, { shop, tag, cause, now = new Date() }: { shop: string; tag: string | null; cause: string; now?: Date }) {
  await recentInvites(db, shop, 1);
  if (await activeInvite(db, shop)) return null;
  const run = await db.inviteRun.create({ data: { shop, tag: tag?.trim() || null } });
  await recordAudit(db, { shop, action: "invite.started", cause, detail: run.tag ? `tag ${run.tag}` : "all customers" });
  await enqueueJob(db, { shop, kind: INVITE_JOB, key: run.id, availableAt: now }, now);
  return run;
}

type Run = NonNullable<Awaited<ReturnType<Db["inviteRun"]["findFirst"]>>>;

/** Job "invite-customers". */
export async function runInvite(ctx: JobContext, options: { sliceMs?: number; fetchFn?: typeof fetch } = {}) {
  const { db, shop } = ctx;
  const run = await db.inviteRun.findFirst({ where: { id: ctx.key, shop } });
  if (!run || !ACTIVE.includes(run.status as (typeof ACTIVE)[number])) return;
  const admin = await ctx.admin();
  const again = (ms: number) => enqueueJob(db, { shop, kind: INVITE_JOB, key: run.id, availableAt: new Date(ctx.now().getTime() + ms) }, ctx.now());

  if (!run.bulkOperationId) {
    let id: string;
    try {
      id = await startExport(admin, run);
    } catch (error) {
      // E.g. another app's bulk query is running: retrying the same job will not help soon enough.
      if (error instanceof ShopifyUserError) return fail(db, run, `Shopify could not start the customer export: ${error.message}`);
      throw error;
    }
    await db.inviteRun.updateMany({ where: { id: run.id, shop }, data: { bulkOperationId: id, status: InviteStatus.EXPORTING } });
    return again(FIRST_POLL_MS);
  }
  if (run.status !== InviteStatus.ENROLLING) {
    const { bulkOperation: op } = await admin.query(BULK_OPERATION, { id: run.bulkOperationId });
    if (!op) return fail(db, run, "Shopify no longer knows the customer export. Start a new invitation.");
    if (op.status === "CREATED" || op.status === "RUNNING") return again(POLL_MS);
    if (op.status !== "COMPLETED") return fail(db, run, `Shopify's customer export stopped (${op.status}${op.errorCode ? `: ${op.errorCode}` : ""}). Start a new invitation.`);
    if (!op.url) return finish(db, run, 0);
    await db.inviteRun.updateMany({ where: { id: run.id, shop }, data: { status: InviteStatus.ENROLLING, totalCustomers: Number(op.objectCount) } });
  }
  // The file URL is signed and expires: ask for it again on every slice.
  const { bulkOperation: op } = await admin.query(BULK_OPERATION, { id: run.bulkOperationId });
  if (!op?.url) return fail(db, run, "Shopify's export file is no longer available. Start a new invitation.");
  const fresh = (await db.inviteRun.findFirst({ where: { id: run.id, shop } }))!;
  const slice = await enrolFrom(ctx, fresh, op.url, options);
  if (slice === "done") return finish(db, fresh);
  return again(slice === "wait-for-codes" ? CODE_SYNC_PAUSE_MS : 0);
}

async function startExport(admin: AdminClient, run: Run): Promise<string> {
  const query = customerExportQuery(run.tag);
  const data = await admin.mutate(
    BULK_QUERY_RUN,
    { query },
    {
      // After an ambiguous failure: an operation with our query started since the run began is ours.
      verify: async () => {
        const recent = await admin.query(RECENT_BULK_OPERATIONS);
        const mine = recent.bulkOperations.nodes.find((o) => o.query === query && new Date(o.createdAt) >= run.createdAt);
        return mine ? { bulkOperationRunQuery: { bulkOperation: { id: mine.id, status: mine.status }, userErrors: [] } } : null;
      },
    },
  );
  const id = data.bulkOperationRunQuery?.bulkOperation?.id;
  if (!id) throw new Error("bulkOperationRunQuery returned no operation");
  return id;
}

type Progress = Pick<Run, "processedLines" | "enrolled" | "skipped" | "emailed" | "notEmailed"> & { reasons: Record<string, number> };

/**
 * Enrols lines after the checkpoint until the file ends ("done"), the slice is
 * spent ("more"), or the code sync is too far behind ("wait-for-codes").
 */
async function enrolFrom(ctx: JobContext, run: Run, url: string, options: { sliceMs?: number; fetchFn?: typeof fetch }): Promise<"done" | "more" | "wait-for-codes"> {
  const started = Date.now();
  const response = await (options.fetchFn ?? fetch)(url);
  if (!response.ok || !response.body) throw new Error(`Downloading the customer export failed: HTTP ${response.status}`);
  let progress: Progress = {
    processedLines: run.processedLines,
    enrolled: run.enrolled,
    skipped: run.skipped,
    emailed: run.emailed,
    notEmailed: run.notEmailed,
    reasons: JSON.parse(run.skipReasons) as Record<string, number>,
  };
  let line = 0;
  let batch: string[] = [];
  // Small at first, so the first codes reach the discount soon; then larger, as
  // a batch costs a handful of queries whatever its size. A slice that resumes
  // a run picks up at the size it had reached.
  let batchSize = Math.min(MAX_BATCH, Math.max(FIRST_BATCH, run.processedLines));
  for await (const text of jsonLines(response.body)) {
    line++;
    if (line <= run.processedLines) continue;
    batch.push(text);
    if (batch.length < batchSize) continue;
    progress = await enrolBatch(ctx, run, batch, progress);
    batch = [];
    batchSize = Math.min(MAX_BATCH, batchSize * 2);
    // On SQLite every query settles as a microtask, so without this a slice
    // would hold the event loop for its whole 20 s: no timer (other jobs,
    // lease heartbeats) and, in the web process, no request would run.
    await new Promise((resolve) => setImmediate(resolve));
    if (Date.now() - started > (options.sliceMs ?? SLICE_MS) || ctx.stopRequested?.()) return "more";
    if (await codeSyncBehind(ctx)) return "wait-for-codes";
  }
  if (batch.length) await enrolBatch(ctx, run, batch, progress);
  return "done";
}

/**
 * Whether the run should let the code sync catch up before enrolling more. The
 * invitation is done when the last code is on the discount, and the sync (held
 * to Shopify's rate limit) is what takes longest: enrolling far ahead of it
 * gains nothing and takes the CPU and database it needs, above all when both
 * run in one process. Only while the sync is seen working (it put a code on the
 * discount in the last 30 s): a sync that cannot run never holds enrolment up.
 */
async function codeSyncBehind({ db, shop, now }: JobContext): Promise<boolean> {
  const waiting = await db.referrer.count({ where: { shop, codeSyncedAt: null, status: "ACTIVE" } });
  if (waiting <= CODES_AHEAD_OF_SYNC) return false;
  const latest = await db.referrer.findFirst({ where: { shop, codeSyncedAt: { not: null } }, orderBy: { codeSyncedAt: "desc" }, select: { codeSyncedAt: true } });
  return latest?.codeSyncedAt != null && latest.codeSyncedAt.getTime() > now().getTime() - SYNC_ALIVE_MS;
}

type Parsed = { customer: ExportedCustomer } | { reason: string };

function parseLine(line: string): Parsed {
  let customer: ExportedCustomer;
  try {
    customer = JSON.parse(line);
  } catch {
    return { reason: SkipReason.INVALID };
  }
  if (typeof customer?.id !== "string" || !customer.id.startsWith("gid://shopify/Customer/")) return { reason: SkipReason.INVALID };
  if (customer.state === "DISABLED") return { reason: SkipReason.DISABLED_ACCOUNT };
  return { customer };
}

/**
 * Enrols one batch of exported customers and records the run's progress past
 * it in one transaction: the referrers, their audit trail, the daily totals,
 * their invitation emails and the checkpoint commit together or not at all, so
 * a worker killed at any point leaves every customer enrolled and counted
 * exactly once. The checkpoint moves only from where this batch began: a
 * second worker that got here first makes this one stop, not repeat it.
 * Customers with email marketing consent SUBSCRIBED are invited by email; the
 * others are enrolled and counted, not emailed.
 */
async function enrolBatch(ctx: JobContext, run: Run, lines: string[], before: Progress): Promise<Progress> {
  const { db, shop } = ctx;
  const now = ctx.now();
  const parsed = lines.map(parseLine);
  const customers = parsed.flatMap((p) => ("customer" in p ? [p.customer] : []));
  const emailOn = Boolean(emailConfig());
  for (let attempt = 1; ; attempt++) {
    try {
      const { progress, queued, deliveries } = await countedTransaction(
        db,
        shop,
        async (tx, changes) => {
          const outcomes = await enrolReferrers(tx, changes, {
            shop,
            source: "INVITE",
            cause: ctx.cause,
            people: customers.map((c) => ({
              customerId: c.id,
              email: c.defaultEmailAddress?.emailAddress ?? null,
              firstName: c.firstName ?? null,
              lastName: c.lastName ?? null,
              locale: c.locale ?? null,
            })),
          });
          const progress: Progress = { ...before, reasons: { ...before.reasons }, processedLines: before.processedLines + lines.length };
          const skip = (reason: string) => {
            progress.skipped++;
            progress.reasons[reason] = (progress.reasons[reason] ?? 0) + 1;
          };
          const toEmail: EnrolledReferrer[] = [];
          let next = 0;
          for (const p of parsed) {
            if ("reason" in p) {
              skip(p.reason);
              continue;
            }
            const outcome = outcomes[next++];
            if ("error" in outcome) {
              skip(outcome.error.field === "email" ? SkipReason.NO_CONTACT : outcome.error.message);
              continue;
            }
            const { referrer, created } = outcome;
            // Enrolled by this run already (the same customer twice in the file): enrolled, not "already".
            const ours = referrer.source === "INVITE" && referrer.createdAt >= run.createdAt;
            if (!created && !ours) {
              skip(SkipReason.ALREADY);
              continue;
            }
            progress.enrolled++;
            if (!emailOn) continue;
            if (p.customer.defaultEmailAddress?.marketingState === "SUBSCRIBED" && referrer.email) toEmail.push(referrer);
            else progress.notEmailed++;
          }
          const joined = outcomes.flatMap((o) => ("referrer" in o && o.created ? [o.referrer] : []));
          const deliveries = await recordEvents(
            tx,
            shop,
            joined.map((r) => ({ type: "referrer.joined" as const, key: `joined:${r.id}`, referrerId: r.id, occurredAt: r.createdAt, data: { referrer: { code: r.code, source: r.source } } })),
            now,
          );
          const emails = toEmail.length ? await emailInvitations(tx, shop, toEmail, run.id, now) : [];
          for (const outcome of emails) {
            if (outcome === "queued" || outcome === "exists") progress.emailed++;
            else progress.notEmailed++;
          }
          const { count } = await tx.inviteRun.updateMany({
            where: { id: run.id, shop, status: InviteStatus.ENROLLING, processedLines: before.processedLines },
            data: {
              processedLines: progress.processedLines,
              enrolled: progress.enrolled,
              skipped: progress.skipped,
              emailed: progress.emailed,
              notEmailed: progress.notEmailed,
              skipReasons: JSON.stringify(progress.reasons),
            },
          });
          if (count !== 1) throw new LeaseLostError(`invitation ${run.id} (${shop}) moved past line ${before.processedLines} in another worker`);
          return { progress, queued: emails.includes("queued"), deliveries };
        },
        BATCH_TRANSACTION,
      );
      if (customers.length) await requestCodeSync(db, shop, now);
      if (queued) await kickOutbox(db, shop, now, now);
      if (deliveries > 0) await kickEvents(db, shop, now, now);
      return progress;
    } catch (error) {
      // A storefront enrolment of one of these customers, or a code drawn
      // meanwhile, committed first: the batch sees it on its next attempt.
      if (!isUniqueViolation(error) || attempt >= BATCH_ATTEMPTS) throw error;
    }
  }
}

/** How the run's invitation emails are doing: by status of the emails it queued. */
export async function inviteEmailProgress(db: Db, shop: string, inviteRunId: string) {
  const rows = await db.emailMessage.groupBy({ by: ["status"], where: { shop, inviteRunId }, _count: { _all: true } });
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.status] = row._count._all;
  return counts;
}

/** Splits a byte stream into lines, without holding the file in memory. */
export async function* jsonLines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (line) yield line;
      }
    }
    const rest = (buffer + decoder.decode()).trim();
    if (rest) yield rest;
  } finally {
    // Stopping early (end of a slice) drops the download; not awaited, as
    // some bodies only settle a cancel once the peer closes.
    reader.cancel().catch(() => {});
  }
}

async function finish(db: Db, run: Run, total?: number) {
  await db.inviteRun.updateMany({
    where: { id: run.id, shop: run.shop },
    data: { status: InviteStatus.DONE, finishedAt: new Date(), ...(total !== undefined ? { totalCustomers: total } : {}) },
  });
  // The code sync leaves a last part-filled batch while the run enrols (code-sync.server.ts).
  await requestCodeSync(db, run.shop);
}

async function fail(db: Db, run: Run, error: string) {
  await db.inviteRun.updateMany({ where: { id: run.id, shop: run.shop }, data: { status: InviteStatus.FAILED, error, finishedAt: new Date() } });
}
