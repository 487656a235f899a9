// One referral event as a Klaviyo event (POST /api/events, through the SDK's
// EventsApi.createEvent): a metric per event type, the event's facts as its
// properties, and the referrer's profile, identified by email (and their
// Shopify customer) with their referral figures kept current on it. Merchants
// build Klaviyo flows and segments on these names: they never change.
import type { EventCreateQueryV2 } from "klaviyo-api";
import type { DeliverableEvent, EventReferrer, EventType } from "~/events/types";

export const METRIC_NAMES: Record<EventType, string> = {
  "referrer.joined": "Referral: referrer joined",
  "referral.created": "Referral: referral created",
  "referral.rejected": "Referral: referral rejected",
  "referral.rewarded": "Referral: referral rewarded",
  "reward.revoked": "Referral: reward revoked",
  "leak.suspected": "Referral: leak suspected",
};

/** The profile properties the app keeps current (segments such as "referred 3 friends or more"). */
export function profileProperties(referrer: EventReferrer) {
  return {
    referral_link: referrer.link,
    referral_code: referrer.code,
    friends_referred: referrer.referralCount,
    rewards_earned: referrer.rewardsIssued,
  };
}

/**
 * The event's monetary value: a rewarded amount in its currency. A
 * percentage reward code has no amount until it is used, so it has none.
 */
function value(event: DeliverableEvent): { value: number; valueCurrency: string } | null {
  if (event.type !== "referral.rewarded") return null;
  const { reward } = event.data as { reward: { valueType: string; value: string; currencyCode: string | null } };
  if (reward.valueType !== "FIXED_AMOUNT" || !reward.currencyCode) return null;
  return { value: Number(reward.value), valueCurrency: reward.currencyCode };
}

function known<T extends Record<string, string | null>>(fields: T): Partial<Record<keyof T, string>> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null)) as Partial<Record<keyof T, string>>;
}

/** The createEvent body; the referrer must have an email (the caller skips those without). */
export function klaviyoEvent(event: DeliverableEvent, referrer: EventReferrer & { email: string }): EventCreateQueryV2 {
  return {
    data: {
      type: "event",
      attributes: {
        // Klaviyo records one event per unique_id (per profile and metric): a delivery sent twice counts once.
        uniqueId: event.id,
        time: event.occurredAt,
        // Amounts stay decimal strings with their currency code, as the app keeps them.
        properties: { event_type: event.type, referral_code: referrer.code, referral_link: referrer.link, ...event.data },
        ...value(event),
        metric: { data: { type: "metric", attributes: { name: METRIC_NAMES[event.type] } } },
        profile: {
          data: {
            type: "profile",
            // Unknown fields are left out, not sent as null: null would erase what Klaviyo already knows.
            attributes: {
              email: referrer.email,
              ...known({ externalId: referrer.customerId, firstName: referrer.firstName, lastName: referrer.lastName }),
              properties: profileProperties(referrer),
            },
          },
        },
      },
    },
  };
}
