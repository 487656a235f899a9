// Webhook ingest benchmark: the real app server (server.ts, production build,
// RUN_WORKER=false, a fresh migrated database; /webhooks is answered by its
// node:http handler in front of Express, storing through the inbox's own
// connection) against a bare node:http server that only verifies the HMAC and
// answers 200. Both get the same signed
// orders/paid deliveries (Shopify's documented payload, distinct order per body,
// distinct X-Shopify-Webhook-Id per request) from this process:
//   (a) maximum throughput: N keep-alive connections for ~10 s each;
//   (b) latency at a fixed 200 requests/s for ~10 s each (open loop).
// Then counts the inbox rows: every delivery answered 200 stored exactly once,
// and re-sent deliveries (same webhook id) add nothing. The shop is installed
// and its per-minute limit set far above the load (bench/lib/app-env.ts), so
// the door's checks and count all run and none refuses.
//
//   npx tsx bench/webhook-ingest.ts [--db sqlite|postgresql] [--seconds 10]
//       [--rounds 4] [--connections 16] [--rate 200] [--no-build] [--profile-app DIR]
//
// --rounds: each phase gives each server its seconds in that many slices,
// alternating, so load from other processes weighs on both alike.
//
// --profile-app DIR: the app server runs with --cpu-prof and writes its CPU
// profile to DIR when it stops (open it in Chrome DevTools or speedscope).
// Ends with the headline figures for `npm run bench` (bench/lib/figures.ts):
// throughput vs the bare server, and p99 at the fixed rate vs the bare server's.
// Loopback only (the app server is preloaded with bench/lib/listen-on-loopback.mjs
// because server.ts listens on every interface); stops by itself. Timings are
// printed beside their targets, never asserted: these machines are shared.
import { randomUUID } from "node:crypto";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { PROJECT_ROOT } from "~/db-url";
import { createTestDatabase, type Provider } from "../scripts/test-database";
import { signWebhookBody } from "../fake-shopify/sign";
import { BENCH_APP_ENV, BENCH_SECRET } from "./lib/app-env";
import { flag, option } from "./lib/cli";
import { reportFigures } from "./lib/figures";
import { closedLoop, openLoop, sendAll, type LoadResult, type OutgoingRequest, type Target } from "./lib/http-load";
import { ensureBuild, freePort, LOOPBACK, startTsx, waitForHttp, type Child } from "./lib/processes";
import { fmt, keyValueTable, machineInfo, percentile, table, verdict } from "./lib/report";
import { friendOrderPaidBody, orderPaidHeaders } from "./lib/webhooks";

const PROVIDER = option("db", "sqlite") as Provider;
const SECONDS = Number(option("seconds", "10"));
const CONNECTIONS = Number(option("connections", "16"));
const RATE = Number(option("rate", "200"));
const ROUNDS = Number(option("rounds", "4"));
const WARMUP_MS = 2_000;
const BODIES = 1_000;
const DUPLICATES = 200;
const SECRET = BENCH_SECRET;
const SHOP = "bench-ingest.myshopify.com";
// Targets (stated next to the figures, not asserted).
const TARGET_THROUGHPUT_RATIO = 0.5;
const TARGET_P99_MS = 25;

if (!["sqlite", "postgresql"].includes(PROVIDER) || !(SECONDS > 0) || !(CONNECTIONS > 0) || !(RATE > 0) || !Number.isInteger(ROUNDS) || ROUNDS < 1) {
  console.error("usage: npx tsx bench/webhook-ingest.ts [--db sqlite|postgresql] [--seconds 10] [--rounds 4] [--connections 16] [--rate 200] [--no-build]");
  process.exit(2);
}

// Whatever happens, this process ends: children are stopped and it exits.
const children: Child[] = [];
const watchdog = setTimeout(() => {
  console.error("webhook-ingest: watchdog fired (over 5 minutes); stopping");
  void Promise.all(children.map((c) => c.stop())).finally(() => process.exit(1));
}, 5 * 60_000);
watchdog.unref();

// ---- deliveries -----------------------------------------------------------

interface Body {
  body: Buffer;
  hmac: string;
}

function makeBodies(): Body[] {
  return Array.from({ length: BODIES }, (_, i) => {
    const body = friendOrderPaidBody(i);
    return { body, hmac: signWebhookBody(body, SECRET) };
  });
}

