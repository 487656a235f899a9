// Fault-injection soak: "nothing lost, nothing paid twice" under duplicated,
// reordered webhook deliveries, a failing Admin API and workers killed mid-job.
//
//   npm run soak                      20,000 deliveries on PostgreSQL (a fresh database)
//   npm run soak:small                a few hundred deliveries (runs inside `npm test`)
//   npm run soak -- --processes 3     the same with three app processes behind nginx, killed too
//   npx tsx soak/soak.ts --db sqlite --deliveries 5000 --seed 7 ...   (see OPTIONS below)
//
// What runs, all on 127.0.0.1:
// - this process: the fake Shopify over HTTP (fake-shopify/http-server.ts)
//   injecting 5xx, THROTTLED (random, and a small cost bucket), 2-second
//   timeouts and executed-then-dropped calls from a seeded plan; the app's REAL
//   webhook route module (app/routes/webhooks.tsx `action`) behind a minimal
//   node:http server (not the Remix build: nothing else of the app is on the
//   webhook path, and the soak must not depend on a stale build/); and the
//   traffic generator and the checker;
// - TWO worker processes (soak/worker.ts: the real createWorker + registry +
//   Admin client, SHOPIFY_ADMIN_API_ORIGIN -> the fake), SIGKILLed at random
//   moments and restarted;
// - with --processes N > 1: N webhook processes (soak/webhook-server.ts) behind
//   nginx (soak/load-balancer.ts, installed from Debian's packages when missing,
//   loopback only), the deliveries sent to nginx, and the webhook processes
//   SIGKILLed at random moments too (one at a time) and restarted on their port.
// Seed: shops with offline sessions, programs (hold 0 days; code and store
// credit rewards; with and without a minimum order), referrers whose codes are
// on the friend discount. Traffic: orders/paid for many friends (some
// self-referrals, small orders, link attributions, unreferred orders),
// refunds full and partial, cancellations; a share re-sent with the same
// webhook id; a share of refunds/cancellations delivered before their paid order.
// Then it waits (bounded) for the inbox and job queue to drain and checks the
// app's database against a model of the traffic and against the fake's ledger.
// Exit code: 0 all checks passed, 1 a check failed, 2 the soak could not run.
//
// main() is setUp (database, fake, environment) -> plan (seed the shops, plan
// the traffic) -> run (faults, workers and their killer, the deliveries, the
// drains) -> verify (the checks) -> report (the summary). Options are parsed by
// bench/lib/cli.ts and processes started by bench/lib/processes.ts.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { ADMIN_API_VERSION } from "~/shopify/api-version";
import { FakeShopify } from "../fake-shopify/fake-shopify";
import { seededRandom, type Fault } from "../fake-shopify/faults";
import { startFakeShopifyServer, shopState, type FakeShopifyServer } from "../fake-shopify/http-server";
import { createTestDatabase, type Provider, type TestDatabase } from "../scripts/test-database";
import { orderCancelledPayload, orderPaidPayload, refundCreatePayload, orderGid } from "../fake-shopify/payloads";
import { generatePrismaClients } from "../scripts/prisma-clients";
import { ensureAdminSchema } from "../scripts/fetch-admin-schema";
import { seedInstalledShop } from "../fake-shopify/seed";
import { webhookHeaders } from "../fake-shopify/sign";
import { parseOptions } from "../bench/lib/cli";
import { freePort, startTsx, type Child } from "../bench/lib/processes";
import { percentile } from "../bench/lib/report";

// ---- options ----------------------------------------------------------------

const OPTIONS = {
  db: "postgresql", // or sqlite
  deliveries: 20_000,
  duplicates: 0.3, // share of deliveries that re-send an earlier webhook id
  outOfOrder: 0.1, // share of deliveries that are a refund/cancellation sent before its paid order
  shops: 8,
  referrers: 40, // per shop
  seed: 20261101,
  concurrency: 8, // deliveries in flight
  "min-kills": 20,
  "max-kills": 40,
  "kill-min-ms": 5_000, // a restart costs a few seconds plus a lease: keep the workers
  "kill-max-ms": 15_000, // up most of the time
  late: 0.5, // share of the other refunds/cancellations held back until the paid orders' rewards are issued
  "fault-rate": 0.15, // share of Admin API calls that get a fault (below: which)
  bucket: 1_000, // the fake's cost bucket per shop (points; Shopify's smallest, and the largest query the app sends costs 543) ...
  restore: 1_000, // ... and its restore rate (points/s)
  "timeout-ms": 2_000, // an injected timeout holds the call this long, then drops it
  "lease-ms": 4_000,
  "poll-ms": 200,
  "max-attempts": 12,
  "drain-timeout-s": 7_200, // from the first delivery to the end of the last drain
  "watchdog-s": 9_000,
  keep: false, // keep the database and logs
  small: false,
  // App (webhook) processes. More than 1: behind nginx on loopback (soak/load-balancer.ts),
  // and they are SIGKILLed and restarted too, one at a time, as the workers are.
  processes: 1,
  "web-kill-min-ms": 4_000,
  "web-kill-max-ms": 12_000,
};
type Options = typeof OPTIONS;

// Inside `npm test` (tests/soak/small-soak.test.ts): every reward kind, both
// waves and a few kills. About a minute on an idle 2-core machine; the bounds
// leave room for a machine loaded several times over (the test allows 300 s).
const SMALL: Partial<Options> = {
  deliveries: 200,
  shops: 3,
  referrers: 6,
  "min-kills": 2,
  "max-kills": 4,
  "kill-min-ms": 2_000,
  "kill-max-ms": 5_000,
  "lease-ms": 2_000,
  "drain-timeout-s": 220,
  "watchdog-s": 270,
  concurrency: 4,
};

let opts: Options;
try {
  opts = parseOptions(OPTIONS, { small: SMALL });
  if (opts.db !== "postgresql" && opts.db !== "sqlite") throw new Error("--db must be postgresql or sqlite");
  if (!Number.isInteger(opts.processes) || opts.processes < 1 || opts.processes > 16) throw new Error("--processes must be 1 to 16");
} catch (error) {
  console.error(`soak: ${(error as Error).message}`);
  process.exit(2);
}


const SECRET = "soak-api-secret-0123456789abcdef";
const ACCESS_TOKEN = "shpat_soak";
const CURRENCY = "USD";
const random = seededRandom(opts.seed);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
const between = (lo: number, hi: number) => lo + random() * (hi - lo);
const log = (message: string) => console.log(`[soak ${((performance.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}`);
const started = performance.now();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---- everything this process starts, stopped whatever happens -----------------

