// The app's configuration for the benchmarks, as a deployment would give it:
// set in process.env before any app module loads, or passed to the app server.
export const BENCH_SECRET = "bench-api-secret-0123456789abcdef";

export const BENCH_APP_ENV = {
  SHOPIFY_API_KEY: "bench-api-key",
  SHOPIFY_API_SECRET: BENCH_SECRET,
  SHOPIFY_APP_URL: "https://referrals.bench",
  RUN_WORKER: "false",
  // The benchmarks send one shop thousands of deliveries a second, far past any
  // real shop: the per-minute count still runs, it just never refuses.
  WEBHOOK_DELIVERIES_PER_SHOP_PER_MINUTE: "1000000000",
} as const;
