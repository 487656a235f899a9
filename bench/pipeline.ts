// Reward pipeline benchmark: rewards per second through the REAL worker and
// registry (orders/paid -> attribution -> release -> issue-reward), the app's own
// Admin client (shopify.server `unauthenticated.admin` from the stored offline
// session, process-wide ThrottleTracker: the production path), against the fake
// Shopify Admin API served through msw in this process with 100 ms latency on
// every request and the Standard plan's bucket (1000 points, 100 points/s).
// Real clock throughout: the latency and the bucket refill are real time.
//
// Seeding: a program with holdDays 0, R referrers (codes synced to the friend
// discount before timing starts), then N signed orders/paid deliveries through
// the real webhook route (app/routes/webhooks.tsx), each a friend's first order
// using a referrer's code. Timing starts when the workers start and ends when
// the N-th reward is ISSUED.
//
// The bound: each reward costs the points of the Admin calls the app sends for
// it, computed with the fake's own cost model from the app's own documents;
// the bucket then allows   T_min = (N * pointsPerReward - bucketAtStart) / restoreRate
// seconds for N rewards (and restoreRate / pointsPerReward rewards/s in steady
// state). Achieved / bound is printed beside the target (>= 0.8), never asserted.
//
// The plan's bucket (--plan): Standard 100 points/s, Advanced 200, Plus 1000
// (shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits); the bucket
// holds ten seconds of refill (Standard: 1000 points, the fake's default).
// Each worker works on --concurrency rows at once (the app's default,
// WORKER_CONCURRENCY, unless given).
//
// Then the latency a merchant sees: --paced orders arrive one at a time at a
// quarter of the steady-state bound while the workers run, and each one's time
// from the route's 200 to its reward ISSUED (no hold) gives p50/p95.
//
//   npx tsx bench/pipeline.ts [--db sqlite|postgresql] [--plan standard|advanced|plus]
//       [--rewards 300] [--workers 4|1,2,4] [--concurrency 8] [--referrers 20]
//       [--latency 100] [--paced 40]
import { performance } from "node:perf_hooks";
import { http } from "msw";
import { setupServer } from "msw/node";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { FakeShopify } from "../fake-shopify/fake-shopify";
import { orderPaidPayload } from "../fake-shopify/payloads";
import { seedInstalledShop } from "../fake-shopify/seed";
import { webhookHeaders } from "../fake-shopify/sign";
import { createTestDatabase, type Provider } from "../scripts/test-database";
import { BENCH_APP_ENV } from "./lib/app-env";
import { option } from "./lib/cli";
import { costOf } from "./lib/cost";
import { reportFigures } from "./lib/figures";
import { fmt, keyValueTable, machineInfo, percentile, table, verdict } from "./lib/report";

const PROVIDER = option("db", "sqlite") as Provider;
const PLANS = { standard: 100, advanced: 200, plus: 1000 } as const;
const PLAN = option("plan", "standard") as keyof typeof PLANS;
const RESTORE = PLANS[PLAN];
// Enough rewards that the run is bound by the refill, not by the bucket it starts with.
const REWARDS = Number(option("rewards", String(Math.max(300, RESTORE * 3))));
// A comma list (e.g. 1,2,4) runs once per worker count, each on a fresh database and fake.
const WORKER_COUNTS = option("workers", "4").split(",").map(Number);
const REFERRERS = Number(option("referrers", "20"));
const LATENCY_MS = Number(option("latency", "100"));
const CONCURRENCY = option("concurrency", "");
const PACED = Number(option("paced", "40"));
const BUCKET = { maximumAvailable: (RESTORE ?? 0) * 10, restoreRate: RESTORE };
const TARGET_RATIO = 0.8;
const RUN_LIMIT_MS = 150_000;

if (!["sqlite", "postgresql"].includes(PROVIDER) || !RESTORE || !(PACED >= 0) || !(CONCURRENCY === "" || Number(CONCURRENCY) >= 1) || !(REWARDS > 0) || !WORKER_COUNTS.every((n) => Number.isInteger(n) && n > 0) || !(REFERRERS > 0) || !(LATENCY_MS >= 0)) {
  console.error("usage: npx tsx bench/pipeline.ts [--db sqlite|postgresql] [--plan standard|advanced|plus] [--rewards 300] [--workers 4|1,2,4] [--concurrency 8] [--referrers 20] [--latency 100] [--paced 40]");
  process.exit(2);
}

