// `npm run bench`: every benchmark under bench/, one after another, each in a
// child process of its own (a benchmark owns the machine while it runs), then
// ONE table of their headline figures, each beside the baseline it was measured
// against in the same run. Each benchmark's own report goes to a log file
// under bench-results/<time>/; its figures come from its `BENCH-FIGURE` lines
// (bench/lib/figures.ts). A benchmark that fails, or prints no figure, is a
// FAILED row, and this command then exits 1. Figures are printed beside their
// targets, never asserted: the machines are shared and noisy.
//
//   npm run bench [-- --only a,b] [--quick] [--markdown [file]]
//
//   --only a,b          just these benchmarks (names below)
//   --quick             smaller sizes and shorter phases, for a first look
//   --markdown [file]   also write the machine and the table as Markdown
//                       (default bench-results/latest.md), for BENCHMARKS.md
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { PROJECT_ROOT } from "~/db-url";
import { parseFigures, type Figure } from "./lib/figures";
import { keyValueTable, machineInfo, table } from "./lib/report";

interface Bench {
  name: string;
  script: string;
  /** What it measures, one line (also in BENCHMARKS.md). */
  about: string;
  args: string[];
  quickArgs: string[];
  /** Stopped (and counted as failed) after this long. */
  limitMinutes: number;
}

const BENCHES: Bench[] = [
  {
    name: "webhook-ingest",
    script: "bench/webhook-ingest.ts",
    about: "signed orders/paid deliveries into the app server vs a bare HMAC-verifying node:http server",
    args: [],
    quickArgs: ["--seconds", "5"],
    limitMinutes: 15,
  },
  {
    name: "pipeline",
    script: "bench/pipeline.ts",
    about: "rewards issued per second by the worker vs the Shopify rate-limit bound",
    args: [],
    quickArgs: ["--rewards", "100"],
    limitMinutes: 10,
  },
  {
    name: "pipeline-plus",
    script: "bench/pipeline.ts",
    about: "the same at the Plus plan's rate (1,000 points/s) on PostgreSQL, 1 and 4 workers of 8 slots each, and orders/paid -> reward latency",
    args: ["--db", "postgresql", "--plan", "plus", "--workers", "1,4"],
    quickArgs: ["--db", "postgresql", "--plan", "plus", "--workers", "1", "--rewards", "600"],
    limitMinutes: 15,
  },
  {
    name: "admin-loaders",
    script: "bench/admin-loaders.ts",
    about: "dashboard and referrals-list loaders at 10k / 100k / 1M referrals, SQLite and PostgreSQL, vs a count(*)",
    args: [],
    quickArgs: ["--sizes", "10000,100000"],
    limitMinutes: 90,
  },
  {
    name: "experiments",
    script: "bench/experiments.ts",
    about: "experiment report and dashboard loaders (p50, p95) at 100,000 referrals across 4 variants, SQLite and PostgreSQL, vs a count(*)",
    args: [],
    quickArgs: ["--quick"],
    limitMinutes: 15,
  },
  {
    name: "admin-vitals",
    script: "bench/admin-vitals.ts",
    about: "Web Vitals (LCP, CLS, INP; p75 of 10 loads, one interaction each) of every admin page in the dev store's admin in Chromium vs a bare Polaris page served by the same app",
    args: [],
    quickArgs: ["--loads", "3", "--pages", "home,dashboard"],
    limitMinutes: 40,
  },
  {
    name: "storefront",
    script: "bench/storefront.ts",
    about: "app proxy latency vs a bare node:http server; storefront asset sizes vs budget",
    args: [],
    quickArgs: ["--seconds", "5"],
    limitMinutes: 10,
  },
  {
    name: "lighthouse",
    script: "bench/lighthouse.ts",
    about: "Lighthouse 12.2.3 mobile performance score, LCP, TBT, CLS of the dev store's product and home pages with the block, embed and launcher vs the same pages without the app (median of 5)",
    args: [],
    quickArgs: ["--runs", "1", "--pages", "product"],
    limitMinutes: 15,
  },
  {
    name: "extensions",
    script: "bench/extensions.ts",
    about: "UI extension bundles (gzip) vs Shopify's limit; thank-you route p95 at 100 req/s vs a bare node:http server verifying the same session tokens",
    args: [],
    quickArgs: ["--seconds", "5"],
    limitMinutes: 10,
  },
  {
    name: "discount-function",
    script: "bench/discount-function.ts",
    about: "the referral-discount function's run in Node on a 200-line cart (parse, run, serialise) vs a trivial function; a proxy for Shopify's 11M-instruction budget",
    args: [],
    quickArgs: ["--runs", "1000", "--rounds", "3"],
    limitMinutes: 5,
  },
  {
    name: "friend-codes",
    script: "bench/friend-codes.ts",
    about: "single-use friend code made on a link click: click route p95 at 20 clicks/s with the fake Admin API at 100 ms, vs the same route with shared codes",
    args: [],
    quickArgs: ["--seconds", "6"],
    limitMinutes: 10,
  },
  {
    name: "invites",
    script: "bench/invites.ts",
    about: "inviting 100,000 existing customers vs the rate-limit bound of its Admin calls",
    args: [],
    quickArgs: ["--customers", "10000"],
    limitMinutes: 50,
  },
  {
    name: "memory",
    script: "bench/memory.ts",
    about: "peak RSS and heap of the app server under sustained webhooks + app proxy load vs idle",
    args: [],
    quickArgs: ["--seconds", "10"],
    limitMinutes: 10,
  },
  {
    name: "email",
    script: "bench/email.ts",
    about: "10,000 invitation emails through the outbox job and nodemailer's pool into an SMTP sink vs the sink's bare acceptance rate; peak heap",
    args: [],
    quickArgs: ["--quick"],
    limitMinutes: 20,
  },
  {
    name: "events",
    script: "bench/events.ts",
    about: "referral events to Flow, Klaviyo and a webhook endpoint (fakes at 100 ms) at 50 events/s: commit -> delivered p95 vs the same queue with an in-process 100 ms target; deliveries/s made vs offered",
    args: [],
    quickArgs: ["--quick"],
    limitMinutes: 10,
  },
  {
    name: "retention",
    script: "bench/retention.ts",
    about: "table sizes after a simulated year of one busy shop with the app's daily retention vs the same year without it",
    args: [],
    quickArgs: ["--quick"],
    limitMinutes: 20,
  },
  {
    name: "printables",
    script: "bench/printables.ts",
    about: "a referrer's printable brochure (English, Hindi) and QR poster as PDF: ms per document and heap after GC, vs pdfkit's one-line PDF",
    args: [],
    quickArgs: ["--quick"],
    limitMinutes: 5,
  },
];

