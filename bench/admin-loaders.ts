// Admin loader benchmark: the dashboard and referrals-list loaders (what their
// route modules do, step for step: authenticate.admin on a merchant's signed
// session token with its session lookup, then the model queries; the route
// files themselves import CSS, which tsx cannot load) at 10,000, 100,000 and
// 1,000,000 referrals of one shop, on SQLite and PostgreSQL, beside a same-run
// baseline: a bare `count(*)` of that shop's referrals. Target: under 150 ms at
// 100,000; the table shows how each cost grows with the shop.
//
//   npx tsx bench/admin-loaders.ts [--sizes 10000,100000,1000000] [--db sqlite,postgresql] [--runs 9]
//
// Each (database, size) runs in a child process of its own, because the app's
// database client is chosen from DATABASE_URL when it is first imported.
// Seeding (bench/lib/admin-data.ts): rows generated inside the database, then
// the dashboard's totals built by the production backfill; plus a second shop
// (a tenth of the size), so every query has to filter by shop. Figures are
// medians; they are printed and reported (bench/lib/figures.ts), not asserted
// (shared machines).
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { flag, option } from "./lib/cli";
import { reportFigures, type Figure } from "./lib/figures";
import { fmt, keyValueTable, machineInfo, table, verdict } from "./lib/report";

const RUNS = Number(option("runs", "9"));
const TARGET_MS = 150;

interface Result {
  provider: string;
  size: number;
  seedSeconds: number;
  backfillSeconds: number;
  timings: Record<string, number>;
}

