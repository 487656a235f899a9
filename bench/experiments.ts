// Experiment page benchmark (issue 16's Measure): the experiment report loader
// and the dashboard loader at 100,000 referrals across the 4 variants of a
// running experiment, on SQLite and PostgreSQL, beside a same-run baseline: a
// bare `count(*)` of the shop's referrals (as bench/admin-loaders.ts).
// Target: under 150 ms, as the dashboard's.
//
//   npx tsx bench/experiments.ts [--db sqlite,postgresql] [--referrals 100000] [--runs 40] [--quick]
//
//   --quick   10 timed runs per loader instead of 40 (same size, same databases)
//
// The loaders are what the route modules do (the route files import CSS, which
// tsx cannot load): authenticate.admin on a staff member's signed session
// token with its session lookup, then the model's queries. Each database runs
// in a child process of its own (the app's database client is chosen from
// DATABASE_URL when first imported). Seeding: bench/lib/admin-data.ts's rows
// (referrers, referrals of every status, rewards, link events, the dashboard's
// totals), then an experiment of 4 variants with its referrers spread over
// them, their referrals and rewards carrying the referrer's variant (as
// attribution and rewards record it), and their all-time link counters scaled
// to a plausible conversion (a few orders per hundred clicks, a little more in
// variant 2); a second shop of a tenth of the size with its own experiment,
// so every query has to filter by shop. Figures: p50 and p95 of the timed runs
// after two warm-ups; printed and reported (bench/lib/figures.ts), not asserted.
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { flag, option } from "./lib/cli";
import { reportFigures, type Figure } from "./lib/figures";
import { fmt, keyValueTable, machineInfo, percentile, table, verdict } from "./lib/report";

const QUICK = flag("quick");
const RUNS = Number(option("runs", QUICK ? "10" : "40"));
const REFERRALS = Number(option("referrals", "100000"));
const TARGET_MS = 150;
const BASELINE = "baseline count(*)";

interface Result {
  provider: string;
  size: number;
  seedSeconds: number;
  /** Per loader: sorted samples' p50 and p95 (ms). */
  timings: Record<string, { p50: number; p95: number }>;
  /** What the report said, to show it computed something real. */
  summary: (string | number)[][];
}

async function parent() {
  const providers = option("db", "sqlite,postgresql").split(",");
  console.log(keyValueTable("Machine", machineInfo()));
  const results: Result[] = [];
  for (const provider of providers) {
    process.stdout.write(`seeding and timing ${provider} at ${REFERRALS.toLocaleString("en")} referrals... `);
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", fileURLToPath(import.meta.url), "--child", "--db", provider, "--referrals", String(REFERRALS), "--runs", String(RUNS)],
      { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 30 * 60_000 },
    );
    const line = run.stdout.split("\n").find((l) => l.startsWith("RESULT "));
    if (!line) {
      console.error(run.stdout, run.stderr);
      throw new Error(`the ${provider} run failed`);
    }
    const result = JSON.parse(line.slice(7)) as Result;
    console.log(`seeded in ${fmt(result.seedSeconds)} s`);
    results.push(result);
  }

  for (const r of results) {
    console.log(table(`The report's figures, ${r.provider}`, ["variant", "referrers", "clicks", "orders", "conversion", "revenue", "reward cost", "verdict", "clicks to go"], r.summary));
  }
  const rows = results.flatMap((r) => {
    const base = r.timings[BASELINE].p50;
    return Object.entries(r.timings).map(([name, t]) => [
      r.provider,
      name,
      fmt(t.p50, 2),
      fmt(t.p95, 2),
      name === BASELINE ? "1.0" : fmt(t.p50 / base, 1),
      name === BASELINE ? "" : verdict(t.p95 < TARGET_MS),
    ]);
  });
  console.log(table(`Loader time over ${RUNS} runs (ms) at ${REFERRALS.toLocaleString("en")} referrals, 4 variants`, ["db", "what", "p50", "p95", "p50 x baseline", `p95 < ${TARGET_MS} ms`], rows));

  const figures: Figure[] = results.flatMap((r) => {
    const base = r.timings[BASELINE].p50;
    const label = r.provider === "sqlite" ? "SQLite" : "PostgreSQL";
    return Object.entries(r.timings)
      .filter(([name]) => name !== BASELINE)
      .flatMap(([name, t]) =>
        (["p50", "p95"] as const).map((p) => ({
          bench: "experiments",
          figure: `${name} ${p} (ms, lower is better), ${label}, ${r.size.toLocaleString("en")} referrals in 4 variants`,
          value: Number(t[p].toFixed(2)),
          unit: "ms",
          baseline: "count(*) of the shop's referrals (p50)",
          baselineValue: Number(base.toFixed(2)),
          ratio: Number((t[p] / base).toFixed(2)),
          target: `< ${TARGET_MS} ms`,
          met: t[p] < TARGET_MS,
        })),
      );
  });
  reportFigures(figures);
}

