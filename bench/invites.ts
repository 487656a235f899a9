// Invite benchmark: inviting N existing customers (100,000 by default) through
// the app's REAL invite path (app/referrals/invites.server.ts started by
// startInvite, run by the real worker and registry: bulkOperationRunQuery,
// bulkOperation polls, the JSONL download, one enrolment per line, and the
// "sync-codes" job adding the codes to the friend discount 100 per
// discountRedeemCodeBulkAdd), with the app's own Admin client (offline
// session, process-wide ThrottleTracker) against the fake Shopify Admin API
// served through msw in this process, with the Standard plan's bucket (1000
// points, 100 points/s) and real time throughout.
//
// Timing starts when the merchant starts the invitation and ends when the run
// is DONE and every invited referrer's code is on the friend discount.
//
// The bound: the Admin calls the invite made, costed with the fake's own cost
// model from the app's own documents and the variables actually sent; the
// bucket allows them in   T_min = (points - bucketAtStart) / restoreRate
// seconds. The least the invite can need (one export, ceil(N/100) code
// batches) is printed beside it. Ratio T_min / T, target >= 0.8 at 100,000
// customers (issue #19; the invite also spends time on the export's polling
// interval and on the last batches after enrolment ends, which weigh more in a
// small run); printed, never asserted.
//
// The fake's code lookup is a linear scan over every code of the shop, fine
// for tests and quadratic at 100,000 codes; this benchmark gives the fake's
// shop an index for it (same answers), so the stand-in is not what is measured.
//
//   npx tsx bench/invites.ts [--db sqlite|postgresql] [--customers 100000] [--workers 2]
import { performance } from "node:perf_hooks";
import { getOperationAST, parse, type DocumentNode } from "graphql";
import { http } from "msw";
import { setupServer } from "msw/node";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { FakeShopify } from "../fake-shopify/fake-shopify";
import { BULK_RESULT_HOST } from "../fake-shopify/resolvers";
import { seedInstalledShop } from "../fake-shopify/seed";
import type { ShopState } from "../fake-shopify/store";
import { createTestDatabase, type Provider } from "../scripts/test-database";
import { BENCH_APP_ENV } from "./lib/app-env";
import { flag, option } from "./lib/cli";
import { costOf } from "./lib/cost";
import { reportFigures } from "./lib/figures";
import { fmt, keyValueTable, machineInfo, table, verdict } from "./lib/report";

const PROVIDER = option("db", "sqlite") as Provider;
const CUSTOMERS = Number(option("customers", flag("quick") ? "10000" : "100000"));
const WORKERS = Number(option("workers", "2"));
const BUCKET = { maximumAvailable: 1000, restoreRate: 100 };
const CODES_PER_CALL = 100;
const TARGET_RATIO = 0.8;
// The code sync sends only full batches of 100 while an invitation enrols; the
// export's status is asked again at each slice: a little over the least possible.
const TARGET_POINTS_RATIO = 1.2;
const RUN_LIMIT_MS = 40 * 60_000;
const SHOP = "bench-invites.myshopify.com";

if (!["sqlite", "postgresql"].includes(PROVIDER) || !(Number.isInteger(CUSTOMERS) && CUSTOMERS > 0) || !(Number.isInteger(WORKERS) && WORKERS > 0)) {
  console.error("usage: npx tsx bench/invites.ts [--db sqlite|postgresql] [--customers 100000] [--workers 2] [--quick]");
  process.exit(2);
}

// The app's configuration, as a deployment would give it (before any app module loads).
Object.assign(process.env, { NODE_ENV: "production", ...BENCH_APP_ENV });

const watchdog = setTimeout(() => {
  console.error(`invites: watchdog fired (over ${RUN_LIMIT_MS / 60_000 + 5} minutes); exiting`);
  process.exit(1);
}, RUN_LIMIT_MS + 5 * 60_000);
watchdog.unref();

/** Every `#graphql` document the app exports from these modules, by operation name. */
function documentsByOperation(...modules: Record<string, unknown>[]): Map<string, DocumentNode> {
  const byName = new Map<string, DocumentNode>();
  for (const value of modules.flatMap((m) => Object.values(m))) {
    if (typeof value !== "string" || !value.trimStart().startsWith("#graphql")) continue;
    const document = parse(value);
    const name = getOperationAST(document)?.name?.value;
    if (name) byName.set(name, document);
  }
  return byName;
}

