// Admin benchmark data: one shop's referrers, referrals over the last 90 days
// (every status), rewards and link events, inserted with createMany in batches.
import { randomUUID } from "node:crypto";
import type { Db } from "../../app/db.server";

const STATUSES = ["PENDING", "APPROVED", "REWARDED", "REWARDED", "REWARDED", "REJECTED", "REVERSED"];
const CHANNELS = ["whatsapp", "email", "copy", "x", "facebook", "sms", "direct"];
const DAY = 86_400_000;
const BATCH = 1000;

export async function seedAdminData(db: Db, shop: string, size: number) {
  await db.program.create({ data: { shop, currencyCode: "USD" } });
  const referrerCount = Math.max(10, Math.round(size / 20));
  const referrerIds = Array.from({ length: referrerCount }, () => randomUUID());
  const now = Date.now();
  const at = (i: number) => new Date(now - ((i * 7919) % (90 * DAY)));
  for (let i = 0; i < referrerCount; i += BATCH) {
    await db.referrer.createMany({
      data: referrerIds.slice(i, i + BATCH).map((id, j) => ({
        id,
        shop,
        email: `referrer${i + j}@example.com`,
        emailKey: `referrer${i + j}@example.com`,
        firstName: `Referrer${i + j}`,
        code: `FRIEND-${(i + j).toString(36).toUpperCase().padStart(8, "0")}`,
        source: "STOREFRONT",
        createdAt: at(i + j),
      })),
    });
  }
  for (let i = 0; i < size; i += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, size - i) }, (_, j) => {
      const n = i + j;
      const status = STATUSES[n % STATUSES.length];
      return {
        id: randomUUID(),
        shop,
        referrerId: referrerIds[n % referrerCount],
        orderId: `gid://shopify/Order/${n + 1}`,
        orderName: `#${1000 + n}`,
        friendEmail: `friend${n}@example.com`,
        friendEmailKey: `friend${n}@example.com`,
        attributedBy: n % 3 ? "CODE" : "LINK",
        subtotalAmount: "80.00",
        totalAmount: (50 + (n % 100)).toFixed(2),
        currencyCode: "USD",
        status,
        reason: status === "REJECTED" ? "Self-referral" : status === "REVERSED" ? "The order was cancelled" : null,
        createdAt: at(n),
      };
    });
    await db.referral.createMany({ data: rows });
    const rewarded = rows.filter((r) => r.status === "REWARDED");
    await db.reward.createMany({
      data: rewarded.map((r, j) => ({
        shop,
        referrerId: r.referrerId,
        referralId: r.id,
        kind: j % 4 ? "CODE" : "CASH",
        valueType: j % 4 ? "PERCENTAGE" : "FIXED_AMOUNT",
        value: j % 4 ? "10" : "5",
        currencyCode: "USD",
        code: j % 4 ? `FRIEND-REWARD-${r.id.slice(0, 12).toUpperCase()}` : null,
        status: "ISSUED",
        createdAt: r.createdAt,
      })),
    });
    await db.linkEvent.createMany({
      data: rows.map((r, j) => ({ shop, referrerId: r.referrerId, type: j % 3 ? "CLICK" : "SHARE", channel: CHANNELS[j % CHANNELS.length], createdAt: r.createdAt })),
    });
  }
}

