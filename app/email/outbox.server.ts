// The email outbox. queueEmail records an email to send, at most once per
// (shop, kind, key) whatever retries, duplicate webhooks or workers do; the
// shop's outbox job claims due messages in batches (compare-and-set, like the
// job queue: only the holder of a claim token can finish a message), renders
// and sends them over SMTP at no more than the shop's rate, and records each
// outcome: SENT; QUEUED again with backoff after a transient failure; FAILED
// and the address suppressed after a permanent refusal; SUPPRESSED (switched
// off, unsubscribed, undeliverable, or no longer true) without sending.
//
// Exactly once: a message is claimed by one worker at a time, and marked SENT
// right after the server accepted it. A worker killed between the server's
// acceptance and that write leaves the message to be sent again after its
// lease (at-least-once at that one point, as with any SMTP client).
import { randomUUID } from "node:crypto";
import type { Db } from "~/db.server";
import { Prisma } from "~/db.server";
import { isUniqueViolation } from "~/db-errors";
import { backoffMs, enqueueJob } from "~/queue/queue.server";
import { nudgeWorker } from "~/queue/nudge.server";
import type { JobContext } from "~/queue/types";
import { normaliseEmail } from "~/referrals/email";
import { emailConfig, type EmailConfig } from "./config.server";
import { composeMessage, loadBatchRows, loadShopMailSettings, shopDisplayName, type Composed, type ShopMailSettings } from "./compose.server";
import { isPartnerEmailKind, type EmailKind } from "./kinds";
import { renderEmail } from "./render.server";
import { classifySendError, smtpSender, type Sender } from "./transport.server";
import { suppress, UNDELIVERABLE } from "./unsubscribe.server";

export const EMAIL_OUTBOX_JOB = "email-outbox";
const OUTBOX_KEY = "outbox";

export const EmailStatus = {
  QUEUED: "QUEUED",
  SENDING: "SENDING",
  SENT: "SENT",
  SUPPRESSED: "SUPPRESSED",
  FAILED: "FAILED",
} as const;

/** With the queue's backoff (30 s doubling, capped at an hour): an SMTP outage of about 14 hours loses nothing. */
export const MAX_SEND_ATTEMPTS = 20;
const LEASE_MS = 2 * 60_000;
const MAX_BATCH = 100;
const SLICE_MS = 20_000;

type Tx = Prisma.TransactionClient;

export interface QueueEmailInput {
  shop: string;
  kind: EmailKind | "TEST";
  /** Names the event and what it refers to; the recipient is added to it. */
  key: string;
  recipient: string | null | undefined;
  locale?: string | null;
  referrerId?: string | null;
  referralId?: string | null;
  rewardId?: string | null;
  inviteRunId?: string | null;
  payload?: unknown;
  /** Not before (a reminder's date). */
  availableAt?: Date;
}

export type QueueOutcome = "queued" | "exists" | "off" | "no-address";

/**
 * Records one email in the outbox (inside the caller's transaction when given
 * one). Nothing is recorded while email is off (no SMTP_URL): nothing waits
 * to be lost or sent by surprise months later. Call kickOutbox after the
 * transaction commits (queueEmail does it when given the client, not a transaction).
 */
export async function addToOutbox(db: Db | Tx, input: QueueEmailInput, now: Date = new Date(), config = emailConfig()): Promise<QueueOutcome> {
  if (!config) return "off";
  const recipient = input.recipient?.trim();
  const emailKey = recipient ? normaliseEmail(recipient) : null;
  if (!recipient || !emailKey) return "no-address";
  const key = `${input.key}:${emailKey}`;
  const where = { shop_kind_key: { shop: input.shop, kind: input.kind, key } };
  if (await db.emailMessage.findUnique({ where, select: { id: true } })) return "exists";
  try {
    await db.emailMessage.create({
      data: {
        shop: input.shop,
        kind: input.kind,
        key,
        recipient,
        emailKey,
        locale: input.locale ?? null,
        referrerId: input.referrerId ?? null,
        referralId: input.referralId ?? null,
        rewardId: input.rewardId ?? null,
        inviteRunId: input.inviteRunId ?? null,
        payload: input.payload === undefined ? null : JSON.stringify(input.payload),
        availableAt: input.availableAt ?? now,
        createdAt: now,
      },
    });
  } catch (error) {
    if (isUniqueViolation(error)) return "exists";
    throw error;
  }
  return "queued";
}

/**
 * addToOutbox for many emails of one shop in the caller's transaction: one
 * query finds those already recorded, one inserts the rest. Outcomes in the
 * order of `inputs`. A concurrent insert of the same email aborts the
 * transaction with a unique violation (the caller retries it).
 */
