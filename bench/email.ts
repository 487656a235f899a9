// Email outbox benchmark: N invitation emails (10,000 by default) through the
// app's REAL outbox (app/email/outbox.server.ts): queued with the app's own
// emailInvitation (one EmailMessage row each, the shop's outbox job kicked),
// then the outbox job, runOutbox, run as the worker runs it (claims due
// messages in batches, composes and renders each, sends it through the app's
// pooled nodemailer transport, smtpSender: 5 connections, and records it SENT)
// until no message is QUEUED, against an SMTP sink on loopback.
//
// The sink is smtp-server in a CHILD process (this file run with --sink), so
// it does not share the app's event loop: it accepts every message, reads each
// DATA stream to its end (not parsed) and counts messages, bytes and distinct
// recipients.
//
// The baseline, in the same run: the same N messages (one real invitation
// composed and rendered once by the app's own compose/render, sent to each
// recipient's address) straight through a nodemailer transport with the same
// pool settings as smtpSender, with 100 sends in flight to keep the pool busy:
// the sink's bare acceptance rate. It is measured before and after the app's
// run and their mean is the baseline. Ratio app / baseline, target >= 0.5.
//
// Memory: this process's heap used and RSS sampled every 100 ms while the
// outbox sends; the peak over the first fifth of the sends against the peak
// over all of them (flat: near 1), and the heap left after a full GC before
// and after the sends (a leak). The per-shop send rate
// (EMAIL_SENDS_PER_SHOP_PER_SECOND) is set to its maximum, 100,000, so the
// rate limit is not what is measured. Printed, never asserted.
//
// --breakdown then shows where the app's time goes, each on a fresh shop of
// N queued invitations (the figures stay those of the plain run): CPU profiles
// of the outbox and of the baseline sending the same, compared per message by
// the code's owner (npm package or project file; the .cpuprofile files are
// written to bench-results/); every database query and SMTP send timed; the
// outbox's steps (claim, loadBatchRows, compose + render, recording SENT)
// timed alone, one after another; and the baseline sent in the outbox's
// batches of 100.
//
//   npx tsx bench/email.ts [--db sqlite|postgresql] [--emails 10000] [--quick] [--breakdown]
import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import { Session } from "node:inspector/promises";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import v8 from "node:v8";
import vm from "node:vm";
import nodemailer from "nodemailer";
import type { Db } from "~/db.server";
import type { OutgoingMessage, Sender } from "~/email/transport.server";
import type { JobContext } from "~/queue/types";
import { PROJECT_ROOT } from "~/db-url";
import { createTestDatabase, type Provider } from "../scripts/test-database";
import { BENCH_APP_ENV } from "./lib/app-env";
import { flag, option } from "./lib/cli";
import { reportFigures } from "./lib/figures";
import { LOOPBACK } from "./lib/processes";
import { fmt, keyValueTable, machineInfo, percentile, table, verdict } from "./lib/report";

const PROVIDER = option("db", "sqlite") as Provider;
const EMAILS = Number(option("emails", flag("quick") ? "2000" : "10000"));
const BREAKDOWN = flag("breakdown");
/** Baseline sends in flight: far more than the pool's 5 connections, so it never waits for work. */
const BASELINE_IN_FLIGHT = 100;
/** smtpSender's pool settings (app/email/transport.server.ts). */
const POOL_QUERY = "pool=true&maxConnections=5&maxMessages=1000";
const SAMPLE_MS = 100;
const TARGET_RATIO = 0.5;
// Peak memory is the process's RSS (1.00x in every run so far); the peak heap
// used moves with the GC's sawtooth (1.06x to 1.62x between quick runs with the
// heap after a full GC flat), so it is shown for reference only. A leak of what
// each message holds (14 KB sent, its rows) would be hundreds of MiB at 10,000;
// the leak itself is the after-GC figure's to show.
const TARGET_MEMORY_RATIO = 1.25;
const TARGET_RETAINED_RATIO = 1.1;
const RUN_LIMIT_MS = (BREAKDOWN ? 30 : 15) * 60_000;
const SHOP = "bench-email.myshopify.com";
const FROM = "referrals@bench-app.example";
const MB = 2 ** 20;

// ---------------------------------------------------------------- the sink --

interface SinkStats {
  messages: number;
  bytes: number;
  recipients: number;
  duplicates: number;
  /** The sink process's CPU time since the last reset (ms). */
  cpuMs: number;
}
type SinkReply = { type: "ready"; port: number } | ({ type: "stats" } & SinkStats) | { type: "reset" };

