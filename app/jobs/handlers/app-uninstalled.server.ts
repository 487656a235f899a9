// app/uninstalled: the shop removed the app. Its access tokens are dead, so its
// sessions go; the shop row stays (inactive) because shop/redact, 48 hours
// later, is what erases the shop's data.
import { webhookTopic } from "../webhook-payloads";

export const handleAppUninstalled = webhookTopic("app/uninstalled", () => null, async ({ db, shop, triggeredAt, now }) => {
  const current = await db.shop.findUnique({ where: { shop } });
  // Deliveries are retried for hours and arrive out of order: an uninstall older
  // than the shop's latest install must not log a re-installed shop out.
  if (current && triggeredAt && current.installedAt > triggeredAt) return;
  const uninstalledAt = triggeredAt ?? now();
  await db.$transaction([
    db.session.deleteMany({ where: { shop } }),
    db.shop.upsert({
      where: { shop },
      create: { shop, active: false, uninstalledAt },
      update: { active: false, uninstalledAt },
    }),
  ]);
});