function deliveries(bodies: Body[], tag: string) {
  let seq = 0;
  return (): OutgoingRequest => {
    const b = bodies[seq % bodies.length];
    const webhookId = `${tag}-${seq++}-${randomUUID()}`;
    return { id: webhookId, body: b.body, headers: orderPaidHeaders(SHOP, b.hmac, webhookId) };
  };
}

// ---- run ------------------------------------------------------------------

const describeOutcomes = (r: LoadResult) =>
  Object.entries(r.outcomes)
    .map(([k, v]) => `${k}:${v}`)
    .join(" ");

async function main() {
  console.log("# Webhook ingest benchmark");
  console.log(keyValueTable("Machine", machineInfo()));
  const buildState = ensureBuild({ noBuild: flag("no-build") });

  const database = await createTestDatabase(PROVIDER);
  // This process's own default database client (app/db.server builds it from
  // DATABASE_URL on first import) gets a scratch database, never the app's.
  const scratch = await createTestDatabase("sqlite");
  process.env.DATABASE_URL = scratch.url;
  // The door stores deliveries of installed shops only.
  await installShop(database.url);
  await installShop(scratch.url);
  const appPort = await freePort();
  const basePort = await freePort();
  const app = startTsx(
    "app server (server.ts, production)",
    "server.ts",
    [],
    { ...BENCH_APP_ENV, NODE_ENV: "production", DATABASE_URL: database.url, PORT: String(appPort) },
    [
      "--import",
      path.join(PROJECT_ROOT, "bench/lib/listen-on-loopback.mjs"),
      ...(flag("profile-app") ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(option("profile-app", "bench/results"))}`] : []),
    ],
  );
  children.push(app);
  const base = startTsx("baseline (node:http + HMAC)", "bench/lib/baseline-server.ts", [String(basePort)], { ...BENCH_APP_ENV, NODE_ENV: "production" });
  children.push(base);

  const appTarget: Target = { name: "app (server.ts)", host: LOOPBACK, port: appPort, path: "/webhooks" };
  const baseTarget: Target = { name: "baseline (HMAC only)", host: LOOPBACK, port: basePort, path: "/webhooks" };
  try {
    await Promise.all([waitForHttp(app, `http://${LOOPBACK}:${appPort}/webhooks`), waitForHttp(base, `http://${LOOPBACK}:${basePort}/webhooks`)]);
    const bodies = makeBodies();
    console.log(
      keyValueTable("Setup", [
        ["database", `${PROVIDER} (fresh, migrated)`],
        ["app build", buildState],
        ["app server", `node --import tsx server.ts, NODE_ENV=production, RUN_WORKER=false, http://${LOOPBACK}:${appPort}/webhooks`],
        ["baseline", `node:http, isValidShopifyHmac only, http://${LOOPBACK}:${basePort}/webhooks`],
        ["load generator", "this process, node:http keep-alive agent"],
        ["deliveries", `orders/paid, ${BODIES} distinct documented-payload bodies of ~${Math.round(bodies[0].body.length / 1024)} KB, a new webhook id per request`],
      ]),
    );

    const appOkIds: string[] = [];
    let appSent = 0;
    const collect = (r: LoadResult) => {
      if (r.target === appTarget.name) {
        appOkIds.push(...r.okIds);
        appSent += r.sent;
      }
      return r;
    };
    let tag = 0;
    const next = () => deliveries(bodies, `bench${++tag}`);

    console.log(`\nwarm-up: ${WARMUP_MS / 1000} s each at ${CONNECTIONS} connections...`);
    for (const t of [baseTarget, appTarget]) collect(await closedLoop(t, { connections: CONNECTIONS, durationMs: WARMUP_MS, next: next() }));

    // Other processes share these cores and their load drifts: each phase
    // alternates the two servers in ROUNDS slices (baseline, app, app,
    // baseline, ...) so a drift weighs on both alike.
    const slices = async (run: (t: Target, durationMs: number) => Promise<LoadResult>) => {
      const parts: [LoadResult[], LoadResult[]] = [[], []];
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? [0, 1] : [1, 0];
        for (const i of order) parts[i].push(collect(await run([baseTarget, appTarget][i], (SECONDS * 1000) / ROUNDS)));
      }
      return parts.map(mergeResults);
    };

    console.log(`(a) maximum throughput: ${CONNECTIONS} connections, ${SECONDS} s each in ${ROUNDS} alternating slices...`);
    const throughput = await slices((t, durationMs) => closedLoop(t, { connections: CONNECTIONS, durationMs, next: next() }));

    console.log(`(b) fixed rate: ${RATE} requests/s, ${SECONDS} s each in ${ROUNDS} alternating slices...`);
    const fixed = await slices((t, durationMs) => openLoop(t, { rate: RATE, durationMs, next: next() }));

    // Shopify delivers at least once: the same deliveries again (same webhook
    // id; the id is the key, so a fresh body and signature) must add no row.
    const inbox = await countInbox(database.url);
    const replay = deliveries(bodies, "replay");
    const again = appOkIds.slice(0, DUPLICATES).map((id) => {
      const fresh = replay();
      return { ...fresh, id, headers: { ...fresh.headers, "X-Shopify-Webhook-Id": id } };
    });
    const dupResult = await sendAll(appTarget, again, 4);
    const rowsAfterResend = (await countInbox(database.url)).rows;

    console.log("breakdown: the same deliveries one at a time, layer by layer...");
    const layers = PROVIDER === "sqlite" ? await breakdown(bodies, appTarget, baseTarget) : [];

    // ---- report ----
    const row = (r: LoadResult) => {
      const s = r.elapsedMs / 1000;
      return [
        r.target,
        r.sent,
        r.ok,
        describeOutcomes(r),
        fmt(r.ok / s, 0),
        fmt(percentile(r.latencies, 50), 2),
        fmt(percentile(r.latencies, 99), 2),
        fmt(r.latencies.at(-1) ?? NaN, 2),
      ];
    };
    const headers = ["server", "sent", "200s", "outcomes", "req/s", "p50 ms", "p99 ms", "max ms"];
    console.log(table(`(a) Maximum throughput, ${CONNECTIONS} keep-alive connections, ${SECONDS} s`, headers, throughput.map(row)));
    console.log(table(`(b) Fixed rate ${RATE} req/s, ${SECONDS} s (latency from each request's due time)`, [...headers, "send lag max ms"], fixed.map((r) => [...row(r), fmt(r.maxSendLagMs ?? NaN, 1)])));

    const [tBase, tApp] = throughput.map((r) => r.ok / (r.elapsedMs / 1000));
    const ratio = tApp / tBase;
    const [fBase, fApp] = fixed;
    const p99App = percentile(fApp.latencies, 99);
    const p50App = percentile(fApp.latencies, 50);
    const allAnswered = fApp.ok === fApp.sent;
    console.log(
      table("Summary", ["figure", "measured", "target", "verdict"], [
        ["throughput app / baseline", `${fmt(tApp, 0)} / ${fmt(tBase, 0)} req/s = ${fmt(ratio, 2)}x`, `>= ${TARGET_THROUGHPUT_RATIO}x`, verdict(ratio >= TARGET_THROUGHPUT_RATIO)],
        [`app p50 / p99 at ${RATE} req/s`, `${fmt(p50App, 2)} / ${fmt(p99App, 2)} ms`, `p99 < ${TARGET_P99_MS} ms (SQLite)`, verdict(p99App < TARGET_P99_MS && allAnswered)],
        [`baseline p50 / p99 at ${RATE} req/s`, `${fmt(percentile(fBase.latencies, 50), 2)} / ${fmt(percentile(fBase.latencies, 99), 2)} ms`, "(reference)", ""],
        ["app answered 200 (all phases)", `${appOkIds.length} of ${appSent}`, "every request", verdict(appOkIds.length === appSent)],
        // A request the client gave up on (timeout) may still have been stored: Shopify would
        // re-send it and the duplicate would be dropped. So: every 200 stored, once; nothing else.
        ["inbox rows / distinct webhook ids", `${inbox.rows} / ${inbox.distinctIds}`, `every one of the ${appOkIds.length} 200s, once`, verdict(inbox.distinctIds === inbox.rows && appOkIds.every((id) => inbox.ids.has(id)))],
        ["inbox rows for requests not answered 200", String(inbox.rows - appOkIds.length), `<= ${appSent - appOkIds.length} (timed out / failed)`, verdict(inbox.rows - appOkIds.length <= appSent - appOkIds.length)],
        ["inbox rows not PENDING (INVALID etc.)", String(inbox.notPending), "0", verdict(inbox.notPending === 0)],
        [`re-sent ${dupResult.sent} deliveries (same ids)`, `${dupResult.ok} answered 200, rows after: ${rowsAfterResend}`, `200 each, rows unchanged`, verdict(dupResult.ok === dupResult.sent && rowsAfterResend === inbox.rows)],
      ]),
    );
    if (layers.length) {
      console.log(
        table(
          "Where a delivery's time goes: one request at a time, no concurrency (SQLite)",
          ["layer", "n", "mean ms", "p50 ms", "p99 ms"],
          layers.map(([name, lat]) => [name, lat.length, fmt(lat.reduce((a, b) => a + b, 0) / lat.length, 3), fmt(percentile(lat, 50), 3), fmt(percentile(lat, 99), 3)]),
        ),
      );
    }
    if (PROVIDER !== "sqlite") console.log(`(the p99 target is stated for SQLite; this run used ${PROVIDER})`);

    const providerName = PROVIDER === "sqlite" ? "SQLite" : "PostgreSQL";
    const p99Base = percentile(fBase.latencies, 99);
    reportFigures([
      {
        bench: "webhook-ingest",
        figure: `webhook ingest throughput (req/s, ${CONNECTIONS} connections), ${providerName}`,
        value: tApp,
        unit: "req/s",
        baseline: "bare node:http server verifying the HMAC only",
        baselineValue: tBase,
        ratio,
        target: `>= ${TARGET_THROUGHPUT_RATIO}x baseline`,
        met: ratio >= TARGET_THROUGHPUT_RATIO,
      },
      {
        bench: "webhook-ingest",
        figure: `webhook ingest p99 latency at ${RATE} req/s (ratio app/baseline, lower is better), ${providerName}`,
        value: p99App,
        unit: "ms",
        baseline: `bare node:http HMAC server's p99 at ${RATE} req/s`,
        baselineValue: p99Base,
        ratio: p99App / p99Base,
        target: `< ${TARGET_P99_MS} ms${PROVIDER === "sqlite" ? "" : " (stated for SQLite)"}, every request answered 200`,
        met: p99App < TARGET_P99_MS && allAnswered,
      },
    ]);
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await database.drop();
    await scratch.drop();
  }
}

