// The referral events, as one list: what the domain reports to the
// integrations (Shopify Flow, Klaviyo, outgoing webhooks). Each is recorded
// once, in the transaction of the state change it reports (record.server.ts),
// and delivered from there by the event outbox (outbox.server.ts).

export const EVENT_TYPES = [
  "referrer.joined",
  "referral.created",
  "referral.rejected",
  "referral.rewarded",
  "reward.revoked",
  "leak.suspected",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

/** Money as the conventions want it: a decimal string and its currency. */
export interface Money {
  amount: string;
  currencyCode: string;
}

export interface ReferralFacts {
  id: string;
  /** The order's Admin API gid. */
  orderId: string;
  orderName: string | null;
  subtotal: Money;
  total: Money;
  /** CODE or LINK. */
  attributedBy: string;
  channel: string | null;
  /** PENDING, REJECTED, ... when the event happened. */
  status: string;
  /** When the hold ends (pending referrals). */
  holdUntil: string | null;
}

export interface RewardFacts {
  id: string;
  /**
   * What earned it: REFERRAL (a friend's order), MILESTONE (the referrer's
   * Nth successful referral: `milestone` is N), SECOND_TIER, PARTNER_FEE (a
   * partner's fee for an order they referred) or MANUAL.
   */
  source: string;
  /** For a milestone reward, the number of successful referrals that reached it; else null. */
  milestone: number | null;
  /** CODE, STORE_CREDIT or CASH. */
  kind: string;
  /** PERCENTAGE or FIXED_AMOUNT. */
  valueType: string;
  /** A percentage ("10") or an amount ("10.00") in `currencyCode`. */
  value: string;
  currencyCode: string | null;
  code: string | null;
  expiresAt: string | null;
}

/**
 * What each event says, beyond who it is about. Never personal data: the
 * referrer's contact (customer, email, name) is read when the event is
 * delivered, so an erased referrer's events carry nothing to send.
 */
export interface EventDataByType {
  "referrer.joined": { referrer: { code: string; source: string } };
  "referral.created": { referral: ReferralFacts };
  "referral.rejected": { referral: ReferralFacts; reason: string };
  "referral.rewarded": { reward: RewardFacts; referral: Pick<ReferralFacts, "id" | "orderId" | "orderName"> | null };
  "reward.revoked": { reward: RewardFacts; reason: string };
  "leak.suspected": { code: string; evidence: string };
}

export type EventInput = {
  [T in EventType]: {
    type: T;
    /** Names the change, unique per shop: recording the same key twice records one event. */
    key: string;
    referrerId: string | null;
    referralId?: string | null;
    rewardId?: string | null;
    data: EventDataByType[T];
    occurredAt: Date;
  };
}[EventType];

/** The referrer as known when delivering (null fields once erased or never known). */
export interface EventReferrer {
  id: string;
  /** gid://shopify/Customer/... */
  customerId: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  locale: string | null;
  code: string;
  /** The referral link on the shop's storefront. */
  link: string;
  status: string;
  referralCount: number;
  /** The value of their issued rewards (amounts summed per currency; percentage codes counted). */
  rewardsIssued: number;
}

/** An event as a target receives it. */
export interface DeliverableEvent {
  id: string;
  shop: string;
  type: EventType;
  occurredAt: Date;
  data: EventDataByType[EventType];
  referralId: string | null;
  rewardId: string | null;
  /** Null when the event has no referrer or the referrer was erased. */
  referrer: EventReferrer | null;
}

/** A target's answer to one delivery. */
export type DeliveryResult =
  | { outcome: "sent"; status?: number }
  /** Try again later (after retryAfterMs when the target said when). */
  | { outcome: "retry"; error: string; status?: number; retryAfterMs?: number }
  /** Retrying cannot help (refused payload, revoked key...). */
  | { outcome: "failed"; error: string; status?: number }
  /** Nothing to send it to any more (the integration was removed, the referrer erased). */
  | { outcome: "skipped"; reason: string };
