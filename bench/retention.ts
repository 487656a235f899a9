// Retention benchmark: a simulated year of one busy shop, written day by day
// into two fresh migrated databases with the same synthetic rows, as the app
// leaves them: webhook deliveries (mostly DONE with the payload cleared, a few
// DEAD or INVALID keeping a ~3 KB order JSON), jobs (DONE, a few DEAD), link
// events, audit events, referrers, referrals, rewards, daily totals and now and
// then a finished erasure. One arm runs the app's retention
// (app/jobs/retention.server.ts, applyRetention with DEFAULT_RETENTION) once at
// the end of each simulated day; the other, the baseline, never does. At the
// end: rows per table in each arm and their ratio, the database size (SQLite:
// the file after VACUUM and a WAL checkpoint, so free pages do not hide the
// saving; PostgreSQL: pg_total_relation_size per table, and summed over every
// table of the schema, after VACUUM FULL), the
// time spent in applyRetention against the time to insert each day's rows, and
// checks: nothing past its window is left, and the merchant's records
// (referrers, referrals, rewards, daily totals) are identical in both arms.
//
// The worker runs retention hourly; this runs it daily (365 runs with a day's
// worth to delete each) and then times 24 more runs at the year's end, which
// find nothing left to delete: what the other 23 hourly runs of a day cost.
// The data is deterministic (a seeded generator per day), so both arms, and
// every run, hold the same rows. Printed and reported (bench/lib/figures.ts),
// never asserted.
//
//   npx tsx bench/retention.ts [--db sqlite,postgresql] [--deliveries 200] [--days 365] [--quick]
//
//   --db             the databases (default sqlite,postgresql; --quick: sqlite)
//   --deliveries N   webhook deliveries per day (default 200; --quick: 40)
//   --days N         simulated days (default 365, also with --quick)
import fs from "node:fs";
import { performance } from "node:perf_hooks";
import { createTestDatabase, type Provider, type TestDatabase } from "../scripts/test-database";
import { BENCH_APP_ENV } from "./lib/app-env";
import { flag, option } from "./lib/cli";
import { reportFigures, type Figure } from "./lib/figures";
import { fmt, keyValueTable, machineInfo, percentile, table, verdict } from "./lib/report";

const QUICK = flag("quick");
const PROVIDERS = option("db", QUICK ? "sqlite" : "sqlite,postgresql").split(",").map((s) => s.trim()) as Provider[];
const DELIVERIES = Number(option("deliveries", QUICK ? "40" : "200"));
const DAYS = Number(option("days", "365"));

if (!PROVIDERS.every((p) => p === "sqlite" || p === "postgresql") || !(Number.isInteger(DELIVERIES) && DELIVERIES > 0) || !(Number.isInteger(DAYS) && DAYS > 0)) {
  console.error("usage: npx tsx bench/retention.ts [--db sqlite,postgresql] [--deliveries 200] [--days 365] [--quick]");
  process.exit(2);
}

// Before any app module loads.
Object.assign(process.env, { ...BENCH_APP_ENV, NODE_ENV: "test" });

const { createDb } = await import("~/db.server");
type Db = ReturnType<typeof createDb>;
const { applyRetention, DEFAULT_RETENTION } = await import("~/jobs/retention.server");

const SHOP = "bench-retention.myshopify.com";
const TIMEZONE = "America/New_York";
const DAY = 86_400_000;
const START = Date.UTC(2025, 0, 1);
const MIB = 2 ** 20;
const CHUNK = 500;

// The mix per day, as fractions of the day's deliveries.
const DEAD_RATE = 0.015;
const INVALID_RATE = 0.005;
const REFERRAL_RATE = 0.1; // a tenth of the deliveries are referred orders
const REWARD_RATE = 0.8; // of the referrals
const REFERRER_RATE = 0.05; // new referrers
const CLICKS_PER_REFERRAL = 10;
const SHARES_PER_REFERRAL = 2;
const DEAD_JOB_RATE = 0.02;
const CHANNELS = ["whatsapp", "email", "copy", "x", "facebook", "sms", "direct"];
const TOPICS = ["orders/paid", "orders/paid", "orders/paid", "orders/cancelled", "refunds/create"];

