// Assigning new referrers to the running experiment's variants: uniformly at
// random (crypto.randomInt, so no seed or clock pattern skews the split),
// once, in the same insert that creates the referrer. A referrer keeps their
// variant for good: enrolling again returns the same row, and referrers who
// joined before the experiment (or after it ended) have none.
import { randomInt } from "node:crypto";
import type { Db, Prisma } from "~/db.server";

type Reader = Pick<Db | Prisma.TransactionClient, "experimentVariant">;

/** The running experiment's variant ids, in position order (empty: none running). */
export async function runningVariantIds(db: Reader, shop: string): Promise<string[]> {
  const variants = await db.experimentVariant.findMany({
    where: { shop, experiment: { runningShop: shop } },
    select: { id: true },
    orderBy: { position: "asc" },
  });
  return variants.map((v) => v.id);
}

/** A variant drawn uniformly from `variantIds`, or null when there is none to draw. */
export function drawVariant(variantIds: readonly string[]): string | null {
  return variantIds.length ? variantIds[randomInt(variantIds.length)] : null;
}
