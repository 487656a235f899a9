// The referral and referrer exports: the list's filters, every row, streamed.
import type { Db } from "~/db.server";
import { en, type Messages } from "~/i18n/en";
import { csvStream } from "./csv.server";
import { referralWhere, type ReferralFilters } from "./referral-list.server";
import { referrerListStats, referrerWhere } from "./referrer-list.server";

export function referralsCsv(db: Db, shop: string, filters: ReferralFilters, t: Messages = en) {
  const where = referralWhere(shop, filters);
  return csvStream(
    t.csv.referrals,
    (keyset, take) =>
      db.referral.findMany({
        where: { AND: [where, keyset] },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take,
        include: { referrer: { select: { code: true, email: true } } },
      }),
    (batch) =>
      batch.map((r) => [
        r.id,
        r.createdAt.toISOString(),
        r.orderName,
        r.orderId,
        r.status,
        r.reason,
        r.friendEmail,
        r.referrer.code,
        r.referrer.email,
        r.attributedBy,
        r.codeUsed,
        r.subtotalAmount.toString(),
        r.totalAmount.toString(),
        r.refundedAmount.toString(),
        r.currencyCode,
        r.test ? t.csv.yes : t.csv.no,
      ]),
  );
}

export function referrersCsv(db: Db, shop: string, filters: { search?: string | null; status?: string | null }, t: Messages = en) {
  const where = referrerWhere(shop, filters.search, filters.status);
  return csvStream(
    t.csv.referrers,
    (keyset, take) => db.referrer.findMany({ where: { AND: [where, keyset] }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take }),
    async (batch) => {
      const stats = await referrerListStats(db, shop, batch.map((r) => r.id));
      return batch.map((r) => {
        const s = stats.get(r.id)!;
        return [r.id, r.createdAt.toISOString(), r.firstName, r.lastName, r.email, r.customerId, r.code, r.source, r.status, s.referrals, s.revenue, s.clicks];
      });
    },
  );
}