/** mulberry32: a small seeded generator, so every run and both arms hold the same rows. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How many of `rate * perDay` fall on `day`, spread so the year's total is exact. */
const share = (day: number, perDay: number) => Math.floor((day + 1) * perDay) - Math.floor(day * perDay);

/** A ~3 KB orders/paid body, the kind a DEAD or INVALID delivery keeps. */
function orderJson(n: number): string {
  const address = (kind: string) => ({
    first_name: "Friend",
    last_name: `Number${n}`,
    address1: `${100 + (n % 900)} ${kind} Street`,
    address2: "Apartment 4B",
    city: "Springfield",
    province: "Oregon",
    province_code: "OR",
    country: "United States",
    country_code: "US",
    zip: "97477",
    phone: `+1555${String(1_000_000 + n).slice(-7)}`,
  });
  return JSON.stringify({
    id: 7_000_000_000_000 + n,
    admin_graphql_api_id: `gid://shopify/Order/${7_000_000_000_000 + n}`,
    name: `#${10_000 + n}`,
    email: `friend${n}@example.com`,
    created_at: new Date(START + n * 60_000).toISOString(),
    currency: "USD",
    financial_status: "paid",
    subtotal_price: "100.00",
    total_price: "110.00",
    total_tax: "10.00",
    discount_codes: [{ code: `FRIEND-${String(n % 500).padStart(6, "0")}`, amount: "10.00", type: "percentage" }],
    note_attributes: [{ name: "_referral_channel", value: CHANNELS[n % CHANNELS.length] }],
    customer: { id: 8_000_000_000_000 + n, email: `friend${n}@example.com`, first_name: "Friend", last_name: `Number${n}`, orders_count: 1, tags: "", default_address: address("Customer") },
    billing_address: address("Billing"),
    shipping_address: address("Shipping"),
    line_items: [1, 2, 3, 4, 5, 6].map((i) => ({
      id: 9_000_000_000_000 + n * 10 + i,
      title: `Product ${i} of the spring collection`,
      variant_title: "Medium / Blue",
      sku: `SKU-${i}-${n % 97}`,
      quantity: i,
      price: (100 / 6).toFixed(2),
      vendor: "Bench Goods",
      properties: [],
      tax_lines: [{ title: "State tax", price: "1.67", rate: 0.1 }],
    })),
    shipping_lines: [{ title: "Standard", price: "0.00", code: "STANDARD" }],
  });
}

interface DayRows {
  deliveries: Record<string, unknown>[];
  jobs: Record<string, unknown>[];
  linkEvents: Record<string, unknown>[];
  auditEvents: Record<string, unknown>[];
  referrers: Record<string, unknown>[];
  referrals: Record<string, unknown>[];
  rewards: Record<string, unknown>[];
  dailyStats: Record<string, unknown>[];
  erasures: Record<string, unknown>[];
}

let referrersSoFar = 0;

