// The app's Admin client over a real shopify-app-remix `admin.graphql`, answered
// by the fake Shopify through msw. One manual clock drives both the fake's cost
// bucket and the client's waits, so throttling is exercised without sleeping.
import { createAdminClient, type AdminClient } from "~/shopify/admin-client.server";
import { ThrottleTracker } from "~/shopify/throttle.server";
import type { RequestHandler } from "msw";
import { ManualClock, useFakeShopify, type FakeShopifyOptions } from "../../fake-shopify";
import { unauthenticatedAdminGraphql } from "../shopify/remix-admin";

// Starts at the real time: rows the route stores are stamped with the real clock.
export const testClock = new ManualClock(Date.now());

/** The fake Shopify on the test clock; `extraHandlers` answer other services in the same msw server. */
export function useTestShopify(options: FakeShopifyOptions = {}, ...extraHandlers: RequestHandler[]) {
  return useFakeShopify({ now: testClock.now, sleep: testClock.sleep, bulkAddPolls: 1, ...options }, ...extraHandlers);
}

export async function testAdminClient(shop: string): Promise<AdminClient> {
  return createAdminClient(await unauthenticatedAdminGraphql(shop), {
    shop,
    now: testClock.now,
    sleep: testClock.sleep,
    random: () => 0.5,
    throttle: new ThrottleTracker(),
  });
}
