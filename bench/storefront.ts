// Storefront figures for issue 5, printed (never asserted):
//  1. gzipped sizes of the extension's assets, and of what the floating launcher
//     puts on a page before its click, against their budgets;
//  2. app proxy latency at a steady 100 requests/s for ~10 s, against a real
//     HTTP server that signs each request as Shopify does and runs the real
//     route modules on a fresh migrated database, next to a bare node http
//     server answering a constant at the same rate (the floor of this machine).
// Run: npx tsx bench/storefront.ts [--seconds 10] [--rate 100]   (BENCH_DATABASE=postgresql for PostgreSQL)
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Figure } from "./lib/figures";

const { values: args } = parseArgs({
  options: { seconds: { type: "string", default: "10" }, rate: { type: "string", default: "100" } },
});
const SECONDS = Number(args.seconds);
const RATE = Number(args.rate);

// "test" keeps the Shopify library at warning level: at info it logs every proxy request.
process.env.NODE_ENV = "test";
process.env.SHOPIFY_API_KEY ??= "bench-api-key";
process.env.SHOPIFY_API_SECRET ??= "bench-api-secret-0123456789abcdef";
process.env.SHOPIFY_APP_URL ??= "https://referrals.test";
process.env.RUN_WORKER = "false";

const { createTestDatabase } = await import("../scripts/test-database");
const { generatePrismaClients } = await import("../scripts/prisma-clients");
generatePrismaClients();
const provider = process.env.BENCH_DATABASE === "postgresql" ? "postgresql" : "sqlite";
const database = await createTestDatabase(provider);
process.env.DATABASE_URL = database.url;

const { ASSET_BUDGETS, LAUNCHER_BUDGET, gzippedSize, gzippedTextSize } = await import("~/storefront/asset-budgets");
const { EXTENSION_DIR, launcherPreClick } = await import("../devstore/liquid");
const { STOREFRONT_LOCALES } = await import("~/storefront/i18n");
const { seedProgram, seedReferrer } = await import("../fake-shopify/seed");
const { startStorefrontServer } = await import("../devstore/storefront");
const { default: db } = await import("~/db.server");
const { reportFigures } = await import("./lib/figures");

const figures: Figure[] = [];
// Stated next to the figures, not asserted: the app proxy answers well inside
// what a shopper notices, on this machine's loopback.
const TARGET_P95_MS = 50;

async function sizeTable() {
  console.log("\nAsset sizes (gzip)");
  console.log(["budget", "files", "gzip bytes", "limit", "headroom", "ok"].join("\t"));
  for (const budget of ASSET_BUDGETS) {
    const total = budget.files.reduce((sum, f) => sum + gzippedSize(path.join(EXTENSION_DIR, "assets", f)), 0);
    console.log([budget.name, budget.files.join("+"), total, budget.maxGzipBytes, budget.maxGzipBytes - total, total <= budget.maxGzipBytes ? "yes" : "NO"].join("\t"));
    figures.push({
      bench: "storefront",
      figure: `asset size (gzip): ${budget.name}`,
      value: total,
      unit: "bytes",
      baseline: "budget",
      baselineValue: budget.maxGzipBytes,
      ratio: total / budget.maxGzipBytes,
      target: "<= 1.0x budget",
      met: total <= budget.maxGzipBytes,
    });
  }
  // The launcher's markup, CSS and script before its click, in the heaviest language, for a logged-in customer.
  const sizes = await Promise.all(
    STOREFRONT_LOCALES.map(async (language) => gzippedTextSize(await launcherPreClick({ language, customer: { id: 1, first_name: "Ana" } }))),
  );
  const worst = Math.max(...sizes);
  const limit = LAUNCHER_BUDGET.maxGzipBytes;
  console.log([LAUNCHER_BUDGET.name, "referral-embed (launcher on)", worst, limit, limit - worst, worst <= limit ? "yes" : "NO"].join("\t"));
  figures.push({
    bench: "storefront",
    figure: `asset size (gzip): ${LAUNCHER_BUDGET.name}`,
    value: worst,
    unit: "bytes",
    baseline: "budget",
    baselineValue: limit,
    ratio: worst / limit,
    target: "<= 1.0x budget",
    met: worst <= limit,
  });
}

interface Run {
  latencies: number[];
  serverTimes: number[];
  statuses: Map<number, number>;
}

/** Open loop: request i is sent at start + i/RATE whatever earlier ones are doing, so slowness shows as latency. */
async function load(target: URL, request: (i: number) => { method: string; headers?: Record<string, string>; body?: string }): Promise<Run> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const total = Math.round(SECONDS * RATE);
  const run: Run = { latencies: [], serverTimes: [], statuses: new Map() };
  const start = performance.now() + 50;
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const spec = request(i);
    inflight.push(
      new Promise<void>((resolve, reject) => {
        const sent = performance.now();
        const req = http.request(target, { method: spec.method, headers: spec.headers, agent }, (res) => {
          res.resume();
          res.on("end", () => {
            run.latencies.push(performance.now() - sent);
            const timing = /dur=([\d.]+)/.exec(String(res.headers["server-timing"] ?? ""));
            if (timing) run.serverTimes.push(Number(timing[1]));
            run.statuses.set(res.statusCode ?? 0, (run.statuses.get(res.statusCode ?? 0) ?? 0) + 1);
            resolve();
          });
        });
        req.on("error", reject);
        req.end(spec.body);
      }),
    );
  }
  await Promise.all(inflight);
  agent.destroy();
  return run;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const shop = "bench-shop.myshopify.com";