/** The rows day `d` leaves behind (deterministic; call once per day, in order). */
function dayRows(d: number): DayRows {
  const random = seeded(1000 + d);
  const dayStart = START + d * DAY;
  const at = () => new Date(dayStart + Math.floor(random() * (DAY - 60_000)));
  const rows: DayRows = { deliveries: [], jobs: [], linkEvents: [], auditEvents: [], referrers: [], referrals: [], rewards: [], dailyStats: [], erasures: [] };
  const audit = (row: Record<string, unknown>, when: Date) => rows.auditEvents.push({ id: `a${d}-${rows.auditEvents.length}`, shop: SHOP, createdAt: when, ...row });

  const newReferrers = d === 0 ? 50 : share(d, DELIVERIES * REFERRER_RATE);
  for (let i = 0; i < newReferrers; i++) {
    const n = referrersSoFar++;
    const when = at();
    rows.referrers.push({ id: `r${n}`, shop: SHOP, email: `referrer${n}@example.com`, emailKey: `referrer${n}@example.com`, firstName: `Referrer${n}`, code: `FRIEND-${String(n).padStart(6, "0")}`, source: "STOREFRONT", createdAt: when, updatedAt: when });
    audit({ referrerId: `r${n}`, action: "referrer.enrolled", cause: "system", detail: "STOREFRONT" }, when);
  }
  const referrer = () => `r${Math.floor(random() * referrersSoFar)}`;

  const dead = share(d, DELIVERIES * DEAD_RATE);
  const invalid = share(d, DELIVERIES * INVALID_RATE);
  for (let i = 0; i < DELIVERIES; i++) {
    const n = d * DELIVERIES + i;
    const done = at();
    const received = new Date(done.getTime() - 1000);
    const status = i < dead ? "DEAD" : i < dead + invalid ? "INVALID" : "DONE";
    rows.deliveries.push({
      id: `w${n}`,
      shop: SHOP,
      webhookId: `webhook-${n}`,
      topic: TOPICS[n % TOPICS.length],
      apiVersion: "2026-10",
      triggeredAt: received,
      payload: status === "DONE" ? null : orderJson(n),
      status,
      attempts: status === "DEAD" ? 8 : status === "INVALID" ? 0 : 1,
      lastError: status === "DEAD" ? "Shopify server error (HTTP 503)" : status === "INVALID" ? "orders/paid payload has no id" : null,
      availableAt: done,
      receivedAt: received,
      processedAt: status === "INVALID" ? null : done,
    });
  }

  const referrals = share(d, DELIVERIES * REFERRAL_RATE);
  for (let i = 0; i < referrals; i++) {
    const n = `${d}-${i}`;
    const when = at();
    const by = referrer();
    const channel = CHANNELS[Math.floor(random() * CHANNELS.length)];
    const rewarded = i < Math.round(referrals * REWARD_RATE);
    rows.referrals.push({
      id: `f${n}`, shop: SHOP, referrerId: by, orderId: `gid://shopify/Order/${d * 10_000 + i}`, orderName: `#${d * 10_000 + i}`,
      friendEmail: `friend${n}@example.com`, friendEmailKey: `friend${n}@example.com`, attributedBy: i % 3 === 0 ? "LINK" : "CODE", channel: i % 3 === 0 ? channel : null,
      subtotalAmount: 100, totalAmount: 110, currencyCode: "USD", status: rewarded ? "REWARDED" : "PENDING", createdAt: when, updatedAt: when,
    });
    audit({ referralId: `f${n}`, referrerId: by, action: "referral.created", toStatus: "PENDING", cause: `webhook:webhook-${d}-${i}`, detail: "code FRIEND" }, when);
    rows.jobs.push({ id: `jr${n}`, shop: SHOP, kind: "release-referral", key: `f${n}`, status: "DONE", attempts: 1, availableAt: when, createdAt: when, updatedAt: when });
    if (rewarded) {
      rows.rewards.push({ id: `rw${n}`, shop: SHOP, referrerId: by, referralId: `f${n}`, kind: "CODE", valueType: "PERCENTAGE", value: 10, code: `REWARD-${n}`, status: "ISSUED", issuedAt: when, createdAt: when, updatedAt: when });
      const jobDead = random() < DEAD_JOB_RATE;
      rows.jobs.push({ id: `ji${n}`, shop: SHOP, kind: "issue-reward", key: `rw${n}`, status: jobDead ? "DEAD" : "DONE", attempts: jobDead ? 8 : 1, lastError: jobDead ? "Shopify refused the request (HTTP 422)" : null, availableAt: when, createdAt: when, updatedAt: when });
      audit({ referralId: `f${n}`, referrerId: by, action: "referral.approved", fromStatus: "PENDING", toStatus: "APPROVED", cause: "job:release-referral", detail: "Hold of 30 days over" }, when);
      audit({ referralId: `f${n}`, rewardId: `rw${n}`, referrerId: by, action: "reward.created", toStatus: "PENDING", cause: "job:release-referral", detail: "CODE 10%" }, when);
      audit({ referralId: `f${n}`, rewardId: `rw${n}`, referrerId: by, action: "reward.issued", fromStatus: "ISSUING", toStatus: "ISSUED", cause: "job:issue-reward", detail: `gid://shopify/DiscountCodeNode/${d * 10_000 + i}` }, when);
    }
    for (let c = 0; c < CLICKS_PER_REFERRAL + SHARES_PER_REFERRAL; c++) {
      rows.linkEvents.push({ id: `e${n}-${c}`, shop: SHOP, referrerId: referrer(), type: c < CLICKS_PER_REFERRAL ? "CLICK" : "SHARE", channel: CHANNELS[Math.floor(random() * CHANNELS.length)], createdAt: at() });
    }
  }
  // The daily reconciliation.
  const reconciled = new Date(dayStart + 3 * 3_600_000);
  rows.jobs.push({ id: `jc${d}`, shop: SHOP, kind: "reconcile-orders", key: `day-${d}`, status: "DONE", attempts: 1, availableAt: reconciled, createdAt: reconciled, updatedAt: reconciled });

  const date = new Date(dayStart).toISOString().slice(0, 10);
  for (const channel of ["", ...CHANNELS]) {
    rows.dailyStats.push({ shop: SHOP, day: date, channel, clicks: channel ? 10 : 0, shares: channel ? 2 : 0, orders: channel ? 0 : referrals, revenue: channel ? 0 : referrals * 110 });
  }
  if (d % 7 === 3) {
    const finished = at();
    rows.erasures.push({ id: `x${d}`, shop: SHOP, cause: `webhook:redact-${d}`, phase: "finished", counts: '{"referrals":1,"auditEvents":3}', startedAt: finished, finishedAt: finished });
  }
  return rows;
}