const cleanups: (() => Promise<void> | void)[] = [];
let exiting = false;
async function finish(code: number): Promise<never> {
  if (!exiting) {
    exiting = true;
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error(`soak: cleanup failed: ${String(error)}`);
      }
    }
  }
  process.exit(code);
}
const watchdog = setTimeout(() => {
  console.error(`soak: WATCHDOG after ${opts["watchdog-s"]} s; stopping`);
  void finish(2);
}, opts["watchdog-s"] * 1000);
watchdog.unref();
process.on("SIGINT", () => void finish(130));
process.on("SIGTERM", () => void finish(143));

// ---- the traffic model ----------------------------------------------------------

type Kind = "code" | "link" | "self" | "small" | "none";
type Fate = "kept" | "cancel" | "full-refund" | "partial-refund" | "two-refunds";
type Expected = "REWARDED" | "REJECTED" | "REVERSED" | "NONE";

interface ShopPlan {
  shop: string;
  rewardKind: "CODE_PERCENTAGE" | "CODE_FIXED_AMOUNT" | "STORE_CREDIT";
  rewardValue: string;
  minimumCents: number | null;
  firstOrderOnly: boolean;
  referrers: { customerNumericId: string; customerId: string; email: string; code: string; referrerId: string }[];
  friendDiscountId: string;
}

interface OrderPlan {
  shop: ShopPlan;
  orderId: number;
  kind: Kind;
  fate: Fate;
  referrer: ShopPlan["referrers"][number];
  subtotalCents: number;
  refundsCents: number[];
  expected: Expected;
}

interface Delivery {
  event: number; // index into events
  pos: number;
  duplicate: boolean;
}

interface Event {
  order: OrderPlan;
  topic: "orders/paid" | "orders/cancelled" | "refunds/create";
  webhookId: string;
  body: Buffer;
  plannedEarly: boolean;
  /** Sent in the second wave, after the first wave's rewards were issued: the reward is taken back. */
  late?: boolean;
  firstAckAt?: number;
  firstSendAt?: number;
}

function expectedOutcome(o: Omit<OrderPlan, "expected">): Expected {
  if (o.kind === "none") return "NONE";
  const min = o.shop.minimumCents;
  if (o.kind === "self" || (min !== null && o.subtotalCents < min)) return "REJECTED";
  const refunded = o.refundsCents.reduce((a, b) => a + b, 0);
  if (o.fate === "cancel" || refunded >= o.subtotalCents) return "REVERSED";
  if (min !== null && o.subtotalCents - refunded < min) return "REVERSED";
  return "REWARDED";
}

const money = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;

let nextOrderId = 6_100_000_000_000 + Math.floor(random() * 1e9);
let nextRefundId = 8_100_000_000_000 + Math.floor(random() * 1e9);
let nextFriendId = 7_100_000_000_000 + Math.floor(random() * 1e9);

function planOrder(shop: ShopPlan): OrderPlan {
  const roll = random();
  const kind: Kind = roll < 0.04 ? "none" : roll < 0.09 ? "self" : roll < 0.14 ? "small" : roll < 0.18 ? "link" : "code";
  const f = random();
  const fate: Fate = f < 0.5 ? "kept" : f < 0.6 ? "cancel" : f < 0.75 ? "full-refund" : f < 0.9 ? "partial-refund" : "two-refunds";
  const subtotalCents = kind === "small" ? Math.round(between(500, 3000)) : Math.round(between(6000, 20000));
  const refundsCents =
    fate === "full-refund"
      ? [subtotalCents]
      : fate === "partial-refund"
        ? [Math.floor(subtotalCents * 0.1)]
        : fate === "two-refunds"
          ? [Math.floor(subtotalCents * 0.4), Math.floor(subtotalCents * 0.3)]
          : [];
  const base = { shop, orderId: ++nextOrderId, kind, fate, referrer: pick(shop.referrers), subtotalCents, refundsCents };
  return { ...base, expected: expectedOutcome(base) };
}

function orderOptions(o: OrderPlan) {
  const self = o.kind === "self";
  const friendId = ++nextFriendId;
  const code = random() < 0.3 ? o.referrer.code.toLowerCase() : o.referrer.code;
  return {
    orderId: o.orderId,
    name: `#S${o.orderId % 1_000_000}`,
    customerId: self ? o.referrer.customerNumericId : friendId,
    email: self ? o.referrer.email : `friend-${friendId}@example.com`,
    discountCodes: o.kind === "code" || o.kind === "self" || o.kind === "small" ? [code] : [],
    noteAttributes: o.kind === "link" ? [{ name: "_referral_code", value: o.referrer.code }] : [],
    subtotal: money(o.subtotalCents),
    total: money(o.subtotalCents),
    currency: CURRENCY,
    shippingAddress: { address1: `${o.orderId % 100_000} Soak Street` },
    createdAt: new Date().toISOString(),
  };
}

function eventsFor(o: OrderPlan): Omit<Event, "webhookId" | "plannedEarly">[] {
  const options = orderOptions(o);
  const json = (x: object) => Buffer.from(JSON.stringify(x));
  const events: Omit<Event, "webhookId" | "plannedEarly">[] = [{ order: o, topic: "orders/paid", body: json(orderPaidPayload(options)) }];
  if (o.fate === "cancel") events.push({ order: o, topic: "orders/cancelled", body: json(orderCancelledPayload(options)) });
  for (const cents of o.refundsCents) {
    const body = refundCreatePayload({ orderId: o.orderId, refundId: ++nextRefundId, amount: money(cents), currency: CURRENCY });
    events.push({ order: o, topic: "refunds/create", body: json(body) });
  }
  return events;
}

