// Install state of each shop.
import type { Db } from "~/db.server";

export async function recordInstall(db: Db, { shop, scope }: { shop: string; scope: string | null }) {
  await db.shop.upsert({
    where: { shop },
    create: { shop, scope, active: true },
    update: { scope, active: true, uninstalledAt: null, installedAt: new Date() },
  });
}
