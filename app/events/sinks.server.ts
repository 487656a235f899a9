// The integrations events are delivered to. Each registers itself here
// (registerEventSink, from app/events/integrations.server.ts): the recorder asks each,
// in the emitting transaction, which of the shop's targets want the event, and
// the outbox hands each delivery to the sink its target names.
import type { Db } from "~/db.server";
import type { Prisma } from "~/db.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import type { DeliverableEvent, DeliveryResult, EventType } from "./types";

export type Tx = Prisma.TransactionClient;

export interface SinkContext {
  db: Db;
  shop: string;
  cause: string;
  now(): Date;
  /** The shop's Admin API (Flow triggers). */
  admin(): Promise<AdminClient>;
}

export interface EventSink {
  /** A target is the sink's name ("flow", "klaviyo") or the name and an id ("webhook:<endpoint id>"). */
  name: string;
  /** In the emitting transaction: the shop's targets that want an event of this type. */
  targets(tx: Tx, shop: string, type: EventType): Promise<string[]>;
  /** Sends one event to one target; `attempt` counts from 1. Thrown errors are retried like `retry`. */
  deliver(ctx: SinkContext, target: string, event: DeliverableEvent, attempt: number): Promise<DeliveryResult>;
  /** How long to keep trying: attempts, and (optionally) time since the event. */
  retry: { maxAttempts: number; maxAgeMs?: number };
  /** Once, when a target answers (resets a failure count). */
  onSent?(ctx: SinkContext, target: string): Promise<void>;
  /** Once, when a delivery is given up (counts failures, disables an endpoint). */
  onGiveUp?(ctx: SinkContext, target: string, error: string): Promise<void>;
}

const sinks = new Map<string, EventSink>();

export function registerEventSink(sink: EventSink): void {
  sinks.set(sink.name, sink);
}

export function eventSinks(): EventSink[] {
  return [...sinks.values()];
}

export function sinkOf(target: string): EventSink | undefined {
  return sinks.get(target.split(":")[0]);
}
