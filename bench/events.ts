// Event fan-out benchmark (issue 17): how long after a state change commits
// its event reaches Shopify Flow, Klaviyo and an outgoing webhook endpoint, and
// whether 50 events a second (150 deliveries a second) are kept up with.
//
// The state change is a real one: enrolReferrer (a referrer joins, the
// "referrer joined" event recorded in its transaction), paced at --rate a
// second for --seconds. The shop has every integration on: its Flow trigger in
// use (as Flow's lifecycle callback records it), Klaviyo connected (the key
// checked and stored encrypted), one webhook endpoint. The app's real worker
// and registry deliver (--workers workers, WORKER_CONCURRENCY slots each, the
// worker's maintenance on) through the app's real sinks to:
//   - the fake Shopify Admin API (flowTriggerReceive) through msw, every
//     request answered --latency ms late, on the Plus plan's bucket;
//   - the fake Klaviyo (Create Event) through msw, --latency ms late;
//   - a node:http receiver on loopback that verifies nothing and answers 200
//     after --latency ms (a private address: WEBHOOKS_ALLOW_PRIVATE=true).
// Latency of a delivery = its sentAt (the worker's clock when the target
// answered) minus the moment enrolReferrer returned (the change committed).
//
// The baseline, in the same run and the same process: the same load on a
// second shop whose only target is an in-process sink that waits --latency ms
// and answers (no network, no Admin client, no signing): the queue's own floor
// for a target that takes that long. Ratio = app p95 / baseline p95 (lower is
// better). The target (stated, never asserted): p95 <= 1 s at 50 events/s, and
// every delivery made.
//
//   npx tsx bench/events.ts [--db sqlite|postgresql] [--rate 50] [--seconds 20]
//       [--latency 100] [--workers 2] [--quick]
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { http as mswHttp, passthrough } from "msw";
import { setupServer } from "msw/node";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { FakeShopify } from "../fake-shopify/fake-shopify";
import { FakeKlaviyo } from "../fake-shopify/klaviyo";
import { seedInstalledShop } from "../fake-shopify/seed";
import { createTestDatabase, type Provider } from "../scripts/test-database";
import { BENCH_APP_ENV } from "./lib/app-env";
import { flag, option } from "./lib/cli";
import { reportFigures } from "./lib/figures";
import { LOOPBACK } from "./lib/processes";
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

// The app's configuration, as a deployment would give it (before any app module loads).
Object.assign(process.env, {
  NODE_ENV: "production",
  ...BENCH_APP_ENV,
  ENCRYPTION_KEY: randomBytes(32).toString("hex"),
  // The endpoint is this machine's loopback receiver.
  WEBHOOKS_ALLOW_PRIVATE: "true",
});

const watchdog = setTimeout(() => {
  console.error("events: watchdog fired (over 8 minutes); exiting");
  process.exit(1);
}, 8 * 60_000);
watchdog.unref();

const KLAVIYO_KEY = "pk_bench0123456789abcdef0123456789ab";
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function loadApp() {
  const { default: db } = await import("~/db.server");
  const { createWorker } = await import("~/jobs/worker.server");
  const { webhookHandlers, jobHandlers, maintenanceTasks } = await import("~/jobs/registry.server");
  const { adminForShop } = await import("~/shopify/admin-for-shop.server");
  const { saveProgram } = await import("~/referrals/programs.server");
  const { DEFAULT_PROGRAM_SETTINGS, programSettingsSchema } = await import("~/referrals/program-settings");
  const { enrolReferrer } = await import("~/referrals/referrers.server");
  const { connectKlaviyo } = await import("~/integrations/klaviyo/connection.server");
  const { addEndpoint } = await import("~/integrations/webhooks/endpoints.server");
  const { defaultNetwork } = await import("~/integrations/webhooks/network.server");
  const { recordTriggerUse } = await import("~/integrations/flow/trigger-use.server");
  const { FLOW_TRIGGERS } = await import("~/integrations/flow/triggers");
  const { registerEventSink } = await import("~/events/sinks.server");
  return { db, createWorker, webhookHandlers, jobHandlers, maintenanceTasks, adminForShop, saveProgram, DEFAULT_PROGRAM_SETTINGS, programSettingsSchema, enrolReferrer, connectKlaviyo, addEndpoint, defaultNetwork, recordTriggerUse, FLOW_TRIGGERS, registerEventSink };
}
type App = Awaited<ReturnType<typeof loadApp>>;

/** A webhook receiver on loopback: answers 200 after the latency, counts what it got. */
async function startReceiver() {
  let received = 0;
  const server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      received++;
      setTimeout(() => response.writeHead(200).end("ok"), LATENCY_MS);
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
  offeredPerS: number;
  sentPerS: number;
  lastSentS: number;
}

