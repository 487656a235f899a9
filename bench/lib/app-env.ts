// The app's configuration for the benchmarks, as a deployment would give it:
// set in process.env before any app module loads, or passed to the app server.
export const BENCH_SECRET = "bench-api-secret-0123456789abcdef";

export const BENCH_APP_ENV = {
  SHOPIFY_API_KEY: "bench-api-key",
  SHOPIFY_API_SECRET: BENCH_SECRET,
  SHOPIFY_APP_URL: "https://referrals.bench",
  RUN_WORKER: "false",
} as const;