// The app's configuration, as a deployment would give it (before any app module loads).
Object.assign(process.env, { NODE_ENV: "production", ...BENCH_APP_ENV });

const WATCHDOG_MS = WORKER_COUNTS.length * (RUN_LIMIT_MS + 90_000) + 60_000;
const watchdog = setTimeout(() => {
  console.error(`pipeline: watchdog fired (over ${Math.round(WATCHDOG_MS / 60_000)} minutes); exiting`);
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();

interface RunSummary {
  workers: number;
  issued: number;
  elapsedS: number;
  achieved: number;
  bound: number;
  ratio: number;
  throttled: number;
  retried: number;
  failures: number;
}

async function main() {
  console.log("# Reward pipeline benchmark");
  console.log(keyValueTable("Machine", machineInfo()));
  const database = await createTestDatabase(PROVIDER);
  process.env.DATABASE_URL = database.url;
  const summaries: RunSummary[] = [];
  let app: App | undefined;
  try {
    app = await loadApp();
    for (const workers of WORKER_COUNTS) summaries.push(await run(app, workers));
  } finally {
    await app?.db.$disconnect();
    await database.drop();
  }
  if (summaries.length > 1) {
    console.log(
      table(
        "Worker counts compared",
        ["workers", "rewards/s", "bound", "achieved/bound", "THROTTLED", "failed attempts (retry)", "dead/failed"],
        summaries.map((s) => [s.workers, fmt(s.achieved, 2), fmt(s.bound, 2), fmt(s.ratio, 2), s.throttled, s.retried, s.failures]),
      ),
    );
  }
}

/** The app's modules, loaded once DATABASE_URL names the benchmark's database. */
async function loadApp() {
  const { default: db } = await import("~/db.server");
  const { createWorker } = await import("~/jobs/worker.server");
  const { webhookHandlers, jobHandlers } = await import("~/jobs/registry.server");
  const { adminForShop } = await import("~/shopify/admin-for-shop.server");
  const { saveProgram } = await import("~/referrals/programs.server");
  const { DEFAULT_PROGRAM_SETTINGS, programSettingsSchema } = await import("~/referrals/program-settings");
  const { enrolReferrer } = await import("~/referrals/referrers.server");
  const route = await import("~/routes/webhooks");
  const documents = await import("~/shopify/documents");
  const { CUSTOMER_EARLIER_ORDERS } = documents;
  const { env } = await import("~/env.server");
  return { env, db, createWorker, webhookHandlers, jobHandlers, adminForShop, saveProgram, DEFAULT_PROGRAM_SETTINGS, programSettingsSchema, enrolReferrer, route, documents, CUSTOMER_EARLIER_ORDERS };
}
type App = Awaited<ReturnType<typeof loadApp>>;

/** One measured run on its own shop (own bucket, own fake Shopify), sharing the database. */
async function run(app: App, WORKERS: number): Promise<RunSummary> {
  console.log(`\n## ${WORKERS} worker(s)`);
  const SHOP = `bench-pipeline-${WORKERS}w.myshopify.com`;
  const { env, db, createWorker, webhookHandlers, jobHandlers, adminForShop, saveProgram, DEFAULT_PROGRAM_SETTINGS, programSettingsSchema, enrolReferrer, route, documents, CUSTOMER_EARLIER_ORDERS } = app;

  // The fake Shopify, reached through msw by the app's unchanged Shopify clients.
  const fake = new FakeShopify({ bulkAddPolls: 1, bucket: BUCKET });
  const server = setupServer(http.post(/^https:\/\/[^/]+\/admin\/api\/[^/]+\/graphql\.json$/, ({ request }) => fake.handle(request)));
  server.listen({ onUnhandledRequest: "error" });
  // @shopify/shopify-api captured fetch on import, before msw patched it.
  setAbstractFetchFunc((input, init) => globalThis.fetch(input, init));

  const warnings: string[] = [];
  const outcomes = { retry: 0, dead: 0 };
  const logger = {
    info: () => {},
    warn: (message: string, details?: Record<string, unknown>) => {
      warnings.push(`${message} ${details ? JSON.stringify(details).slice(0, 300) : ""}`);
      if (message.includes("(retry)")) outcomes.retry++;
      if (message.includes("(dead)")) outcomes.dead++;
    },
  };
  let workers: ReturnType<typeof createWorker>[] = [];

  try {
    // ---- setup (not timed) ----
    await seedInstalledShop(db, SHOP, { accessToken: "shpat_bench", scope: "write_discounts" });
    await saveProgram({
      db,
      admin: await adminForShop(SHOP),
      shop: SHOP,
      settings: programSettingsSchema.parse({ ...DEFAULT_PROGRAM_SETTINGS, holdDays: 0 }),
      cause: "bench",
    });
    const program = (await db.program.findUnique({ where: { shop: SHOP } }))!;
    const referrers: { code: string }[] = [];
    for (let i = 0; i < REFERRERS; i++) {
      const customer = fake.seedCustomer(SHOP, { firstName: `Referrer${i}`, email: `referrer${i}@example.com` });
      const { referrer } = await enrolReferrer(db, { shop: SHOP, customerId: customer.id, email: customer.email, firstName: customer.firstName, source: "STOREFRONT", cause: "bench" });
      referrers.push(referrer);
    }
    const setupWorker = createWorker({ db, webhookHandlers, jobHandlers, logger });
    for (let round = 0; round < 20 && (await setupWorker.runOnce()).claimed > 0; round++);
    const synced = await db.referrer.count({ where: { shop: SHOP, codeSyncedAt: { not: null } } });
    if (synced !== REFERRERS) throw new Error(`only ${synced} of ${REFERRERS} referrer codes reached the friend discount`);

    // N friends' first orders, each with a referrer's code, through the real route.
    const secret = process.env.SHOPIFY_API_SECRET!;
    const sendOrder = async (i: number) => {
      const orderId = 6_000_000_000_000 + i;
      const body = JSON.stringify(
        orderPaidPayload({
          orderId,
          customerId: 9_000_000_000_000 + i,
          email: `friend${i}@example.com`,
          discountCodes: [referrers[i % REFERRERS].code],
          // Friends who came by the referrer's link (the storefront writes this
          // attribute): typed codes alone from this many friends would be
          // held as a leaked code, and rightly.
          noteAttributes: [{ name: "_referral_code", value: referrers[i % REFERRERS].code }],
          subtotal: "100.00",
          total: "100.00",
          currency: program.currencyCode,
          createdAt: new Date().toISOString(),
        }),
      );
      const request = new Request("https://referrals.bench/webhooks", {
        method: "POST",
        headers: webhookHeaders({ topic: "orders/paid", shop: SHOP, body, secret }),
        body,
      });
      const response = await route.action({ request, params: {}, context: {} });
      if (response.status !== 200) throw new Error(`orders/paid answered ${response.status}`);
      return String(orderId);
    };
    for (let i = 0; i < REWARDS; i++) await sendOrder(i);

    // ---- the bound ----
    const perReward: [string, string, number][] = [
      ["CustomerEarlierOrders", "query, attribution (firstOrderOnly)", costOf(CUSTOMER_EARLIER_ORDERS)],
      ["DiscountByCode", "query, issue-reward: code not made yet?", costOf(documents.DISCOUNT_BY_CODE)],
      ["RewardCodeCreate", "mutation, issue-reward", costOf(documents.REWARD_CODE_CREATE)],
    ];
    const pointsPerReward = perReward.reduce((s, [, , c]) => s + c, 0);
    const costByOperation = new Map(perReward.map(([op, , c]) => [op, c]));

    // From here every Admin call answers after LATENCY_MS (real time).
    fake.faults.randomly({ rate: 1, faults: [{ kind: "latency", ms: LATENCY_MS }], seed: 1 });
    const bucketAtStart = fake.bucket(SHOP).currentlyAvailable();
    const callsBefore = fake.calls.length;
    const minSeconds = Math.max(0, (REWARDS * pointsPerReward - bucketAtStart) / BUCKET.restoreRate);

    // ---- timed run ----
    const concurrency = CONCURRENCY ? Number(CONCURRENCY) : env().WORKER_CONCURRENCY;
    console.log(`\nrunning: ${REWARDS} rewards, ${WORKERS} worker(s) x ${concurrency} slots, ${PLAN} plan, ${LATENCY_MS} ms per Admin request...`);
    workers = Array.from({ length: WORKERS }, (_, i) =>
      // Production defaults (real clock, 2 s poll, batch 50, adminForShop); no recurring jobs,
      // so an hourly reconciliation cannot land inside the measurement.
      createWorker({ db, webhookHandlers, jobHandlers, logger, workerId: `bench-${i}`, concurrency }),
    );
    const t0 = performance.now();
    const startedAt = new Date();
    for (const w of workers) w.start();
    let issued = 0;
    while (issued < REWARDS && performance.now() - t0 < RUN_LIMIT_MS) {
      await new Promise((r) => setTimeout(r, 50));
      issued = await db.reward.count({ where: { shop: SHOP, status: "ISSUED" } });
    }
    const elapsedS = (performance.now() - t0) / 1000;
    const calls = fake.calls.slice(callsBefore);
    if (issued < REWARDS) {
      // Where the rest are: the queue's rows by kind and status.
      const jobs = await db.job.groupBy({ by: ["kind", "status"], where: { shop: SHOP }, _count: true });
      const deliveries = await db.webhookDelivery.groupBy({ by: ["topic", "status"], where: { shop: SHOP }, _count: true });
      console.log(table("Queue at the time limit", ["row", "status", "count"], [...deliveries.map((d) => [d.topic, d.status, d._count]), ...jobs.map((j) => [j.kind, j.status, j._count])]));
    }

    // ---- latency: paced orders while the workers run, each from the route's 200 to its reward ISSUED ----
    const latencies: number[] = [];
    let total = REWARDS;
    if (PACED > 0 && issued === REWARDS) {
      const steady = BUCKET.restoreRate / pointsPerReward;
      const everyMs = 1000 / (steady / 4);
      // Half the bucket back first: the throughput run left it empty.
      await new Promise((r) => setTimeout(r, (BUCKET.maximumAvailable / BUCKET.restoreRate) * 500));
      const answeredAt = new Map<string, number>();
      const sends: Promise<void>[] = [];
      for (let i = 0; i < PACED; i++) {
        const at = performance.now();
        sends.push(sendOrder(REWARDS + i).then((id) => void answeredAt.set(id, Date.now())));
        await new Promise((r) => setTimeout(r, Math.max(0, everyMs - (performance.now() - at))));
      }
      await Promise.all(sends);
      total += PACED;
      const deadline = performance.now() + 60_000;
      while (performance.now() < deadline && (await db.reward.count({ where: { shop: SHOP, status: "ISSUED" } })) < REWARDS + PACED) await new Promise((r) => setTimeout(r, 50));
      const referrals = await db.referral.findMany({ where: { shop: SHOP }, select: { id: true, orderId: true } });
      const orderOf = new Map(referrals.map((r) => [r.id, r.orderId.replace(/^.*\//, "")]));
      const rewards = await db.reward.findMany({ where: { shop: SHOP, status: "ISSUED", referralId: { in: referrals.map((r) => r.id) } }, select: { referralId: true, issuedAt: true } });
      for (const r of rewards) {
        const sentAt = answeredAt.get(orderOf.get(r.referralId!) ?? "");
        if (sentAt !== undefined) latencies.push(r.issuedAt!.getTime() - sentAt);
      }
      latencies.sort((a, b) => a - b);
      console.log(
        table(`Latency, orders/paid answered -> reward ISSUED (no hold; ${PACED} orders, one every ${fmt(everyMs, 0)} ms = a quarter of the steady bound)`, ["figure", "measured"], [
          ["rewards issued", `${latencies.length} of ${PACED}`],
          ["p50", `${fmt(percentile(latencies, 50), 0)} ms`],
          ["p95", `${fmt(percentile(latencies, 95), 0)} ms`],
          ["max", `${fmt(latencies.at(-1) ?? NaN, 0)} ms`],
        ]),
      );
    }
    await Promise.all(workers.map((w) => w.stop()));
    workers = [];

    // ---- what happened ----
    const byOperation = new Map<string, Record<string, number>>();
    for (const c of calls) {
      const row = byOperation.get(c.operationName ?? "?") ?? {};
      row[c.outcome] = (row[c.outcome] ?? 0) + 1;
      byOperation.set(c.operationName ?? "?", row);
    }
    const throttled = calls.filter((c) => c.outcome === "throttled").length;
    // Calls that got through (outcome "latency": answered after the injected delay).
    const charged = calls.filter((c) => c.outcome !== "throttled" && c.outcome !== "graphql-error");
    const pointsSpent = charged.reduce((s, c) => s + (costByOperation.get(c.operationName ?? "") ?? NaN), 0);

    const issuedTimes = (await db.reward.findMany({ where: { shop: SHOP, status: "ISSUED" }, select: { issuedAt: true } }))
      .map((r) => (r.issuedAt!.getTime() - startedAt.getTime()) / 1000)
      .filter((t) => t <= elapsedS)
      .sort((a, b) => a - b);
    // Where the time went: Admin points charged and rewards issued per window.
    const windowS = Math.max(2, Math.ceil(elapsedS / 12));
    const timeline: (string | number)[][] = [];
    for (let from = 0; from < elapsedS; from += windowS) {
      const inWindow = (t: number) => t >= from && t < from + windowS;
      const at = (c: (typeof calls)[number]) => (c.at - startedAt.getTime()) / 1000;
      const points = charged.filter((c) => inWindow(at(c))).reduce((sum, c) => sum + (costByOperation.get(c.operationName ?? "") ?? 0), 0);
      timeline.push([
        `${from}-${from + windowS} s`,
        issuedTimes.filter(inWindow).length,
        fmt(points / windowS, 0),
        calls.filter((c) => c.outcome === "throttled" && inWindow(at(c))).length,
      ]);
    }
    const deadJobs = await db.job.count({ where: { shop: SHOP, status: "DEAD" } });
    const deadDeliveries = await db.webhookDelivery.count({ where: { shop: SHOP, status: { in: ["DEAD", "INVALID"] } } });
    const failedRewards = await db.reward.count({ where: { shop: SHOP, status: { in: ["FAILED"] } } });
    const retriedJobs = await db.job.count({ where: { shop: SHOP, attempts: { gt: 1 } } });
    const retriedDeliveries = await db.webhookDelivery.count({ where: { shop: SHOP, attempts: { gt: 1 } } });
    const rewardCodesInShopify = fake.discounts(SHOP).filter((d) => d.title.startsWith("Referral reward")).length;
    const referralsRewarded = await db.referral.count({ where: { shop: SHOP, status: "REWARDED" } });

    const achieved = issued / elapsedS;
    const bound = minSeconds > 0 ? REWARDS / minSeconds : Infinity;
    const steadyBound = BUCKET.restoreRate / pointsPerReward;
    const ratio = minSeconds / elapsedS; // = achieved / bound over this run
    const failures = deadJobs + deadDeliveries + failedRewards + outcomes.dead;

    console.log(
      keyValueTable("Setup", [
        ["database", `${PROVIDER} (fresh, migrated)`],
        ["fake Admin API", `msw in-process, ${LATENCY_MS} ms latency per request, bucket ${BUCKET.maximumAvailable} points, ${BUCKET.restoreRate} points/s`],
        ["workers", `${WORKERS} x createWorker (real registry, real clock, adminForShop), one process sharing one ThrottleTracker`],
        ["program", "defaults (10% code reward, firstOrderOnly) with holdDays 0"],
        ["seeded", `${REFERRERS} referrers (codes synced), ${REWARDS} orders/paid deliveries through app/routes/webhooks.tsx`],
      ]),
    );
    console.log(table("Admin API points per reward (fake's cost model, app's own documents)", ["operation", "sent for", "points"], [...perReward.map(([op, why, c]) => [op, why, c]), ["total", "", pointsPerReward]]));
    console.log(
      table(
        "Admin calls during the run (outcome \"latency\" = answered after the injected delay)",
        ["operation", "outcomes"],
        [...byOperation].map(([op, o]) => [op, Object.entries(o).map(([k, v]) => `${k}:${v}`).join(" ")]),
      ),
    );
    console.log(table(`Timeline (${windowS} s windows; the bucket refills ${BUCKET.restoreRate} points/s)`, ["window", "rewards issued", "points/s charged", "THROTTLED"], timeline));
    console.log(
      table("Summary", ["figure", "measured", "target / bound", "verdict"], [
        ["rewards issued", `${issued} of ${REWARDS} in ${fmt(elapsedS, 1)} s`, `${REWARDS}`, verdict(issued === REWARDS)],
        ["rewards/s over the run", fmt(achieved, 2), `bound ${fmt(bound, 2)} (bucket ${Math.floor(bucketAtStart)} at start, then ${BUCKET.restoreRate}/s)`, ""],
        ["achieved / bound (= T_min / T)", `${fmt(ratio, 2)} (T_min ${fmt(minSeconds, 1)} s)`, `>= ${TARGET_RATIO}`, verdict(ratio >= TARGET_RATIO && issued === REWARDS)],
        ["steady-state bound (no bucket left)", "", `${fmt(steadyBound, 2)} rewards/s (= ${BUCKET.restoreRate} / ${pointsPerReward})`, ""],
        ["points spent / per reward", `${fmt(pointsSpent, 0)} / ${fmt(pointsSpent / Math.max(1, issued), 1)}`, `${pointsPerReward} per reward`, ""],
        ["THROTTLED answers from the fake", String(throttled), "(retried by the client)", ""],
        ["dead jobs / dead or invalid deliveries / failed rewards", `${deadJobs} / ${deadDeliveries} / ${failedRewards}`, "0", verdict(failures === 0)],
        ["jobs / deliveries that failed an attempt (retried later)", `${retriedJobs} / ${retriedDeliveries}`, "0", verdict(retriedJobs + retriedDeliveries === 0)],
        ["referrals REWARDED / reward codes in the fake", `${referralsRewarded} / ${rewardCodesInShopify}`, `${total} / ${total}`, verdict(referralsRewarded === total && rewardCodesInShopify === total)],
        ["reward issue times p50 / p99 after start", `${fmt(percentile(issuedTimes, 50), 1)} / ${fmt(percentile(issuedTimes, 99), 1)} s`, "", ""],
      ]),
    );
    if (warnings.length) console.log(`\nworker warnings (${warnings.length}), first 5:\n  ${warnings.slice(0, 5).join("\n  ")}`);
    const allRewarded = issued === REWARDS && referralsRewarded === total && rewardCodesInShopify === total;
    reportFigures([
      {
        bench: "pipeline",
        figure: `rewards/s, ${REWARDS} rewards, ${PLAN} plan, ${WORKERS} worker(s) x ${concurrency}, ${PROVIDER}`,
        value: achieved,
        unit: "rewards/s",
        baseline: "Shopify rate-limit bound",
        baselineValue: bound,
        ratio,
        target: `>= ${TARGET_RATIO}x bound`,
        met: ratio >= TARGET_RATIO && allRewarded,
      },
      {
        bench: "pipeline",
        figure: `rewards issued once each, no failure (correctness), ${WORKERS} worker(s)`,
        value: referralsRewarded,
        unit: "referrals rewarded",
        baseline: "paid friends' orders",
        baselineValue: total,
        ratio: referralsRewarded / total,
        target: "all, 0 failures",
        met: allRewarded && failures === 0,
      },
    ]);
    if (latencies.length) {
      // The least it can take: the reward's Admin requests one after another.
      const floorMs = perReward.length * LATENCY_MS;
      reportFigures(
        [50, 95].map((p) => ({
          bench: "pipeline",
          figure: `orders/paid answered -> reward issued, p${p}, ${PLAN} plan, ${WORKERS} worker(s), ${PROVIDER}`,
          value: percentile(latencies, p),
          unit: "ms",
          baseline: `${perReward.length} sequential Admin requests`,
          baselineValue: floorMs,
          ratio: percentile(latencies, p) / floorMs,
          target: "reported",
          met: latencies.length === PACED,
        })),
      );
    }
    return { workers: WORKERS, issued, elapsedS, achieved, bound, ratio, throttled, retried: retriedJobs + retriedDeliveries, failures };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    // A run cut off by the time limit leaves its shop's rows due: the next run's
    // setup worker would take them (oldest first) before its own shop's.
    await db.job.deleteMany({ where: { shop: SHOP, status: { in: ["PENDING", "RUNNING"] } } });
    await db.webhookDelivery.deleteMany({ where: { shop: SHOP, status: { in: ["PENDING", "RUNNING"] } } });
    server.close();
  }
}

main()
  .then(() => {
    clearTimeout(watchdog);
    process.exit(0);
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