/** Orders, their events, and the delivery sequence (with duplicates and early reversals). */
function planTraffic(shops: ShopPlan[]) {
  const total = opts.deliveries;
  const duplicateCount = Math.round(total * opts.duplicates);
  const uniqueTarget = total - duplicateCount;
  const orders: OrderPlan[] = [];
  const events: Event[] = [];
  const firstEventOf = new Map<OrderPlan, number>();
  const positions: number[] = [];
  while (events.length < uniqueTarget) {
    const order = planOrder(pick(shops));
    orders.push(order);
    const k = orders.length;
    for (const [i, e] of eventsFor(order).entries()) {
      if (events.length >= uniqueTarget) break; // the last order may lose its tail: that is fine, the model below follows
      if (i === 0) firstEventOf.set(order, events.length);
      events.push({ ...e, webhookId: randomUUID(), plannedEarly: false });
      positions.push(i === 0 ? k : k + between(1, 40));
    }
  }
  // The model must describe what is really sent: re-derive each order's refunds/fate from its events.
  const eventsOf = new Map<OrderPlan, Event[]>();
  for (const e of events) eventsOf.set(e.order, [...(eventsOf.get(e.order) ?? []), e]);
  for (const order of orders) {
    const sent = eventsOf.get(order) ?? [];
    const refunds = sent.filter((e) => e.topic === "refunds/create").length;
    const cancelled = sent.some((e) => e.topic === "orders/cancelled");
    if (refunds < order.refundsCents.length || (order.fate === "cancel" && !cancelled)) {
      order.refundsCents = order.refundsCents.slice(0, refunds);
      if (!cancelled && order.fate === "cancel") order.fate = "kept";
      order.expected = expectedOutcome(order);
    }
  }
  // Early reversals: a refund or cancellation sent well before its paid order
  // (further back than the deliveries in flight, so it is stored first).
  const reversals = events.map((e, i) => ({ e, i })).filter(({ e }) => e.topic !== "orders/paid");
  const earlyCount = Math.min(reversals.length, Math.round(total * opts.outOfOrder));
  for (let n = 0; n < earlyCount; n++) {
    const j = n + Math.floor(random() * (reversals.length - n));
    [reversals[n], reversals[j]] = [reversals[j], reversals[n]];
    const { e, i } = reversals[n];
    e.plannedEarly = true;
    positions[i] = positions[firstEventOf.get(e.order)!] - between(opts.concurrency + 4, opts.concurrency + 60);
  }
  // Late reversals: held back to a second wave, so they reach rewards already issued.
  const SECOND_WAVE = 1e12;
  for (const { e, i } of reversals.slice(earlyCount)) {
    if (random() >= opts.late) continue;
    e.late = true;
    positions[i] += SECOND_WAVE;
  }
  const deliveries: Delivery[] = events.map((_, i) => ({ event: i, pos: positions[i], duplicate: false }));
  for (let n = 0; n < duplicateCount; n++) {
    const i = Math.floor(random() * events.length);
    deliveries.push({ event: i, pos: positions[i] + between(0.5, 60), duplicate: true });
  }
  deliveries.sort((a, b) => a.pos - b.pos);
  const waves = [deliveries.filter((d) => d.pos < SECOND_WAVE), deliveries.filter((d) => d.pos >= SECOND_WAVE)];
  return { orders, events, deliveries, waves, duplicateCount, earlyCount, lateCount: events.filter((e) => e.late).length };
}

// ---- processes (bench/lib/processes.ts: `node --import tsx`, stopped by their own pid) --------

interface WorkerSlot {
  name: string;
  child: Child | null;
  exited: Promise<void> | null;
  /** Resolves when the worker logged "started" (its modules loaded, its loop running). */
  ready: Promise<void> | null;
  starts: number;
  startupMs: number[];
}

const running = (child: Child | null): child is Child => !!child && child.process.exitCode === null && child.process.signalCode === null;

/**
 * Two worker processes, each restarted into its slot after a kill. `deadEvents`:
 * rows the workers gave up on. A recurring job that went DEAD is re-armed for its
 * next period by the schedule, so the table alone would hide it: the workers'
 * own "failed (dead)" lines are the record.
 */
function workerPool(env: Record<string, string>, logDir: string) {
  const slots: WorkerSlot[] = [0, 1].map((n) => ({ name: `worker-${n + 1}`, child: null, exited: null, ready: null, starts: 0, startupMs: [] }));
  const deadEvents: string[] = [];
  function spawnWorker(slot: WorkerSlot) {
    const out = fs.createWriteStream(path.join(logDir, `${slot.name}.log`), { flags: "a" });
    // `node --import tsx` (not the tsx CLI, which runs the script in a child of its own):
    // SIGKILL must hit the process that does the work.
    const spawnedAt = performance.now();
    const child = startTsx(slot.name, "soak/worker.ts", [], { ...env, SOAK_WORKER_NAME: slot.name });
    let pending = "";
    child.process.stderr!.on("data", (chunk: Buffer) => {
      out.write(chunk);
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) if (line.includes("failed (dead)")) deadEvents.push(line.trim());
    });
    slot.child = child;
    slot.starts++;
    slot.exited = new Promise((resolve) => child.process.once("exit", () => resolve()));
    slot.ready = new Promise((resolve) => {
      let seen = "";
      let started = false;
      child.process.stdout!.on("data", (chunk: Buffer) => {
        out.write(chunk);
        if (started) return;
        seen += chunk.toString();
        if (seen.includes("] started")) {
          started = true;
          slot.startupMs.push(performance.now() - spawnedAt);
          resolve();
        }
      });
      void slot.exited!.then(() => resolve());
    });
    void slot.exited.then(() => out.end());
  }
  for (const slot of slots) spawnWorker(slot);
  return {
    slots,
    deadEvents,
    /** Starts a worker in the slot (again, after a kill). */
    spawn: spawnWorker,
    stop: (signal: NodeJS.Signals, graceMs = 10_000) => Promise.all(slots.map((s) => s.child?.stop(signal, graceMs))).then(() => {}),
  };
}

// ---- the webhook route's process ---------------------------------------------------

interface WebProcess {
  port: number;
  child: Child;
  exited: Promise<void>;
  stop(): Promise<void>;
}

async function startWebhookProcess(env: Record<string, string>, logDir: string, name = "webhooks", port = 0): Promise<WebProcess> {
  const out = fs.createWriteStream(path.join(logDir, `${name}.log`), { flags: "a" });
  const child = startTsx(`the webhook server ${name}`, "soak/webhook-server.ts", [], { ...env, SOAK_WEB_PORT: String(port) });
  child.process.stderr!.on("data", (chunk: Buffer) => out.write(chunk));
  const exited = new Promise<void>((resolve) => child.process.once("exit", () => resolve()));
  void exited.then(() => out.end());
  const listening = await new Promise<number>((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error("the webhook server did not start within 60 s")), 60_000);
    child.process.stdout!.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const m = /LISTENING (\d+)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    void exited.then(() => reject(new Error(`the webhook server exited: ${text}`)));
  });
  return { port: listening, child, exited, stop: () => child.stop() };
}