interface Outcome {
  bench: Bench;
  exitCode: number | null;
  signal: string | null;
  seconds: number;
  figures: Figure[];
  log: string;
}

function parseArgs(argv: string[]) {
  const usage = `usage: npm run bench [-- --only ${BENCHES.map((b) => b.name).join(",")}] [--quick] [--markdown [file]]`;
  const options = { only: null as string[] | null, quick: false, markdown: null as string | null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--quick") options.quick = true;
    else if (arg === "--only" && argv[i + 1]) options.only = argv[++i].split(",").map((s) => s.trim()).filter(Boolean);
    else if (arg === "--markdown") options.markdown = argv[i + 1] && !argv[i + 1].startsWith("--") ? argv[++i] : "";
    else if (arg === "--help" || arg === "-h") {
      console.log(usage);
      process.exit(0);
    } else {
      console.error(`unknown option ${arg}\n${usage}`);
      process.exit(2);
    }
  }
  const unknown = (options.only ?? []).filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length) {
    console.error(`no benchmark named ${unknown.join(", ")}\n${usage}`);
    process.exit(2);
  }
  return options;
}

let current: ReturnType<typeof spawn> | undefined;

/** Runs one benchmark, its output into `logFile`; resolves when it exits or its time is up. */
function runBench(bench: Bench, args: string[], logFile: string): Promise<Outcome> {
  const started = performance.now();
  const log = fs.createWriteStream(logFile);
  let stdout = "";
  return new Promise((resolve) => {
    // Its own process group, so a stop also reaches the servers it started.
    const child = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, bench.script), ...args], {
      cwd: PROJECT_ROOT,
      env: process.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    current = child;
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      log.write(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => log.write(chunk));
    const limit = setTimeout(() => {
      log.write(`\n[run-all] stopped after ${bench.limitMinutes} minutes\n`);
      stopGroup(child.pid);
    }, bench.limitMinutes * 60_000);
    child.once("error", (error) => log.write(`\n[run-all] could not start: ${String(error)}\n`));
    child.once("close", (exitCode, signal) => {
      clearTimeout(limit);
      current = undefined;
      log.end(() => {
        let figures: Figure[] = [];
        try {
          figures = parseFigures(stdout);
        } catch (error) {
          fs.appendFileSync(logFile, `\n[run-all] unreadable BENCH-FIGURE line: ${String(error)}\n`);
        }
        resolve({ bench, exitCode, signal, seconds: (performance.now() - started) / 1000, figures, log: logFile });
      });
    });
  });
}

/** SIGTERM to the group the benchmark leads, SIGKILL 5 s later if it is still there. */
function stopGroup(pid: number | undefined) {
  if (!pid) return;
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s);
    } catch {
      // Already gone.
    }
  };
  signal("SIGTERM");
  setTimeout(() => signal("SIGKILL"), 5_000).unref();
}

