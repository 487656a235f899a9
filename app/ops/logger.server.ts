// Structured logs: one JSON object a line on stdout, for the hosting's log
// collector. Every line carries what the process is doing when it is written
// (the log context, kept in AsyncLocalStorage): the request id and the shop for
// an HTTP request, the job or delivery id, its kind and the shop for the
// worker's work. Never personal data: keys that name it are redacted, and
// email and IPv4 addresses are masked in every string (messages and errors
// included), as a last guard for code that logs more than it should.
//
// Lines are written by pino (level label, ISO time, pid, hostname, the
// context and fields, msg); this module adds the log context, the redaction
// and a message-first call (`log.info("message", { fields })`).
// LOG_LEVEL: trace, debug, info (default), warn, error, fatal or silent.
import { AsyncLocalStorage } from "node:async_hooks";
import { hostname } from "node:os";
import { pino } from "pino";

export const LOG_LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity } as const;
export type LogLevel = keyof typeof LOG_LEVELS;

export interface LogContext {
  requestId?: string;
  /** The shop the request or work is for, once verified (a session, a signature): never what a request merely names. */
  shop?: string | null;
  /** Worker: the queue row (job or webhook delivery) in hand, and its kind (job kind or webhook topic). */
  queue?: "job" | "webhook";
  jobId?: string;
  kind?: string;
}

export type LogFields = Record<string, unknown>;

export interface Logger {
  trace(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  fatal(message: string, fields?: LogFields): void;
  /** A logger whose lines all carry `bindings` (e.g. { component: "worker" }). */
  child(bindings: LogFields): Logger;
}

// One store and one sink per process, however many copies of this module are
// loaded (server.ts through tsx, the app through Vite's SSR or the build).
interface Shared {
  context: AsyncLocalStorage<LogContext>;
  write: (line: string) => void;
}
const SHARED = Symbol.for("referral-app.logger");
const shared: Shared = ((globalThis as Record<symbol, unknown>)[SHARED] ??= {
  context: new AsyncLocalStorage<LogContext>(),
  write: (line: string) => void process.stdout.write(line + "\n"),
}) as Shared;

/** Runs `fn` with `context` on every log line it (and what it awaits) writes. */
export function withLogContext<T>(context: LogContext, fn: () => T): T {
  return shared.context.run({ ...shared.context.getStore(), ...context }, fn);
}

/** The current log context (a copy), if any. */
export function logContext(): LogContext | undefined {
  const store = shared.context.getStore();
  return store ? { ...store } : undefined;
}

/**
 * The current log context itself, for code that logs later from elsewhere (an
 * event listener) and must see the shop set meanwhile: withLogContext(live, ...).
 */
export function liveLogContext(): LogContext | undefined {
  return shared.context.getStore();
}

/** Records the verified shop on the current request's or work's log lines. */
export function setLogShop(shop: string) {
  const store = shared.context.getStore();
  if (store) store.shop = shop;
}

/** Sends log lines to `write` instead of stdout until the returned function is called (tests, benchmarks). */
export function redirectLogs(write: (line: string) => void): () => void {
  const previous = shared.write;
  shared.write = write;
  return () => {
    shared.write = previous;
  };
}

function threshold(): number {
  const level = (process.env.LOG_LEVEL ?? "info").trim().toLowerCase();
  return level in LOG_LEVELS ? LOG_LEVELS[level as LogLevel] : LOG_LEVELS.info;
}

// Keys whose values are personal data or secrets, wherever they appear.
const REDACTED_KEY = /(e-?mail|name$|^name|address|phone|^ip$|ipAddress|remoteAddr|forwarded|user-?agent|token|secret|password|authorization|cookie|session|payload|^body$|^note$)/i;
// Not personal, though their names look so.
const ALLOWED_KEY = /^(shop|hostname|requestId|jobId|kind|queue|component|workerId|topic|msg|level|time|pid|method|path|status|ms|operation|operationName|signal|error|type|message|stack|code)$/;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const IPV4 = /\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b/g;

/** Masks email and IPv4 addresses in free text. */
export function scrub(text: string): string {
  return text.replace(EMAIL, "[email]").replace(IPV4, "[ip]");
}

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return scrub(value);
  if (value === null || typeof value !== "object") return value;
  if (depth > 5) return "[deep]";
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Error) {
    return { type: value.name, message: scrub(value.message), ...(value.stack ? { stack: scrub(value.stack) } : {}) };
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => redact(item, depth + 1));
  const out: LogFields = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = !ALLOWED_KEY.test(key) && REDACTED_KEY.test(key) ? "[redacted]" : redact(item, depth + 1);
  }
  return out;
}

const BASE = { pid: process.pid, hostname: hostname() };

// pino writes every level (the threshold is read per call, so LOG_LEVEL may
// change at run time) to the process's sink, one JSON object a line.
const pinoLogger = pino(
  {
    level: "trace",
    base: BASE,
    messageKey: "msg",
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  },
  { write: (line: string) => shared.write(line.endsWith("\n") ? line.slice(0, -1) : line) },
);

function write(level: LogLevel, bindings: LogFields, message: string, fields?: LogFields) {
  if (level === "silent" || LOG_LEVELS[level] < threshold()) return;
  const context = shared.context.getStore();
  const merged = {
    ...(context ? Object.fromEntries(Object.entries(context).filter(([, v]) => v !== undefined)) : {}),
    ...(redact(bindings) as LogFields),
    ...(fields ? (redact(fields) as LogFields) : {}),
  };
  try {
    pinoLogger[level](merged, scrub(message));
  } catch {
    // A field that cannot be serialised must not take the request down.
    pinoLogger[level]({ ...context, logError: "fields not serialisable" }, scrub(message));
  }
}

export function createLogger(bindings: LogFields = {}): Logger {
  const at = (level: LogLevel) => (message: string, fields?: LogFields) => write(level, bindings, message, fields);
  return {
    trace: at("trace"),
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    fatal: at("fatal"),
    child: (more) => createLogger({ ...bindings, ...more }),
  };
}

/** The process's logger. */
export const logger = createLogger();
