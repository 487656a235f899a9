// The referral and referrer exports: the list's filters, every row, streamed.
import type { Db } from "~/db.server";
import { csvStream } from "./csv.server";
import { referralWhere, type ReferralFilters } from "./referral-list.server";
import { referrerListStats, referrerWhere } from "./referrer-list.server";

export function referralsCsv(db: Db, shop: string, filters: ReferralFilters) {
  const where = referralWhere(shop, filters);
  return csvStream(
    ["id", "created_at", "order", "order_id", "status", "reason", "friend_email", "referrer_code", "referrer_email", "attributed_by", "code_used", "subtotal", "total", "refunded", "currency", "test"],
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
        r.test ? "yes" : "no",
      ]),
  );
}

export function referrersCsv(db: Db, shop: string, filters: { search?: string | null; status?: string | null }) {
  const where = referrerWhere(shop, filters.search, filters.status);
  return csvStream(
    ["id", "joined_at", "first_name", "last_name", "email", "customer_id", "code", "source", "status", "referrals", "revenue", "clicks"],
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
