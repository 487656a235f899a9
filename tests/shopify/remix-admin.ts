// Real `admin.graphql` functions for tests, built the way the app gets them:
// shopifyApp() from @shopify/shopify-app-remix with a stored offline session.
// Requests then go through Shopify's own clients over fetch, and msw (the
// fake Shopify) answers them at the network edge.
import "@shopify/shopify-app-remix/adapters/node";
import { LogSeverity, Session, shopifyApp } from "@shopify/shopify-app-remix/server";
import { testConfig } from "@shopify/shopify-app-remix/test-helpers";
import type { AdminGraphql } from "~/shopify/admin-client.server";
import { ADMIN_API_VERSION_ENUM } from "~/shopify/api-version";
import { sessionToken } from "../../fake-shopify/sign";

export const TEST_ACCESS_TOKEN = "shpat_test_offline_token";

async function appFor(shop: string) {
  const config = testConfig({
    apiVersion: ADMIN_API_VERSION_ENUM,
    // Same auth flags as app/shopify.server.ts.
    future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
    logger: { level: LogSeverity.Error, log: () => {} },
  });
  // testConfig sets a custom-app token that would override the session's.
  delete (config as { adminApiAccessToken?: string }).adminApiAccessToken;
  const app = shopifyApp(config);
  await config.sessionStorage!.storeSession(
    new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, scope: config.scopes!.join(","), accessToken: TEST_ACCESS_TOKEN }),
  );
  return { app, config };
}

/** admin.graphql from `unauthenticated.admin(shop)` (jobs, webhooks): throws HttpResponseError on 4xx/5xx. */
export async function unauthenticatedAdminGraphql(shop: string): Promise<AdminGraphql> {
  const { app } = await appFor(shop);
  const { admin } = await app.unauthenticated.admin(shop);
  return admin.graphql as unknown as AdminGraphql;
}

/** admin.graphql from `authenticate.admin(request)` (embedded admin): throws a Response on 4xx/5xx. */
export async function authenticatedAdminGraphql(shop: string): Promise<AdminGraphql> {
  const { app, config } = await appFor(shop);
  const token = sessionToken({ shop, apiKey: config.apiKey, secret: config.apiSecretKey, sid: "s" });
  const request = new Request(`${config.appUrl}/app?shop=${shop}`, { headers: { Authorization: `Bearer ${token}` } });
  const { admin } = await app.authenticate.admin(request);
  return admin.graphql as unknown as AdminGraphql;
}