/** The child: smtp-server accepting everything, counting; answers "stats" and "reset" over IPC. */
async function runSink() {
  const { SMTPServer } = await import("smtp-server");
  let messages = 0;
  let bytes = 0;
  let duplicates = 0;
  let recipients = new Set<string>();
  let cpu = process.cpuUsage();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      let size = 0;
      stream.on("data", (chunk: Buffer) => {
        size += chunk.length;
      });
      stream.on("end", () => {
        messages++;
        bytes += size;
        for (const r of session.envelope.rcptTo) {
          const address = r.address.toLowerCase();
          if (recipients.has(address)) duplicates++;
          else recipients.add(address);
        }
        callback();
      });
    },
  });
  server.listen(0, LOOPBACK);
  await once(server.server, "listening");
  const send = (reply: SinkReply) => process.send!(reply);
  process.on("message", (m: { cmd: string }) => {
    if (m.cmd === "reset") {
      messages = bytes = duplicates = 0;
      recipients = new Set();
      cpu = process.cpuUsage();
      send({ type: "reset" });
    } else if (m.cmd === "stats") {
      const used = process.cpuUsage(cpu);
      send({ type: "stats", messages, bytes, recipients: recipients.size, duplicates, cpuMs: (used.user + used.system) / 1000 });
    }
  });
  process.on("disconnect", () => process.exit(0));
  send({ type: "ready", port: (server.server.address() as AddressInfo).port });
}

interface Sink {
  url: string;
  reset(): Promise<void>;
  stats(): Promise<SinkStats>;
  stop(): Promise<void>;
}

async function startSink(): Promise<Sink> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ["--sink"], {
    cwd: PROJECT_ROOT,
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const next = async <T extends SinkReply["type"]>(type: T) => {
    const [reply] = (await once(child, "message")) as [SinkReply];
    if (reply.type !== type) throw new Error(`sink answered ${reply.type}, expected ${type}`);
    return reply as Extract<SinkReply, { type: T }>;
  };
  const ready = await Promise.race([
    next("ready"),
    once(child, "exit").then(([code]) => {
      throw new Error(`the SMTP sink exited (${String(code)}) before listening`);
    }),
  ]);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    url: `smtp://${LOOPBACK}:${ready.port}`,
    async reset() {
      child.send({ cmd: "reset" });
      await next("reset");
    },
    async stats() {
      child.send({ cmd: "stats" });
      const { type: _type, ...stats } = await next("stats");
      return stats;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ------------------------------------------------------------ measurement --

/** This process's main-thread CPU and event-loop use over a phase. */
function processMeter() {
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  const t0 = performance.now();
  return () => {
    const used = process.cpuUsage(cpu);
    return {
      seconds: (performance.now() - t0) / 1000,
      cpuMs: (used.user + used.system) / 1000,
      elu: performance.eventLoopUtilization(elu).utilization,
    };
  };
}

interface MemorySample {
  at: number;
  sent: number;
  rss: number;
  heapUsed: number;
}

/** Samples heap used and RSS every SAMPLE_MS (and whenever `mark` is called), with how many emails were sent by then. */
function memorySampler(sent: () => number) {
  const samples: MemorySample[] = [];
  const t0 = performance.now();
  const sample = () => {
    const m = process.memoryUsage();
    samples.push({ at: performance.now() - t0, sent: sent(), rss: m.rss, heapUsed: m.heapUsed });
  };
  sample();
  const timer = setInterval(sample, SAMPLE_MS);
  return {
    samples,
    mark: sample,
    stop() {
      clearInterval(timer);
      sample();
      return samples;
    },
  };
}

const peakOf = (samples: MemorySample[], key: "rss" | "heapUsed") => Math.max(...samples.map((s) => s[key]));

/** A full garbage collection (V8's gc, exposed at run time), for the heap a phase leaves behind. */
v8.setFlagsFromString("--expose-gc");
const fullGc = vm.runInNewContext("gc") as () => void;
v8.setFlagsFromString("--no-expose-gc");

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** Profiles this process (V8's sampling profiler through node:inspector) while `work` runs. */
async function cpuProfile<T>(work: () => Promise<T>): Promise<{ result: T; profile: CpuProfile }> {
  const session = new Session();
  session.connect();
  try {
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 500 });
    await session.post("Profiler.start");
    const result = await work();
    const { profile } = (await session.post("Profiler.stop")) as unknown as { profile: CpuProfile };
    return { result, profile };
  } finally {
    session.disconnect();
  }
}

/** Where a frame's code comes from: an npm package, a file of the project, Node itself, or V8's own (GC, program). */
function codeOwner(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) return "node internals";
  if (url.startsWith("wasm://")) return "wasm (Prisma's query compiler)";
  const modules = url.lastIndexOf("/node_modules/");
  if (modules >= 0) {
    const [first, second] = url.slice(modules + "/node_modules/".length).split("/");
    return first.startsWith("@") ? `${first}/${second}` : first;
  }
  const file = url.replace(/^file:\/\//, "");
  const relative = path.relative(PROJECT_ROOT, file);
  if (relative.startsWith("app/generated/")) return "app/generated (Prisma client)";
  return relative.startsWith("..") ? file : relative;
}

/**
 * Self time per owner, and time attributed to the nearest caller that is not
 * Node's own code (the stream and buffer work nodemailer asks for counts as
 * nodemailer's), in ms; and the functions with the most self time.
 */
function summariseProfile(profile: CpuProfile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const ownerOf = new Map<number, string>();
  const attributed = (id: number): string => {
    const known = ownerOf.get(id);
    if (known !== undefined) return known;
    const n = byId.get(id)!;
    const own = codeOwner(n.callFrame.url, n.callFrame.functionName);
    const p = parent.get(id);
    const result = (own === "node internals" || own === "(native)") && p !== undefined && byId.get(p)!.callFrame.functionName !== "(root)" ? attributed(p) : own;
    ownerOf.set(id, result);
    return result;
  };
  const self = new Map<string, number>();
  const nearest = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const n = byId.get(id)!;
    const own = codeOwner(n.callFrame.url, n.callFrame.functionName);
    total += ms;
    self.set(own, (self.get(own) ?? 0) + ms);
    nearest.set(attributed(id), (nearest.get(attributed(id)) ?? 0) + ms);
    const fn = `${n.callFrame.functionName || "(anonymous)"} ${own}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ""}`;
    functions.set(fn, (functions.get(fn) ?? 0) + ms);
  });
  const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k);
  return { total, self: top(self, 14), nearest: top(nearest, 30), functions: top(functions, 20) };
}

