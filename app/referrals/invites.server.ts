// Inviting existing customers: a Shopify bulk operation exports them (JSONL),
// then each is enrolled as a referrer with source INVITE; their codes reach the
// friend discount through the usual batched code sync (100 per call).
//
// One durable job per run (kind "invite-customers", key = run id), run in short
// slices: start the export, poll it, then enrol until a time budget is spent
// and ask to run again. processedLines, enrolled, skipped and the skip reasons
// are written together at each checkpoint, so a crash or a restart resumes at
// the last checkpoint; re-enrolling the few lines after it is harmless
// (enrolment is idempotent) and they are counted the same way the second time.
import type { Db } from "~/db.server";
import { enqueueJob } from "~/queue/queue.server";
import type { JobContext } from "~/queue/types";
import type { AdminClient } from "~/shopify/admin-client.server";
import { ShopifyUserError } from "~/shopify/errors";
import { customerExportQuery, type ExportedCustomer } from "~/shopify/customer-export";
import { BULK_OPERATION, BULK_QUERY_RUN, RECENT_BULK_OPERATIONS } from "~/shopify/documents";
import { recordAudit } from "./audit.server";
import { InviteStatus } from "./invite-status";
import { EnrolmentError, enrolReferrer } from "./referrers.server";
import { emailConfig } from "~/email/config.server";
import { emailInvitation } from "~/email/events.server";

export { InviteStatus };
export const INVITE_JOB = "invite-customers";
const ACTIVE = [InviteStatus.QUEUED, InviteStatus.EXPORTING, InviteStatus.ENROLLING];
const POLL_MS = 3_000;
const CHECKPOINT_EVERY = 50;
const SLICE_MS = 20_000;

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
    return again(POLL_MS);
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
  const done = await enrolFrom(ctx, fresh, op.url, options);
  return done ? finish(db, fresh) : again(0);
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

/** Enrols lines after the checkpoint until the file ends (true) or the slice is spent (false). */
async function enrolFrom(ctx: JobContext, run: Run, url: string, options: { sliceMs?: number; fetchFn?: typeof fetch }) {
  const { db, shop } = ctx;
  const started = Date.now();
  const response = await (options.fetchFn ?? fetch)(url);
  if (!response.ok || !response.body) throw new Error(`Downloading the customer export failed: HTTP ${response.status}`);
  const progress = {
    line: 0,
    processed: run.processedLines,
    enrolled: run.enrolled,
    skipped: run.skipped,
    emailed: run.emailed,
    notEmailed: run.notEmailed,
    reasons: JSON.parse(run.skipReasons) as Record<string, number>,
  };
  const checkpoint = () =>
    db.inviteRun.updateMany({
      where: { id: run.id, shop },
      data: {
        processedLines: progress.processed,
        enrolled: progress.enrolled,
        skipped: progress.skipped,
        emailed: progress.emailed,
        notEmailed: progress.notEmailed,
        skipReasons: JSON.stringify(progress.reasons),
      },
    });
  for await (const line of jsonLines(response.body)) {
    progress.line++;
    if (progress.line <= run.processedLines) continue;
    const { reason, emailed } = await enrolLine(ctx, run, line);
    if (reason) {
      progress.skipped++;
      progress.reasons[reason] = (progress.reasons[reason] ?? 0) + 1;
    } else {
      progress.enrolled++;
      if (emailed === true) progress.emailed++;
      else if (emailed === false) progress.notEmailed++;
    }
    progress.processed++;
    if (progress.processed % CHECKPOINT_EVERY === 0) {
      await checkpoint();
      // On SQLite every query settles as a microtask, so without this a slice
      // would hold the event loop for its whole 20 s: no timer (other jobs,
      // lease heartbeats) and, in the web process, no request would run.
      await new Promise((resolve) => setImmediate(resolve));
      if (Date.now() - started > (options.sliceMs ?? SLICE_MS)) return false;
    }
  }
  await checkpoint();
  return true;
}

interface LineOutcome {
  /** Why the customer was skipped, or null when enrolled. */
  reason: string | null;
  /** Enrolled: invited by email (true), not for lack of consent (false), or email is off (null). */
  emailed?: boolean | null;
}

/**
 * Enrols one exported customer, and invites them by email when their email
 * marketing consent is SUBSCRIBED (the others are enrolled and counted, not emailed).
 */
async function enrolLine(ctx: JobContext, run: Run, line: string): Promise<LineOutcome> {
  let customer: ExportedCustomer;
  try {
    customer = JSON.parse(line);
  } catch {
    return { reason: SkipReason.INVALID };
  }
  if (!customer.id?.startsWith("gid://shopify/Customer/")) return { reason: SkipReason.INVALID };
  if (customer.state === "DISABLED") return { reason: SkipReason.DISABLED_ACCOUNT };
  try {
    const { referrer, created } = await enrolReferrer(ctx.db, {
      shop: ctx.shop,
      customerId: customer.id,
      email: customer.defaultEmailAddress?.emailAddress ?? null,
      firstName: customer.firstName ?? null,
      lastName: customer.lastName ?? null,
      locale: customer.locale ?? null,
      source: "INVITE",
      cause: ctx.cause,
      now: ctx.now(),
    });
    // Enrolled by this run before a restart: count it as enrolled again, not as "already".
    const ours = referrer.source === "INVITE" && referrer.createdAt >= run.createdAt;
    if (!created && !ours) return { reason: SkipReason.ALREADY };
    if (!emailConfig()) return { reason: null, emailed: null };
    if (customer.defaultEmailAddress?.marketingState !== "SUBSCRIBED" || !referrer.email) return { reason: null, emailed: false };
    const outcome = await emailInvitation(ctx.db, referrer, run.id, ctx.now());
    return { reason: null, emailed: outcome === "queued" || outcome === "exists" };
  } catch (error) {
    if (error instanceof EnrolmentError) return { reason: error.field === "email" ? SkipReason.NO_CONTACT : error.message };
    throw error;
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
}

async function fail(db: Db, run: Run, error: string) {
  await db.inviteRun.updateMany({ where: { id: run.id, shop: run.shop }, data: { status: InviteStatus.FAILED, error, finishedAt: new Date() } });
}
