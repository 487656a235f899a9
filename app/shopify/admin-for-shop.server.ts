// The Admin API client for background work (webhooks, jobs): no request, so it
// uses the shop's stored offline session.
import { unauthenticated } from "~/shopify.server";
import { createAdminClient, type AdminClient, type AdminClientOptions } from "./admin-client.server";

export async function adminForShop(shop: string, options: AdminForShopOptions = {}): Promise<AdminClient> {
  const { admin } = await unauthenticated.admin(shop);
  return createAdminClient(admin.graphql, { shop, ...options });
}

/** See AdminClientOptions: a storefront request, which a shopper waits for, retries less and sooner than a job. */
export type AdminForShopOptions = Pick<AdminClientOptions, "beforeRetry" | "maxAttempts" | "baseDelayMs" | "maxDelayMs" | "timeoutMs">;