/**
 * The app's web side: one webhook process, or `count` of them behind nginx.
 * `kill()` SIGKILLs one at random and starts it again on its port (nginx
 * sends its deliveries to the others meanwhile); `port` is where deliveries go.
 */
async function startWebSide(env: Record<string, string>, logDir: string, count: number) {
  if (count === 1) {
    const single = await startWebhookProcess(env, logDir);
    return { port: single.port, kills: () => 0, kill: async () => {}, stop: () => single.stop() };
  }
  const { ensureNginx, startLoadBalancer } = await import("./load-balancer");
  const nginx = ensureNginx(log);
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const procs = await Promise.all(ports.map((port, n) => startWebhookProcess(env, logDir, `web-${n + 1}`, port)));
  const balancer = await startLoadBalancer(nginx, path.join(logDir, "nginx"), await freePort(), ports);
  log(`${count} webhook processes on ports ${ports.join(", ")} behind nginx (${nginx}) on ${balancer.port}`);
  let kills = 0;
  return {
    port: balancer.port,
    kills: () => kills,
    async kill() {
      const n = Math.floor(random() * procs.length);
      const victim = procs[n];
      if (victim.child.process.exitCode !== null || victim.child.process.signalCode !== null) return;
      victim.child.process.kill("SIGKILL");
      await victim.exited;
      kills++;
      await sleep(between(50, 800));
      procs[n] = await startWebhookProcess(env, logDir, `web-${n + 1}`, ports[n]);
    },
    async stop() {
      await balancer.stop();
      await Promise.all(procs.map((p) => p.stop()));
    },
  };
}

function post(agent: http.Agent, port: number, headers: Record<string, string>, body: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: "127.0.0.1", port, path: "/webhooks", method: "POST", agent, headers: { ...headers, "content-length": String(body.length) }, timeout: 15_000 },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve(0));
    req.end(body);
  });
}

// ---- the faults the fake injects ------------------------------------------------------

const faultPlan: Fault[] = [
  // ~2/3 of faulted calls are 5xx: 10% of all calls at the default 15% rate.
  { kind: "http5xx", status: 503 },
  { kind: "http5xx", status: 500 },
  { kind: "http5xx", status: 502 },
  { kind: "http5xx", status: 503 },
  { kind: "http5xx", status: 500 },
  { kind: "http5xx", status: 504 },
  { kind: "http5xx", status: 503 },
  { kind: "http5xx", status: 500 },
  { kind: "http5xx", status: 502 },
  { kind: "http5xx", status: 503 },
  { kind: "throttled" },
  { kind: "throttled" },
  { kind: "timeout" },
  { kind: "timeout" },
  { kind: "executedThenDropped" },
];

// ---- the stack: a fresh database, the fake Shopify over HTTP, the app's environment --------

async function setUp() {
  const provider = opts.db as Provider;
  log(`options: ${JSON.stringify(opts)}`);
  generatePrismaClients();
  ensureAdminSchema();

  const database: TestDatabase = await createTestDatabase(provider);
  cleanups.push(async () => {
    if (opts.keep) log(`kept database ${database.url}`);
    else await database.drop();
  });
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "referral-soak-"));
  cleanups.push(() => {
    if (!opts.keep && process.exitCode !== 1 && !failed) fs.rmSync(logDir, { recursive: true, force: true });
  });

  // The fake Shopify, over HTTP.
  const fake = new FakeShopify({ bucket: { maximumAvailable: opts.bucket, restoreRate: opts.restore }, bulkAddPolls: 1, accessToken: ACCESS_TOKEN });
  const fakeServer: FakeShopifyServer = await startFakeShopifyServer(fake, { timeoutFaultMs: opts["timeout-ms"] });
  cleanups.push(() => fakeServer.close());

  Object.assign(process.env, {
    DATABASE_URL: database.url,
    SHOPIFY_API_KEY: "soak-api-key",
    SHOPIFY_API_SECRET: SECRET,
    SHOPIFY_APP_URL: "https://referrals.soak.invalid",
    SHOPIFY_ADMIN_API_ORIGIN: fakeServer.url,
    SHOPIFY_STAND_IN: "true",
    RUN_WORKER: "false",
  });
  // The worker and webhook processes get this process's environment, and:
  const workerEnv: Record<string, string> = {
    NODE_ENV: "production",
    SOAK_LEASE_MS: String(opts["lease-ms"]),
    SOAK_POLL_MS: String(opts["poll-ms"]),
    SOAK_MAX_ATTEMPTS: String(opts["max-attempts"]),
  };
  // The app's modules read the environment on import.
  const { default: db } = await import("~/db.server");
  cleanups.push(() => db.$disconnect());
  return { provider, db, fake, fakeServer, workerEnv, logDir };
}

type Stack = Awaited<ReturnType<typeof setUp>>;

// ---- plan: the shops, seeded through the app's own code, and the traffic ---------------------

