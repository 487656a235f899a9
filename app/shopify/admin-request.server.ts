// What every embedded-admin loader and action starts with: the merchant's shop
// (from the verified session token, never from the request's parameters), an
// Admin client, and who is acting, for the audit trail.
import { setLogShop } from "~/ops/logger.server";
import { authenticate } from "~/shopify.server";
import { requestLocale, type AdminLocale } from "~/i18n/locales";
import { messages, type Messages } from "~/i18n/messages";
import { createAdminClient, type AdminClient, type AdminGraphql } from "./admin-client.server";

export interface AdminRequest {
  shop: string;
  admin: AdminClient;
  /** `merchant:<staff user id>`, recorded on audit events. */
  cause: string;
  /** The staff member's admin language (app/i18n/locales.ts) and its messages, for toasts, errors and exports. */
  locale: AdminLocale;
  t: Messages;
  /** The scopes Shopify granted the app on this shop (the session's; app/scopes_update keeps them current). */
  scope: string | null;
}

export async function requireAdmin(request: Request): Promise<AdminRequest> {
  const context = await authenticate.admin(request);
  const shop = context.session.shop;
  setLogShop(shop);
  const user = "sessionToken" in context ? context.sessionToken?.sub : undefined;
  return {
    shop,
    admin: createAdminClient(context.admin.graphql as unknown as AdminGraphql, { shop }),
    cause: `merchant:${user ?? "unknown"}`,
    locale: requestLocale(request),
    t: messages(requestLocale(request)),
    scope: context.session.scope ?? null,
  };
}

/** An id from the client that is not the shop's: the same answer as one that does not exist. */
export function notFound(): never {
  throw new Response("Not found", { status: 404, statusText: "Not Found" });
}
