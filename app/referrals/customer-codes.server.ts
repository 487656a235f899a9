// Each referrer's code on their Shopify customer, in the metafield
// $app:referral / code: the discount function reads it at checkout and refuses
// a referrer their own code (extensions/referral-discount). Written by the
// code-sync job while the program's friend discount is the function's, for
// every active referrer with a customer whose code was not written yet or
// changed since (customerCodeWritten); metafieldsSet is idempotent, so a retry
// after an ambiguous failure writes the same values again.
import type { Db } from "~/db.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { METAFIELDS_SET } from "~/shopify/documents";
import { ShopifyUserError } from "~/shopify/errors";

export const CUSTOMER_CODE_NAMESPACE = "$app:referral";
export const CUSTOMER_CODE_KEY = "code";
/** metafieldsSet takes at most 25 metafields a call. */
export const METAFIELDS_PER_CALL = 25;

type Pending = { id: string; customerId: string; code: string };

export async function writeCustomerCodes({ db, admin, shop }: { db: Db; admin: AdminClient; shop: string }): Promise<{ written: number; calls: number }> {
  const result = { written: 0, calls: 0 };
  const program = await db.program.findUnique({ where: { shop }, select: { friendDiscountMode: true } });
  if (program?.friendDiscountMode !== "FUNCTION") return result;
  const gone: string[] = [];
  for (;;) {
    const batch = (await db.referrer.findMany({
      where: {
        shop,
        status: "ACTIVE",
        redactedAt: null,
        customerId: { not: null },
        OR: [{ customerCodeWritten: null }, { NOT: { customerCodeWritten: { equals: db.referrer.fields.code } } }],
      },
      select: { id: true, customerId: true, code: true },
      orderBy: { createdAt: "asc" },
      take: METAFIELDS_PER_CALL,
    })) as Pending[];
    if (batch.length === 0) return result;
    try {
      await setCodes(admin, batch);
      result.calls++;
    } catch (error) {
      if (!(error instanceof ShopifyUserError)) throw error;
      // metafieldsSet is all or nothing: one customer deleted in Shopify since
      // must not hold the others back. One by one; a customer that no longer
      // exists is done with (nobody to protect at checkout), so later syncs
      // do not try it again.
      for (const referrer of batch) {
        try {
          await setCodes(admin, [referrer]);
          result.calls++;
        } catch (single) {
          if (!(single instanceof ShopifyUserError) || !single.userErrors.some((e) => e.field?.includes("ownerId"))) throw single;
          gone.push(referrer.id);
        }
      }
    }
    for (const referrer of batch) {
      // Only if the code is still the one written: a code changed meanwhile is written on the next round.
      const { count } = await db.referrer.updateMany({ where: { id: referrer.id, shop, code: referrer.code }, data: { customerCodeWritten: referrer.code } });
      if (!gone.includes(referrer.id)) result.written += count;
    }
  }
}

async function setCodes(admin: AdminClient, referrers: Pending[]) {
  await admin.mutate(
    METAFIELDS_SET,
    {
      metafields: referrers.map((r) => ({
        ownerId: r.customerId,
        namespace: CUSTOMER_CODE_NAMESPACE,
        key: CUSTOMER_CODE_KEY,
        type: "single_line_text_field",
        value: r.code,
      })),
    },
    { verify: async () => null },
  );
}
