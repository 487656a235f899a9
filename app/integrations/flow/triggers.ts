// The app's Shopify Flow triggers, one per referral event a merchant would
// automate on, and the payload each sends. A trigger's handle and field keys
// are its extension's (extensions/flow-*/shopify.extension.toml): Flow checks
// the payload against them, and tests/integrations/flow.test.ts checks that
// every payload here has exactly the fields its toml declares, with their types.
import type { DeliverableEvent, EventDataByType, EventReferrer, EventType, RewardFacts } from "~/events/types";

/** A payload value: Flow's number_decimal is a JSON number; every other field here is a string. */
export type FlowPayload = Record<string, string | number>;

interface FlowTrigger<T extends EventType> {
  handle: string;
  /** The extension's name: the trigger's title in the Flow editor. */
  name: string;
  payload(event: EventOf<T>, referrer: EventReferrer, customerId: number): FlowPayload;
}

type EventOf<T extends EventType> = DeliverableEvent & { type: T; data: EventDataByType[T] };

type FlowTriggers = { [T in EventType]?: FlowTrigger<T> };

/** The customer_reference field: Flow loads the referrer's Shopify customer from its numeric id. */
const common = (event: DeliverableEvent, referrer: EventReferrer, customerId: number) => ({
  customer_id: customerId,
  "Referral code": referrer.code,
  "Event ID": event.id,
});

/**
 * An amount as Flow's number_decimal wants it. The app's decimal strings have
 * at most a few decimals, well within a double's exact range, so nothing is lost.
 */
const decimal = (value: string) => Number(value);

const rewardFields = (reward: RewardFacts) => ({
  "Reward kind": reward.kind,
  "Reward value": decimal(reward.value),
  "Reward value type": reward.valueType,
  "Currency code": reward.currencyCode ?? "",
  "Reward code": reward.code ?? "",
});

export const FLOW_TRIGGERS: FlowTriggers = {
  "referrer.joined": {
    handle: "referrer-joined",
    name: "Referrer joined",
    payload: (event, referrer, customerId) => ({
      ...common(event, referrer, customerId),
      "Referral link": referrer.link,
      Source: event.data.referrer.source,
    }),
  },
  "referral.created": {
    handle: "referral-created",
    name: "Referral created",
    payload: (event, referrer, customerId) => ({
      ...common(event, referrer, customerId),
      "Order name": event.data.referral.orderName ?? "",
      "Order subtotal": decimal(event.data.referral.subtotal.amount),
      "Currency code": event.data.referral.subtotal.currencyCode,
      "Attributed by": event.data.referral.attributedBy,
    }),
  },
  "referral.rejected": {
    handle: "referral-rejected",
    name: "Referral rejected",
    payload: (event, referrer, customerId) => ({
      ...common(event, referrer, customerId),
      "Order name": event.data.referral.orderName ?? "",
      "Order subtotal": decimal(event.data.referral.subtotal.amount),
      "Currency code": event.data.referral.subtotal.currencyCode,
      Reason: event.data.reason,
    }),
  },
  "referral.rewarded": {
    handle: "referral-rewarded",
    name: "Referral rewarded",
    payload: (event, referrer, customerId) => ({
      ...common(event, referrer, customerId),
      "Order name": event.data.referral?.orderName ?? "",
      ...rewardFields(event.data.reward),
    }),
  },
  "reward.revoked": {
    handle: "referral-reward-revoked",
    name: "Referral reward revoked",
    payload: (event, referrer, customerId) => ({
      ...common(event, referrer, customerId),
      ...rewardFields(event.data.reward),
      Reason: event.data.reason,
    }),
  },
};

/** The trigger of an event type, if it has one (leak.suspected has none: it is about no customer). */
export function flowTriggerOf(type: EventType): FlowTrigger<EventType> | undefined {
  return FLOW_TRIGGERS[type] as FlowTrigger<EventType> | undefined;
}

/**
 * The handle of the trigger a lifecycle callback names. Flow documents
 * `flow_trigger_definition_id` only as "the unique identifier for your
 * trigger" (its example is a trigger's title): both are accepted.
 */
export function flowTriggerHandle(definitionId: string): string | null {
  return Object.values(FLOW_TRIGGERS).find((t) => t.handle === definitionId || t.name === definitionId)?.handle ?? null;
}

/**
 * The numeric id Flow's customer_reference takes, from the customer's gid
 * (null when it is not one). Shopify's ids fit a double exactly today; a
 * larger one is refused rather than rounded into another customer's.
 */
export function customerNumber(gid: string | null): number | null {
  const digits = /^gid:\/\/shopify\/Customer\/(\d+)$/.exec(gid ?? "")?.[1];
  if (!digits) return null;
  const id = Number(digits);
  return Number.isSafeInteger(id) ? id : null;
}
