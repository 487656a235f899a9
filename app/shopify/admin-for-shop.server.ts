// The Admin API client for background work (webhooks, jobs): no request, so it
// uses the shop's stored offline session.
import { unauthenticated } from "~/shopify.server";
import { createAdminClient, type AdminClient } from "./admin-client.server";

export async function adminForShop(shop: string, options: AdminForShopOptions = {}): Promise<AdminClient> {
  const { admin } = await unauthenticated.admin(shop);
  return createAdminClient(admin.graphql, { shop, beforeRetry: options.beforeRetry });
}

export interface AdminForShopOptions {
  /** See AdminClientOptions.beforeRetry. */
  beforeRetry?: () => Promise<void>;
}