/** Every table the simulation writes, with the Prisma delegate and the SQL name. */
const TABLES = [
  ["deliveries", "WebhookDelivery"],
  ["jobs", "Job"],
  ["linkEvents", "LinkEvent"],
  ["auditEvents", "AuditEvent"],
  ["erasures", "Erasure"],
  ["referrers", "Referrer"],
  ["referrals", "Referral"],
  ["rewards", "Reward"],
  ["dailyStats", "DailyStat"],
] as const satisfies readonly (readonly [keyof DayRows, string])[];

type AnyDelegate = { createMany(args: { data: Record<string, unknown>[] }): Promise<unknown>; count(args?: unknown): Promise<number> };
function delegate(db: Db, key: keyof DayRows): AnyDelegate {
  const byKey: Record<keyof DayRows, unknown> = {
    deliveries: db.webhookDelivery,
    jobs: db.job,
    linkEvents: db.linkEvent,
    auditEvents: db.auditEvent,
    erasures: db.erasure,
    referrers: db.referrer,
    referrals: db.referral,
    rewards: db.reward,
    dailyStats: db.dailyStat,
  };
  return byKey[key] as AnyDelegate;
}

async function insertDay(db: Db, rows: DayRows): Promise<void> {
  // Parents first (referrals and link events need their referrer, rewards their referral).
  const order: (keyof DayRows)[] = ["referrers", "referrals", "rewards", "deliveries", "jobs", "linkEvents", "auditEvents", "dailyStats", "erasures"];
  for (const key of order) {
    const data = rows[key];
    for (let i = 0; i < data.length; i += CHUNK) await delegate(db, key).createMany({ data: data.slice(i, i + CHUNK) });
  }
}

interface Arm {
  name: "without retention" | "with retention";
  database: TestDatabase;
  db: Db;
  insertMs: number[];
  retentionMs: number[];
}

