// A fake Shopify Admin GraphQL API (2026-10) for tests and local runs.
//
//   const shopify = useFakeShopify();              // in a Vitest file: msw server, fresh fake per test
//   shopify.reset({ now: clock.now, bucket: { maximumAvailable: 1000, restoreRate: 100 } });
//   shopify.fake.seedCustomer(shop, { email });    // seed; then run app code
//   shopify.fake.faults.queue("RewardCodeCreate", { kind: "executedThenDropped" });
//   shopify.fake.discounts(shop) / codes / storeCreditTransactions / metafields / calls
//
// Outside Vitest: `new FakeShopify(options).handle(request)` is a plain
// fetch handler (Request -> Response); `Response.error()` means "drop the
// connection" and must be mapped to a socket reset by an HTTP server.
export { FakeShopify, type FakeShopifyOptions, type FakeCall } from "./fake-shopify";
export { type Fault, seededRandom } from "./faults";
export { ManualClock } from "./clock";
export { fakeShopifyHandlers, routeShopifyFetchThroughMsw, useFakeShopify } from "./msw";
