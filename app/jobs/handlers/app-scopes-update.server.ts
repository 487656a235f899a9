// app/scopes_update: the merchant granted or revoked access scopes. Sessions
// carry the scope the app checks before calling the Admin API, so they must
// say what Shopify now allows.
import { webhookTopic } from "../webhook-payloads";

export const handleAppScopesUpdate = webhookTopic(
  "app/scopes_update",
  (payload) => (payload.current as string[]).join(","),
  async ({ db, shop }, scope) => {
    await db.$transaction([
      db.shop.updateMany({ where: { shop }, data: { scope } }),
      db.session.updateMany({ where: { shop }, data: { scope } }),
    ]);
  },
);
