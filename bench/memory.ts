// Memory benchmark: the real app server (server.ts, production build,
// RUN_WORKER=false, a fresh migrated database with a program and a referrer),
// started as bench/webhook-ingest.ts starts it, measured:
//   idle     a few seconds after start-up, nothing but the readiness probe: the baseline;
//   warm-up  a third of SECONDS of the same load (modules loaded on first use, JIT);
//   load 1   SECONDS of mixed load at fixed rates (open loop): signed orders/paid
//            webhooks, and app proxy requests as Shopify signs them (a referrer's
//            GET /apps/referrals/data and a shopper's POST /apps/referrals/click);
//   load 2   the same again: what a leak would show, as growth over load 1.
// Per phase: the RSS high-water mark (VmHWM in /proc/<pid>/status, reset
// between phases through /proc/<pid>/clear_refs), the peak heap used, and the
// heap left after a full GC at the end of the phase (bench/lib/memory-probe.mjs,
// preloaded into the server). Printed beside their targets, never asserted.
//
//   npx tsx bench/memory.ts [--db sqlite|postgresql] [--seconds 30]
//       [--webhook-rate 100] [--proxy-rate 50] [--no-build]
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { PROJECT_ROOT } from "~/db-url";
import { createTestDatabase, type Provider } from "../scripts/test-database";
import { signWebhookBody } from "../fake-shopify/sign";
import { BENCH_APP_ENV, BENCH_SECRET } from "./lib/app-env";
import { flag, option } from "./lib/cli";
import { reportFigures } from "./lib/figures";
import { ensureBuild, freePort, LOOPBACK, startTsx, waitForHttp, type Child } from "./lib/processes";
import { fmt, keyValueTable, machineInfo, percentile, table, verdict } from "./lib/report";
import { friendOrderPaidBody, orderPaidHeaders } from "./lib/webhooks";

const PROVIDER = option("db", "sqlite") as Provider;
const SECONDS = Number(option("seconds", "30"));
const WEBHOOK_RATE = Number(option("webhook-rate", "100"));
const PROXY_RATE = Number(option("proxy-rate", "50"));
const IDLE_MS = 5_000;
const SECRET = BENCH_SECRET;
const SHOP = "bench-memory.myshopify.com";
const REFERRER_CUSTOMER_ID = 501;
// Targets (stated next to the figures, not asserted).
const TARGET_PEAK_RATIO = 2;
const TARGET_GROWTH_RATIO = 1.1;
const MB = 2 ** 20;

if (!["sqlite", "postgresql"].includes(PROVIDER) || !(SECONDS > 0) || !(WEBHOOK_RATE > 0) || !(PROXY_RATE > 0)) {
  console.error("usage: npx tsx bench/memory.ts [--db sqlite|postgresql] [--seconds 30] [--webhook-rate 100] [--proxy-rate 50] [--no-build]");
  process.exit(2);
}

// The app's configuration, for this process's own helpers (signing, seeding).
// NODE_ENV=test: quiet logging in this process; the server runs in production.
Object.assign(process.env, { ...BENCH_APP_ENV, NODE_ENV: "test" });

const children: Child[] = [];
const watchdog = setTimeout(() => {
  console.error("memory: watchdog fired; stopping");
  void Promise.all(children.map((c) => c.stop())).finally(() => process.exit(1));
}, (4 * SECONDS + 240) * 1000);
watchdog.unref();

// ---- the server's memory ----------------------------------------------------

interface ProbeFile {
  rss: number;
  heapUsed: number;
  peakHeapUsed: number;
  heapAfterGc: number | null;
  gcAt: number | null;
}

/** VmHWM and VmRSS of `pid`, in bytes. */
function procStatus(pid: number): { hwm: number; rss: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024;
  return { hwm: kb("VmHWM"), rss: kb("VmRSS") };
}

/** Starts a new peak: VmHWM back to the current RSS, the heap peak after a full GC. */
async function newPhase(pid: number, probeFile: string): Promise<ProbeFile> {
  fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
  return collectGarbage(pid, probeFile);
}