async function parent() {
  const sizes = option("sizes", "10000,100000,1000000").split(",").map(Number);
  const providers = option("db", "sqlite,postgresql").split(",");
  console.log(keyValueTable("Machine", machineInfo()));
  const results: Result[] = [];
  for (const provider of providers) {
    for (const size of sizes) {
      process.stdout.write(`seeding and timing ${provider} at ${size}... `);
      const run = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--child", "--db", provider, "--size", String(size), "--runs", String(RUNS)], {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        timeout: 30 * 60_000,
      });
      const line = run.stdout.split("\n").find((l) => l.startsWith("RESULT "));
      if (!line) {
        console.error(run.stdout, run.stderr);
        throw new Error(`the ${provider} ${size} run failed`);
      }
      const result = JSON.parse(line.slice(7)) as Result;
      console.log(`seeded in ${fmt(result.seedSeconds)} s (rows), totals backfilled in ${fmt(result.backfillSeconds)} s`);
      results.push(result);
    }
  }
  const rows = results.flatMap((r) => {
    const base = r.timings["baseline count(*)"];
    return Object.entries(r.timings).map(([name, ms]) => [
      r.provider,
      r.size.toLocaleString("en"),
      name,
      fmt(ms, 2),
      name.startsWith("baseline") ? "1.0" : fmt(ms / base, 1),
      name.startsWith("baseline") ? "" : verdict(ms < TARGET_MS),
    ]);
  });
  console.log(table(`Loader time, median of ${RUNS} (ms); target < ${TARGET_MS} ms at 100,000`, ["db", "referrals", "what", "median ms", "x baseline", `< ${TARGET_MS} ms`], rows));

  // How each cost grows: the time at each size over the time at the smallest, per database.
  const growth = providers.flatMap((provider) => {
    const mine = results.filter((r) => r.provider === provider).sort((a, b) => a.size - b.size);
    if (mine.length < 2) return [];
    return Object.keys(mine[0].timings).map((name) => [provider, name, ...mine.map((r) => `${fmt(r.timings[name], 2)} (${fmt(r.timings[name] / mine[0].timings[name], 1)}x)`)]);
  });
  const sizesShown = [...new Set(results.map((r) => r.size))].sort((a, b) => a - b);
  if (growth.length) {
    console.log(table("Growth: median ms (x the smallest size)", ["db", "what", ...sizesShown.map((n) => n.toLocaleString("en"))], growth));
  }
  console.log(table("Seeding", ["db", "referrals", "rows (s)", "totals backfill (s)"], results.map((r) => [r.provider, r.size.toLocaleString("en"), fmt(r.seedSeconds), fmt(r.backfillSeconds)])));

  const figures: Figure[] = results.flatMap((r) => {
    const base = r.timings["baseline count(*)"];
    const label = r.provider === "sqlite" ? "SQLite" : "PostgreSQL";
    return Object.entries(r.timings)
      .filter(([name]) => !name.startsWith("baseline"))
      .map(([name, ms]) => ({
        bench: "admin-loaders",
        figure: `${name} (ms, lower is better), ${label}, ${r.size.toLocaleString("en")} referrals`,
        value: Number(ms.toFixed(2)),
        unit: "ms",
        baseline: "count(*) of the shop's referrals",
        baselineValue: Number(base.toFixed(2)),
        ratio: Number((ms / base).toFixed(2)),
        target: `< ${TARGET_MS} ms`,
        met: ms < TARGET_MS,
      }));
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
    const { default: db } = await import("~/db.server");
    // Imported after DATABASE_URL is set: it loads the app's database client.
    const { seedAdminData } = await import("./lib/admin-data");
    const { seedInstalledShop } = await import("../fake-shopify/seed");
    const { sessionToken } = await import("../fake-shopify/sign");
    // A loader request as App Bridge sends it: a fresh session token of a staff member.
    const adminRequest = (shop: string, path: string) =>
      new Request(`${process.env.SHOPIFY_APP_URL}${path}`, {
        headers: { Authorization: `Bearer ${sessionToken({ shop, apiKey: process.env.SHOPIFY_API_KEY!, secret: process.env.SHOPIFY_API_SECRET!, user: "42", ttlSeconds: 3600 })}` },
      });
    const shop = "bench-shop.myshopify.com";
    const seeded = await seedAdminData(db, shop, size, { prefix: "b" });
    await seedAdminData(db, "other-shop.myshopify.com", Math.round(size / 10), { prefix: "o" });
    await seedInstalledShop(db, shop);
    const { rowsSeconds: seedSeconds, backfillSeconds } = seeded;

    const { requireAdmin } = await import("~/shopify/admin-request.server");
    const { dashboardData } = await import("~/admin/dashboard.server");
    const { parseDateRange } = await import("~/admin/date-range");
    const { listReferrals, referralFiltersFrom } = await import("~/admin/referral-list.server");
    // The bodies of app.dashboard.tsx's and app.referrals._index.tsx's loaders.
    const { programTimezone } = await import("~/referrals/programs.server");
    const dashboardLoader = async (request: Request) => {
      const { shop, admin } = await requireAdmin(request);
      const timezone = await programTimezone({ db, admin, shop });
      return dashboardData(db, shop, parseDateRange(new URL(request.url).searchParams, new Date(), timezone));
    };
    const referralsLoader = async (request: Request) => {
      const { shop } = await requireAdmin(request);
      const params = new URL(request.url).searchParams;
      return listReferrals(db, shop, await referralFiltersFrom(db, shop, params), { after: params.get("after"), before: params.get("before") });
    };
    const dashboard = { loader: dashboardLoader };
    const referrals = { loader: referralsLoader };
    const call = (loader: (r: Request) => Promise<unknown>, path: string) => () => loader(adminRequest(shop, path));
    const some = await db.referral.findFirstOrThrow({ where: { shop, status: "PENDING" }, select: { friendEmail: true } });
    const firstPage = await referralsLoader(adminRequest(shop, "/app/referrals"));
    const cases: [string, () => Promise<unknown>][] = [
      ["baseline count(*)", () => db.referral.count({ where: { shop } })],
      ["dashboard, last 30 days", call(dashboard.loader, "/app/dashboard")],
      ["dashboard, last 365 days", call(dashboard.loader, `/app/dashboard?from=${new Date(Date.now() - 364 * 86_400_000).toISOString().slice(0, 10)}`)],
      ["referrals list, first page", call(referrals.loader, "/app/referrals")],
      ["referrals list, next page", call(referrals.loader, `/app/referrals?after=${firstPage.nextCursor}`)],
      ["referrals list, status filter", call(referrals.loader, "/app/referrals?status=REVERSED")],
      ["referrals list, email search", call(referrals.loader, `/app/referrals?q=${encodeURIComponent(some.friendEmail!)}`)],
    ];
    const timings: Record<string, number> = {};
    for (const [name, fn] of cases) {
      for (let i = 0; i < 2; i++) await fn(); // warm-up
      const samples: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        await fn();
        samples.push(performance.now() - t0);
      }
      samples.sort((a, b) => a - b);
      timings[name] = samples[Math.floor(samples.length / 2)];
    }
    await db.$disconnect();
    return { provider, size, seedSeconds, backfillSeconds, timings };
  } finally {
    await database.drop();
  }
}

// Last, so every constant above is initialised before the top-level await runs.
if (flag("child")) {
  const result = await child(option("db", "sqlite") as "sqlite" | "postgresql", Number(option("size", "10000")));
  console.log(`RESULT ${JSON.stringify(result)}`);
  process.exit(0);
} else {
  await parent();
}
