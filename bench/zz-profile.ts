import { performance } from "node:perf_hooks";
const provider = (process.argv[2] ?? "sqlite") as "sqlite" | "postgresql";
const size = Number(process.argv[3] ?? 10000);
const { createTestDatabase } = await import("/work/main/tests/helpers/test-database");
const database = await createTestDatabase(provider);
process.env.DATABASE_URL = database.url;
const { createDb } = await import("/work/main/app/db.server");
const db = createDb(database.url);
const { seedAdminData } = await import("/work/main/bench/lib/admin-data");
await seedAdminData(db, "s", size);
const { parseDateRange } = await import("/work/main/app/models/date-range");
const { dashboardData } = await import("/work/main/app/models/dashboard.server");
const range = parseDateRange(new URLSearchParams(), new Date());
const createdAt = { gte: range.from, lt: range.to };
const shop = "s";
const qs: [string, () => Promise<unknown>][] = [
  ["referrer.count", () => db.referrer.count({ where: { shop, createdAt } })],
  ["clicks", () => db.linkEvent.count({ where: { shop, createdAt, type: "CLICK" } })],
  ["byStatus", () => db.referral.groupBy({ by: ["status"], where: { shop, createdAt }, _count: { _all: true }, _sum: { totalAmount: true, refundedAmount: true } })],
  ["rewards", () => db.reward.groupBy({ by: ["valueType"], where: { shop, createdAt, status: { in: ["ISSUED", "PAID"] } }, _count: { _all: true }, _sum: { value: true } })],
  ["channels", () => db.linkEvent.groupBy({ by: ["channel", "type"], where: { shop, createdAt }, _count: { _all: true } })],
  ["top", () => db.referral.groupBy({ by: ["referrerId"], where: { shop, createdAt, status: { in: ["PENDING", "APPROVED", "REWARDED"] } }, _count: { referrerId: true }, _sum: { totalAmount: true }, orderBy: { _count: { referrerId: "desc" } }, take: 5 })],
  ["all", () => dashboardData(db, shop, range)],
];
for (const [name, fn] of qs) {
  await fn();
  const t0 = performance.now();
  for (let i = 0; i < 3; i++) await fn();
  console.log(name, ((performance.now() - t0) / 3).toFixed(1), "ms");
}
await db.$disconnect();
await database.drop();
