// The event outbox: the shop's job "event-outbox" claims due deliveries in
// batches (compare-and-set with a claim token, like the email outbox: only the
// holder of a claim can finish a delivery), hands each to its sink, and records
// the outcome: SENT; QUEUED again with backoff (or when the target said to come
// back); FAILED once the sink's retry budget is spent; SKIPPED when there is
// nothing to send it to. A worker killed mid-send leaves the delivery to be
// sent again after its lease: at-least-once at that one point, and each
// delivery carries the event's id so a receiver can tell (Flow, Klaviyo and
// webhook receivers all get it).
import { randomUUID } from "node:crypto";
import type { Db } from "~/db.server";
import { backoffMs, enqueueJob } from "~/queue/queue.server";
import type { JobContext } from "~/queue/types";
import { storefrontOrigin } from "~/email/compose.server";
import { referralLink } from "~/storefront/share-text";
import { EVENT_OUTBOX_JOB, EVENT_OUTBOX_KEY, kickEvents } from "./record.server";
import { sinkOf, type SinkContext } from "./sinks.server";
import { isEventType, type DeliverableEvent, type DeliveryResult, type EventReferrer } from "./types";

export const DeliveryStatus = {
  QUEUED: "QUEUED",
  SENDING: "SENDING",
  SENT: "SENT",
  FAILED: "FAILED",
  SKIPPED: "SKIPPED",
} as const;

const LEASE_MS = 2 * 60_000;
const BATCH = 25;
/** Deliveries of one shop waiting for their targets at once (each sink also keeps to its target's limits). */
const IN_FLIGHT = 100;
const SLICE_MS = 20_000;

export interface EventOutboxRun {
  sent: number;
  retrying: number;
  failed: number;
  skipped: number;
}

type Delivery = NonNullable<Awaited<ReturnType<Db["eventDelivery"]["findFirst"]>>>;

/**
 * Job "event-outbox": delivers the shop's due events for up to a slice, then
 * asks to run again when more are due. Deliveries are pipelined: up to
 * IN_FLIGHT wait for their targets at once, and a new batch is claimed as soon
 * as half of that room is free, so one slow target does not hold up the rest.
 */
export async function runEventOutbox(ctx: JobContext, options: { sliceMs?: number } = {}): Promise<EventOutboxRun> {
  const { db, shop } = ctx;
  const run: EventOutboxRun = { sent: 0, retrying: 0, failed: 0, skipped: 0 };
  const started = Date.now();
  const sinkCtx: SinkContext = { db, shop, cause: ctx.cause, now: () => ctx.now(), admin: () => ctx.admin() };
  const inFlight = new Set<Promise<void>>();
  let claimed = 0;
  try {
    for (;;) {
      if (claimed > 0 && Date.now() - started > (options.sliceMs ?? SLICE_MS)) break;
      const room = IN_FLIGHT - inFlight.size;
      if (room < BATCH) {
        await Promise.race(inFlight);
        continue;
      }
      await ctx.assertLease?.();
      const token = `${ctx.cause}/${randomUUID()}`;
      const batch = await claimDue(db, shop, token, ctx.now(), room);
      if (batch.length === 0) {
        if (inFlight.size === 0) break;
        await Promise.race(inFlight);
        continue;
      }
      claimed += batch.length;
      const events = await loadEvents(db, shop, batch);
      for (const delivery of batch) {
        const task: Promise<void> = deliverOne(sinkCtx, delivery, events.get(delivery.eventId) ?? null, token, run).finally(() => inFlight.delete(task));
        inFlight.add(task);
      }
    }
  } finally {
    await Promise.allSettled(inFlight);
  }
  const next = await db.eventDelivery.findFirst({ where: { shop, status: DeliveryStatus.QUEUED }, orderBy: { availableAt: "asc" }, select: { availableAt: true } });
  if (next) await enqueueJob(db, { shop, kind: EVENT_OUTBOX_JOB, key: EVENT_OUTBOX_KEY, availableAt: next.availableAt }, ctx.now());
  return run;
}

function dueWhere(shop: string, now: Date) {
  return { shop, OR: [{ status: DeliveryStatus.QUEUED, availableAt: { lte: now } }, { status: DeliveryStatus.SENDING, lockedUntil: { lt: now } }] };
}

async function claimDue(db: Db, shop: string, token: string, now: Date, size: number): Promise<Delivery[]> {
  const due = dueWhere(shop, now);
  const candidates = await db.eventDelivery.findMany({ where: due, orderBy: { availableAt: "asc" }, take: Math.min(size, BATCH * 2), select: { id: true } });
  if (candidates.length === 0) return [];
  await db.eventDelivery.updateMany({
    where: { id: { in: candidates.map((c) => c.id) }, ...due },
    data: { status: DeliveryStatus.SENDING, lockedBy: token, lockedUntil: new Date(now.getTime() + LEASE_MS), attempts: { increment: 1 } },
  });
  return db.eventDelivery.findMany({ where: { shop, lockedBy: token, status: DeliveryStatus.SENDING } });
}