/** SIGUSR2: a full GC in the server; resolves with the probe's figures once it has written them. */
async function collectGarbage(pid: number, probeFile: string): Promise<ProbeFile> {
  const asked = Date.now();
  process.kill(pid, "SIGUSR2");
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const probe = readProbe(probeFile);
    if (probe?.gcAt && probe.gcAt >= asked) return probe;
  }
  throw new Error("the server's memory probe did not answer SIGUSR2 within 5 s");
}

function readProbe(file: string): ProbeFile | null {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as ProbeFile;
  } catch {
    return null; // not written yet, or caught mid-write
  }
}

// ---- load -------------------------------------------------------------------

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

interface Stream {
  name: string;
  sent: number;
  statuses: Record<string, number>;
  latencies: number[];
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function send(port: number, req: Sent): Promise<number | "error"> {
  return new Promise((resolve) => {
    const r = http.request(
      { agent, host: LOOPBACK, port, path: req.path, method: req.method, headers: { ...req.headers, ...(req.body ? { "Content-Length": String(req.body.length) } : {}) } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve("error"));
      },
    );
    r.setTimeout(10_000, () => r.destroy(new Error("timeout")));
    r.on("error", () => resolve("error"));
    r.end(req.body);
  });
}

/** `rate` requests a second for `ms`, on schedule whatever the answers; latency from each request's due time. */
async function openLoop(port: number, name: string, rate: number, ms: number, next: (i: number) => Sent): Promise<Stream> {
  const stream: Stream = { name, sent: 0, statuses: {}, latencies: [] };
  const total = Math.floor((rate * ms) / 1000);
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; ) {
    const now = performance.now();
    while (i < total && start + (i * 1000) / rate <= now) {
      const due = start + (i * 1000) / rate;
      stream.sent++;
      inFlight.push(
        send(port, next(i)).then((status) => {
          stream.statuses[status] = (stream.statuses[status] ?? 0) + 1;
          if (status !== "error") stream.latencies.push(performance.now() - due);
        }),
      );
      i++;
    }
    if (i < total) await new Promise((r) => setTimeout(r, Math.max(0, start + (i * 1000) / rate - performance.now())));
  }
  await Promise.all(inFlight);
  stream.latencies.sort((a, b) => a - b);
  return stream;
}

let webhookSeq = 0;
function webhook(): Sent {
  const body = friendOrderPaidBody(webhookSeq++);
  return { method: "POST", path: "/webhooks", body, headers: orderPaidHeaders(SHOP, signWebhookBody(body, SECRET)) };
}

