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
