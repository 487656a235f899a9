// What the inbox writers check in the transaction that stores a delivery (see
// inbox.server.ts), the same in every app process.

export interface Admission {
  /** New deliveries stored per shop per minute window, at most. */
  perShopPerMinute: number;
  /** Topics still stored for a shop whose Shop row is inactive (it uninstalled the app). */
  topicsAfterUninstall: readonly string[];
}

export const WINDOW_MS = 60_000;

/** The start of the minute window `at` falls in. */
export const windowStartOf = (at: Date) => new Date(Math.floor(at.getTime() / WINDOW_MS) * WINDOW_MS);

/** Whole seconds from `at` to the end of its window, at least 1 (a 429's Retry-After). */
export const secondsLeftInWindow = (at: Date) => Math.max(1, Math.ceil((windowStartOf(at).getTime() + WINDOW_MS - at.getTime()) / 1000));

/** The RateLimit row counting a shop's deliveries; shop/redact erases it with the shop's other keys (privacy.server.ts). */
export const deliveryCounterKey = (shop: string) => `webhooks:${shop}`;
