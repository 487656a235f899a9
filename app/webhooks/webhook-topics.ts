// The webhook topics the app subscribes to (shopify.app.toml), in a module of
// its own so the door can refuse any other topic without loading the handlers.
// tests/unit/config.test.ts checks this list, the toml and the worker's registry agree.

export const SUBSCRIBED_TOPICS = [
  "orders/paid",
  "orders/cancelled",
  "refunds/create",
  "app/uninstalled",
  "app/scopes_update",
  "customers/data_request",
  "customers/redact",
  "shop/redact",
] as const;

export type SubscribedTopic = (typeof SUBSCRIBED_TOPICS)[number];

/**
 * What Shopify still sends a shop that uninstalled the app: the app lifecycle
 * topics (a late retry of app/uninstalled itself) and the mandatory compliance
 * topics, shop/redact above all, which arrives 48 hours after the uninstall.
 */
export const TOPICS_AFTER_UNINSTALL: readonly SubscribedTopic[] = [
  "app/uninstalled",
  "app/scopes_update",
  "customers/data_request",
  "customers/redact",
  "shop/redact",
];

const subscribed: ReadonlySet<string> = new Set(SUBSCRIBED_TOPICS);

export const isSubscribedTopic = (topic: string): topic is SubscribedTopic => subscribed.has(topic);