/** Enrols --rate referrers a second on `shop` for --seconds, then waits until every delivery is final. */
async function load(app: App, shop: string, label: string): Promise<RunResult> {
  const { db, enrolReferrer } = app;
  const committed = new Map<string, number>();
  const started = Date.now();
  const total = Math.round(RATE * SECONDS);
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    pending.push(
      (async () => {
        const { referrer } = await enrolReferrer(db, {
          shop,
          customerId: `gid://shopify/Customer/${label === "app" ? 9_000_000 + i : 8_000_000 + i}`,
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
  const rows = await db.eventDelivery.findMany({ where: { shop }, select: { target: true, status: true, sentAt: true, event: { select: { referrerId: true } } } });
  const latencies = new Map<string, number[]>();
  let lastSent = started;
  for (const row of rows) {
    if (row.status !== "SENT" || !row.sentAt) continue;
    const at = committed.get(row.event.referrerId ?? "");
    if (at === undefined) continue;
    const kind = row.target.split(":")[0];
    const list = latencies.get(kind) ?? [];
    list.push(row.sentAt.getTime() - at);
    latencies.set(kind, list);
    lastSent = Math.max(lastSent, row.sentAt.getTime());
  }
  for (const list of latencies.values()) list.sort((a, b) => a - b);
  const sent = rows.filter((r) => r.status === "SENT").length;
  return {
    events: committed.size,
    deliveries: rows.length,
    sent,
    failed: rows.filter((r) => r.status === "FAILED" || r.status === "SKIPPED").length,
    pending: rows.filter((r) => r.status === "QUEUED" || r.status === "SENDING").length,
    latencies,
    offeredPerS: rows.length / SECONDS,
    sentPerS: sent / ((lastSent - started) / 1000),
    lastSentS: (lastSent - started) / 1000,
  };
}

const all = (r: RunResult) => [...r.latencies.values()].flat().sort((a, b) => a - b);

async function main() {
  console.log("# Event fan-out benchmark");
  console.log(keyValueTable("Machine", machineInfo()));
  const database = await createTestDatabase(PROVIDER);
  process.env.DATABASE_URL = database.url;
  const fake = new FakeShopify({ bucket: { maximumAvailable: 10_000, restoreRate: 1000 } });
  fake.faults.randomly({ rate: 1, faults: [{ kind: "latency", ms: LATENCY_MS }], seed: 1 });
  const klaviyo = new FakeKlaviyo();
  klaviyo.keys.add(KLAVIYO_KEY);
  klaviyo.latencyMs = LATENCY_MS;
  const receiver = await startReceiver();
  const server = setupServer(
    mswHttp.post(/^https:\/\/[^/]+\/admin\/api\/[^/]+\/graphql\.json$/, ({ request }) => fake.handle(request)),
    ...klaviyo.handlers(),
    mswHttp.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()),
  );
  server.listen({ onUnhandledRequest: "error" });
  // @shopify/shopify-api captured fetch on import, before msw patched it.
  setAbstractFetchFunc((input, init) => globalThis.fetch(input, init));

  let app: App | undefined;
  const workers: { stop(): Promise<void> }[] = [];
  try {
    app = await loadApp();
    const { db, createWorker, webhookHandlers, jobHandlers, maintenanceTasks, adminForShop, saveProgram, DEFAULT_PROGRAM_SETTINGS, programSettingsSchema } = app;
    const APP_SHOP = "bench-events.myshopify.com";
    const BASE_SHOP = "bench-events-baseline.myshopify.com";
    for (const shop of [APP_SHOP, BASE_SHOP]) {
      await seedInstalledShop(db, shop, { accessToken: "shpat_bench", scope: "write_discounts" });
      await saveProgram({ db, admin: await adminForShop(shop), shop, settings: programSettingsSchema.parse({ ...DEFAULT_PROGRAM_SETTINGS }), cause: "bench" });
    }
    // Every integration on for the measured shop.
    const now = new Date();
    for (const trigger of Object.values(app.FLOW_TRIGGERS)) await app.recordTriggerUse(db, { shop: APP_SHOP, handle: trigger.handle, active: true, changedAt: now });
    const connected = await app.connectKlaviyo(db, { shop: APP_SHOP, apiKey: KLAVIYO_KEY, cause: "bench" });
    if (!connected.ok) throw new Error(`Klaviyo refused: ${connected.message}`);
    const endpoint = await app.addEndpoint(db, { shop: APP_SHOP, url: receiver.url, events: ["referrer.joined"], cause: "bench", network: app.defaultNetwork() });
    if (!endpoint.ok) throw new Error(`endpoint refused: ${JSON.stringify(endpoint.errors)}`);
    // The baseline shop's one target: an in-process wait of the same latency.
    app.registerEventSink({
      name: "bench-floor",
      targets: async (_tx, shop) => (shop === BASE_SHOP ? ["bench-floor"] : []),
      deliver: async () => {
        await sleep(LATENCY_MS);
        return { outcome: "sent", status: 200 };
      },
      retry: { maxAttempts: 20 },
    });

    const logger = { info: () => {}, warn: () => {} };
    for (let i = 0; i < WORKERS; i++) {
      const worker = createWorker({ db, webhookHandlers, jobHandlers, maintenance: maintenanceTasks, logger, workerId: `bench-${i}`, admin: adminForShop });
      worker.start();
      workers.push(worker);
    }
    // Baseline first, then the app, then the baseline again: the mean of the two is the floor.
    const base1 = await load(app, BASE_SHOP, "base1");
    const measured = await load(app, APP_SHOP, "app");
    await db.eventDelivery.deleteMany({ where: { shop: BASE_SHOP } });
    const base2 = await load(app, BASE_SHOP, "base2");

    const p = (list: number[], q: number) => percentile(list, q);
    const rows = [...measured.latencies].map(([kind, list]) => [kind, list.length, fmt(p(list, 50), 0), fmt(p(list, 95), 0), fmt(p(list, 99), 0), fmt(list[list.length - 1] ?? NaN, 0)]);
    const appAll = all(measured);
    const baseAll = [...all(base1), ...all(base2)].sort((a, b) => a - b);
    rows.push(["all targets", appAll.length, fmt(p(appAll, 50), 0), fmt(p(appAll, 95), 0), fmt(p(appAll, 99), 0), fmt(appAll[appAll.length - 1] ?? NaN, 0)]);
    rows.push([`baseline: in-process ${LATENCY_MS} ms wait`, baseAll.length, fmt(p(baseAll, 50), 0), fmt(p(baseAll, 95), 0), fmt(p(baseAll, 99), 0), fmt(baseAll[baseAll.length - 1] ?? NaN, 0)]);
    console.log(
      keyValueTable("Setup", [
        ["database", `${PROVIDER} (fresh, migrated)`],
        ["load", `enrolReferrer at ${RATE}/s for ${SECONDS} s (one "referrer joined" event each)`],
        ["targets", `Flow (fake Admin API, Plus bucket), Klaviyo (fake, msw), webhook (node:http on loopback); each answers ${LATENCY_MS} ms late`],
        ["workers", `${WORKERS} x createWorker in this process (real registry and maintenance, WORKER_CONCURRENCY default)`],
      ]),
    );
    console.log(table("Commit -> delivered (ms)", ["target", "deliveries", "p50", "p95", "p99", "max"], rows));
    const everyOne = measured.sent === measured.events * 3 && measured.failed === 0 && measured.pending === 0;
    console.log(
      table("Summary", ["figure", "measured", "target / baseline", "verdict"], [
        ["events / deliveries recorded", `${measured.events} / ${measured.deliveries}`, `${measured.events} x 3 targets`, verdict(measured.deliveries === measured.events * 3)],
        ["sent / failed or skipped / still open", `${measured.sent} / ${measured.failed} / ${measured.pending}`, "all sent", verdict(everyOne)],
        ["Klaviyo events / webhook requests / Flow triggers received", `${klaviyo.events.length} / ${receiver.received()} / ${fake.flowTriggers(APP_SHOP).length}`, `${measured.events} each`, ""],
        ["deliveries/s offered / made", `${fmt(measured.offeredPerS, 1)} / ${fmt(measured.sentPerS, 1)}`, `>= ${fmt(measured.offeredPerS, 1)}`, verdict(measured.sentPerS >= measured.offeredPerS * 0.95)],
        ["p95 commit -> delivered, all targets", `${fmt(p(appAll, 95), 0)} ms`, `<= ${TARGET_P95_MS} ms; baseline ${fmt(p(baseAll, 95), 0)} ms`, verdict(p(appAll, 95) <= TARGET_P95_MS)],
      ]),
    );
    reportFigures([
      {
        bench: "events",
        figure: `p95 commit -> delivered, ${RATE} events/s to Flow + Klaviyo + webhook (fakes at ${LATENCY_MS} ms), ${PROVIDER} (lower is better)`,
        value: p(appAll, 95),
        unit: "ms",
        baseline: `same queue, in-process ${LATENCY_MS} ms target`,
        baselineValue: p(baseAll, 95),
        ratio: p(appAll, 95) / p(baseAll, 95),
        target: `<= ${TARGET_P95_MS} ms, every delivery made`,
        met: p(appAll, 95) <= TARGET_P95_MS && everyOne,
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
        met: measured.sentPerS >= measured.offeredPerS * 0.95 && everyOne,
      },
    ]);
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    server.close();
    await receiver.close();
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