async function plan({ db, fake, fakeServer }: Stack) {
  const { createAdminClient } = await import("~/shopify/admin-client.server");
  const { ThrottleTracker } = await import("~/shopify/throttle.server");
  const { saveProgram } = await import("~/referrals/programs.server");
  const { programSettingsSchema, DEFAULT_PROGRAM_SETTINGS } = await import("~/referrals/program-settings");
  const { enrolReferrer } = await import("~/referrals/referrers.server");
  const { syncReferrerCodes } = await import("~/referrals/code-sync.server");

  const seedAdmin = (shop: string) =>
    createAdminClient(
      (query, init) =>
        fetch(`${fakeServer.url}/shops/${shop}/admin/api/${ADMIN_API_VERSION}/graphql.json`, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": ACCESS_TOKEN },
          body: JSON.stringify({ query, variables: init?.variables }),
          signal: init?.signal,
        }),
      { shop, throttle: new ThrottleTracker() },
    );
  const kinds = ["CODE_PERCENTAGE", "STORE_CREDIT", "CODE_FIXED_AMOUNT"] as const;
  const shops: ShopPlan[] = [];
  for (let i = 0; i < opts.shops; i++) {
    const shop = `soak-${i}-${randomUUID().slice(0, 6)}.myshopify.com`;
    const rewardKind = kinds[i % kinds.length];
    const rewardValue = rewardKind === "CODE_PERCENTAGE" ? "10" : rewardKind === "STORE_CREDIT" ? "5.00" : "7.50";
    const minimumCents = i % 3 === 2 ? null : i % 3 === 0 ? 5000 : 4000;
    const firstOrderOnly = i % 2 === 0;
    await seedInstalledShop(db, shop, { accessToken: ACCESS_TOKEN, scope: "write_discounts,read_orders,write_store_credit_account_transactions,read_customers", currencyCode: CURRENCY });
    const admin = seedAdmin(shop);
    const program = await saveProgram({
      db,
      admin,
      shop,
      settings: programSettingsSchema.parse({
        ...DEFAULT_PROGRAM_SETTINGS,
        holdDays: 0,
        rewardKind,
        rewardValue,
        minimumOrderAmount: minimumCents === null ? null : money(minimumCents),
        firstOrderOnly,
        codePrefix: `SOAK${i}`,
        // The soak's friends all type their referrer's code without a link, which is
        // exactly what a leaked code looks like: held for review, never rewarded by
        // the workers. The soak checks durability, not fraud rules: the leak check
        // needs more orders than a referrer gets here.
        leakMinOrders: 1000,
      }),
      cause: "soak",
    });
    const referrers: ShopPlan["referrers"] = [];
    for (let r = 0; r < opts.referrers; r++) {
      const email = `referrer-${i}-${r}@example.com`;
      const customer = fake.seedCustomer(shop, { email, firstName: `Referrer${r}` });
      const { referrer } = await enrolReferrer(db, { shop, customerId: customer.id, email, firstName: `Referrer${r}`, source: "STOREFRONT", cause: "soak" });
      referrers.push({ customerNumericId: customer.id.split("/").pop()!, customerId: customer.id, email, code: referrer.code, referrerId: referrer.id });
    }
    await syncReferrerCodes({ db, admin, shop });
    // Codes can be re-drawn by the sync on a collision: read them back.
    for (const r of referrers) r.code = (await db.referrer.findFirstOrThrow({ where: { shop, id: r.referrerId } })).code;
    shops.push({ shop, rewardKind, rewardValue, minimumCents, firstOrderOnly, referrers, friendDiscountId: program.discountId! });
  }
  log(`seeded ${shops.length} shops x ${opts.referrers} referrers (${shops.map((s) => `${s.rewardKind}${s.minimumCents ? ` min ${money(s.minimumCents)}` : ""}`).join("; ")})`);

  const traffic = planTraffic(shops);
  log(`planned ${traffic.orders.length} orders, ${traffic.events.length} events, ${traffic.deliveries.length} deliveries (${traffic.duplicateCount} duplicates, ${traffic.earlyCount} early reversals, ${traffic.lateCount} late reversals in a second wave of ${traffic.waves[1].length} deliveries)`);
  return { shops, ...traffic };
}

type Plan = Awaited<ReturnType<typeof plan>>;

// ---- run: faults on, workers killed at random, the traffic in two waves, each drained ----------

async function run({ db, fake, workerEnv, logDir }: Stack, plan: Plan) {
  // Faults on from here: everything the workers do goes through them.
  fake.faults.randomly({ rate: opts["fault-rate"], faults: faultPlan, seed: opts.seed });
  const webhookServer = await startWebSide(workerEnv, logDir, opts.processes);
  cleanups.push(() => webhookServer.stop());

  // ---- workers and the killer ----------------------------------------------
  const workers = workerPool(workerEnv, logDir);
  cleanups.push(() => workers.stop("SIGKILL", 5_000));
  let kills = 0;
  let killing = true;
  let drained = false;
  // Each kill falls a random time after the victim started working (a restart
  // under load takes seconds: counting from the previous kill would leave the
  // workers dead most of the time), alternating at random between the two.
  const killer = (async () => {
    while (killing && kills < opts["max-kills"]) {
      const slot = pick(workers.slots);
      await slot.ready;
      await sleep(between(opts["kill-min-ms"], opts["kill-max-ms"]) / workers.slots.length);
      if (!killing) break;
      if (!running(slot.child)) continue;
      slot.child.process.kill("SIGKILL");
      await slot.exited;
      kills++;
      await sleep(between(50, 800));
      workers.spawn(slot);
    }
  })();

  // With several app processes, one of them is killed at random moments too (one at a time).
  const webKiller = (async () => {
    if (opts.processes === 1) return;
    while (killing) {
      await sleep(between(opts["web-kill-min-ms"], opts["web-kill-max-ms"]));
      if (!killing) break;
      await webhookServer.kill();
    }
  })();

  // ---- traffic, in two waves, each followed by a (bounded) drain ----------------
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  cleanups.push(() => agent.destroy());
  const outcomes: Record<string, number> = {};
  let sent = 0;
  let failedDeliveries = 0;
  async function sendWave(wave: Delivery[]) {
    let next = 0;
    const progress = setInterval(() => log(`traffic: ${sent}/${plan.deliveries.length} delivered, kills ${kills}`), 10_000);
    async function sender() {
      while (next < wave.length) {
        const d = wave[next++];
        const e = plan.events[d.event];
        const headers = webhookHeaders({ topic: e.topic, shop: e.order.shop.shop, body: e.body, secret: SECRET, webhookId: e.webhookId, eventId: e.webhookId });
        e.firstSendAt ??= performance.now();
        // Shopify retries a delivery that got no 2xx; so does this sender, a bounded number of times.
        let status = 0;
        for (let attempt = 0; attempt < 5 && status !== 200; attempt++) {
          if (attempt) await sleep(200 * attempt);
          status = await post(agent, webhookServer.port, headers, e.body);
          outcomes[status] = (outcomes[status] ?? 0) + 1;
        }
        if (status === 200) e.firstAckAt ??= performance.now();
        else failedDeliveries++;
        sent++;
      }
    }
    try {
      await Promise.all(Array.from({ length: opts.concurrency }, sender));
    } finally {
      clearInterval(progress);
    }
  }

  const DONE_STATES = ["DONE", "DEAD", "INVALID"];
  const outstanding = async () => {
    const now = new Date();
    const [webhooks, jobs, dueRecurring] = await Promise.all([
      db.webhookDelivery.count({ where: { status: { notIn: DONE_STATES } } }),
      db.job.count({ where: { status: { notIn: DONE_STATES }, key: { not: "recurring" } } }),
      // Recurring jobs wait for their next period; one that is due and not picked up is stuck.
      db.job.count({ where: { key: "recurring", OR: [{ status: "RUNNING" }, { status: "PENDING", availableAt: { lte: new Date(now.getTime() - 30_000) } }] } }),
    ]);
    return { webhooks, jobs: jobs + dueRecurring };
  };
  const drainDeadline = performance.now() + opts["drain-timeout-s"] * 1000;
  /** Waits until nothing is outstanding (3 polls in a row); the final drain first stops the killing once enough kills were done. */
  async function drain(final: boolean): Promise<boolean> {
    const start = performance.now();
    let lastLog = 0;
    let quietPolls = 0;
    while (performance.now() < drainDeadline) {
      const left = await outstanding();
      if (left.webhooks === 0 && left.jobs === 0) quietPolls++;
      else quietPolls = 0;
      const halfTime = performance.now() > (start + drainDeadline) / 2;
      if (final && kills >= opts["min-kills"] && (quietPolls > 0 || halfTime)) killing = false;
      if (quietPolls >= 3 && (!final || !killing)) return true;
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        log(`draining: ${left.webhooks} deliveries and ${left.jobs} jobs outstanding, kills ${kills}`);
      }
      await sleep(500);
    }
    return false;
  }

  const trafficStart = performance.now();
  let trafficMs = 0;
  let drainMs = 0;
  for (const [n, wave] of plan.waves.entries()) {
    const waveStart = performance.now();
    await sendWave(wave);
    trafficMs += performance.now() - waveStart;
    log(`wave ${n + 1}: ${wave.length} deliveries sent in ${((performance.now() - waveStart) / 1000).toFixed(1)} s`);
    const drainStart = performance.now();
    drained = await drain(n === plan.waves.length - 1);
    drainMs += performance.now() - drainStart;
    log(drained ? `wave ${n + 1} drained in ${((performance.now() - drainStart) / 1000).toFixed(1)} s` : `NOT drained by the deadline (${opts["drain-timeout-s"]} s after the traffic began)`);
    if (!drained) break;
  }
  killing = false;
  await killer;
  await webKiller;
  const totalMs = performance.now() - trafficStart;
  log(`traffic: ${sent} deliveries (${outcomes[200] ?? 0} answered 200; all answers: ${JSON.stringify(outcomes)})`);
  await workers.stop("SIGTERM");
  return { sent, failedDeliveries, kills, webKills: webhookServer.kills(), slots: workers.slots, deadEvents: workers.deadEvents, trafficMs, drainMs, totalMs };
}