/**
 * The cost of each layer for one delivery, sequentially: the payload check
 * (JSON.parse and the topic's zod schema: the worker's, no longer on the
 * request path), a bare better-sqlite3 INSERT of the same row, a Prisma create
 * of it (how the inbox wrote before), the app's inbox (group commit over the
 * shop's install check, a prepared INSERT and the shop's count for the minute),
 * the route's action called in this process (HMAC, headers, the door's checks,
 * inbox), and one HTTP connection to each server.
 * Each database layer on its own fresh database.
 */
async function breakdown(bodies: Body[], app: Target, base: Target): Promise<[string, number[]][]> {
  const N = 1_000;
  const out: [string, number[]][] = [];
  const timeEach = async (name: string, f: (i: number) => unknown) => {
    for (let i = 0; i < 50; i++) await f(N + i); // warm-up
    const lat: number[] = [];
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      await f(i);
      lat.push(performance.now() - t);
    }
    out.push([name, lat.sort((a, b) => a - b)]);
  };
  const payloadOf = (i: number) => bodies[i % bodies.length].body.toString("utf8");
  const delivery = (webhookId: string, i: number) => ({
    shop: SHOP,
    webhookId,
    topic: "orders/paid",
    apiVersion: "2026-10",
    triggeredAt: new Date(),
    payload: payloadOf(i),
  });

  process.env.SHOPIFY_API_KEY ??= "bench-api-key";
  process.env.SHOPIFY_API_SECRET = SECRET;
  process.env.SHOPIFY_APP_URL ??= "https://referrals.bench";
  process.env.RUN_WORKER = "false";
  const { checkWebhookPayload } = await import("~/jobs/webhook-payloads");
  await timeEach("payload check (JSON.parse + zod; in the worker)", (i) => {
    if (!checkWebhookPayload({ topic: "orders/paid", shop: SHOP }, payloadOf(i)).ok) throw new Error("bench payload failed its check");
  });

  const raw = await createTestDatabase("sqlite");
  const prismaDb = await createTestDatabase("sqlite");
  const inboxDb = await createTestDatabase("sqlite");
  const { default: Database } = await import("better-sqlite3");
  const sqlite = new Database(raw.url.slice("file:".length));
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL"); // what the app's connection runs with
  const insert = sqlite.prepare('INSERT INTO "WebhookDelivery" (id, shop, webhookId, topic, apiVersion, triggeredAt, payload) VALUES (?, ?, ?, ?, ?, ?, ?)');
  await timeEach("better-sqlite3 prepared INSERT (bare)", (i) => insert.run(randomUUID(), SHOP, `raw-${i}`, "orders/paid", "2026-10", Date.now(), payloadOf(i)));
  sqlite.close();

  const { createDb } = await import("~/db.server");
  const db = createDb(prismaDb.url);
  await timeEach("Prisma create (the inbox write before)", (i) => db.webhookDelivery.create({ data: { ...delivery(`prisma-${i}`, i), status: "PENDING" } }));
  await db.$disconnect();

  const { openInbox } = await import("~/webhooks/inbox.server");
  await installShop(inboxDb.url);
  const inbox = openInbox(inboxDb.url);
  await timeEach("inbox.store (group commit: install check, INSERT, count)", (i) => inbox.store(delivery(`inbox-${i}`, i)));
  await inbox.close();

  // The route uses the default database of this process: its scratch database (see main).
  const route = await import("~/routes/webhooks");
  const make = deliveries(bodies, "inproc");
  await timeEach("route action in process (HMAC, headers, checks, inbox)", async () => {
    const d = make();
    const response = await route.action({ request: new Request("https://referrals.bench/webhooks", { method: "POST", headers: d.headers, body: d.body.toString("utf8") }), params: {}, context: {} });
    if (response.status !== 200) throw new Error(`in-process action answered ${response.status}`);
  });
  const { closeInbox } = await import("~/webhooks/inbox.server");
  await closeInbox();

  for (const target of [app, base]) {
    const r = await sendAll(target, Array.from({ length: N }, deliveries(bodies, `seq-${target.port}`)), 1);
    out.push([`HTTP, 1 connection: ${target.name}`, r.latencies]);
  }
  await Promise.all([raw.drop(), prismaDb.drop(), inboxDb.drop()]);
  return out;
}