/** The batch's events with their referrers as they are now (an erased referrer reads as null). */
async function loadEvents(db: Db, shop: string, batch: Delivery[]): Promise<Map<string, DeliverableEvent>> {
  const rows = await db.referralEvent.findMany({ where: { shop, id: { in: [...new Set(batch.map((d) => d.eventId))] } } });
  const referrerIds = [...new Set(rows.map((r) => r.referrerId).filter((id): id is string => id !== null))];
  const [program, referrers, rewards] = await Promise.all([
    db.program.findUnique({ where: { shop } }),
    db.referrer.findMany({ where: { shop, id: { in: referrerIds }, redactedAt: null } }),
    db.reward.groupBy({ by: ["referrerId"], where: { shop, referrerId: { in: referrerIds }, status: { in: ["ISSUED", "PAID"] } }, _count: { _all: true } }),
  ]);
  const origin = program ? storefrontOrigin(program) : `https://${shop}`;
  const issued = new Map(rewards.map((r) => [r.referrerId, r._count._all]));
  const byId = new Map<string, EventReferrer>(
    referrers.map((r) => [
      r.id,
      {
        id: r.id,
        customerId: r.customerId,
        email: r.email,
        firstName: r.firstName,
        lastName: r.lastName,
        locale: r.locale,
        code: r.code,
        link: referralLink(origin, r.code),
        status: r.status,
        referralCount: r.referralCount,
        rewardsIssued: issued.get(r.id) ?? 0,
      },
    ]),
  );
  const events = new Map<string, DeliverableEvent>();
  for (const row of rows) {
    if (!isEventType(row.type)) continue;
    events.set(row.id, {
      id: row.id,
      shop,
      type: row.type,
      occurredAt: row.occurredAt,
      data: JSON.parse(row.data) as DeliverableEvent["data"],
      referralId: row.referralId,
      rewardId: row.rewardId,
      referrer: row.referrerId ? (byId.get(row.referrerId) ?? null) : null,
    });
  }
  return events;
}

async function deliverOne(ctx: SinkContext, delivery: Delivery, event: DeliverableEvent | null, token: string, run: EventOutboxRun) {
  const { db, shop } = ctx;
  const mine = { id: delivery.id, shop, lockedBy: token };
  const release = { lockedBy: null, lockedUntil: null };
  const sink = sinkOf(delivery.target);
  const started = Date.now();
  let result: DeliveryResult;
  if (!event) result = { outcome: "skipped", reason: "The event is no longer known" };
  else if (!sink) result = { outcome: "skipped", reason: `No integration handles ${delivery.target}` };
  else {
    try {
      result = await sink.deliver(ctx, delivery.target, event, delivery.attempts);
    } catch (error) {
      result = { outcome: "retry", error: error instanceof Error ? error.message : String(error) };
    }
  }
  const durationMs = Date.now() - started;
  const now = ctx.now();
  const status = "status" in result ? (result.status ?? null) : null;
  if (result.outcome === "retry" && sink && event) {
    const nextAt = new Date(now.getTime() + Math.max(result.retryAfterMs ?? 0, backoffMs(delivery.attempts)));
    const outOfAttempts = delivery.attempts >= sink.retry.maxAttempts;
    const outOfTime = sink.retry.maxAgeMs !== undefined && nextAt.getTime() - event.occurredAt.getTime() > sink.retry.maxAgeMs;
    if (outOfAttempts || outOfTime) result = { outcome: "failed", error: `Gave up after ${delivery.attempts} attempts: ${result.error}`, status: result.status };
    else {
      run.retrying++;
      await db.eventDelivery.updateMany({ where: mine, data: { status: DeliveryStatus.QUEUED, availableAt: nextAt, lastError: clip(result.error), responseStatus: status, durationMs, ...release } });
      return;
    }
  }
  if (result.outcome === "sent") {
    run.sent++;
    const { count } = await db.eventDelivery.updateMany({ where: mine, data: { status: DeliveryStatus.SENT, sentAt: now, lastError: null, responseStatus: status, durationMs, ...release } });
    if (count === 1 && sink?.onSent) await sink.onSent(ctx, delivery.target);
  } else if (result.outcome === "failed") {
    run.failed++;
    const { count } = await db.eventDelivery.updateMany({ where: mine, data: { status: DeliveryStatus.FAILED, lastError: clip(result.error), responseStatus: status, durationMs, ...release } });
    if (count === 1 && sink?.onGiveUp) await sink.onGiveUp(ctx, delivery.target, result.error);
  } else if (result.outcome === "skipped") {
    run.skipped++;
    await db.eventDelivery.updateMany({ where: mine, data: { status: DeliveryStatus.SKIPPED, lastError: clip(result.reason), durationMs, ...release } });
  }
}

function clip(text: string): string {
  return text.slice(0, 1000);
}

/** Maintenance: every shop with a delivery due (a kick lost to a crash, a retry whose time came) gets its outbox job. */
export async function kickDueEvents(db: Db, now: Date): Promise<number> {
  const due = await db.eventDelivery.groupBy({
    by: ["shop"],
    where: { OR: [{ status: DeliveryStatus.QUEUED, availableAt: { lte: now } }, { status: DeliveryStatus.SENDING, lockedUntil: { lt: now } }] },
    orderBy: { shop: "asc" },
    take: 1000,
  });
  for (const { shop } of due) await kickEvents(db, shop, now, now);
  return due.length;
}
