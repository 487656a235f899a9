// The migration that adds the dashboard's totals backfills them from the rows
// already there: the same totals the app's own rebuild computes (UTC days, as
// no shop's time zone is known yet).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "~/db-url";
import { createDb } from "~/db.server";
import { rebuildDailyStats } from "~/referrals/daily-stats.server";
import { applySql, createEmptyDatabase, type Provider } from "../../scripts/test-database";

const provider = (process.env.TEST_DATABASE ?? "sqlite") as Provider;
const MIGRATION = "daily_stats_timezone_channel";

function migrations(): { name: string; sql: string }[] {
  const dir = path.join(PROJECT_ROOT, provider === "sqlite" ? "prisma/migrations" : "prisma/postgresql/migrations");
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .map((name) => ({ name, sql: fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8") }));
}

// Rows as the app wrote them before the migration, on two shops and several UTC days.
function oldRows(): string {
  const ts = (iso: string) => (provider === "sqlite" ? `'${iso.replace("Z", "+00:00")}'` : `TIMESTAMP '${iso.replace("T", " ").replace("Z", "")}'`);
  const statements: string[] = [];
  for (const [s, shop] of ["a.myshopify.com", "b.myshopify.com"].entries()) {
    for (let r = 0; r < 3; r++) {
      const id = `${s}-r${r}`;
      statements.push(`INSERT INTO "Referrer" ("id", "shop", "code", "source", "createdAt", "updatedAt") VALUES ('${id}', '${shop}', 'FRIEND-${s}${r}', 'STOREFRONT', ${ts(`2025-01-0${r + 1}T23:30:00Z`)}, ${ts("2025-01-05T00:00:00Z")})`);
      statements.push(`INSERT INTO "LinkEvent" ("id", "shop", "referrerId", "type", "channel", "createdAt") VALUES ('${id}-e1', '${shop}', '${id}', 'CLICK', 'whatsapp', ${ts("2025-01-02T00:30:00Z")}), ('${id}-e2', '${shop}', '${id}', 'SHARE', 'email', ${ts("2025-01-03T12:00:00Z")})`);
      const statuses = ["PENDING", "REWARDED", "REVERSED", "REWARDED"];
      for (const [i, status] of statuses.entries()) {
        const f = `${id}-f${i}`;
        statements.push(
          `INSERT INTO "Referral" ("id", "shop", "referrerId", "orderId", "attributedBy", "subtotalAmount", "totalAmount", "refundedAmount", "currencyCode", "status", "createdAt", "updatedAt")
           VALUES ('${f}', '${shop}', '${id}', 'gid://shopify/Order/${f}', 'CODE', 100, ${50 + i * 10}.25, ${i === 3 ? 5 : 0}, 'USD', '${status}', ${ts(`2025-01-0${i + 1}T1${r}:00:00Z`)}, ${ts("2025-01-05T00:00:00Z")})`,
        );
        if (status === "REWARDED") {
          statements.push(
            `INSERT INTO "Reward" ("id", "shop", "referrerId", "referralId", "kind", "valueType", "value", "status", "createdAt", "updatedAt")
             VALUES ('${f}-w', '${shop}', '${id}', '${f}', 'CODE', '${i === 1 ? "PERCENTAGE" : "FIXED_AMOUNT"}', ${i === 1 ? 10 : 7.5}, 'ISSUED', ${ts(`2025-01-0${i + 2}T10:00:00Z`)}, ${ts("2025-01-05T00:00:00Z")})`,
          );
        }
      }
    }
  }
  return statements.join(";\n");
}

describe(`the totals backfill on ${provider}`, () => {
  it("fills DailyStat and the referrers' counters from existing rows as the app's rebuild does", async () => {
    const all = migrations();
    const at = all.findIndex((m) => m.name.endsWith(`_${MIGRATION}`));
    expect(at).toBeGreaterThan(0);
    const database = await createEmptyDatabase(provider);
    try {
      await applySql(database, all.slice(0, at).map((m) => m.sql));
      // PostgreSQL's client runs one statement per query: split them.
      await applySql(database, provider === "sqlite" ? [oldRows()] : oldRows().split(";\n"));
      await applySql(database, all.slice(at).map((m) => m.sql));
      const db = createDb(database.url);
      try {
        const snapshot = async () => ({
          days: (await db.dailyStat.findMany({ orderBy: [{ shop: "asc" }, { day: "asc" }, { channel: "asc" }] }))
            .map((d) => [d.shop, d.day, d.channel, d.referrers, d.clicks, d.shares, d.orders, d.revenue.toFixed(2), d.rewarded, d.rewards, d.rewardsFixed.toFixed(2), d.rewardsPercent.toFixed(2)].join(" "))
            .filter((line) => !line.endsWith(" 0 0 0 0 0.00 0 0 0.00 0.00")),
          referrers: (await db.referrer.findMany({ orderBy: { id: "asc" } })).map((r) => `${r.id} ${r.referralCount} ${r.referredRevenue.toFixed(2)}`),
        });
        const migrated = await snapshot();
        expect(migrated.days).toContain("a.myshopify.com 2025-01-02 whatsapp 0 3 0 0 0.00 0 0 0.00 0.00");
        expect(migrated.referrers).toContain("0-r0 3 185.75");
        for (const shop of ["a.myshopify.com", "b.myshopify.com"]) await rebuildDailyStats(db, shop);
        expect(await snapshot()).toEqual(migrated);
      } finally {
        await db.$disconnect();
      }
    } finally {
      await database.drop();
    }
  }, 60_000);
});