/** Slices of one phase against one server, as one result. */
function mergeResults(parts: LoadResult[]): LoadResult {
  const merged: LoadResult = { target: parts[0].target, sent: 0, ok: 0, outcomes: {}, latencies: [], elapsedMs: 0, okIds: [] };
  for (const p of parts) {
    merged.sent += p.sent;
    merged.ok += p.ok;
    merged.elapsedMs += p.elapsedMs;
    merged.latencies.push(...p.latencies);
    merged.okIds.push(...p.okIds);
    for (const [k, v] of Object.entries(p.outcomes)) merged.outcomes[k] = (merged.outcomes[k] ?? 0) + v;
    if (p.maxSendLagMs !== undefined) merged.maxSendLagMs = Math.max(merged.maxSendLagMs ?? 0, p.maxSendLagMs);
  }
  merged.latencies.sort((a, b) => a - b);
  return merged;
}

/** The benchmark's shop, installed in the database `url` names. */
async function installShop(url: string) {
  const { createDb } = await import("~/db.server");
  const db = createDb(url);
  try {
    await db.shop.create({ data: { shop: SHOP } });
  } finally {
    await db.$disconnect();
  }
}

/** The inbox rows of the benchmark's shop: how many, how many distinct ids, which ids. */
async function countInbox(url: string) {
  const { createDb } = await import("~/db.server");
  const db = createDb(url);
  try {
    const rows = await db.webhookDelivery.findMany({ where: { shop: SHOP }, select: { webhookId: true, status: true } });
    const ids = new Set(rows.map((r) => r.webhookId));
    return { rows: rows.length, distinctIds: ids.size, ids, notPending: rows.filter((r) => r.status !== "PENDING").length };
  } finally {
    await db.$disconnect();
  }
}

main()
  .then(() => {
    clearTimeout(watchdog);
    process.exit(0);
  })
  .catch(async (error) => {
    console.error(error);
    await Promise.all(children.map((c) => c.stop()));
    process.exit(1);
  });