async function child(provider: "sqlite" | "postgresql", size: number): Promise<Result> {
  process.env.SHOPIFY_API_KEY ??= "bench-api-key";
  process.env.SHOPIFY_API_SECRET ??= "bench-api-secret-0123456789abcdef";
  process.env.SHOPIFY_APP_URL ??= "https://referrals.bench";
  process.env.RUN_WORKER = "false";
  process.env.NODE_ENV = "test"; // quiet shopify-app logging
  const { createTestDatabase } = await import("../scripts/test-database");
  const database = await createTestDatabase(provider);
  process.env.DATABASE_URL = database.url;
  try {
    // Imported after DATABASE_URL is set: they load the app's database client.
    const { default: db } = await import("~/db.server");
    const { seedAdminData } = await import("./lib/admin-data");
    const { seedInstalledShop } = await import("../fake-shopify/seed");
    const { sessionToken } = await import("../fake-shopify/sign");
    const adminRequest = (shop: string, path: string) =>
      new Request(`${process.env.SHOPIFY_APP_URL}${path}`, {
        headers: { Authorization: `Bearer ${sessionToken({ shop, apiKey: process.env.SHOPIFY_API_KEY!, secret: process.env.SHOPIFY_API_SECRET!, user: "42", ttlSeconds: 3600 })}` },
      });

    const started = performance.now();
    const shop = "bench-shop.myshopify.com";
    await seedAdminData(db, shop, size, { prefix: "b" });
    const experimentId = await seedExperiment(db, shop, "b");
    const other = "other-shop.myshopify.com";
    await seedAdminData(db, other, Math.round(size / 10), { prefix: "o" });
    await seedExperiment(db, other, "o");
    // The variants were set by UPDATEs of every row: vacuumed (as autovacuum would have by then) so
    // PostgreSQL's index-only scans need not visit the table for row visibility, and its statistics renewed.
    if (provider === "postgresql") await db.$executeRawUnsafe(`VACUUM ANALYZE`);
    await seedInstalledShop(db, shop);
    const seedSeconds = (performance.now() - started) / 1000;

    const { requireAdmin } = await import("~/shopify/admin-request.server");
    const { dashboardData } = await import("~/admin/dashboard.server");
    const { parseDateRange } = await import("~/admin/date-range");
    const { programTimezone } = await import("~/referrals/programs.server");
    const { experimentReport } = await import("~/experiments/report.server");
    // The body of app.dashboard.tsx's loader, and of the experiment page's: the shop from the session, then its report.
    const dashboardLoader = async (request: Request) => {
      const { shop, admin } = await requireAdmin(request);
      const timezone = await programTimezone({ db, admin, shop });
      return dashboardData(db, shop, parseDateRange(new URL(request.url).searchParams, new Date(), timezone));
    };
    const experimentLoader = async (request: Request, id: string) => {
      const { shop } = await requireAdmin(request);
      const report = await experimentReport(db, shop, id, new Date());
      if (!report) throw new Response("Not found", { status: 404 });
      return report;
    };

    const report = await experimentLoader(adminRequest(shop, `/app/experiments/${experimentId}`), experimentId);
    const summary = report.variants.map((v) => [
      v.name,
      v.referrers,
      v.clicks,
      v.orders,
      v.conversion === null ? "n/a" : `${(v.conversion * 100).toFixed(2)}%`,
      `${v.revenue} ${report.currencyCode}`,
      v.rewardCost,
      v.verdict,
      v.clicksToGo ?? "n/a",
    ]);
    if (report.variants.reduce((n, v) => n + v.orders, 0) === 0) throw new Error("the experiment's variants have no orders: the seed is wrong");

    const cases: [string, () => Promise<unknown>][] = [
      [BASELINE, () => db.referral.count({ where: { shop } })],
      ["experiment report loader", () => experimentLoader(adminRequest(shop, `/app/experiments/${experimentId}`), experimentId)],
      ["dashboard loader, last 30 days", () => dashboardLoader(adminRequest(shop, "/app/dashboard"))],
    ];
    const timings: Record<string, { p50: number; p95: number }> = {};
    for (const [name, fn] of cases) {
      for (let i = 0; i < 2; i++) await fn(); // warm-up
      const samples: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        await fn();
        samples.push(performance.now() - t0);
      }
      samples.sort((a, b) => a - b);
      timings[name] = { p50: percentile(samples, 50), p95: percentile(samples, 95) };
    }
    await db.$disconnect();
    return { provider, size, seedSeconds, timings, summary };
  } finally {
    await database.drop();
  }
}