interface ProviderResult {
  provider: Provider;
  rows: Record<string, [number, number]>;
  bytes: { total: [number, number]; perTable: Record<string, [number, number]> };
  insertMs: number[];
  retentionMs: number[];
  idleRunMs: number[];
  leftOver: { deliveries: number; jobs: number; linkEvents: number; erasures: number };
  pastWindowWithout: number;
  bounds: { deliveries: number; jobs: number; linkEvents: number };
  seconds: number;
}

/** Bytes per table, indexes included, after the arm has been compacted. */
async function tableBytes(arm: Arm, provider: Provider): Promise<{ total: number; perTable: Record<string, number> }> {
  const perTable: Record<string, number> = {};
  if (provider === "sqlite") {
    await arm.db.$executeRawUnsafe("VACUUM");
    await arm.db.$queryRawUnsafe("PRAGMA wal_checkpoint(TRUNCATE)");
    const rows = await arm.db.$queryRawUnsafe<{ tbl: string; bytes: number | bigint }[]>(
      `SELECT m.tbl_name AS tbl, SUM(s.pgsize) AS bytes FROM dbstat s JOIN sqlite_master m ON m.name = s.name GROUP BY m.tbl_name`,
    );
    for (const r of rows) perTable[r.tbl] = Number(r.bytes);
    await arm.db.$disconnect();
    const file = arm.database.url.slice("file:".length);
    const wal = fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0;
    return { total: fs.statSync(file).size + wal, perTable };
  }
  await arm.db.$executeRawUnsafe("VACUUM FULL");
  for (const [, name] of TABLES) {
    const [r] = await arm.db.$queryRawUnsafe<{ bytes: number | bigint }[]>(`SELECT pg_total_relation_size('"${name}"') AS bytes`);
    perTable[name] = Number(r.bytes);
  }
  // Every table of the app's schema with its indexes and TOAST (pg_database_size would add ~7 MiB of system catalogs to both arms).
  const [all] = await arm.db.$queryRawUnsafe<{ bytes: number | bigint }[]>(
    `SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = current_schema()`,
  );
  await arm.db.$disconnect();
  return { total: Number(all.bytes), perTable };
}

