export { FakeShopify, type FakeShopifyOptions, type FakeCall } from "./fake-shopify";
export { type Fault, seededRandom } from "./faults";
export { ManualClock } from "./clock";
export { fakeShopifyHandlers, routeShopifyFetchThroughMsw, useFakeShopify } from "./msw";