await seedProgram(db, shop, { currencyCode: "EUR" });
const referrer = await seedReferrer(db, shop, { customerId: "gid://shopify/Customer/501" });
for (let i = 0; i < 20; i++) {
  const referral = await db.referral.create({
    data: { shop, referrerId: referrer.id, orderId: `gid://shopify/Order/${i}`, attributedBy: "LINK", subtotalAmount: 40, totalAmount: 40, currencyCode: "EUR", status: i % 4 ? "REWARDED" : "PENDING" },
  });
  await db.reward.create({
    data: { shop, referrerId: referrer.id, referralId: referral.id, kind: "CODE", valueType: "FIXED_AMOUNT", value: 5, currencyCode: "EUR", code: `REWARD-${i}`, status: "ISSUED" },
  });
}

const storefront = await startStorefrontServer(shop);
const baseline = http.createServer((_req, res) => {
  res.writeHead(200, { "Content-Type": "application/json" });
  res.end('{"ok":true}');
});
await new Promise<void>((r) => baseline.listen(0, "127.0.0.1", r));
const baselineUrl = new URL(`http://127.0.0.1:${(baseline.address() as AddressInfo).port}/`);

// Warm up, one request at a time: module loading, Prisma's query compiler and
// V8's JIT take a few hundred requests to settle, and are not what is measured.
async function warmUp(url: string, init: RequestInit = {}, n = 400) {
  for (let i = 0; i < n; i++) await (await fetch(url, init)).arrayBuffer();
}
storefront.state.customerId = 501;
await warmUp(`${storefront.origin}/apps/referrals/data?locale=fr`);
storefront.state.customerId = null;
await warmUp(`${storefront.origin}/apps/referrals/click`, {
  method: "POST",
  headers: { "Content-Type": "application/json", "X-Forwarded-For": "10.9.9.9" },
  body: JSON.stringify({ code: "FRIEND-ZZZZZZZZ", channel: "warm" }),
}, 60);
await db.rateLimit.deleteMany();

await sizeTable();
const scenarios: Array<[string, () => Promise<Run>]> = [
  ["bare node http (constant)", () => load(baselineUrl, () => ({ method: "GET" }))],
  ["GET /apps/referrals/data (referrer, stats)", () => {
    storefront.state.customerId = 501;
    return load(new URL(`${storefront.origin}/apps/referrals/data?locale=fr&origin=https%3A%2F%2Fshop.example`), () => ({ method: "GET" }));
  }],
  ["POST /apps/referrals/click (rate-limited)", () => {
    storefront.state.customerId = null;
    return load(new URL(`${storefront.origin}/apps/referrals/click`), (i) => ({
      method: "POST",
      // Many shoppers: the per-IP window must not be what is measured.
      headers: { "Content-Type": "application/json", "X-Forwarded-For": `10.1.${(i >> 8) & 255}.${i & 255}` },
      body: JSON.stringify({ code: referrer.code, channel: "whatsapp" }),
    }));
  }],
];

console.log(`\nLatency at ${RATE} requests/s for ${SECONDS} s, ${provider}, Node ${process.version} (ms; "server" is the route's own time)`);
console.log(["scenario", "n", "statuses", "p50", "p95", "p99", "max", "server p50", "server p95", "p95 / baseline"].join("\t"));
let baselineP95 = NaN;
for (const [name, run] of scenarios) {
  const result = await run();
  const p95 = percentile(result.latencies, 95);
  if (Number.isNaN(baselineP95)) baselineP95 = p95;
  else {
    const answered = [...result.statuses].every(([status]) => status < 500);
    figures.push({
      bench: "storefront",
      figure: `app proxy p95 at ${RATE} req/s: ${name}, ${provider}`,
      value: p95,
      unit: "ms",
      baseline: "bare node:http p95",
      baselineValue: baselineP95,
      ratio: p95 / baselineP95,
      target: `p95 < ${TARGET_P95_MS} ms, no 5xx`,
      met: p95 < TARGET_P95_MS && answered,
    });
  }
  const f = (n: number) => (Number.isNaN(n) ? "-" : n.toFixed(2));
  console.log(
    [
      name,
      result.latencies.length,
      [...result.statuses].map(([s, n]) => `${s}x${n}`).join(","),
      f(percentile(result.latencies, 50)),
      f(p95),
      f(percentile(result.latencies, 99)),
      f(Math.max(...result.latencies)),
      f(percentile(result.serverTimes, 50)),
      f(percentile(result.serverTimes, 95)),
      f(p95 / baselineP95),
    ].join("\t"),
  );
}

// One request at a time: the route's cost without queueing, and the rate one process can sustain.
console.log("\nOne request at a time (closed loop, 300 requests)");
console.log(["scenario", "p50", "p95", "p99", "max requests/s"].join("\t"));
for (const [name, url, init] of [
  ["GET /apps/referrals/data", `${storefront.origin}/apps/referrals/data?locale=fr`, {}],
  ["bare node http", baselineUrl.toString(), {}],
] as const) {
  storefront.state.customerId = 501;
  const times: number[] = [];
  const began = performance.now();
  for (let i = 0; i < 300; i++) {
    const t = performance.now();
    await (await fetch(url, init)).arrayBuffer();
    times.push(performance.now() - t);
  }
  const rate = 300 / ((performance.now() - began) / 1000);
  console.log([name, percentile(times, 50).toFixed(2), percentile(times, 95).toFixed(2), percentile(times, 99).toFixed(2), rate.toFixed(0)].join("\t"));
}
const [load1] = (await import("node:os")).loadavg();
console.log(`\nMachine: ${(await import("node:os")).cpus().length} CPUs, load average ${load1.toFixed(2)} during the run (other processes share these cores).`);

reportFigures(figures);

await storefront.close();
await new Promise<void>((r) => baseline.close(() => r()));
await db.$disconnect();
await database.drop();