export async function addManyToOutbox(tx: Tx, shop: string, inputs: Omit<QueueEmailInput, "shop">[], now: Date, config = emailConfig()): Promise<QueueOutcome[]> {
  if (!config) return inputs.map(() => "off");
  const rows = inputs.map((input) => {
    const recipient = input.recipient?.trim();
    const emailKey = recipient ? normaliseEmail(recipient) : null;
    return recipient && emailKey ? { input, recipient, emailKey, key: `${input.key}:${emailKey}` } : null;
  });
  const wanted = rows.filter((r) => r !== null);
  const existing = new Set<string>();
  for (const kind of new Set(wanted.map((r) => r.input.kind))) {
    const keys = wanted.filter((r) => r.input.kind === kind).map((r) => r.key);
    const found = await tx.emailMessage.findMany({ where: { shop, kind, key: { in: keys } }, select: { key: true } });
    for (const f of found) existing.add(`${kind}\u0000${f.key}`);
  }
  const outcomes: QueueOutcome[] = [];
  const data: Prisma.EmailMessageCreateManyInput[] = [];
  for (const row of rows) {
    if (!row) outcomes.push("no-address");
    else if (existing.has(`${row.input.kind}\u0000${row.key}`)) outcomes.push("exists");
    else {
      existing.add(`${row.input.kind}\u0000${row.key}`);
      outcomes.push("queued");
      const { input } = row;
      data.push({
        shop,
        kind: input.kind,
        key: row.key,
        recipient: row.recipient,
        emailKey: row.emailKey,
        locale: input.locale ?? null,
        referrerId: input.referrerId ?? null,
        referralId: input.referralId ?? null,
        rewardId: input.rewardId ?? null,
        inviteRunId: input.inviteRunId ?? null,
        payload: input.payload === undefined ? null : JSON.stringify(input.payload),
        availableAt: input.availableAt ?? now,
        createdAt: now,
      });
    }
  }
  if (data.length) await tx.emailMessage.createMany({ data });
  return outcomes;
}

/** addToOutbox, then asks for the shop's outbox to run when the email is due. */
export async function queueEmail(db: Db, input: QueueEmailInput, now: Date = new Date(), config = emailConfig()): Promise<QueueOutcome> {
  const outcome = await addToOutbox(db, input, now, config);
  if (outcome === "queued") await kickOutbox(db, input.shop, input.availableAt ?? now, now);
  return outcome;
}

/** Makes sure the shop's outbox job runs by `at` (idempotent), and wakes an in-process worker. */
export async function kickOutbox(db: Db, shop: string, at: Date = new Date(), now: Date = new Date()): Promise<void> {
  if (!emailConfig()) return;
  await enqueueJob(db, { shop, kind: EMAIL_OUTBOX_JOB, key: OUTBOX_KEY, availableAt: at }, now);
  if (at <= now) nudgeWorker();
}

/**
 * Maintenance: every shop with mail due (a message queued in a transaction
 * whose kick was lost to a crash, a retry whose time came, a reminder's day)
 * gets its outbox job. Returns how many shops were kicked.
 */
export async function kickDueOutboxes(db: Db, now: Date): Promise<number> {
  if (!emailConfig()) return 0;
  // GROUP BY in the database (Prisma's `distinct` would read every due row).
  const due = await db.emailMessage.groupBy({
    by: ["shop"],
    where: { OR: [{ status: EmailStatus.QUEUED, availableAt: { lte: now } }, { status: EmailStatus.SENDING, lockedUntil: { lt: now } }] },
    orderBy: { shop: "asc" },
    take: 1000,
  });
  for (const { shop } of due) await kickOutbox(db, shop, now, now);
  return due.length;
}

export interface OutboxOptions {
  sender?: Sender;
  config?: EmailConfig | null;
  sliceMs?: number;
  /** Sleeps between batches to keep to the rate (replaced in tests). */
  sleep?: (ms: number) => Promise<void>;
}

export interface OutboxRun {
  sent: number;
  suppressed: number;
  failed: number;
  retrying: number;
}

