// Event fan-out benchmark (issue 17): how long after a state change commits
// its event reaches Shopify Flow, Klaviyo and an outgoing webhook endpoint, and
// whether 50 events a second (150 deliveries a second) are kept up with.
//
// Shaped like a deployment: this process is the web side (it makes the state
// changes and hosts the stand-ins); --workers worker processes
// (app/jobs/worker-main.ts, the production entry, WORKER_CONCURRENCY default,
// maintenance on) deliver, on the same database. The state change is a real
// one: enrolReferrer (a referrer joins, the "referrer joined" event recorded in
// its transaction), paced at --rate a second for --seconds. Each measured shop
// has every integration on: its Flow triggers in use (as Flow's lifecycle
// callback records them), Klaviyo connected (the key checked and stored
// encrypted), one webhook endpoint. The targets, all on 127.0.0.1 in this
// process, each answering --latency ms late:
//   - the fake Shopify Admin API over HTTP (SHOPIFY_ADMIN_API_ORIGIN), Plus bucket;
//   - the fake Klaviyo over HTTP (KLAVIYO_API_ORIGIN, as the dev store serves it);
//   - a node:http webhook receiver (a private address: WEBHOOKS_ALLOW_PRIVATE=true).
// Latency of a delivery = its sentAt (the worker's clock when the target
// answered) minus its event's createdAt (written in the change's transaction).
//
// The baseline, in the same run: a request straight to the webhook receiver
// (the same --latency), 100 of them one after another from this process: the
// least a delivery can take. Ratio = app p95 / direct p95 (lower is better). Stated, never asserted: p95 <=
// 1 s at 50 events/s with targets 100 ms away, every delivery made once, and
// the deliveries made at least as fast as they are offered.
//
//   npx tsx bench/events.ts [--db sqlite|postgresql] [--rate 50] [--seconds 20]
//       [--latency 100] [--workers 2] [--quick]
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { FakeShopify } from "../fake-shopify/fake-shopify";
import { startFakeShopifyServer } from "../fake-shopify/http-server";
import { seedInstalledShop } from "../fake-shopify/seed";
import { startKlaviyoServer } from "../devstore/klaviyo";
import { createTestDatabase, type Provider } from "../scripts/test-database";
import { BENCH_APP_ENV } from "./lib/app-env";
import { flag, option } from "./lib/cli";
import { reportFigures } from "./lib/figures";
import { LOOPBACK, startTsx, type Child } from "./lib/processes";
import { fmt, keyValueTable, machineInfo, percentile, table, verdict } from "./lib/report";

const QUICK = flag("quick");
const PROVIDER = option("db", "sqlite") as Provider;
const RATE = Number(option("rate", "50"));
const SECONDS = Number(option("seconds", QUICK ? "6" : "20"));
const LATENCY_MS = Number(option("latency", "100"));
const WORKERS = Number(option("workers", "2"));
const TARGET_P95_MS = 1000;
const DRAIN_LIMIT_MS = 120_000;

if (!["sqlite", "postgresql"].includes(PROVIDER) || !(RATE > 0) || !(SECONDS > 0) || !(LATENCY_MS >= 0) || !(Number.isInteger(WORKERS) && WORKERS > 0)) {
  console.error("usage: npx tsx bench/events.ts [--db sqlite|postgresql] [--rate 50] [--seconds 20] [--latency 100] [--workers 2] [--quick]");
  process.exit(2);
}


const watchdog = setTimeout(() => {
  console.error("events: watchdog fired (over 8 minutes); exiting");
  process.exit(1);
}, 8 * 60_000);
watchdog.unref();

const KLAVIYO_KEY = "pk_demo0123456789abcdefbench";
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function loadApp() {
  const { default: db } = await import("~/db.server");
  const { adminForShop } = await import("~/shopify/admin-for-shop.server");
  const { saveProgram } = await import("~/referrals/programs.server");
  const { DEFAULT_PROGRAM_SETTINGS, programSettingsSchema } = await import("~/referrals/program-settings");
  const { enrolReferrer } = await import("~/referrals/referrers.server");
  const { connectKlaviyo } = await import("~/integrations/klaviyo/connection.server");
  const { addEndpoint } = await import("~/integrations/webhooks/endpoints.server");
  const { defaultNetwork } = await import("~/integrations/webhooks/network.server");
  const { recordTriggerUse } = await import("~/integrations/flow/trigger-use.server");
  const { FLOW_TRIGGERS } = await import("~/integrations/flow/triggers");
  return { db, adminForShop, saveProgram, DEFAULT_PROGRAM_SETTINGS, programSettingsSchema, enrolReferrer, connectKlaviyo, addEndpoint, defaultNetwork, recordTriggerUse, FLOW_TRIGGERS };
}
type App = Awaited<ReturnType<typeof loadApp>>;

