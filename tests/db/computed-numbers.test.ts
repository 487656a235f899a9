// Grouped money totals keep their cents on both databases. On SQLite a
// computed column (SUM) has no declared type and Prisma's adapter typed it by
// its first group: a whole first sum (5) made every later group's 7.50 come
// back as 7 (app/db.server.ts keepFractionsOfComputedNumbers). Checked through
// the pages that group money per referrer: the payout ledger and the referrer list.
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import * as payouts from "~/routes/app.payouts";
import { referrerListStats } from "~/admin/referrer-list.server";
import { load } from "../helpers/admin-request";
import { seedInstalledShop } from "../../fake-shopify/seed";
import { uniqueShop } from "../helpers/shops";

async function referrer(shop: string, code: string) {
  return db.referrer.create({ data: { shop, code, source: "ADMIN", firstName: code } });
}

describe("grouped money totals", () => {
  it("keep their fractions whatever group comes first", async () => {
    const shop = uniqueShop();
    await seedInstalledShop(db, shop);
    await db.program.create({ data: { shop, rewardKind: "CASH" } });
    const whole = await referrer(shop, "WHOLE");
    const cents = await referrer(shop, "CENTS");
    // Each referrer's rows, in both orders of ids, so either group can come first.
    for (const [r, value] of [[whole, "5"], [cents, "7.5"], [cents, "0.25"], [whole, "2"]] as const) {
      await db.reward.create({ data: { shop, referrerId: r.id, kind: "CASH", valueType: "FIXED_AMOUNT", value, currencyCode: "USD", status: "ISSUED" } });
    }
    const ledger = await load(payouts.loader, shop, "/app/payouts");
    expect(Object.fromEntries(ledger.rows.map((r) => [r.name, r.approved]))).toEqual({ WHOLE: "7.00", CENTS: "7.75" });
    expect(ledger.totals.approved).toBe("14.75");

    for (const [r, total] of [[whole, "40"], [cents, "12.5"], [whole, "2"]] as const) {
      await db.referral.create({ data: { shop, referrerId: r.id, orderId: `gid://shopify/Order/${Math.random()}`, attributedBy: "CODE", subtotalAmount: total, totalAmount: total, currencyCode: "USD", status: "PENDING" } });
    }
    for (const ids of [[whole.id, cents.id], [cents.id, whole.id]]) {
      const stats = await referrerListStats(db, shop, ids);
      expect(Number(stats.get(whole.id)!.revenue)).toBe(42);
      expect(Number(stats.get(cents.id)!.revenue)).toBe(12.5);
    }
  });
});