/** Job "email-outbox": sends the shop's due messages for up to a slice, then asks to run again if more are due. */
export async function runOutbox(ctx: JobContext, options: OutboxOptions = {}): Promise<OutboxRun> {
  const { db, shop } = ctx;
  const run: OutboxRun = { sent: 0, suppressed: 0, failed: 0, retrying: 0 };
  const config = options.config === undefined ? emailConfig() : options.config;
  if (!config) return run; // switched off after queueing: the messages wait, and the admin says why
  const sender = options.sender ?? smtpSender(config.smtpUrl);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const batchSize = Math.max(1, Math.min(MAX_BATCH, Math.floor(config.perSecond)));
  const started = Date.now();
  // The shop's settings, once per run: a switch changed meanwhile counts from the next run (seconds away).
  const settings = await loadShopSettings(db, shop);
  let attempted = 0;
  for (;;) {
    if (attempted > 0) {
      if (Date.now() - started > (options.sliceMs ?? SLICE_MS)) break;
      // Keep to the rate: the next batch waits until `attempted` sends have taken attempted / rate seconds.
      const ahead = (attempted / config.perSecond) * 1000 - (Date.now() - started);
      if (ahead > 0) await sleep(ahead);
    }
    await ctx.assertLease?.();
    const token = `${ctx.cause}/${randomUUID()}`;
    const batch = await claimDue(db, shop, batchSize, token, ctx.now());
    if (batch.length === 0) break;
    await sendBatch(ctx, { batch, token, settings, config, sender, run });
    attempted += batch.length;
  }
  const next = await db.emailMessage.findFirst({
    where: { shop, status: EmailStatus.QUEUED },
    orderBy: { availableAt: "asc" },
    select: { availableAt: true },
  });
  if (next) await enqueueJob(db, { shop, kind: EMAIL_OUTBOX_JOB, key: OUTBOX_KEY, availableAt: next.availableAt }, ctx.now());
  return run;
}

const SENT_WINDOW_MS = 20;
const SENT_MAX_ITEMS = 50;

/**
 * Collects items and writes them together: SENT_WINDOW_MS after the first one
 * (or at SENT_MAX_ITEMS), one write at a time, in order. close() writes what
 * is left and reports a write that failed.
 */
function windowedWriter<T>(write: (items: T[]) => Promise<void>) {
  let pending: T[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const items = pending;
    pending = [];
    if (items.length) chain = chain.then(() => write(items)).catch((error: unknown) => void (failure ??= error));
    return chain;
  };
  return {
    add(item: T) {
      pending.push(item);
      if (pending.length >= SENT_MAX_ITEMS) void flush();
      else timer ??= setTimeout(flush, SENT_WINDOW_MS);
    },
    async close() {
      await flush();
      if (failure) throw failure;
    },
  };
}

type Message = NonNullable<Awaited<ReturnType<Db["emailMessage"]["findFirst"]>>>;

/**
 * What a finished message (sent, failed for good, not sent) forgets: a partner
 * email's payload holds a one-time sign-in link, which nobody needs once the
 * email went or never will (a retry keeps it). The row stays for the send log.
 */
const finishedData = (m: Pick<Message, "kind">) => (isPartnerEmailKind(m.kind) ? { payload: null } : {});

type ShopSettings = { ok: true; context: ShopMailSettings } | { ok: false; reason: string };

/** What every message of the run needs: nothing goes out for a shop that uninstalled the app or has no program. */
async function loadShopSettings(db: Db, shop: string): Promise<ShopSettings> {
  const installed = await db.shop.findUnique({ where: { shop }, select: { active: true } });
  if (installed?.active === false) return { ok: false, reason: "The shop uninstalled the app" };
  const context = await loadShopMailSettings(db, shop);
  return context ? { ok: true, context } : { ok: false, reason: "The shop has no referral program" };
}

async function claimDue(db: Db, shop: string, size: number, token: string, now: Date): Promise<Message[]> {
  const due = {
    shop,
    OR: [{ status: EmailStatus.QUEUED, availableAt: { lte: now } }, { status: EmailStatus.SENDING, lockedUntil: { lt: now } }],
  };
  // Invitations go out in bulk: everything else (a guest's link, a reward, a
  // test) is sent first, so it never waits behind a customer list.
  const first = await db.emailMessage.findMany({ where: { ...due, kind: { not: "INVITATION" } }, orderBy: { availableAt: "asc" }, take: size, select: { id: true } });
  const rest = first.length < size ? await db.emailMessage.findMany({ where: { ...due, kind: "INVITATION" }, orderBy: { availableAt: "asc" }, take: size - first.length, select: { id: true } }) : [];
  const candidates = [...first, ...rest];
  if (candidates.length === 0) return [];
  await db.emailMessage.updateMany({
    where: { id: { in: candidates.map((c) => c.id) }, ...due },
    data: { status: EmailStatus.SENDING, lockedBy: token, lockedUntil: new Date(now.getTime() + LEASE_MS), attempts: { increment: 1 } },
  });
  return db.emailMessage.findMany({ where: { shop, lockedBy: token, status: EmailStatus.SENDING } });
}