/** The targets' latency now (the baseline phase sets it to 0). */
let latencyNow = LATENCY_MS;

/** A webhook receiver on loopback: answers 200 after the latency, counts what it got. */
async function startReceiver() {
  let received = 0;
  const server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      received++;
      setTimeout(() => response.writeHead(200).end("ok"), latencyNow);
    });
  });
  server.keepAliveTimeout = 1000;
  server.listen(0, LOOPBACK);
  await new Promise((resolve) => server.once("listening", resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://${LOOPBACK}:${port}/hooks`, received: () => received, close: () => new Promise((resolve) => server.close(resolve)) };
}

interface RunResult {
  events: number;
  deliveries: number;
  sent: number;
  failed: number;
  pending: number;
  latencies: Map<string, number[]>;
  late: number[];
  offeredPerS: number;
  sentPerS: number;
  lastSentS: number;
}

/** Enrols --rate referrers a second on `shop` for --seconds, then waits until every delivery is final. */
async function load(app: App, shop: string, label: string, seconds = SECONDS): Promise<RunResult> {
  const { db, enrolReferrer } = app;
  const committed = new Map<string, number>();
  const started = Date.now();
  const total = Math.round(RATE * seconds);
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    pending.push(
      (async () => {
        const { referrer } = await enrolReferrer(db, {
          shop,
          customerId: `gid://shopify/Customer/${{ app: 9_000_000, base: 8_000_000 }[label] ?? 7_000_000}${i}`,
          email: `${label}-${i}@example.com`,
          firstName: `Referrer ${i}`,
          source: "ADMIN",
          cause: "bench",
        });
        committed.set(referrer.id, Date.now());
      })(),
    );
  }
  await Promise.all(pending);
  const loadEnded = Date.now();
  // Until every delivery of these events is final (or the limit).
  for (;;) {
    const open = await db.eventDelivery.count({ where: { shop, status: { in: ["QUEUED", "SENDING"] } } });
    if (open === 0 || Date.now() - loadEnded > DRAIN_LIMIT_MS) break;
    await sleep(200);
  }
  const rows = await db.eventDelivery.findMany({ where: { shop }, select: { target: true, status: true, sentAt: true, event: { select: { referrerId: true, createdAt: true } } } });
  const latencies = new Map<string, number[]>();
  // Events of the load's second half: a pipeline that keeps up delivers them as fast as the first half's.
  const halfway = started + (seconds * 1000) / 2;
  const late: number[] = [];
  let lastSent = started;
  let firstSent = Infinity;
  for (const row of rows) {
    if (row.status !== "SENT" || !row.sentAt) continue;
    if (!committed.has(row.event.referrerId ?? "")) continue;
    // Recorded in the change's transaction, just before it commits: unlike the moment enrolReferrer's
    // promise resolves here, not delayed when this process's event loop is busy.
    const at = row.event.createdAt.getTime();
    const kind = row.target.split(":")[0];
    const list = latencies.get(kind) ?? [];
    list.push(row.sentAt.getTime() - at);
    latencies.set(kind, list);
    if (at >= halfway) late.push(row.sentAt.getTime() - at);
    lastSent = Math.max(lastSent, row.sentAt.getTime());
    firstSent = Math.min(firstSent, row.sentAt.getTime());
  }
  for (const list of latencies.values()) list.sort((a, b) => a - b);
  late.sort((a, b) => a - b);
  const sent = rows.filter((r) => r.status === "SENT").length;
  return {
    events: committed.size,
    deliveries: rows.length,
    sent,
    failed: rows.filter((r) => r.status === "FAILED" || r.status === "SKIPPED").length,
    pending: rows.filter((r) => r.status === "QUEUED" || r.status === "SENDING").length,
    latencies,
    // Over the time the load really took (this process may fall behind the pace).
    offeredPerS: rows.length / Math.max(seconds, (loadEnded - started) / 1000),
    // From the first delivery to the last: a constant lag does not count against the rate.
    sentPerS: sent / Math.max(1, (lastSent - firstSent) / 1000 + 1 / RATE),
    late,
    lastSentS: (lastSent - started) / 1000,
  };
}

