// Serves FakeShopify to Vitest through msw, at the network edge: app code
// and Shopify's own clients run unchanged over fetch. Strict: a request no
// handler expects fails the test (onUnhandledRequest: "error").
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { http, type RequestHandler } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { FakeShopify, type FakeShopifyOptions } from "./fake-shopify";
import { BULK_RESULT_HOST } from "./resolvers";

const ADMIN_GRAPHQL = /^https:\/\/[^/]+\/admin\/api\/[^/]+\/graphql\.json$/;

/** msw handlers that send every Admin GraphQL call to `fake()`. */
export function fakeShopifyHandlers(fake: () => FakeShopify): RequestHandler[] {
  return [
    http.post(ADMIN_GRAPHQL, ({ request }) => fake().handle(request)),
    // Finished bulk operations' JSONL files (Shopify serves them from cloud storage).
    http.get(`${BULK_RESULT_HOST}/bulk/:shop/:file`, ({ request }) => fake().bulkResult(request)),
  ];
}

/**
 * @shopify/shopify-api's node adapter stores `globalThis.fetch` when it is
 * imported, usually before msw patches fetch, so Shopify's clients would
 * bypass msw and hit the real network. Make them look fetch up per call.
 */
export function routeShopifyFetchThroughMsw() {
  setAbstractFetchFunc((input, init) => globalThis.fetch(input, init));
}

/**
 * Call at the top of a test file (or describe). Gives each test a fresh
 * FakeShopify; `reset(options)` swaps in one with other options mid-test.
 * Extra handlers (other services) can be passed and share the same server.
 */
export function useFakeShopify(options: FakeShopifyOptions = {}, ...extraHandlers: RequestHandler[]) {
  const ctx = {
    fake: undefined as unknown as FakeShopify,
    reset(next: FakeShopifyOptions = options) {
      ctx.fake = new FakeShopify(next);
      return ctx.fake;
    },
  };
  const server = setupServer(...fakeShopifyHandlers(() => ctx.fake), ...extraHandlers);
  beforeAll(() => {
    server.listen({ onUnhandledRequest: "error" });
    routeShopifyFetchThroughMsw();
  });
  beforeEach(() => void ctx.reset());
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return ctx;
}