interface Batch {
  batch: Message[];
  token: string;
  settings: ShopSettings;
  config: EmailConfig;
  sender: Sender;
  run: OutboxRun;
}

async function sendBatch(ctx: JobContext, { batch, token, settings, config, sender, run }: Batch) {
  const { db, shop } = ctx;
  const now = ctx.now();
  const mine = (m: Message) => ({ id: m.id, shop, lockedBy: token });
  const release = { lockedBy: null, lockedUntil: null };
  const mail = settings.ok ? { ...settings.context, ...(await loadBatchRows(db, shop, batch)) } : null;
  // Messages the server accepted are recorded SENT together, at most
  // SENT_WINDOW_MS after the first of them (one UPDATE per language instead
  // of one per message): a crash can only resend what was accepted in that window.
  const recordSent = windowedWriter<{ id: string; locale: string; kind: string }>(async (items) => {
    const groups = new Map<string, typeof items>();
    for (const item of items) {
      const group = `${item.locale}|${isPartnerEmailKind(item.kind)}`;
      groups.set(group, [...(groups.get(group) ?? []), item]);
    }
    for (const group of groups.values()) {
      await db.emailMessage.updateMany({
        where: { id: { in: group.map((i) => i.id) }, shop, lockedBy: token },
        // The language it was written in (the recipient's, the shop's or English).
        data: { status: EmailStatus.SENT, sentAt: now, reason: null, locale: group[0].locale, ...release, ...finishedData(group[0]) },
      });
    }
  });
  await Promise.all(
    batch.map(async (message) => {
      if (message.attempts > MAX_SEND_ATTEMPTS) {
        // Claimed this often without an answer (a worker killed mid-send each time): stop.
        run.failed++;
        await db.emailMessage.updateMany({ where: mine(message), data: { status: EmailStatus.FAILED, reason: message.reason ?? `Gave up after ${message.attempts - 1} attempts`, ...release, ...finishedData(message) } });
        return;
      }
      let composed: Composed;
      try {
        composed = mail ? composeMessage(message, mail, config, now) : { ok: false, reason: settings.ok ? "" : settings.reason };
      } catch (error) {
        // Stored data it cannot read: this message is not sent, the batch goes on.
        composed = { ok: false, reason: `Could not be written: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500) };
      }
      if (!composed.ok) {
        run.suppressed++;
        if (composed.erase) await db.emailMessage.deleteMany({ where: mine(message) });
        else await db.emailMessage.updateMany({ where: mine(message), data: { status: EmailStatus.SUPPRESSED, reason: composed.reason, ...release, ...finishedData(message) } });
        return;
      }
      try {
        const rendered = await renderEmail(composed.shape, composed.values);
        const program = mail!.program;
        await sender.send({
          messageId: `<${message.id}@${config.from.split("@")[1]}>`,
          from: { name: program.emailSenderName.trim() || shopDisplayName(program), address: config.from },
          to: message.recipient,
          replyTo: program.emailReplyTo || program.shopEmail || undefined,
          subject: rendered.subject,
          html: rendered.html,
          text: rendered.text,
          unsubscribeUrl: composed.unsubscribeUrl ?? undefined,
          headers: { "X-Referral-Email": message.kind },
        });
        run.sent++;
        recordSent.add({ id: message.id, locale: composed.shape.locale, kind: message.kind });
      } catch (error) {
        const failure = classifySendError(error);
        if (failure.kind === "undeliverable") {
          run.failed++;
          await suppress(db, { shop, emailKey: message.emailKey, reason: UNDELIVERABLE, detail: failure.answer });
          await db.emailMessage.updateMany({ where: mine(message), data: { status: EmailStatus.FAILED, reason: failure.answer, ...release, ...finishedData(message) } });
        } else if (message.attempts >= MAX_SEND_ATTEMPTS) {
          run.failed++;
          await db.emailMessage.updateMany({ where: mine(message), data: { status: EmailStatus.FAILED, reason: `Gave up after ${message.attempts} attempts: ${failure.answer}`, ...release, ...finishedData(message) } });
        } else {
          run.retrying++;
          const at = new Date(now.getTime() + backoffMs(message.attempts));
          await db.emailMessage.updateMany({ where: mine(message), data: { status: EmailStatus.QUEUED, reason: failure.answer, availableAt: at, ...release } });
        }
      }
    }),
  );
  await recordSent.close();
}
