// Recording referral events: in the transaction of the state change, once per
// (shop, key), with one delivery per target that wants it. kickEvents after
// the transaction commits starts the shop's event outbox at once; the worker's
// maintenance finds any kick a crash lost.
import type { Db } from "~/db.server";
import { enqueueJob } from "~/queue/queue.server";
import { nudgeWorker } from "~/queue/nudge.server";
import { eventSinks, type Tx } from "./sinks.server";
// Every process that records events (web requests too, not only the worker) knows the integrations.
import "./integrations.server";
import type { EventInput } from "./types";

export const EVENT_OUTBOX_JOB = "event-outbox";
export const EVENT_OUTBOX_KEY = "events";

/**
 * Records events in the caller's transaction; returns how many deliveries
 * were recorded (kick the outbox when any). An event whose key is already
 * recorded is left alone: the state change it reports happened once.
 */
export async function recordEvents(tx: Tx, shop: string, inputs: EventInput[], now: Date): Promise<number> {
  if (inputs.length === 0) return 0;
  const found = await tx.referralEvent.findMany({ where: { shop, key: { in: inputs.map((e) => e.key) } }, select: { key: true } });
  const seen = new Set(found.map((f) => f.key));
  const fresh = inputs.filter((e) => !seen.has(e.key) && (seen.add(e.key), true));
  if (fresh.length === 0) return 0;
  const targetsByType = new Map<string, string[]>();
  for (const type of new Set(fresh.map((e) => e.type))) {
    const targets: string[] = [];
    for (const sink of eventSinks()) targets.push(...(await sink.targets(tx, shop, type)));
    targetsByType.set(type, targets);
  }
  let deliveries = 0;
  for (const input of fresh) {
    const event = await tx.referralEvent.create({
      data: {
        shop,
        type: input.type,
        key: input.key,
        referrerId: input.referrerId,
        referralId: input.referralId ?? null,
        rewardId: input.rewardId ?? null,
        data: JSON.stringify(input.data),
        occurredAt: input.occurredAt,
        createdAt: now,
      },
      select: { id: true },
    });
    const targets = targetsByType.get(input.type) ?? [];
    if (targets.length) {
      await tx.eventDelivery.createMany({ data: targets.map((target) => ({ shop, eventId: event.id, target, availableAt: now, createdAt: now })) });
      deliveries += targets.length;
    }
  }
  return deliveries;
}

export function recordEvent(tx: Tx, shop: string, input: EventInput, now: Date): Promise<number> {
  return recordEvents(tx, shop, [input], now);
}

/** Makes sure the shop's event outbox runs by `at` (idempotent), and wakes an in-process worker. */
export async function kickEvents(db: Db, shop: string, at: Date = new Date(), now: Date = new Date()): Promise<void> {
  await enqueueJob(db, { shop, kind: EVENT_OUTBOX_JOB, key: EVENT_OUTBOX_KEY, availableAt: at }, now);
  if (at <= now) nudgeWorker();
}

/** recordEvents in a transaction of its own, then the kick: for changes made outside a transaction. */
export async function emitEvents(db: Db, shop: string, inputs: EventInput[], now: Date): Promise<void> {
  const deliveries = await db.$transaction((tx) => recordEvents(tx, shop, inputs, now));
  if (deliveries > 0) await kickEvents(db, shop, now, now);
}