// ------------------------------------------------------------------ main --

if (flag("sink")) {
  await runSink();
} else {
  if (!["sqlite", "postgresql"].includes(PROVIDER) || !(Number.isInteger(EMAILS) && EMAILS >= 10)) {
    console.error("usage: npx tsx bench/email.ts [--db sqlite|postgresql] [--emails 10000] [--quick] [--breakdown]");
    process.exit(2);
  }
  const watchdog = setTimeout(() => {
    console.error(`email: watchdog fired (over ${RUN_LIMIT_MS / 60_000} minutes); exiting`);
    process.exit(1);
  }, RUN_LIMIT_MS);
  watchdog.unref();
  main()
    .then((code) => {
      clearTimeout(watchdog);
      process.exit(code);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}

async function main(): Promise<number> {
  console.log("# Email outbox benchmark: invitations through the outbox vs an SMTP sink's bare acceptance rate");
  console.log(keyValueTable("Machine", machineInfo()));
  const sink = await startSink();
  // The app's configuration, as a deployment would give it (before any app module loads).
  Object.assign(process.env, {
    NODE_ENV: "production",
    ...BENCH_APP_ENV,
    SMTP_URL: sink.url,
    EMAIL_FROM: FROM,
    EMAIL_SENDS_PER_SHOP_PER_SECOND: "100000",
  });
  const database = await createTestDatabase(PROVIDER);
  process.env.DATABASE_URL = database.url;

  const { default: db } = await import("~/db.server");
  const { seedInstalledShop, seedProgram } = await import("../fake-shopify/seed");
  const { generateReferralCode } = await import("~/referrals/codes");
  const { normaliseEmail } = await import("~/referrals/email");
  const { emailConfig } = await import("~/email/config.server");
  const { emailInvitation } = await import("~/email/events.server");
  const { EMAIL_OUTBOX_JOB, EmailStatus, runOutbox } = await import("~/email/outbox.server");
  const { composeMessage, loadBatchRows, loadShopMailSettings, shopDisplayName } = await import("~/email/compose.server");
  const { clearTemplateCache, renderEmail } = await import("~/email/render.server");
  const { closeSmtp, smtpSender } = await import("~/email/transport.server");

  const config = emailConfig();
  if (!config || config.perSecond < 100_000) throw new Error("the app's email config did not take the benchmark's SMTP_URL / EMAIL_SENDS_PER_SHOP_PER_SECOND");

  /** A shop as the app leaves it after an invite: a program, N referrers with emails, an invite run. */
  async function seedShop(shop: string) {
    await seedInstalledShop(db, shop, { accessToken: "shpat_bench" });
    await seedProgram(db, shop, {
      shopName: "Bench Outfitters",
      shopEmail: "owner@bench-outfitters.example",
      primaryLocale: "en",
      timezone: "America/New_York",
      storefrontUrl: "https://bench-outfitters.example",
    });
    const rows = Array.from({ length: EMAILS }, (_, i) => {
      const email = `customer${i}@example.com`;
      return {
        shop,
        customerId: `gid://shopify/Customer/${1_000_000 + i}`,
        email,
        emailKey: normaliseEmail(email),
        firstName: `Customer${i}`,
        lastName: "Bench",
        code: generateReferralCode("FRIEND"),
        source: "INVITE",
      };
    });
    for (let i = 0; i < rows.length; i += 1000) await db.referrer.createMany({ data: rows.slice(i, i + 1000) });
    const run = await db.inviteRun.create({ data: { shop, status: "ENROLLING" } });
    return { run };
  }

  /** Queues one invitation per referrer with the app's own function, one after another as the invite does. */
  async function queueInvitations(shop: string, runId: string) {
    const referrers = await db.referrer.findMany({ where: { shop }, select: { id: true, shop: true, email: true, locale: true, status: true }, orderBy: { customerId: "asc" } });
    const outcomes: Record<string, number> = {};
    const t0 = performance.now();
    for (const r of referrers) {
      const outcome = await emailInvitation(db, r, runId);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
    return { seconds: (performance.now() - t0) / 1000, outcomes };
  }

  const jobContext = (shop: string, client: Db = db): JobContext => ({
    db: client,
    shop,
    cause: `job:${EMAIL_OUTBOX_JOB}:outbox`,
    kind: EMAIL_OUTBOX_JOB,
    key: "outbox",
    payload: null,
    now: () => new Date(),
    admin: () => Promise.reject(new Error("the email outbox does not call the Admin API")),
  });

  /** runOutbox until nothing is QUEUED (each run sends for up to its 20 s slice). */
  async function drainOutbox(ctx: JobContext, sender: Sender) {
    const totals = { runs: 0, sent: 0, suppressed: 0, failed: 0, retrying: 0 };
    while ((await db.emailMessage.count({ where: { shop: ctx.shop, status: EmailStatus.QUEUED } })) > 0) {
      const r = await runOutbox(ctx, { sender });
      totals.runs++;
      totals.sent += r.sent;
      totals.suppressed += r.suppressed;
      totals.failed += r.failed;
      totals.retrying += r.retrying;
      if (r.sent + r.suppressed + r.failed + r.retrying === 0) throw new Error("runOutbox made no progress with messages QUEUED");
    }
    return totals;
  }

  try {
    // ---- setup (not timed) ----
    const seedStarted = performance.now();
    const { run } = await seedShop(SHOP);
    const seedS = (performance.now() - seedStarted) / 1000;

    // ---- queueing (timed on its own) ----
    console.log(`\nqueueing ${EMAILS.toLocaleString("en")} invitations with emailInvitation (${PROVIDER})...`);
    const queued = await queueInvitations(SHOP, run.id);
    const queuedRows = await db.emailMessage.count({ where: { shop: SHOP, kind: "INVITATION", status: EmailStatus.QUEUED } });
    console.log(`  ${fmt(queued.seconds, 1)} s, ${JSON.stringify(queued.outcomes)}, ${queuedRows} QUEUED rows`);
    if (queuedRows !== EMAILS) throw new Error(`expected ${EMAILS} queued invitations, found ${queuedRows}`);

    // ---- the baseline's messages: one real invitation, composed and rendered by the app, as sendBatch sends it ----
    const first = await db.emailMessage.findFirstOrThrow({ where: { shop: SHOP, status: EmailStatus.QUEUED }, orderBy: { createdAt: "asc" } });
    const shopSettings = await loadShopMailSettings(db, SHOP);
    const mailContext = shopSettings && { ...shopSettings, ...(await loadBatchRows(db, SHOP, [first])) };
    const composed = mailContext && composeMessage(first, mailContext, config, new Date());
    if (!composed?.ok) throw new Error(`the invitation would not be sent: ${composed ? composed.reason : "no program"}`);
    const rendered = await renderEmail(composed.shape, composed.values);
    const program = mailContext!.program;
    const sample: OutgoingMessage = {
      from: { name: program.emailSenderName.trim() || shopDisplayName(program), address: config.from },
      to: first.recipient,
      replyTo: program.emailReplyTo || program.shopEmail || undefined,
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      unsubscribeUrl: composed.unsubscribeUrl ?? undefined,
      headers: { "X-Referral-Email": first.kind },
    };
    // The app renders its own layout once, in its run.
    clearTemplateCache();
    const recipients = (await db.emailMessage.findMany({ where: { shop: SHOP }, select: { recipient: true }, orderBy: { createdAt: "asc" } })).map((m) => m.recipient);

    /** smtpSender's mapping of an OutgoingMessage to nodemailer's options, to another recipient. */
    const mailTo = (to: string) => ({
      from: sample.from,
      to,
      replyTo: sample.replyTo || undefined,
      subject: sample.subject,
      html: sample.html,
      text: sample.text,
      headers: sample.headers,
      ...(sample.unsubscribeUrl ? { list: { unsubscribe: sample.unsubscribeUrl }, headers: { ...sample.headers, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" } } : {}),
    });

    /** The messages through a fresh pooled transport: BASELINE_IN_FLIGHT always in flight, or (`batchesOf`) in batches each awaited whole, as sendBatch sends them. */
    async function baseline(label: string, batchesOf?: number) {
      const how = batchesOf ? `in batches of ${batchesOf}, each awaited before the next` : `${BASELINE_IN_FLIGHT} in flight`;
      console.log(`\nbaseline (${label}): ${EMAILS.toLocaleString("en")} messages straight through a pooled nodemailer transport, ${how}...`);
      await sink.reset();
      const transporter = nodemailer.createTransport(`${sink.url}?${POOL_QUERY}`);
      const meter = processMeter();
      if (batchesOf) {
        for (let i = 0; i < recipients.length; i += batchesOf) await Promise.all(recipients.slice(i, i + batchesOf).map((to) => transporter.sendMail(mailTo(to))));
      } else {
        let next = 0;
        await Promise.all(
          Array.from({ length: BASELINE_IN_FLIGHT }, async () => {
            while (next < recipients.length) await transporter.sendMail(mailTo(recipients[next++]));
          }),
        );
      }
      const m = meter();
      transporter.close();
      const stats = await sink.stats();
      if (stats.messages !== EMAILS || stats.recipients !== EMAILS) throw new Error(`baseline: the sink got ${stats.messages} messages to ${stats.recipients} recipients, expected ${EMAILS}`);
      const rate = EMAILS / m.seconds;
      console.log(`  ${fmt(m.seconds, 2)} s, ${fmt(rate, 0)} messages/s`);
      return { ...m, rate, stats };
    }

    const baselineBefore = await baseline("before the app");

    // ---- the app: the outbox job until nothing is QUEUED ----
    console.log(`\napp: runOutbox until no message is QUEUED (smtpSender, ${EMAILS.toLocaleString("en")} messages)...`);
    await sink.reset();
    fullGc();
    const heapBefore = process.memoryUsage().heapUsed;
    let sent = 0;
    const mark = Math.ceil(EMAILS / 5);
    const appSender = smtpSender(config.smtpUrl);
    const memory = memorySampler(() => sent);
    // The app's own sender; only counted, for the memory samples.
    const countingSender: Sender = {
      async send(message) {
        const info = await appSender.send(message);
        if (++sent === mark) memory.mark();
        return info;
      },
    };
    const meter = processMeter();
    const totals = await drainOutbox(jobContext(SHOP), countingSender);
    const appRun = meter();
    const samples = memory.stop();
    fullGc();
    const heapAfter = process.memoryUsage().heapUsed;
    const appStats = await sink.stats();
    const appRate = EMAILS / appRun.seconds;
    console.log(`  ${fmt(appRun.seconds, 2)} s, ${fmt(appRate, 0)} messages/s, ${totals.runs} run(s) of the job`);

    const baselineAfter = await baseline("after the app");
    const baselineRate = (baselineBefore.rate + baselineAfter.rate) / 2;
    const ratio = appRate / baselineRate;

    // ---- correctness ----
    const byStatus = Object.fromEntries(
      (await db.emailMessage.groupBy({ by: ["status"], where: { shop: SHOP }, _count: { _all: true } })).map((g) => [g.status, g._count._all]),
    );
    const sentRows = byStatus[EmailStatus.SENT] ?? 0;
    const correct = sentRows === EMAILS && appStats.messages === EMAILS && appStats.recipients === EMAILS && appStats.duplicates === 0 && totals.sent === EMAILS;

    // ---- memory ----
    const early = samples.filter((s) => s.sent <= mark);
    const heapEarly = peakOf(early, "heapUsed");
    const heapAll = peakOf(samples, "heapUsed");
    const rssEarly = peakOf(early, "rss");
    const rssAll = peakOf(samples, "rss");
    const memoryRatio = heapAll / heapEarly;
    const fifths = Array.from({ length: 5 }, (_, k) => {
      const inFifth = samples.filter((s) => s.sent > (k * EMAILS) / 5 && s.sent <= ((k + 1) * EMAILS) / 5);
      return inFifth.length ? [`${(k * EMAILS) / 5}-${((k + 1) * EMAILS) / 5}`, inFifth.length, fmt(peakOf(inFifth, "heapUsed") / MB, 1), fmt(peakOf(inFifth, "rss") / MB, 1)] : null;
    }).filter((r): r is (string | number)[] => r !== null);

    // ---- report ----
    const n = EMAILS.toLocaleString("en");
    const avgBytes = (s: SinkStats) => fmt(s.bytes / Math.max(1, s.messages), 0);
    const busy = (m: { cpuMs: number; seconds: number }) => `${fmt(m.cpuMs / 1000 / m.seconds, 2)} cores`;
    console.log(
      keyValueTable("Setup", [
        ["database", `${PROVIDER} (fresh, migrated)`],
        ["SMTP sink", `smtp-server in a child process (its own event loop) on ${sink.url}: accepts everything, reads each DATA stream to the end, counts`],
        ["app transport", "smtpSender (nodemailer, pool=true, maxConnections=5, maxMessages=1000), EMAIL_SENDS_PER_SHOP_PER_SECOND=100000 (batches of 100)"],
        ["baseline transport", `nodemailer, same pool settings, ${BASELINE_IN_FLIGHT} sends in flight, the same message to each recipient`],
        ["shop", `a program (shopName, shopEmail, primaryLocale en, storefrontUrl) and ${n} referrers with emails, seeded in ${fmt(seedS, 1)} s (not timed)`],
        ["message", `INVITATION, subject "${sample.subject}", html ${sample.html.length} chars, text ${sample.text.length} chars, List-Unsubscribe`],
      ]),
    );
    console.log(
      table("Runs", ["phase", "seconds", "messages/s", "sink: messages / distinct recipients", "bytes per message at the sink", "this process's CPU", "event loop busy", "sink's CPU"], [
        ["baseline, before", fmt(baselineBefore.seconds, 2), fmt(baselineBefore.rate, 0), `${baselineBefore.stats.messages} / ${baselineBefore.stats.recipients}`, avgBytes(baselineBefore.stats), busy(baselineBefore), fmt(baselineBefore.elu, 2), busy({ cpuMs: baselineBefore.stats.cpuMs, seconds: baselineBefore.seconds })],
        ["app (runOutbox)", fmt(appRun.seconds, 2), fmt(appRate, 0), `${appStats.messages} / ${appStats.recipients}`, avgBytes(appStats), busy(appRun), fmt(appRun.elu, 2), busy({ cpuMs: appStats.cpuMs, seconds: appRun.seconds })],
        ["baseline, after", fmt(baselineAfter.seconds, 2), fmt(baselineAfter.rate, 0), `${baselineAfter.stats.messages} / ${baselineAfter.stats.recipients}`, avgBytes(baselineAfter.stats), busy(baselineAfter), fmt(baselineAfter.elu, 2), busy({ cpuMs: baselineAfter.stats.cpuMs, seconds: baselineAfter.seconds })],
      ]),
    );
    console.log(table(`Memory of this process while the outbox sends (MiB; ${samples.length} samples every ${SAMPLE_MS} ms)`, ["emails sent", "samples", "peak heap used", "peak RSS"], fifths));
    console.log(
      table("Summary", ["figure", "measured", "target / baseline", "verdict"], [
        ["queueing (emailInvitation, one after another)", `${fmt(queued.seconds, 1)} s, ${fmt(EMAILS / queued.seconds, 0)} emails/s, ${fmt((queued.seconds * 1000) / EMAILS, 2)} ms each`, "(reported, no target)", ""],
        ["app sends (runOutbox until nothing QUEUED)", `${fmt(appRun.seconds, 2)} s, ${fmt(appRate, 0)} messages/s`, `baseline ${fmt(baselineRate, 0)} messages/s (mean of ${fmt(baselineBefore.rate, 0)} and ${fmt(baselineAfter.rate, 0)})`, ""],
        ["app / baseline", fmt(ratio, 3), `>= ${TARGET_RATIO}`, verdict(ratio >= TARGET_RATIO && correct)],
        ["job runs / sent / suppressed / failed / retrying", `${totals.runs} / ${totals.sent} / ${totals.suppressed} / ${totals.failed} / ${totals.retrying}`, `- / ${EMAILS} / 0 / 0 / 0`, verdict(totals.sent === EMAILS)],
        ["messages by status in the database", JSON.stringify(byStatus), `{"SENT":${EMAILS}}`, verdict(sentRows === EMAILS && Object.keys(byStatus).length === 1)],
        ["arrived at the sink / distinct recipients / duplicates", `${appStats.messages} / ${appStats.recipients} / ${appStats.duplicates}`, `${EMAILS} / ${EMAILS} / 0`, verdict(correct)],
        ["peak RSS: first fifth / all sends", `${fmt(rssEarly / MB, 1)} / ${fmt(rssAll / MB, 1)} MiB = ${fmt(rssAll / rssEarly, 3)}x`, `<= ${TARGET_MEMORY_RATIO}x (flat)`, verdict(rssAll / rssEarly <= TARGET_MEMORY_RATIO)],
        ["peak heap used: first fifth / all sends", `${fmt(heapEarly / MB, 1)} / ${fmt(heapAll / MB, 1)} MiB = ${fmt(memoryRatio, 3)}x`, "(reference: the GC's sawtooth)", ""],
        ["heap used / RSS when the sends started (after a full GC)", `${fmt(samples[0].heapUsed / MB, 1)} / ${fmt(samples[0].rss / MB, 1)} MiB`, "(reference)", ""],
        ["heap left after a full GC: before / after the sends", `${fmt(heapBefore / MB, 1)} / ${fmt(heapAfter / MB, 1)} MiB = ${fmt(heapAfter / heapBefore, 3)}x`, `<= ${TARGET_RETAINED_RATIO}x (nothing retained)`, verdict(heapAfter / heapBefore <= TARGET_RETAINED_RATIO)],
      ]),
    );

    if (BREAKDOWN) await breakdown();

    reportFigures([
      {
        bench: "email",
        figure: `email outbox throughput, ${n} invitations (messages/s), ${PROVIDER}`,
        value: appRate,
        unit: "messages/s",
        baseline: "SMTP sink's bare acceptance rate (pooled nodemailer, 5 connections)",
        baselineValue: baselineRate,
        ratio,
        target: `>= ${TARGET_RATIO}x baseline`,
        met: ratio >= TARGET_RATIO && correct,
      },
      {
        bench: "email",
        figure: `${n} invitations SENT once each and arrived (correctness)`,
        value: Math.min(sentRows, appStats.recipients),
        unit: "emails",
        baseline: "invitations queued",
        baselineValue: EMAILS,
        ratio: Math.min(sentRows, appStats.recipients) / EMAILS,
        target: "all, no duplicate",
        met: correct,
      },
      {
        bench: "email",
        figure: `peak memory (RSS) while sending ${n} (lower is better; flat = 1)`,
        value: rssAll / MB,
        unit: "MiB",
        baseline: `peak RSS over the first ${mark.toLocaleString("en")} sent`,
        baselineValue: rssEarly / MB,
        ratio: rssAll / rssEarly,
        target: `<= ${TARGET_MEMORY_RATIO}x`,
        met: rssAll / rssEarly <= TARGET_MEMORY_RATIO,
      },
      {
        bench: "email",
        figure: `heap left after a full GC once ${n} were sent (a leak)`,
        value: heapAfter / MB,
        unit: "MiB",
        baseline: "heap after a full GC before the sends",
        baselineValue: heapBefore / MB,
        ratio: heapAfter / heapBefore,
        target: `<= ${TARGET_RETAINED_RATIO}x`,
        met: heapAfter / heapBefore <= TARGET_RETAINED_RATIO,
      },
    ]);
    return correct ? 0 : 1;

    /**
     * Where the time goes: the same sends twice more, each on a fresh shop of
     * its own: once under V8's CPU profiler, once with every database query
     * and every SMTP send timed; and compose + render timed alone.
     */
    async function breakdown() {
      const freshShop = async (shop: string) => {
        const { run: r } = await seedShop(shop);
        await queueInvitations(shop, r.id);
        clearTemplateCache();
        await sink.reset();
        fullGc();
      };

      // 1. CPU profiles of a plain run and of a baseline run, compared per message.
      const profiledShop = "bench-email-profiled.myshopify.com";
      await freshShop(profiledShop);
      const pm = processMeter();
      const { profile } = await cpuProfile(() => drainOutbox(jobContext(profiledShop), appSender));
      const pr = pm();
      fullGc();
      const { result: pb, profile: baselineProfile } = await cpuProfile(() => baseline("under the CPU profiler"));
      const dir = path.join(PROJECT_ROOT, "bench-results");
      fs.mkdirSync(dir, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, "-");
      const profileFile = path.join(dir, `email-outbox-${stamp}.cpuprofile`);
      fs.writeFileSync(profileFile, JSON.stringify(profile));
      fs.writeFileSync(path.join(dir, `email-baseline-${stamp}.cpuprofile`), JSON.stringify(baselineProfile));
      const app = summariseProfile(profile);
      const base = summariseProfile(baselineProfile);
      const perMessage = (ms: number | undefined) => fmt(((ms ?? 0) / EMAILS) * 1000, 0);
      const owners = [...new Set([...app.nearest.map(([o]) => o), ...base.nearest.map(([o]) => o)])]
        .map((o) => ({ o, a: app.nearest.find(([x]) => x === o)?.[1] ?? 0, b: base.nearest.find(([x]) => x === o)?.[1] ?? 0 }))
        .sort((x, y) => y.a - y.b - (x.a - x.b));
      console.log(
        table(
          `Breakdown 1: CPU profiles, µs per message, by the code's owner (time in Node's own code counted to its nearest caller): the outbox sending ${n} on a fresh shop (${fmt(pr.seconds, 2)} s, ${fmt(EMAILS / pr.seconds, 0)} messages/s, this process's CPU ${busy(pr)}) and the baseline sending the same (${fmt(pb.seconds, 2)} s, ${fmt(pb.rate, 0)} messages/s, ${busy(pb)})`,
          ["owner", "app", "baseline", "app - baseline"],
          [
            ...owners.map(({ o, a, b }) => [o, perMessage(a), perMessage(b), perMessage(a - b)]),
            ["all sampled", perMessage(app.total), perMessage(base.total), perMessage(app.total - base.total)],
          ],
        ),
      );
      const pct = (ms: number) => `${fmt((100 * ms) / app.total, 1)}%`;
      console.log(table("Breakdown 1: the app's functions with the most self time", ["function owner:line", "self ms", "share"], app.functions.map(([f, ms]) => [f, fmt(ms, 0), pct(ms)])));
      console.log(`CPU profiles written to ${path.relative(PROJECT_ROOT, profileFile)} and email-baseline-${stamp}.cpuprofile beside it (Chrome DevTools > Performance, or VS Code)`);

      // 2. Every query and send timed.
      const timedShop = "bench-email-timed.myshopify.com";
      await freshShop(timedShop);
      const queries = new Map<string, { count: number; ms: number }>();
      const record = (name: string, ms: number) => {
        const row = queries.get(name) ?? { count: 0, ms: 0 };
        row.count++;
        row.ms += ms;
        queries.set(name, row);
      };
      const timed = db.$extends({
        query: {
          $allModels: {
            async $allOperations({ model, operation, args, query }) {
              const t = performance.now();
              try {
                return await query(args);
              } finally {
                record(`${model}.${operation}`, performance.now() - t);
              }
            },
          },
        },
      }) as unknown as Db;
      const sends: number[] = [];
      const timedSender: Sender = {
        async send(message) {
          const t = performance.now();
          try {
            return await appSender.send(message);
          } finally {
            sends.push(performance.now() - t);
          }
        },
      };
      const m = processMeter();
      await drainOutbox(jobContext(timedShop, timed), timedSender);
      const r = m();

      const sorted = [...sends].sort((a, b) => a - b);
      const wallMs = r.seconds * 1000;
      console.log(
        table(
          `Breakdown 2: the same ${n} sends on a fresh shop with every query and send timed (${fmt(r.seconds, 2)} s, ${fmt(EMAILS / r.seconds, 0)} messages/s instrumented; this process's CPU ${busy(r)}, event loop busy ${fmt(r.elu, 2)}). Times overlap: a batch's 50 messages are in flight at once and wait for each other`,
          ["query / send", "calls", "total ms", "ms per call", "total / wall time"],
          [
            ...[...queries].sort((a, b) => b[1].ms - a[1].ms).map(([name, q]) => [name, q.count, fmt(q.ms, 0), fmt(q.ms / q.count, 2), `${fmt((100 * q.ms) / wallMs, 0)}%`]),
            ["sender.send (SMTP, pooled)", sends.length, fmt(sends.reduce((sum, x) => sum + x, 0), 0), `p50 ${fmt(percentile(sorted, 50), 1)}, p99 ${fmt(percentile(sorted, 99), 1)}`, ""],
          ],
        ),
      );

      // 3. The outbox's steps alone, one after another, over the same messages,
      // made QUEUED again: what each costs the one thread with nothing overlapping.
      // The queries are those of claimDue and sendBatch (app/email/outbox.server.ts);
      // loadShopMailSettings, loadBatchRows, composeMessage and renderEmail are the app's own.
      await db.emailMessage.updateMany({ where: { shop: timedShop }, data: { status: EmailStatus.QUEUED, availableAt: new Date(), lockedBy: null, lockedUntil: null, sentAt: null } });
      const settings = await loadShopMailSettings(db, timedShop);
      clearTemplateCache();
      const steps = { claim: 0, context: 0, compose: 0, recordSent: 0 };
      const lap = async <T>(step: keyof typeof steps, work: () => Promise<T>): Promise<T> => {
        const t = performance.now();
        const result = await work();
        steps[step] += performance.now() - t;
        return result;
      };
      const stepMeter = processMeter();
      for (let batchNo = 0; ; batchNo++) {
        const now = new Date();
        const token = `bench/${batchNo}`;
        const due = { shop: timedShop, OR: [{ status: EmailStatus.QUEUED, availableAt: { lte: now } }, { status: EmailStatus.SENDING, lockedUntil: { lt: now } }] };
        const batch = await lap("claim", async () => {
          const candidates = await db.emailMessage.findMany({ where: due, orderBy: { availableAt: "asc" }, take: 100, select: { id: true } });
          if (candidates.length === 0) return [];
          await db.emailMessage.updateMany({
            where: { id: { in: candidates.map((c) => c.id) }, ...due },
            data: { status: EmailStatus.SENDING, lockedBy: token, lockedUntil: new Date(now.getTime() + 120_000), attempts: { increment: 1 } },
          });
          return db.emailMessage.findMany({ where: { shop: timedShop, lockedBy: token, status: EmailStatus.SENDING } });
        });
        if (batch.length === 0) break;
        const context = { ...settings!, ...(await lap("context", () => loadBatchRows(db, timedShop, batch))) };
        await lap("compose", async () => {
          for (const message of batch) {
            const c = composeMessage(message, context!, config!, now);
            if (c.ok) await renderEmail(c.shape, c.values);
          }
        });
        // As the outbox's group commit does at best: the batch's sends recorded in one UPDATE.
        await lap("recordSent", () =>
          db.emailMessage.updateMany({
            where: { id: { in: batch.map((m) => m.id) }, shop: timedShop, lockedBy: token },
            data: { status: EmailStatus.SENT, sentAt: now, reason: null, locale: "en", lockedBy: null, lockedUntil: null },
          }),
        );
      }
      const sm = stepMeter();
      // 4. The baseline sent the way sendBatch sends: 100 at a time, the pool idle between batches.
      const batched = await baseline("in the outbox's batches", 100);
      const appMs = appRun.seconds * 1000;
      const baselineMs = (EMAILS / baselineRate) * 1000;
      const stepsMs = steps.claim + steps.context + steps.compose + steps.recordSent;
      const row = (label: string, ms: number, calls: string) => [label, calls, fmt(ms, 0), fmt((ms / EMAILS) * 1000, 0), `${fmt((100 * ms) / appMs, 0)}%`];
      console.log(
        table(
          `Breakdown 3: the outbox's steps alone, one after another, no SMTP (${n} messages made QUEUED again; this process's CPU ${busy(sm)}, event loop busy ${fmt(sm.elu, 2)}), against the plain run's ${fmt(appMs, 0)} ms`,
          ["step", "calls", "ms", "µs per message", "share of the app's run"],
          [
            row("claim (findMany ids, updateMany to SENDING, findMany rows), per 50", steps.claim, `${Math.ceil(EMAILS / 50)} x 3 queries`),
            row("loadBatchRows (4 queries at once), per 100", steps.context, `${Math.ceil(EMAILS / 100)} x 4 queries`),
            row("composeMessage + renderEmail, per message", steps.compose, String(EMAILS)),
            row("record SENT: one updateMany per message, a batch's 50 at once", steps.recordSent, `${EMAILS} queries`),
            row("all the steps but SMTP", stepsMs, ""),
            row("the baseline's time for the same messages (nodemailer + sink)", baselineMs, ""),
            row("steps + baseline", stepsMs + baselineMs, ""),
            row(`the baseline sent in batches of 100, each awaited (${fmt(batched.rate, 0)} messages/s)`, batched.seconds * 1000, ""),
            row("steps + batched baseline", stepsMs + batched.seconds * 1000, ""),
            row("the app's run (runOutbox, plain)", appMs, ""),
          ],
        ),
      );
    }
  } finally {
    closeSmtp();
    await db.$disconnect();
    await database.drop();
    await sink.stop();
  }
}