type Run = Awaited<ReturnType<typeof run>>;

// ---- verify: the app's database against the model of the traffic and the fake's ledger ---------

interface Check {
  name: string;
  count: number;
  detail: string[];
}

async function verify({ db, fake }: Stack, plan: Plan, { failedDeliveries, deadEvents }: Run) {
  const { shops } = plan;
  const checks: Check[] = [];
  const check = (name: string, problems: string[], summary: string) => {
    checks.push({ name, count: problems.length, detail: problems });
    const status = problems.length ? "FAIL" : "ok  ";
    console.log(`CHECK ${status} ${name}: ${problems.length} violation(s); ${summary}`);
    for (const p of problems.slice(0, 15)) console.log(`        - ${p}`);
    if (problems.length > 15) console.log(`        ... and ${problems.length - 15} more`);
  };

  // Inbox: every delivery stored once, none lost, none stuck.
  const inbox = await db.webhookDelivery.groupBy({ by: ["status"], _count: { _all: true } });
  const inboxCount = inbox.reduce((n, g) => n + g._count._all, 0);
  const inboxProblems: string[] = [];
  if (inboxCount !== plan.events.length) inboxProblems.push(`${inboxCount} inbox rows for ${plan.events.length} distinct webhook ids`);
  if (failedDeliveries) inboxProblems.push(`${failedDeliveries} deliveries never got a 200 after 5 tries`);
  check("deliveries stored exactly once per webhook id", inboxProblems, `${plan.events.length} webhook ids, ${plan.deliveries.length} deliveries, inbox rows ${JSON.stringify(Object.fromEntries(inbox.map((g) => [g.status, g._count._all])))}`);

  const stuckWebhooks = await db.webhookDelivery.findMany({ where: { status: { in: ["PENDING", "RUNNING"] } }, take: 50 });
  const stuckJobs = (await db.job.findMany({ where: { status: { in: ["PENDING", "RUNNING"] } } })).filter((j) => j.key !== "recurring" || j.status === "RUNNING" || j.availableAt.getTime() < Date.now() - 30_000);
  check(
    "no inbox row or job stuck (PENDING/RUNNING)",
    [...stuckWebhooks.map((w) => `webhook ${w.topic} ${w.webhookId} ${w.status} attempts=${w.attempts} ${w.lastError ?? ""}`), ...stuckJobs.map((j) => `job ${j.kind}:${j.key} ${j.status} attempts=${j.attempts} available ${j.availableAt.toISOString()} ${j.lastError ?? ""}`)],
    `jobs ${JSON.stringify(Object.fromEntries((await db.job.groupBy({ by: ["status"], _count: { _all: true } })).map((g) => [g.status, g._count._all])))}`,
  );
  // Every delivery and job here is valid and every fault transient: a DEAD row is
  // either a bug or a retry budget too small for the faults, so it is a violation.
  const deadWebhooks = await db.webhookDelivery.findMany({ where: { status: { in: ["DEAD", "INVALID"] } } });
  const deadJobs = await db.job.findMany({ where: { status: "DEAD" } });
  check(
    "no DEAD or INVALID row (nor a worker giving up on one)",
    [
      ...deadWebhooks.map((w) => `webhook ${w.topic} ${w.webhookId} ${w.status}: ${w.lastError}`),
      ...deadJobs.map((j) => `job ${j.kind}:${j.key} DEAD after ${j.attempts}: ${j.lastError}`),
      ...deadEvents.map((line) => `worker log: ${line}`),
    ],
    "all traffic is valid and every injected fault is transient",
  );

  // Referrals against the model of the traffic.
  const referrals = await db.referral.findMany({ include: { reward: true } });
  const byOrder = new Map(referrals.map((r) => [`${r.shop}|${r.orderId}`, r]));
  const lost: string[] = [];
  const wrongOutcome: string[] = [];
  const unexpectedRewards: string[] = [];
  let qualifying = 0;
  for (const o of plan.orders) {
    const r = byOrder.get(`${o.shop.shop}|${orderGid(o.orderId)}`);
    const label = `${o.shop.shop} order ${o.orderId} (${o.kind}, ${o.fate}, ${money(o.subtotalCents)})`;
    if (o.expected === "REWARDED") {
      qualifying++;
      if (!r || r.status !== "REWARDED" || r.reward?.status !== "ISSUED" || !r.reward.shopifyId) {
        lost.push(`${label}: referral ${r?.status ?? "missing"}, reward ${r?.reward?.status ?? "none"}${r?.reason ? ` (${r.reason})` : ""}`);
      }
      continue;
    }
    if (o.expected === "NONE") {
      if (r) wrongOutcome.push(`${label}: expected no referral, found ${r.status}`);
      continue;
    }
    if (!r || r.status !== o.expected) wrongOutcome.push(`${label}: expected ${o.expected}, found ${r?.status ?? "no referral"}${r?.reason ? ` (${r.reason})` : ""}`);
    if (o.expected === "REJECTED" && r?.reward) unexpectedRewards.push(`${label}: rejected referral has reward ${r.reward.status}`);
  }
  check("every qualifying referral rewarded (none lost)", lost, `${qualifying} qualifying orders of ${plan.orders.length}`);
  check("every other order ends as the model says (rejected / reversed / not referred)", wrongOutcome, `${plan.orders.length - qualifying} non-qualifying orders`);

  // Exactly once: one Reward row per referral (unique key) and one Shopify object per reward.
  const rewards = await db.reward.findMany({ include: { referral: true } });
  const states = await Promise.all(shops.map((s) => shopState(fake, s.shop)));
  const stateOf = new Map(states.map((s) => [s.shop, s]));
  const shopifyIdOwners = new Map<string, string[]>();
  for (const r of rewards) if (r.shopifyId) shopifyIdOwners.set(r.shopifyId, [...(shopifyIdOwners.get(r.shopifyId) ?? []), r.id]);
  const sharedIds = [...shopifyIdOwners].filter(([, owners]) => owners.length > 1).map(([id, owners]) => `${id} is the Shopify object of ${owners.length} rewards: ${owners.join(", ")}`);
  const orphanRewards = rewards.filter((r) => !r.referralId).map((r) => `reward ${r.id} has no referral`);
  check("no Shopify object shared by two rewards; no reward without referral", [...sharedIds, ...orphanRewards, ...unexpectedRewards], `${rewards.length} reward rows for ${referrals.length} referrals`);

  // Reversed referrals keep nothing.
  const reversedProblems: string[] = [];
  let reversedCount = 0;
  let reviewCount = 0;
  for (const r of referrals.filter((x) => x.status === "REVERSED")) {
    reversedCount++;
    const w = r.reward;
    if (!w || w.status === "CANCELLED" || w.status === "REVOKED") continue;
    if (r.needsReview && r.reason) {
      reviewCount++;
      continue;
    }
    reversedProblems.push(`${r.shop} ${r.orderId}: reversed (${r.reason}) but reward ${w.status}${r.needsReview ? " (needsReview without reason)" : ""}`);
  }
  check("no reversed referral keeps an active reward", reversedProblems, `${reversedCount} reversed referrals (${reviewCount} flagged for review)`);

  // The fake's ledger against the app's.
  const codeProblems: string[] = [];
  const creditProblems: string[] = [];
  let fakeRewardDiscounts = 0;
  let fakeCredits = 0;
  let fakeDebits = 0;
  for (const s of shops) {
    const state = stateOf.get(s.shop)!;
    const shopRewards = rewards.filter((r) => r.shop === s.shop);
    const live = (r: (typeof rewards)[number]) => r.status === "ISSUED" || r.status === "REVOKED";
    // Discounts: every non-friend discount is exactly one live CODE reward, and back.
    const codeRewards = new Map(shopRewards.filter((r) => r.kind === "CODE").map((r) => [r.code!, r]));
    const rewardDiscounts = state.discounts.filter((d) => d.id !== s.friendDiscountId);
    fakeRewardDiscounts += rewardDiscounts.length;
    const seenCodes = new Set<string>();
    for (const d of rewardDiscounts) {
      const codes = d.codes.map((c) => c.code);
      const reward = codes.length === 1 ? codeRewards.get(codes[0]) : undefined;
      if (!reward) {
        codeProblems.push(`${s.shop}: orphan Shopify discount ${d.id} (${codes.join(",")}) matches no reward`);
        continue;
      }
      seenCodes.add(codes[0]);
      if (!live(reward) || reward.shopifyId !== d.id) codeProblems.push(`${s.shop}: discount ${d.id} ${codes[0]} belongs to reward ${reward.id} in state ${reward.status} with shopifyId ${reward.shopifyId}`);
      const wanted = reward.status === "ISSUED" ? "ACTIVE" : "EXPIRED";
      if (live(reward) && d.status !== wanted) codeProblems.push(`${s.shop}: reward ${reward.id} is ${reward.status} but its discount is ${d.status}`);
    }
    for (const r of shopRewards.filter((x) => x.kind === "CODE" && live(x))) {
      if (!seenCodes.has(r.code!)) codeProblems.push(`${s.shop}: reward ${r.id} ${r.status} (${r.code}) has no Shopify discount`);
    }
    // Friend discount: holds every referrer's code.
    const friend = state.discounts.find((d) => d.id === s.friendDiscountId);
    const friendCodes = new Set(friend?.codes.map((c) => c.code) ?? []);
    for (const r of s.referrers) if (!friendCodes.has(r.code)) codeProblems.push(`${s.shop}: referrer code ${r.code} is not on the friend discount`);

    // Store credit: credits are exactly the live STORE_CREDIT rewards; debits exactly the revoked ones.
    const credits = state.storeCreditTransactions.filter((t) => t.typename === "StoreCreditAccountCreditTransaction");
    const debits = state.storeCreditTransactions.filter((t) => t.typename === "StoreCreditAccountDebitTransaction");
    fakeCredits += credits.length;
    fakeDebits += debits.length;
    const creditRewards = shopRewards.filter((r) => r.kind === "STORE_CREDIT");
    const byShopifyId = new Map(creditRewards.filter((r) => r.shopifyId).map((r) => [r.shopifyId!, r]));
    for (const t of credits) {
      const reward = byShopifyId.get(t.id);
      if (!reward) creditProblems.push(`${s.shop}: orphan store credit ${t.id} of ${t.amount} matches no reward`);
      else if (!live(reward) || Number(reward.value.toString()) !== Number(t.amount)) creditProblems.push(`${s.shop}: credit ${t.id} ${t.amount} belongs to reward ${reward.id} ${reward.status} of ${reward.value.toString()}`);
    }
    const creditIds = new Set(credits.map((t) => t.id));
    for (const r of creditRewards.filter(live)) if (!creditIds.has(r.shopifyId ?? "")) creditProblems.push(`${s.shop}: reward ${r.id} ${r.status} has no Shopify credit (${r.shopifyId})`);
    const cents = (x: string | number) => Math.round(Number(x) * 100);
    const referrerCustomer = new Map(s.referrers.map((r) => [r.referrerId, r.customerId]));
    for (const ref of s.referrers) {
      const mine = creditRewards.filter((r) => referrerCustomer.get(r.referrerId) === ref.customerId);
      const owed = mine.filter((r) => r.status === "ISSUED").reduce((n, r) => n + cents(r.value.toString()), 0);
      const account = state.storeCreditAccounts.find((a) => a.ownerId === ref.customerId && a.currencyCode === CURRENCY);
      const balance = cents(account?.balance ?? 0);
      const kept = mine.some((r) => r.referral?.needsReview);
      if (balance !== owed && !kept) creditProblems.push(`${s.shop}: ${ref.customerId} has a balance of ${money(balance)} but is owed ${money(owed)} by ${mine.filter((r) => r.status === "ISSUED").length} issued rewards`);
    }
    const revokedCredit = creditRewards.filter((r) => r.status === "REVOKED").reduce((n, r) => n + cents(r.value.toString()), 0);
    const debited = debits.reduce((n, t) => n - cents(t.amount), 0);
    if (revokedCredit !== debited) creditProblems.push(`${s.shop}: debits total ${money(debited)} but revoked store credit rewards total ${money(revokedCredit)}`);
  }
  check("Shopify reward discounts match the Reward ledger (no orphan, none missing)", codeProblems, `${fakeRewardDiscounts} reward discounts in the fake, ${rewards.filter((r) => r.kind === "CODE").length} code rewards in the app`);
  check("Shopify store credit matches the Reward ledger (credits, debits, balances)", creditProblems, `${fakeCredits} credits and ${fakeDebits} debits in the fake, ${rewards.filter((r) => r.kind === "STORE_CREDIT").length} store credit rewards in the app`);
  const failedRewards = rewards.filter((r) => r.status === "FAILED" || r.status === "ISSUING" || r.status === "PENDING");
  check("no reward FAILED or left PENDING/ISSUING", failedRewards.map((r) => `reward ${r.id} ${r.kind} ${r.status}: ${r.reason ?? ""}`), "Shopify refuses nothing the soak sends");

  return { checks, violations: checks.reduce((n, c) => n + c.count, 0), rewards, referrals, qualifying };
}