/**
 * A running experiment of 4 variants over the shop's seeded rows (ids
 * `<prefix>r<n>` for referrers): referrer n in variant n % 4; each referral and
 * reward takes its referrer's variant. Returns the experiment's id.
 */
async function seedExperiment(db: import("~/db.server").Db, shop: string, prefix: string): Promise<string> {
  const experiment = await db.experiment.create({
    data: {
      shop,
      name: "Which offer brings more friends",
      runningShop: shop,
      startedAt: new Date(Date.now() - 90 * 86_400_000),
      createdBy: "merchant:42",
      variants: {
        create: [0, 1, 2, 3].map((position) => ({
          shop,
          position,
          name: position ? `Variant ${position}` : "Control",
          friendOfferKind: "PERCENTAGE",
          friendOfferValue: 10 + 5 * position,
          rewardKind: position % 2 ? "CASH" : "CODE_PERCENTAGE",
          rewardValue: position % 2 ? 5 : 10,
        })),
      },
    },
    include: { variants: { orderBy: { position: "asc" } } },
  });
  const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
  const which = (n: string) => `CASE ${n} % 4 ${experiment.variants.map((v, i) => `WHEN ${i} THEN ${q(v.id)}`).join(" ")} END`;
  // The referrer's number, from its id; its all-time clicks scaled so a variant converts at a few percent (variant 2 a little better).
  const n = `CAST(substr("id", ${prefix.length + 2}) AS INTEGER)`;
  await db.$executeRawUnsafe(
    `UPDATE "Referrer" SET "variantId" = ${which(n)}, "clickCount" = "clickCount" * CASE ${n} % 4 WHEN 2 THEN 16 ELSE 20 END WHERE "shop" = ${q(shop)}`,
  );
  for (const table of ["Referral", "Reward"]) {
    await db.$executeRawUnsafe(
      `UPDATE "${table}" SET "variantId" = (SELECT "variantId" FROM "Referrer" WHERE "Referrer"."id" = "${table}"."referrerId") WHERE "shop" = ${q(shop)}`,
    );
  }
  return experiment.id;
}

// Last, so every constant above is initialised before the top-level await runs.
if (flag("child")) {
  const result = await child(option("db", "sqlite") as "sqlite" | "postgresql", REFERRALS);
  console.log(`RESULT ${JSON.stringify(result)}`);
  process.exit(0);
} else {
  await parent();
}