const all = (r: RunResult) => [...r.latencies.values()].flat().sort((a, b) => a - b);

async function main() {
  console.log("# Event fan-out benchmark");
  console.log(keyValueTable("Machine", machineInfo()));
  const database = await createTestDatabase(PROVIDER);
  const fake = new FakeShopify({ bucket: { maximumAvailable: 10_000, restoreRate: 1000 } });
  const setLatency = (ms: number) => {
    latencyNow = ms;
    fake.faults.clear();
    if (ms > 0) fake.faults.randomly({ rate: 1, faults: [{ kind: "latency", ms }], seed: 1 });
    klaviyoServer.klaviyo.latencyMs = ms;
  };
  const adminApi = await startFakeShopifyServer(fake);
  const klaviyoServer = await startKlaviyoServer();
  const receiver = await startReceiver();
  // The app's configuration, as a deployment would give it (before any app module loads), for this process and the workers.
  const appEnv: Record<string, string> = {
    NODE_ENV: "production",
    ...BENCH_APP_ENV,
    DATABASE_URL: database.url,
    SHOPIFY_ADMIN_API_ORIGIN: adminApi.url,
    SHOPIFY_STAND_IN: "true",
    KLAVIYO_API_ORIGIN: klaviyoServer.origin,
    ENCRYPTION_KEY: randomBytes(32).toString("hex"),
    // The endpoint is this machine's loopback receiver.
    WEBHOOKS_ALLOW_PRIVATE: "true",
    LOG_LEVEL: "warn",
  };
  Object.assign(process.env, appEnv);

  let app: App | undefined;
  const workers: Child[] = [];
  try {
    app = await loadApp();
    const { db, adminForShop, saveProgram, DEFAULT_PROGRAM_SETTINGS, programSettingsSchema } = app;
    const APP_SHOP = "bench-events.myshopify.com";
    const WARM_SHOP = "bench-events-warm-up.myshopify.com";
    for (const shop of [WARM_SHOP, APP_SHOP]) {
      await seedInstalledShop(db, shop, { accessToken: "shpat_bench", scope: "write_discounts" });
      await saveProgram({ db, admin: await adminForShop(shop), shop, settings: programSettingsSchema.parse({ ...DEFAULT_PROGRAM_SETTINGS }), cause: "bench" });
      // Every integration on.
      const now = new Date();
      for (const trigger of Object.values(app.FLOW_TRIGGERS)) await app.recordTriggerUse(db, { shop, handle: trigger.handle, active: true, changedAt: now });
      const connected = await app.connectKlaviyo(db, { shop, apiKey: KLAVIYO_KEY, cause: "bench" });
      if (!connected.ok) throw new Error(`Klaviyo refused: ${connected.message}`);
      const endpoint = await app.addEndpoint(db, { shop, url: receiver.url, events: ["referrer.joined"], cause: "bench", network: app.defaultNetwork() });
      if (!endpoint.ok) throw new Error(`endpoint refused: ${JSON.stringify(endpoint.errors)}`);
    }
    for (let i = 0; i < WORKERS; i++) workers.push(startTsx(`worker-${i}`, "app/jobs/worker-main.ts", [], appEnv));
    // Not measured: the workers load the app and warm up on a few seconds of the same load.
    setLatency(LATENCY_MS);
    await load(app, WARM_SHOP, "warm", Math.min(5, SECONDS));
    const measured = await load(app, APP_SHOP, "app");
    const direct: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t0 = performance.now();
      await fetch(receiver.url, { method: "POST", body: "{}" }).then((r) => r.text());
      direct.push(performance.now() - t0);
    }
    direct.sort((a, b) => a - b);

    const p = (list: number[], q: number) => percentile(list, q);
    const line = (label: string, list: number[]) => [label, list.length, fmt(p(list, 50), 0), fmt(p(list, 95), 0), fmt(p(list, 99), 0), fmt(list[list.length - 1] ?? NaN, 0)];
    const appAll = all(measured);
    const baseAll = direct;
    const rows = [...measured.latencies].map(([kind, list]) => line(`${kind} (${LATENCY_MS} ms)`, list));
    rows.push(line(`all targets (${LATENCY_MS} ms)`, appAll));
    rows.push(line(`second half of the load only (${LATENCY_MS} ms)`, measured.late));
    rows.push(line("baseline: a request straight to the receiver", baseAll));
    console.log(
      keyValueTable("Setup", [
        ["database", `${PROVIDER} (fresh, migrated)`],
        ["load", `enrolReferrer in this process at ${RATE}/s for ${SECONDS} s (one "referrer joined" event each, 3 targets)`],
        ["targets", `Flow (fake Admin API over HTTP, Plus bucket), Klaviyo (fake over HTTP), webhook (node:http); each answers ${LATENCY_MS} ms late`],
        ["workers", `${WORKERS} worker process(es): app/jobs/worker-main.ts, WORKER_CONCURRENCY default`],
      ]),
    );
    console.log(table("Commit -> delivered (ms)", ["target", "deliveries", "p50", "p95", "p99", "max"], rows));
    const everyOne = (r: RunResult) => r.sent === r.events * 3 && r.failed === 0 && r.pending === 0;
    const flowSent = fake.flowTriggers(APP_SHOP).length;
    const klaviyoSent = klaviyoServer.klaviyo.events.filter((e) => e.profile.email?.startsWith("app-")).length;
    console.log(
      table("Summary", ["figure", "measured", "target / baseline", "verdict"], [
        ["events / deliveries recorded", `${measured.events} / ${measured.deliveries}`, `${measured.events} x 3 targets`, verdict(measured.deliveries === measured.events * 3)],
        ["sent / failed or skipped / still open", `${measured.sent} / ${measured.failed} / ${measured.pending}`, "all sent", verdict(everyOne(measured))],
        ["Flow triggers / Klaviyo events received (this shop)", `${flowSent} / ${klaviyoSent}`, `${measured.events} each (at least once)`, verdict(flowSent >= measured.events && klaviyoSent === measured.events)],
        ["deliveries/s offered / made", `${fmt(measured.offeredPerS, 1)} / ${fmt(measured.sentPerS, 1)}`, `>= 0.95 x ${fmt(measured.offeredPerS, 1)}`, verdict(measured.sentPerS >= measured.offeredPerS * 0.95)],
        ["p95 commit -> delivered, all targets", `${fmt(p(appAll, 95), 0)} ms`, `<= ${TARGET_P95_MS} ms; baseline ${fmt(p(baseAll, 95), 0)} ms`, verdict(p(appAll, 95) <= TARGET_P95_MS)],
      ]),
    );
    reportFigures([
      {
        bench: "events",
        figure: `p95 commit -> delivered, ${RATE} events/s to Flow + Klaviyo + webhook (targets ${LATENCY_MS} ms away), ${WORKERS} worker process(es), ${PROVIDER} (lower is better)`,
        value: p(appAll, 95),
        unit: "ms",
        baseline: "a request straight to the webhook receiver",
        baselineValue: p(baseAll, 95),
        ratio: p(appAll, 95) / p(baseAll, 95),
        target: `<= ${TARGET_P95_MS} ms, every delivery made`,
        met: p(appAll, 95) <= TARGET_P95_MS && everyOne(measured),
      },
      {
        bench: "events",
        figure: `deliveries/s made at ${RATE} events/s x 3 targets, ${PROVIDER}`,
        value: measured.sentPerS,
        unit: "deliveries/s",
        baseline: "deliveries/s offered",
        baselineValue: measured.offeredPerS,
        ratio: measured.sentPerS / measured.offeredPerS,
        target: ">= 0.95x offered",
        met: measured.sentPerS >= measured.offeredPerS * 0.95 && everyOne(measured),
      },
    ]);
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await receiver.close();
    await klaviyoServer.close();
    await adminApi.close();
    await app?.db.$disconnect();
    await database.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