type Verdict = Awaited<ReturnType<typeof verify>>;

// ---- main: plan -> run -> verify, then the summary -----------------------------------

function report({ provider, fake, logDir }: Stack, plan: Plan, { sent, kills, webKills, slots, trafficMs, drainMs, totalMs }: Run, { violations, rewards, referrals, qualifying }: Verdict) {
  const paidSentAt = new Map(plan.events.filter((e) => e.topic === "orders/paid").map((e) => [e.order, e.firstSendAt ?? Infinity]));
  const actualEarly = plan.events.filter((e) => e.plannedEarly && e.firstAckAt !== undefined && (paidSentAt.get(e.order) ?? Infinity) > e.firstAckAt).length;
  const calls: Record<string, number> = {};
  for (const c of fake.calls) calls[c.outcome] = (calls[c.outcome] ?? 0) + 1;
  const issued = rewards.filter((r) => r.status === "ISSUED").length;
  const revoked = rewards.filter((r) => r.status === "REVOKED").length;
  const elapsedS = (performance.now() - started) / 1000;
  const startupMedianS = percentile(slots.flatMap((s) => s.startupMs).sort((a, b) => a - b), 50) / 1000;
  const rows: [string, string][] = [
    ["database", `${provider}`],
    ["deliveries", `${sent} (${plan.events.length} distinct webhook ids, ${plan.orders.length} orders)`],
    ["duplicates (same webhook id re-sent)", `${plan.duplicateCount} (${((plan.duplicateCount / sent) * 100).toFixed(1)}%)`],
    ["out of order (refund/cancel acked before its paid order was sent)", `${actualEarly} of ${plan.earlyCount} planned (${((actualEarly / sent) * 100).toFixed(1)}%)`],
    ["late reversals (second wave, after the rewards)", `${plan.lateCount}`],
    ["worker SIGKILLs", `${kills} (worker starts: ${slots.map((s) => s.starts).join(" + ")}; start-up median ${startupMedianS.toFixed(1)} s)`],
    ["app processes", opts.processes === 1 ? "1 (no load balancer)" : `${opts.processes} behind nginx; ${webKills} SIGKILLed and restarted`],
    ["Admin API calls", `${fake.calls.length}: ${Object.entries(calls).map(([k, v]) => `${k} ${v}`).join(", ")}`],
    ["rewards", `${issued} issued, ${revoked} revoked, ${rewards.length} rows; ${qualifying} qualifying orders`],
    ["referrals", Object.entries(countBy(referrals.map((r) => r.status))).map(([k, v]) => `${k} ${v}`).join(", ")],
    ["elapsed", `${elapsedS.toFixed(1)} s in all; traffic and processing ${(totalMs / 1000).toFixed(1)} s (sending ${(trafficMs / 1000).toFixed(1)} s, draining ${(drainMs / 1000).toFixed(1)} s)`],
    ["throughput", `ingest ${(sent / (trafficMs / 1000)).toFixed(0)} deliveries/s while sending; end to end ${(sent / (totalMs / 1000)).toFixed(1)} deliveries/s and ${((issued + revoked) / (totalMs / 1000)).toFixed(1)} rewards/s`],
    ["violations", `${violations}`],
    ["worker logs", logDir],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log("\nSOAK SUMMARY");
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  console.log(violations > 0 ? `\nSOAK FAILED: ${violations} violation(s)` : "\nSOAK PASSED");
}

/** 0 when every check passed, 1 when one failed (a throw is 2, below). */
async function main(): Promise<number> {
  const stack = await setUp();
  const planned = await plan(stack);
  const ran = await run(stack, planned);
  const verdict = await verify(stack, planned, ran);
  failed = verdict.violations > 0;
  report(stack, planned, ran, verdict);
  return failed ? 1 : 0;
}

let failed = false;

function countBy(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

main()
  .then((code) => finish(code))
  .catch((error: unknown) => {
    console.error(`soak: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    failed = true;
    return finish(2);
  });