async function runProvider(provider: Provider): Promise<ProviderResult> {
  const started = performance.now();
  referrersSoFar = 0;
  const arms: Arm[] = [];
  try {
    for (const name of ["without retention", "with retention"] as const) {
      const database = await createTestDatabase(provider);
      arms.push({ name, database, db: createDb(database.url), insertMs: [], retentionMs: [] });
    }
    const [without, withRetention] = arms;
    for (const arm of arms) {
      await arm.db.shop.create({ data: { shop: SHOP, currencyCode: "USD", installedAt: new Date(START) } });
      await arm.db.program.create({ data: { shop: SHOP, currencyCode: "USD", timezone: TIMEZONE, createdAt: new Date(START) } });
    }
    // Day by day, both arms under the same load: the day's rows into each, then
    // (one arm) retention at the end of that day.
    for (let d = 0; d < DAYS; d++) {
      const rows = dayRows(d);
      for (const arm of arms) {
        const t0 = performance.now();
        await insertDay(arm.db, rows);
        arm.insertMs.push(performance.now() - t0);
      }
      const t0 = performance.now();
      await applyRetention(withRetention.db, new Date(START + (d + 1) * DAY), DEFAULT_RETENTION);
      withRetention.retentionMs.push(performance.now() - t0);
      if (d % 73 === 72) process.stdout.write(`day ${d + 1}... `);
    }
    // The other hourly runs of a day: nothing left to delete.
    const end = new Date(START + DAYS * DAY);
    const idleRunMs: number[] = [];
    for (let i = 0; i < 24; i++) {
      const t0 = performance.now();
      await applyRetention(withRetention.db, end, DEFAULT_RETENTION);
      idleRunMs.push(performance.now() - t0);
    }

    // Rows per table.
    const rows: Record<string, [number, number]> = {};
    for (const [key, name] of TABLES) rows[name] = [await delegate(without.db, key).count(), await delegate(withRetention.db, key).count()];

    // What is left past its window (should be nothing with retention).
    const before = (days: number) => new Date(end.getTime() - days * DAY);
    const expired = async (db: Db) => {
      const program = await db.program.findUniqueOrThrow({ where: { shop: SHOP }, select: { linkEventsSince: true } });
      const linkCutoff = program.linkEventsSince ?? before(DEFAULT_RETENTION.linkEventDays);
      return {
        deliveries:
          (await db.webhookDelivery.count({ where: { status: "DONE", availableAt: { lt: before(DEFAULT_RETENTION.processedDays) } } })) +
          (await db.webhookDelivery.count({ where: { status: { in: ["DEAD", "INVALID"] }, availableAt: { lt: before(DEFAULT_RETENTION.problemDays) } } })),
        jobs:
          (await db.job.count({ where: { status: "DONE", availableAt: { lt: before(DEFAULT_RETENTION.processedDays) } } })) +
          (await db.job.count({ where: { status: "DEAD", availableAt: { lt: before(DEFAULT_RETENTION.problemDays) } } })),
        linkEvents: await db.linkEvent.count({ where: { createdAt: { lt: linkCutoff } } }),
        erasures: await db.erasure.count({ where: { finishedAt: { lt: before(DEFAULT_RETENTION.processedDays) } } }),
      };
    };
    const leftOver = await expired(withRetention.db);
    const withoutLeft = await expired(without.db);
    const pastWindowWithout = Object.values(withoutLeft).reduce((a, b) => a + b, 0);

    // The bounds: 35 days of DONE + 95 days of DEAD/INVALID (5 days of slack over the windows).
    const perDay = (n: number) => n / DAYS;
    const [doneDeliveries, problemDeliveries, doneJobs, deadJobs, linkEvents] = await Promise.all([
      without.db.webhookDelivery.count({ where: { status: "DONE" } }),
      without.db.webhookDelivery.count({ where: { status: { in: ["DEAD", "INVALID"] } } }),
      without.db.job.count({ where: { status: "DONE" } }),
      without.db.job.count({ where: { status: "DEAD" } }),
      without.db.linkEvent.count(),
    ]);
    const bounds = {
      deliveries: Math.ceil(35 * perDay(doneDeliveries) + 95 * perDay(problemDeliveries)),
      jobs: Math.ceil(35 * perDay(doneJobs) + 95 * perDay(deadJobs)),
      linkEvents: Math.ceil(95 * perDay(linkEvents)),
    };

    const sizeWithout = await tableBytes(without, provider);
    const sizeWith = await tableBytes(withRetention, provider);
    const perTable: Record<string, [number, number]> = {};
    for (const [, name] of TABLES) perTable[name] = [sizeWithout.perTable[name] ?? 0, sizeWith.perTable[name] ?? 0];
    return {
      provider,
      rows,
      bytes: { total: [sizeWithout.total, sizeWith.total], perTable },
      insertMs: without.insertMs,
      retentionMs: withRetention.retentionMs,
      idleRunMs,
      leftOver,
      pastWindowWithout,
      bounds,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    for (const arm of arms) {
      await arm.db.$disconnect().catch(() => {});
      await arm.database.drop();
    }
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => sum(xs) / xs.length;
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const ratio = (a: number, b: number) => (b === 0 ? (a === 0 ? 1 : Infinity) : a / b);
const label = (p: Provider) => (p === "sqlite" ? "SQLite" : "PostgreSQL");
const int = (n: number) => n.toLocaleString("en");

console.log(keyValueTable("Machine", machineInfo()));
console.log(`\nA simulated year: ${DAYS} days of one shop, ${DELIVERIES} webhook deliveries a day${QUICK ? " (--quick)" : ""}; retention (DEFAULT_RETENTION: ${JSON.stringify(DEFAULT_RETENTION)}) applied once at the end of each day in one arm, never in the other.`);
const results: ProviderResult[] = [];
for (const provider of PROVIDERS) {
  process.stdout.write(`\n${provider}: `);
  const result = await runProvider(provider);
  console.log(`done in ${fmt(result.seconds)} s`);
  results.push(result);
}

const figures: Figure[] = [];
for (const r of results) {
  const L = label(r.provider);
  const [bytesWithout, bytesWith] = r.bytes.total;
  console.log(
    table(
      `${L}: after ${DAYS} days, rows and bytes per table (indexes included; ${r.provider === "sqlite" ? "dbstat after VACUUM" : "pg_total_relation_size after VACUUM FULL"})`,
      ["table", "rows without", "rows with", "ratio", "KiB without", "KiB with", "ratio"],
      [
        ...TABLES.map(([, name]) => {
          const [a, b] = r.rows[name];
          const [ba, bb] = r.bytes.perTable[name];
          return [name, int(a), int(b), fmt(ratio(b, a), 3), int(Math.round(ba / 1024)), int(Math.round(bb / 1024)), fmt(ratio(bb, ba), 3)];
        }),
        [
          r.provider === "sqlite" ? "database file (VACUUM, WAL checkpointed)" : "all tables (pg_total_relation_size, VACUUM FULL)",
          "",
          "",
          "",
          int(Math.round(bytesWithout / 1024)),
          int(Math.round(bytesWith / 1024)),
          fmt(ratio(bytesWith, bytesWithout), 3),
        ],
      ],
    ),
  );
  const ins = sorted(r.insertMs);
  const ret = sorted(r.retentionMs);
  const idle = sorted(r.idleRunMs);
  console.log(
    table(
      `${L}: time (ms)`,
      ["what", "runs", "total", "mean", "p50", "p95", "max"],
      [
        ["inserting a day's rows (baseline arm)", ins.length, fmt(sum(ins), 0), fmt(mean(ins), 2), fmt(percentile(ins, 50), 2), fmt(percentile(ins, 95), 2), fmt(ins.at(-1)!, 2)],
        ["applyRetention, daily, at each day's end", ret.length, fmt(sum(ret), 0), fmt(mean(ret), 2), fmt(percentile(ret, 50), 2), fmt(percentile(ret, 95), 2), fmt(ret.at(-1)!, 2)],
        ["applyRetention with nothing to delete", idle.length, fmt(sum(idle), 0), fmt(mean(idle), 2), fmt(percentile(idle, 50), 2), fmt(percentile(idle, 95), 2), fmt(idle.at(-1)!, 2)],
      ],
    ),
  );
  const leftOver = sum(Object.values(r.leftOver));
  const kept = ["Referrer", "Referral", "Reward", "DailyStat"].map((t) => r.rows[t]);
  const keptEqual = kept.every(([a, b]) => a === b);
  const [keptWithout, keptWith] = [sum(kept.map(([a]) => a)), sum(kept.map(([, b]) => b))];
  console.log(
    table(
      `${L}: checks`,
      ["check", "with retention", "without retention", "met"],
      [
        ["deliveries past their window (DONE > 30 d, DEAD/INVALID > 90 d)", int(r.leftOver.deliveries), "", verdict(r.leftOver.deliveries === 0)],
        ["jobs past their window (DONE > 30 d, DEAD > 90 d)", int(r.leftOver.jobs), "", verdict(r.leftOver.jobs === 0)],
        ["link events before Program.linkEventsSince", int(r.leftOver.linkEvents), "", verdict(r.leftOver.linkEvents === 0)],
        ["finished erasures > 30 d", int(r.leftOver.erasures), "", verdict(r.leftOver.erasures === 0)],
        ["rows past their window, all of the above", int(leftOver), int(r.pastWindowWithout), verdict(leftOver === 0)],
        ...["Referrer", "Referral", "Reward", "DailyStat"].map((t) => [`${t} rows identical`, int(r.rows[t][1]), int(r.rows[t][0]), verdict(r.rows[t][0] === r.rows[t][1])]),
        [`WebhookDelivery rows <= ${int(r.bounds.deliveries)} (35 d of DONE + 95 d of DEAD/INVALID)`, int(r.rows.WebhookDelivery[1]), int(r.rows.WebhookDelivery[0]), verdict(r.rows.WebhookDelivery[1] <= r.bounds.deliveries)],
        [`Job rows <= ${int(r.bounds.jobs)} (35 d of DONE + 95 d of DEAD)`, int(r.rows.Job[1]), int(r.rows.Job[0]), verdict(r.rows.Job[1] <= r.bounds.jobs)],
        [`LinkEvent rows <= ${int(r.bounds.linkEvents)} (95 d)`, int(r.rows.LinkEvent[1]), int(r.rows.LinkEvent[0]), verdict(r.rows.LinkEvent[1] <= r.bounds.linkEvents)],
      ],
    ),
  );

  const rowFigure = (name: string, what: string, bound: number, target: string): Figure => {
    const [a, b] = r.rows[name];
    return { bench: "retention", figure: `${what} after a year (rows, lower is better), ${L}`, value: b, unit: "rows", baseline: "same year without retention", baselineValue: a, ratio: Number(ratio(b, a).toFixed(3)), target, met: b <= bound };
  };
  figures.push(
    rowFigure("WebhookDelivery", "webhook deliveries", r.bounds.deliveries, `bounded: <= 35 days of DONE + 95 days of problems (${int(r.bounds.deliveries)})`),
    rowFigure("Job", "jobs", r.bounds.jobs, `bounded: <= 35 days of DONE + 95 days of DEAD (${int(r.bounds.jobs)})`),
    rowFigure("LinkEvent", "link events", r.bounds.linkEvents, `bounded: <= 95 days (${int(r.bounds.linkEvents)})`),
    {
      bench: "retention",
      figure: `database size after a year (MiB, ${r.provider === "sqlite" ? "file after VACUUM" : "all tables, pg_total_relation_size after VACUUM FULL"}, lower is better), ${L}`,
      value: Number((bytesWith / MIB).toFixed(2)),
      unit: "MiB",
      baseline: "same year without retention",
      baselineValue: Number((bytesWithout / MIB).toFixed(2)),
      ratio: Number(ratio(bytesWith, bytesWithout).toFixed(3)),
      target: "<= 0.5x without retention",
      met: bytesWith <= 0.5 * bytesWithout,
    },
    {
      bench: "retention",
      figure: `retention run per simulated day (ms, mean of ${r.retentionMs.length}), ${L}`,
      value: Number(mean(r.retentionMs).toFixed(2)),
      unit: "ms",
      baseline: "inserting that day's rows (ms, mean)",
      baselineValue: Number(mean(r.insertMs).toFixed(2)),
      ratio: Number(ratio(mean(r.retentionMs), mean(r.insertMs)).toFixed(3)),
      target: "< 1x the day's inserts",
      met: mean(r.retentionMs) < mean(r.insertMs),
    },
    {
      bench: "retention",
      figure: `rows past their retention window after a year (personal data check), ${L}`,
      value: leftOver,
      unit: "rows",
      baseline: "same year without retention",
      baselineValue: r.pastWindowWithout,
      ratio: Number(ratio(leftOver, r.pastWindowWithout).toFixed(3)),
      target: "0",
      met: leftOver === 0,
    },
    {
      bench: "retention",
      figure: `merchant records kept: referrers + referrals + rewards + daily totals (rows), ${L}`,
      value: keptWith,
      unit: "rows",
      baseline: "same year without retention",
      baselineValue: keptWithout,
      ratio: Number(ratio(keptWith, keptWithout).toFixed(3)),
      target: "identical, table by table",
      met: keptEqual,
    },
  );
}
reportFigures(figures);
process.exit(0);
