// Access scopes the app asks for; shopify.app.toml must list the same (tested).
export const APP_SCOPES = [
  "write_discounts",
  "read_orders",
  "write_customers",
  "read_store_credit_accounts",
  "write_store_credit_account_transactions",
  "write_app_proxy",
  // The shop's primary language, for emails to people whose own is unknown.
  "read_locales",
] as const;

/**
 * Scopes the merchant may grant later, from the app (App Bridge's
 * `shopify.scopes.request`); shopify.app.toml's `optional_scopes` lists the
 * same (tested). Without them the app works and says what it cannot see.
 */
export const OPTIONAL_SCOPES = [
  // The live theme's settings and templates: whether the app embed is on and where the block is.
  "read_themes",
  // The product of a free-product milestone, checked when the merchant names it on the Settings page.
  "read_products",
] as const;

export type OptionalScope = (typeof OPTIONAL_SCOPES)[number];

/**
 * Whether a stored scope list (a session's or a shop's, comma-separated, as
 * Shopify writes it) grants `wanted`. A `write_` scope grants its `read_`.
 */
export function scopeGranted(scope: string | null | undefined, wanted: string): boolean {
  const granted = new Set((scope ?? "").split(",").map((s) => s.trim()).filter(Boolean));
  return granted.has(wanted) || (wanted.startsWith("read_") && granted.has(`write_${wanted.slice("read_".length)}`));
}