async function main() {
  console.log("# Memory benchmark: the app server idle, then under sustained mixed load");
  console.log(keyValueTable("Machine", machineInfo()));
  const buildState = ensureBuild({ noBuild: flag("no-build") });

  const database = await createTestDatabase(PROVIDER);
  process.env.DATABASE_URL = database.url;
  const { seedProgram, seedReferrer } = await import("../fake-shopify/seed");
  const { proxyUrl } = await import("../devstore/app-proxy");
  const { default: db } = await import("~/db.server");
  // The door stores deliveries of installed shops only.
  await db.shop.create({ data: { shop: SHOP } });
  await seedProgram(db, SHOP, { currencyCode: "USD" });
  const referrer = await seedReferrer(db, SHOP, { customerId: `gid://shopify/Customer/${REFERRER_CUSTOMER_ID}` });
  await db.$disconnect();

  const proxy = (i: number): Sent => {
    // Half referrers looking at their stats, half shoppers arriving by a link (many IPs).
    const click = i % 2 === 1;
    const url = proxyUrl({ shop: SHOP, path: click ? "/click" : "/data", customerId: click ? null : REFERRER_CUSTOMER_ID, query: click ? {} : { locale: "en" } });
    return {
      method: click ? "POST" : "GET",
      path: `${url.pathname}${url.search}`,
      headers: { "X-Forwarded-For": `10.2.${(i >> 8) & 255}.${i & 255}`, ...(click ? { "Content-Type": "application/json" } : {}) },
      body: click ? Buffer.from(JSON.stringify({ code: referrer.code, channel: "whatsapp" })) : undefined,
    };
  };

  const port = await freePort();
  const probeFile = path.join(os.tmpdir(), `bench-memory-${process.pid}-${randomUUID().slice(0, 8)}.json`);
  const app = startTsx(
    "app server (server.ts, production)",
    "server.ts",
    [],
    {
      ...BENCH_APP_ENV,
      NODE_ENV: "production",
      DATABASE_URL: database.url,
      PORT: String(port),
      BENCH_MEMORY_FILE: probeFile,
    },
    ["--expose-gc", "--import", path.join(PROJECT_ROOT, "bench/lib/listen-on-loopback.mjs"), "--import", path.join(PROJECT_ROOT, "bench/lib/memory-probe.mjs")],
  );
  children.push(app);
  try {
    await waitForHttp(app, `http://${LOOPBACK}:${port}/webhooks`);
    const pid = app.process.pid!;
    console.log(
      keyValueTable("Setup", [
        ["database", `${PROVIDER} (fresh, migrated; a program and one referrer)`],
        ["app build", buildState],
        ["app server", `node --expose-gc --import tsx server.ts (pid ${pid}), NODE_ENV=production, RUN_WORKER=false, http://${LOOPBACK}:${port}`],
        ["load", `${WEBHOOK_RATE} signed orders/paid webhooks/s + ${PROXY_RATE} signed app proxy requests/s (GET /data, POST /click), ${SECONDS} s per phase, open loop`],
      ]),
    );

    // ---- idle baseline ----
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const idleStart = await newPhase(pid, probeFile);
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const idleProc = procStatus(pid);
    const idlePeakHeap = Math.max(idleStart.peakHeapUsed, readProbe(probeFile)?.peakHeapUsed ?? 0);
    const idleEnd = await collectGarbage(pid, probeFile);
    const phases = [{ name: "idle after start-up", hwm: idleProc.hwm, rssEnd: idleProc.rss, peakHeap: idlePeakHeap, heapAfterGc: idleEnd.heapAfterGc!, streams: [] as Stream[] }];

    // ---- warm-up, then two load phases ----
    for (const [name, seconds] of [["warm-up", SECONDS / 3], ["load 1", SECONDS], ["load 2", SECONDS]] as const) {
      console.log(`${name}: ${fmt(seconds, 0)} s...`);
      await newPhase(pid, probeFile);
      const streams = await Promise.all([
        openLoop(port, "webhooks", WEBHOOK_RATE, seconds * 1000, webhook),
        openLoop(port, "app proxy", PROXY_RATE, seconds * 1000, proxy),
      ]);
      const proc = procStatus(pid);
      const peakHeap = readProbe(probeFile)?.peakHeapUsed ?? NaN;
      const after = await collectGarbage(pid, probeFile);
      phases.push({ name, hwm: proc.hwm, rssEnd: proc.rss, peakHeap, heapAfterGc: after.heapAfterGc!, streams });
    }

    // ---- report ----
    const mb = (bytes: number) => fmt(bytes / MB, 1);
    console.log(
      table("Memory of the app server per phase (MiB)", ["phase", "peak RSS (VmHWM)", "RSS at end", "peak heap used", "heap after full GC"], phases.map((p) => [p.name, mb(p.hwm), mb(p.rssEnd), mb(p.peakHeap), mb(p.heapAfterGc)])),
    );
    const streams = phases.flatMap((p) => p.streams.map((s) => [p.name, s.name, s.sent, Object.entries(s.statuses).map(([k, v]) => `${k}:${v}`).join(" "), fmt(percentile(s.latencies, 50), 2), fmt(percentile(s.latencies, 99), 2)]));
    console.log(table("Load (latency from each request's due time)", ["phase", "stream", "sent", "statuses", "p50 ms", "p99 ms"], streams));

    const [idle, warmUp, load1, load2] = phases;
    const peakRss = Math.max(warmUp.hwm, load1.hwm, load2.hwm);
    const peakHeap = Math.max(warmUp.peakHeap, load1.peakHeap, load2.peakHeap);
    const rssGrowth = load2.hwm / load1.hwm;
    const heapGrowth = load2.heapAfterGc / load1.heapAfterGc;
    const failed = phases.flatMap((p) => p.streams).reduce((n, s) => n + Object.entries(s.statuses).filter(([k]) => k === "error" || Number(k) >= 500).reduce((m, [, v]) => m + v, 0), 0);
    console.log(
      table("Summary", ["figure", "measured", "target", "verdict"], [
        ["peak RSS under load / idle", `${mb(peakRss)} / ${mb(idle.hwm)} MiB = ${fmt(peakRss / idle.hwm, 2)}x`, `<= ${TARGET_PEAK_RATIO}x idle`, verdict(peakRss / idle.hwm <= TARGET_PEAK_RATIO)],
        ["peak heap used under load / idle", `${mb(peakHeap)} / ${mb(idle.peakHeap)} MiB = ${fmt(peakHeap / idle.peakHeap, 2)}x`, "(reference)", ""],
        ["peak RSS, load 2 / load 1", `${mb(load2.hwm)} / ${mb(load1.hwm)} MiB = ${fmt(rssGrowth, 3)}x`, `<= ${TARGET_GROWTH_RATIO}x (no leak)`, verdict(rssGrowth <= TARGET_GROWTH_RATIO)],
        ["heap after full GC, load 2 / load 1", `${mb(load2.heapAfterGc)} / ${mb(load1.heapAfterGc)} MiB = ${fmt(heapGrowth, 3)}x`, `<= ${TARGET_GROWTH_RATIO}x (no leak)`, verdict(heapGrowth <= TARGET_GROWTH_RATIO)],
        ["requests failed (5xx, errors, timeouts)", String(failed), "0", verdict(failed === 0)],
      ]),
    );
    reportFigures([
      {
        bench: "memory",
        figure: `peak RSS (VmHWM) under ${WEBHOOK_RATE} webhooks/s + ${PROXY_RATE} proxy req/s, ${PROVIDER}`,
        value: peakRss / MB,
        unit: "MiB",
        baseline: "same process idle after start-up",
        baselineValue: idle.hwm / MB,
        ratio: peakRss / idle.hwm,
        target: `<= ${TARGET_PEAK_RATIO}x idle, no failed request`,
        met: peakRss / idle.hwm <= TARGET_PEAK_RATIO && failed === 0,
      },
      {
        bench: "memory",
        figure: "peak heap used under load",
        value: peakHeap / MB,
        unit: "MiB",
        baseline: "same process idle after start-up",
        baselineValue: idle.peakHeap / MB,
        ratio: peakHeap / idle.peakHeap,
        target: `<= ${TARGET_PEAK_RATIO}x idle`,
        met: peakHeap / idle.peakHeap <= TARGET_PEAK_RATIO,
      },
      {
        bench: "memory",
        figure: "leak check: heap after full GC, load phase 2",
        value: load2.heapAfterGc / MB,
        unit: "MiB",
        baseline: "heap after full GC, load phase 1",
        baselineValue: load1.heapAfterGc / MB,
        ratio: heapGrowth,
        target: `<= ${TARGET_GROWTH_RATIO}x`,
        met: heapGrowth <= TARGET_GROWTH_RATIO,
      },
      {
        bench: "memory",
        figure: "leak check: peak RSS, load phase 2",
        value: load2.hwm / MB,
        unit: "MiB",
        baseline: "peak RSS, load phase 1",
        baselineValue: load1.hwm / MB,
        ratio: rssGrowth,
        target: `<= ${TARGET_GROWTH_RATIO}x`,
        met: rssGrowth <= TARGET_GROWTH_RATIO,
      },
    ]);
  } finally {
    agent.destroy();
    await Promise.all(children.map((c) => c.stop()));
    fs.rmSync(probeFile, { force: true });
    await database.drop();
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
