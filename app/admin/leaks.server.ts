// What the Possible leaks page reads and asks: the shop's flagged referrers
// with the orders that flagged them, codes rotated and still in their grace
// period, and the form of a rotation.
import { z } from "zod";
import type { Db } from "~/db.server";
import { leakCounts, sharePercent } from "~/referrals/leaks.server";

/** Orders shown as evidence per flagged referrer (newest first). */
export const EVIDENCE_LIMIT = 25;
/** Flagged referrers listed (oldest flag first: the longest waiting). */
export const FLAGGED_LIMIT = 100;

export async function possibleLeaks(db: Db, shop: string) {
  const [program, flagged, rotations] = await Promise.all([
    db.program.findUnique({ where: { shop }, select: { leakMinOrders: true, leakThresholdPercent: true, leakGraceDays: true, leakAutoRotate: true } }),
    db.referrer.findMany({
      where: { shop, leakFlaggedAt: { not: null } },
      orderBy: { leakFlaggedAt: "asc" },
      take: FLAGGED_LIMIT,
      select: { id: true, code: true, firstName: true, lastName: true, email: true, status: true, leakFlaggedAt: true, leakSince: true },
    }),
    db.referrerCode.findMany({
      where: { shop, removedAt: null },
      orderBy: { retireAt: "asc" },
      take: FLAGGED_LIMIT,
      include: { referrer: { select: { id: true, code: true, firstName: true, lastName: true, email: true } } },
    }),
  ]);
  const referrers = await Promise.all(
    flagged.map(async (r) => {
      const counts = await leakCounts(db, shop, r);
      const evidence = await db.referral.findMany({
        where: { shop, referrerId: r.id, test: false, typedWithoutLink: true, ...(r.leakSince ? { createdAt: { gte: r.leakSince } } : {}) },
        orderBy: { createdAt: "desc" },
        take: EVIDENCE_LIMIT,
        select: { id: true, orderName: true, orderId: true, orderCreatedAt: true, createdAt: true, codeUsed: true, landingSite: true, referringSite: true, couponSite: true, status: true },
      });
      return { ...r, counts, share: sharePercent(counts), evidence };
    }),
  );
  return { program, referrers, rotations };
}

export const rotateFormSchema = z.object({
  referrerId: z.string().min(1).max(100),
  code: z.string().min(1).max(100),
  graceDays: z.coerce
    .number({ invalid_type_error: "Enter a number of days" })
    .int("The grace period must be whole days")
    .min(0, "The grace period cannot be negative")
    .max(90, "The grace period is limited to 90 days"),
});

export const dismissFormSchema = z.object({
  referrerId: z.string().min(1).max(100),
  reason: z.string().trim().min(1, "Say why you keep this code").max(500),
});

/** The first message of each field, for a form to show on the field. */
export function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    errors[field] ??= issue.message;
  }
  return errors;
}