/** The fake's findByCode with an index kept up to date as codes are added (same answers as the scan). */
function indexCodeLookup(state: ShopState) {
  const index = new Map<string, { discount: (typeof state.discounts extends Map<string, infer D> ? D : never); codeId: string }>();
  const seen = new Map<string, number>();
  const catchUp = () => {
    for (const discount of state.discounts.values()) {
      const from = seen.get(discount.id) ?? 0;
      if (discount.codes.length < from) {
        // A code was removed: start again from scratch.
        index.clear();
        seen.clear();
        return catchUp();
      }
      for (const c of discount.codes.slice(from)) {
        const key = c.code.trim().toUpperCase();
        if (!index.has(key)) index.set(key, { discount, codeId: c.id });
      }
      seen.set(discount.id, discount.codes.length);
    }
  };
  state.findByCode = (code: string) => {
    catchUp();
    return index.get(code.trim().toUpperCase());
  };
}

async function main() {
  console.log("# Invite benchmark: existing customers enrolled through a bulk export");
  console.log(keyValueTable("Machine", machineInfo()));
  const database = await createTestDatabase(PROVIDER);
  process.env.DATABASE_URL = database.url;

  const { default: db } = await import("~/db.server");
  const { createWorker } = await import("~/jobs/worker.server");
  const { webhookHandlers, jobHandlers } = await import("~/jobs/registry.server");
  const { adminForShop } = await import("~/shopify/admin-for-shop.server");
  const { saveProgram } = await import("~/referrals/programs.server");
  const { DEFAULT_PROGRAM_SETTINGS, programSettingsSchema } = await import("~/referrals/program-settings");
  const { startInvite, InviteStatus } = await import("~/referrals/invites.server");
  const documents = documentsByOperation(await import("~/shopify/documents"), await import("~/referrals/code-sync.server"));

  const fake = new FakeShopify({ bulkAddPolls: 1, bucket: BUCKET });
  indexCodeLookup(fake.shop(SHOP));
  const server = setupServer(
    http.post(/^https:\/\/[^/]+\/admin\/api\/[^/]+\/graphql\.json$/, ({ request }) => fake.handle(request)),
    http.get(`${BULK_RESULT_HOST}/bulk/:shop/:file`, ({ request }) => fake.bulkResult(request)),
  );
  server.listen({ onUnhandledRequest: "error" });
  // @shopify/shopify-api captured fetch on import, before msw patched it.
  setAbstractFetchFunc((input, init) => globalThis.fetch(input, init));

  const warnings: string[] = [];
  const logger = {
    info: () => {},
    warn: (message: string, details?: Record<string, unknown>) => void warnings.push(`${message} ${details ? JSON.stringify(details).slice(0, 300) : ""}`),
  };
  let workers: ReturnType<typeof createWorker>[] = [];
  try {
    // ---- setup (not timed) ----
    const seedStarted = performance.now();
    await seedInstalledShop(db, SHOP, { accessToken: "shpat_bench", scope: "read_customers,write_discounts" });
    await saveProgram({
      db,
      admin: await adminForShop(SHOP),
      shop: SHOP,
      settings: programSettingsSchema.parse(DEFAULT_PROGRAM_SETTINGS),
      cause: "bench",
    });
    const program = (await db.program.findUniqueOrThrow({ where: { shop: SHOP } }))!;
    if (!program.discountId) throw new Error("saving the program made no friend discount");
    // Saving the program asked for a code sync (nothing to sync yet): let it finish before timing.
    const setupWorker = createWorker({ db, webhookHandlers, jobHandlers, logger });
    for (let round = 0; round < 5 && (await setupWorker.runOnce()).claimed > 0; round++);
    for (let i = 0; i < CUSTOMERS; i++) {
      fake.seedCustomer(SHOP, { firstName: `Customer${i}`, lastName: "Bench", email: `customer${i}@example.com` });
    }
    const seedS = (performance.now() - seedStarted) / 1000;

    const bucketAtStart = fake.bucket(SHOP).currentlyAvailable();
    const callsBefore = fake.calls.length;

    // ---- timed run ----
    console.log(`\nrunning: inviting ${CUSTOMERS.toLocaleString("en")} customers, ${WORKERS} worker(s), ${PROVIDER}...`);
    workers = Array.from({ length: WORKERS }, (_, i) =>
      // Production defaults (real clock, 2 s poll, batch 50, adminForShop); no recurring jobs.
      createWorker({ db, webhookHandlers, jobHandlers, logger, workerId: `bench-${i}` }),
    );
    const t0 = performance.now();
    const run = await startInvite(db, { shop: SHOP, tag: null, cause: "bench" });
    if (!run) throw new Error("startInvite found an invitation already running");
    for (const w of workers) w.start();
    const progress: (string | number)[][] = [];
    let lastReport = t0;
    let state = { status: run.status as string, enrolled: 0, synced: 0 };
    const read = async () => {
      const r = (await db.inviteRun.findFirstOrThrow({ where: { id: run.id, shop: SHOP } }))!;
      const synced = await db.referrer.count({ where: { shop: SHOP, codeSyncedAt: { not: null } } });
      return { status: r.status, enrolled: r.enrolled, synced };
    };
    while (performance.now() - t0 < RUN_LIMIT_MS) {
      await new Promise((r) => setTimeout(r, 250));
      state = await read();
      if (performance.now() - lastReport >= 10_000) {
        lastReport = performance.now();
        const line = [fmt((lastReport - t0) / 1000, 0), state.status, state.enrolled, state.synced, Math.floor(fake.bucket(SHOP).currentlyAvailable())];
        progress.push(line);
        console.log(`  ${line[0]} s: ${state.status}, ${state.enrolled} enrolled, ${state.synced} codes synced, bucket ${line[4]}`);
      }
      const settled = state.status === InviteStatus.DONE || state.status === InviteStatus.FAILED;
      if (settled && state.synced >= state.enrolled) break;
    }
    const elapsedS = (performance.now() - t0) / 1000;
    await Promise.all(workers.map((w) => w.stop()));
    workers = [];

    // ---- what happened ----
    const calls = fake.calls.slice(callsBefore);
    const byOperation = new Map<string, { outcomes: Record<string, number>; points: number }>();
    let pointsSpent = 0;
    for (const c of calls) {
      const name = c.operationName ?? "?";
      const row = byOperation.get(name) ?? { outcomes: {}, points: 0 };
      row.outcomes[c.outcome] = (row.outcomes[c.outcome] ?? 0) + 1;
      if (c.outcome !== "throttled" && c.outcome !== "graphql-error") {
        const document = documents.get(name);
        const points = document ? costOf(document, c.variables) : NaN;
        row.points += points;
        pointsSpent += points;
      }
      byOperation.set(name, row);
    }
    const throttled = calls.filter((c) => c.outcome === "throttled").length;
    const boundS = Math.max(0, (pointsSpent - bucketAtStart) / BUCKET.restoreRate);

    // The least an invite of N customers needs: one export started, polled twice
    // (status, then its file), ceil(N/100) batches of codes each polled once.
    const pointsOf = (name: string, variables: Record<string, unknown>) => costOf(documents.get(name)!, variables);
    const batches = Math.ceil(CUSTOMERS / CODES_PER_CALL);
    const syncPoll = [...byOperation.keys()].find((n) => n.startsWith("RedeemCodeBulk") && n !== "RedeemCodesAdd") ?? "RedeemCodeBulkCreation";
    const minPoints =
      pointsOf("BulkQueryRun", { query: "" }) +
      2 * pointsOf("BulkOperationStatus", { id: "" }) +
      batches * (pointsOf("RedeemCodesAdd", { discountId: "", codes: [] }) + pointsOf(syncPoll, { id: "", first: CODES_PER_CALL }));
    const minBoundS = Math.max(0, (minPoints - BUCKET.maximumAvailable) / BUCKET.restoreRate);

    // ---- correctness: every customer a referrer, every code on the friend discount ----
    const finalRun = (await db.inviteRun.findFirstOrThrow({ where: { id: run.id, shop: SHOP } }))!;
    const referrers = await db.referrer.findMany({ where: { shop: SHOP }, select: { customerId: true, code: true, source: true, codeSyncedAt: true } });
    const friendDiscount = fake.discounts(SHOP).find((d) => d.id === program.discountId);
    const onDiscount = new Set(friendDiscount?.codes.map((c) => c.code.toUpperCase()) ?? []);
    const customerIds = new Set(fake.shop(SHOP).customers.keys());
    const invited = referrers.filter((r) => r.source === "INVITE" && r.customerId && customerIds.has(r.customerId));
    const withCode = invited.filter((r) => r.codeSyncedAt && onDiscount.has(r.code.toUpperCase())).length;
    const correct = finalRun.status === InviteStatus.DONE && invited.length === CUSTOMERS && withCode === CUSTOMERS && finalRun.enrolled === CUSTOMERS;
    const ratio = boundS / elapsedS;

    console.log(
      keyValueTable("Setup", [
        ["database", `${PROVIDER} (fresh, migrated)`],
        ["fake Admin API", `msw in-process, bucket ${BUCKET.maximumAvailable} points, ${BUCKET.restoreRate} points/s, bulk operations done on the first poll`],
        ["workers", `${WORKERS} x createWorker (real registry, real clock, 2 s poll), one process sharing one ThrottleTracker`],
        ["customers", `${CUSTOMERS.toLocaleString("en")} in the fake shop (seeded with the program in ${fmt(seedS, 1)} s, not timed)`],
      ]),
    );
    if (progress.length) console.log(table("Progress", ["s", "run", "enrolled", "codes synced", "bucket"], progress));
    console.log(
      table(
        "Admin calls during the run",
        ["operation", "outcomes", "points charged"],
        [...byOperation].map(([op, r]) => [op, Object.entries(r.outcomes).map(([k, v]) => `${k}:${v}`).join(" "), fmt(r.points, 0)]),
      ),
    );
    const codeCalls = byOperation.get("RedeemCodesAdd")?.outcomes;
    const addCalls = codeCalls ? Object.entries(codeCalls).filter(([k]) => k !== "throttled").reduce((s, [, v]) => s + v, 0) : 0;
    console.log(
      table("Summary", ["figure", "measured", "target / bound", "verdict"], [
        ["invite time", `${fmt(elapsedS, 1)} s (run ${finalRun.status})`, `bound ${fmt(boundS, 1)} s for the calls made`, ""],
        ["customers enrolled / per second", `${finalRun.enrolled} / ${fmt(finalRun.enrolled / elapsedS, 0)}`, String(CUSTOMERS), verdict(finalRun.enrolled === CUSTOMERS)],
        ["bound / time (rate limit share)", fmt(ratio, 2), `>= ${TARGET_RATIO}`, verdict(ratio >= TARGET_RATIO && correct)],
        ["points charged (bucket at start)", `${fmt(pointsSpent, 0)} (${Math.floor(bucketAtStart)})`, `least possible ${minPoints} (bound ${fmt(minBoundS, 1)} s)`, verdict(pointsSpent <= minPoints * TARGET_POINTS_RATIO)],
        ["discountRedeemCodeBulkAdd calls", String(addCalls), `${batches} (100 codes each)`, verdict(addCalls <= batches * TARGET_POINTS_RATIO)],
        ["THROTTLED answers from the fake", String(throttled), "(retried by the client)", ""],
        ["invited customers that are referrers with their code on the friend discount", `${withCode} of ${CUSTOMERS}`, String(CUSTOMERS), verdict(correct)],
      ]),
    );
    if (warnings.length) console.log(`\nworker warnings (${warnings.length}), first 5:\n  ${warnings.slice(0, 5).join("\n  ")}`);

    const n = CUSTOMERS.toLocaleString("en");
    reportFigures([
      {
        bench: "invites",
        figure: `invite ${n} customers, time (s; bound/time), ${PROVIDER}`,
        value: elapsedS,
        unit: "s",
        baseline: "rate-limit bound for its Admin calls",
        baselineValue: boundS,
        ratio,
        target: `bound/time >= ${TARGET_RATIO}`,
        met: ratio >= TARGET_RATIO && correct,
      },
      {
        bench: "invites",
        figure: `invite ${n}: points charged vs least possible`,
        value: pointsSpent,
        unit: "points",
        baseline: `${batches} code batches + export`,
        baselineValue: minPoints,
        ratio: pointsSpent / minPoints,
        target: `<= ${TARGET_POINTS_RATIO}x least possible`,
        met: pointsSpent <= minPoints * TARGET_POINTS_RATIO,
      },
      {
        bench: "invites",
        figure: `invite ${n}: referrers with code on the discount (correctness)`,
        value: withCode,
        unit: "referrers",
        baseline: "customers invited",
        baselineValue: CUSTOMERS,
        ratio: withCode / CUSTOMERS,
        target: "all",
        met: correct,
      },
    ]);
    return correct ? 0 : 1;
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    server.close();
    await db.$disconnect();
    await database.drop();
  }
}

main()
  .then((code) => {
    clearTimeout(watchdog);
    process.exit(code);
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
