// app/scopes_update: the merchant granted or revoked access scopes. Sessions
// carry the scope the app checks before calling the Admin API, so they must
// say what Shopify now allows.
import { z } from "zod";
import { PermanentError, type WebhookHandler } from "~/queue/types";

const payloadSchema = z.object({ current: z.array(z.string()) });

export const handleAppScopesUpdate: WebhookHandler = async ({ db, shop, payload }) => {
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) throw new PermanentError("app/scopes_update payload has no `current` scope list");
  const scope = parsed.data.current.join(",");
  await db.$transaction([
    db.shop.updateMany({ where: { shop }, data: { scope } }),
    db.session.updateMany({ where: { shop }, data: { scope } }),
  ]);
};