/** Readable precision whatever the magnitude: 12345 -> "12345", 12.34 -> "12.3", 0.01234 -> "0.0123". */
function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 100 || Number.isInteger(n)) return Math.round(n).toLocaleString("en");
  if (abs >= 10) return n.toFixed(1);
  if (abs >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

const cell = (s: string) => s.replace(/\|/g, "\\|");

function figureRows(outcomes: Outcome[]): string[][] {
  return outcomes.flatMap((o) => {
    const failed = o.exitCode !== 0;
    const rows = o.figures.map((f) => [
      f.bench,
      f.figure,
      `${formatNumber(f.value)} ${f.unit}`,
      `${f.baseline}: ${formatNumber(f.baselineValue)}`,
      `${formatNumber(f.ratio)}x`,
      f.target,
      f.met ? "yes" : "NO",
    ]);
    if (failed || rows.length === 0) {
      const why = o.signal ? `signal ${o.signal}` : `exit code ${o.exitCode}`;
      rows.push([o.bench.name, failed ? `FAILED (${why})` : "FAILED (no figures reported)", "", "", "", "", "NO"]);
    }
    return rows.map((r) => r.map(cell));
  });
}

const HEADERS = ["bench", "figure", "value", "baseline (same run)", "ratio", "target", "met"];
const ALIGN: ("left" | "right")[] = ["left", "left", "right", "left", "right", "left", "left"];

function markdown(outcomes: Outcome[], machine: [string, string][], command: string, totalS: number): string {
  const lines = [
    `Measured ${new Date().toISOString().replace(/\.\d+Z$/, "Z")} with \`${command}\` (${Math.round(totalS)} s in all).`,
    "",
    table("Machine", ["", ""], machine.map(([k, v]) => [k, cell(v)]), ["left", "left"]).trim(),
    "",
    table("Figures", HEADERS, figureRows(outcomes), ALIGN).trim(),
    "",
    table("Benchmarks run", ["bench", "exit", "seconds", "figures"], outcomes.map((o) => [o.bench.name, o.signal ?? String(o.exitCode), Math.round(o.seconds), o.figures.length])).trim(),
    "",
  ];
  // table() starts each with its title line; in Markdown that title reads better bold.
  return lines.join("\n").replace(/^(Machine|Figures|Benchmarks run)$/gm, "**$1**\n");
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const selected = BENCHES.filter((b) => !options.only || options.only.includes(b.name));
  const stamp = new Date().toISOString().replace(/[:.]/g, "-").replace(/-\d+Z$/, "Z");
  const dir = path.join(PROJECT_ROOT, "bench-results", stamp);
  fs.mkdirSync(dir, { recursive: true });
  const machine = machineInfo();
  console.log(`# npm run bench${options.quick ? " --quick" : ""}: ${selected.length} benchmark(s), logs in ${path.relative(PROJECT_ROOT, dir)}/`);
  console.log(keyValueTable("Machine", machine));

  let interrupted = false;
  const stop = () => {
    interrupted = true;
    console.error("\ninterrupted: stopping the running benchmark");
    stopGroup(current?.pid);
    setTimeout(() => process.exit(130), 6_000).unref();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  const started = performance.now();
  const outcomes: Outcome[] = [];
  for (const bench of selected) {
    if (interrupted) break;
    const args = options.quick ? bench.quickArgs : bench.args;
    process.stdout.write(`\n${bench.name} (${[bench.script, ...args].join(" ")})... `);
    const outcome = await runBench(bench, args, path.join(dir, `${bench.name}.log`));
    outcomes.push(outcome);
    const ok = outcome.exitCode === 0 && outcome.figures.length > 0;
    console.log(`${ok ? "done" : "FAILED"} in ${Math.round(outcome.seconds)} s, ${outcome.figures.length} figure(s), exit ${outcome.signal ?? outcome.exitCode}`);
    if (!ok) {
      const tail = fs.readFileSync(outcome.log, "utf8").trimEnd().split("\n").slice(-15);
      console.log(`  last lines of ${path.relative(PROJECT_ROOT, outcome.log)}:\n    ${tail.join("\n    ")}`);
    }
  }
  const totalS = (performance.now() - started) / 1000;

  console.log(table(`All figures (${options.quick ? "quick" : "full"} run; ratio as each figure defines it; targets are printed, never asserted)`, HEADERS, figureRows(outcomes), ALIGN));
  const load = (await import("node:os")).loadavg().map((l) => l.toFixed(2)).join(" / ");
  console.log(`\nload average (1/5/15 min) at the end: ${load}`);
  console.log(`total wall time: ${Math.floor(totalS / 60)} min ${Math.round(totalS % 60)} s`);

  if (options.markdown !== null) {
    const file = path.resolve(PROJECT_ROOT, options.markdown || "bench-results/latest.md");
    const command = `npm run bench${options.quick ? " -- --quick" : ""}${options.only ? `${options.quick ? "" : " --"} --only ${options.only.join(",")}` : ""}`;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, markdown(outcomes, [...machine, ["load average (1/5/15 min) at the end", load]], command, totalS));
    console.log(`Markdown written to ${path.relative(PROJECT_ROOT, file)}`);
  }
  const failed = outcomes.filter((o) => o.exitCode !== 0 || o.figures.length === 0);
  if (failed.length) console.log(`\n${failed.length} benchmark(s) failed: ${failed.map((o) => o.bench.name).join(", ")}`);
  process.exit(failed.length ? 1 : 0);
}

await main();
