// The app's configuration, validated once at start-up. A missing or malformed
// variable stops the process with a message that names it; no secret has a default.
import { z } from "zod";
import { DEFAULT_DATABASE_URL, databaseTarget } from "./db-url";
import { APP_SCOPES } from "~/shopify/scopes";
import { DEFAULT_RETENTION, type RetentionPolicy } from "~/jobs/retention-policy";

export const APP_BRIDGE_CDN_URL = "https://cdn.shopify.com/shopifycloud/app-bridge.js";

/**
 * The client secret `npm run demo` uses when none is configured. It is public
 * (it is in this repository), so anyone could sign webhooks and session tokens
 * with it: the app refuses it unless it talks to a stand-in Shopify on this machine.
 */
export const PUBLIC_DEMO_SECRET = "devstore-demo-api-secret-not-a-real-one";

/**
 * A shop's webhook deliveries stored per minute, at most, before the door
 * answers 429 (Shopify retries later). 100 a second: above what a real shop's
 * busiest sale sends for long, small enough that a replay flood stays bounded.
 */
export const DEFAULT_WEBHOOK_DELIVERIES_PER_SHOP_PER_MINUTE = 6_000;

const booleanFlag = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1");

const days = (fallback: number) => z.coerce.number().int("must be a whole number of days").min(1, "must be at least 1 day").max(36_500).default(fallback);

const required = (what: string) => z.string({ required_error: `is required (${what})` });

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  SHOPIFY_API_KEY: required("the app's client id from the Partner Dashboard").min(1, "is required (the app's client id from the Partner Dashboard)"),
  SHOPIFY_API_SECRET: required("the app's client secret").min(16, "is required (the app's client secret; at least 16 characters)"),
  SHOPIFY_APP_URL: required("the app's public https URL").url("must be the app's public https URL"),
  SCOPES: z.string().min(1).default(APP_SCOPES.join(",")),
  SHOP_CUSTOM_DOMAIN: z.string().optional(),
  // Send Admin API calls to a stand-in Shopify (local dev store, soak test) instead of https://<shop>.
  SHOPIFY_ADMIN_API_ORIGIN: z.string().url().optional(),
  // Where the embedded admin loads App Bridge from. Shopify's CDN unless a stand-in
  // admin (the local dev store) serves its own. shopify-app-remix reads the same
  // variable for its session-token bounce page.
  APP_BRIDGE_URL: z.string().url("must be the URL of the App Bridge script").default(APP_BRIDGE_CDN_URL),
  DATABASE_URL: z
    .string()
    .default(DEFAULT_DATABASE_URL)
    .superRefine((url, ctx) => {
      try {
        databaseTarget(url);
      } catch (error) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: (error as Error).message });
      }
    }),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  // Interface the HTTP server listens on (default: every interface). The local dev store sets 127.0.0.1.
  HOST: z.string().min(1).optional(),
  // Says this process talks to a stand-in Shopify (the local dev store, the soak test),
  // never to a real shop. Required in production before SHOPIFY_ADMIN_API_ORIGIN or a
  // non-CDN APP_BRIDGE_URL are accepted.
  SHOPIFY_STAND_IN: booleanFlag.default("false"),
  // How many days the app keeps what it does not need forever (app/jobs/retention.server.ts).
  RETENTION_PROCESSED_DAYS: days(DEFAULT_RETENTION.processedDays),
  RETENTION_PROBLEM_DAYS: days(DEFAULT_RETENTION.problemDays),
  RETENTION_LINK_EVENT_DAYS: days(DEFAULT_RETENTION.linkEventDays),
  RETENTION_AUDIT_DAYS: days(DEFAULT_RETENTION.auditDays),
  RETENTION_EMAIL_DAYS: days(DEFAULT_RETENTION.emailDays),
  RETENTION_EVENT_DAYS: days(DEFAULT_RETENTION.eventDays),
  RETENTION_LEAK_EVIDENCE_DAYS: days(DEFAULT_RETENTION.leakEvidenceDays),
  RETENTION_DECLINED_PARTNER_DAYS: days(DEFAULT_RETENTION.declinedPartnerDays),
  // How many proxies of the app's own hosting (load balancer, TLS terminator, CDN)
  // append to X-Forwarded-For in front of the app. The storefront's per-IP rate
  // limits take the shopper's address Shopify's app proxy wrote, which is that
  // many entries from the right (app/storefront/proxy-context.ts, clientIp).
  TRUSTED_PROXY_HOPS: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.coerce.number({ invalid_type_error: "must be a whole number of proxies (0, 1, 2...)" }).int().min(0).max(10).default(1),
  ),
  // Run the webhook/job worker inside the web process (the zero-setup default).
  RUN_WORKER: booleanFlag.default("true"),
  // Rows each worker works on at once (most of a row's time is spent waiting on
  // Shopify), and at most how many of them one shop may hold (default: all of
  // them; the worker still takes a row of a shop with none in hand first).
  WORKER_CONCURRENCY: z.coerce.number({ invalid_type_error: "must be a whole number, e.g. 8" }).int().min(1, "must be at least 1").max(64, "must be at most 64").default(8),
  WORKER_CONCURRENCY_PER_SHOP: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.coerce.number({ invalid_type_error: "must be a whole number, e.g. 4" }).int().min(1, "must be at least 1").max(64, "must be at most 64").optional(),
  ),
  // How often an idle worker looks for due work. Work a web process queues
  // (a referral event, a webhook delivery) wakes a worker in the same process at
  // once; a worker process finds it at its next look, so this is that latency.
  WORKER_POLL_MS: z.coerce.number({ invalid_type_error: "must be a whole number of milliseconds, e.g. 500" }).int().min(50, "must be at least 50").max(60_000, "must be at most 60000").default(500),
  // Counted in the database, so the limit holds across every app process.
  WEBHOOK_DELIVERIES_PER_SHOP_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1, "must be a whole number of deliveries, at least 1")
    .default(DEFAULT_WEBHOOK_DELIVERIES_PER_SHOP_PER_MINUTE),
  // Outgoing webhooks (app/integrations/webhooks) may use http and reach private
  // and loopback addresses: always outside production, in production only with this.
  WEBHOOKS_ALLOW_PRIVATE: booleanFlag.default("false"),
  // Where the app sends email: any SMTP server or provider (smtp://user:pass@host:587
  // upgrades with STARTTLS, smtps://...:465 is TLS from the start). Unset: no email
  // is sent or queued, and the admin says so.
  SMTP_URL: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .url("must be an smtp:// or smtps:// URL, e.g. smtp://user:password@smtp.example.com:587")
      .refine((v) => /^smtps?:$/.test(new URL(v).protocol), "must be an smtp:// or smtps:// URL, e.g. smtp://user:password@smtp.example.com:587")
      .optional(),
  ),
  // The address emails are sent from (the shop's name is shown as the sender); required with SMTP_URL.
  EMAIL_FROM: z.preprocess((v) => (v === "" ? undefined : v), z.string().email("must be an email address, e.g. referrals@example.com").optional()),
  // At most this many emails a second per shop (the provider's limits, the shop's reputation).
  // /readyz answers 503 when the oldest work due (a webhook delivery or a job)
  // has waited longer than this: the workers are not keeping up, or none runs.
  // The key that encrypts secrets merchants give the app (a Klaviyo private API
  // key): 32 random bytes, as 64 hex characters or base64
  // (`openssl rand -base64 32`). Unset in production: Klaviyo cannot be
  // connected. Changing it makes the stored keys unreadable (merchants reconnect).
  ENCRYPTION_KEY: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .refine((v) => encryptionKeyBytes(v) !== null, "must be 32 bytes as 64 hex characters or base64, e.g. the output of `openssl rand -base64 32`")
      .optional(),
  ),
  // Send Klaviyo API calls to a stand-in Klaviyo (the local dev store's) instead of
  // https://a.klaviyo.com. In production only with SHOPIFY_STAND_IN=true and a loopback address.
  KLAVIYO_API_ORIGIN: z.preprocess((v) => (v === "" ? undefined : v), z.string().url("must be a URL, e.g. http://127.0.0.1:3205").optional()),
  // The bearer token a Prometheus scraper sends to /metrics; unset, /metrics does not exist.
  METRICS_TOKEN: z.preprocess((v) => (v === "" ? undefined : v), z.string().min(16, "must be at least 16 characters").optional()),
  READY_MAX_QUEUE_LAG_SECONDS: z.coerce.number().int("must be a whole number of seconds").min(1).max(86_400).default(300),
  EMAIL_SENDS_PER_SHOP_PER_SECOND: z.coerce.number().positive("must be more than 0").max(100_000).default(10),
  // trace, debug, info, warn, error, fatal or silent (app/ops/logger.server.ts).
  LOG_LEVEL: z.preprocess(
    (v) => (typeof v === "string" ? v.trim().toLowerCase() || undefined : v),
    z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  ),
  // On SIGTERM: how long the web server lets requests in flight finish, and a
  // worker its job in hand, before closing them (the job's lease is released
  // for another worker). Below the orchestrator's own grace period (often 30 s).
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int("must be a whole number of seconds").min(0).max(600).default(25),
});

/** ENCRYPTION_KEY's 32 bytes, or null when it is not 64 hex characters or base64 of 32 bytes. */
export function encryptionKeyBytes(value: string): Buffer | null {
  const text = value.trim();
  if (/^[0-9a-f]{64}$/i.test(text)) return Buffer.from(text, "hex");
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) return null;
  const bytes = Buffer.from(text, "base64");
  return bytes.length === 32 ? bytes : null;
}

export type Env = z.infer<typeof envSchema>;

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);
const isLoopback = (url: string) => LOOPBACK_HOSTS.has(new URL(url).hostname);

/**
 * Rules across variables. Both overrides send a shop's admin traffic somewhere
 * other than Shopify, so in production each must be asked for explicitly
 * (SHOPIFY_STAND_IN) and travel over https, or stay on this machine (the dev
 * store runs the production build on loopback).
 */
function crossChecks(env: Env): string[] {
  const problems: string[] = [];
  const production = env.NODE_ENV === "production";
  const overrides = [
    ["SHOPIFY_ADMIN_API_ORIGIN", env.SHOPIFY_ADMIN_API_ORIGIN],
    ["APP_BRIDGE_URL", env.APP_BRIDGE_URL === APP_BRIDGE_CDN_URL ? undefined : env.APP_BRIDGE_URL],
  ] as const;
  for (const [name, url] of overrides) {
    if (!production || url === undefined) continue;
    if (!env.SHOPIFY_STAND_IN) {
      problems.push(`${name} is set, which sends admin traffic away from Shopify: refused in production unless SHOPIFY_STAND_IN=true`);
    } else if (!url.startsWith("https://") && !isLoopback(url)) {
      problems.push(`${name} must be an https URL in production (or a loopback address for the local dev store)`);
    }
  }
  // A merchant's Klaviyo key goes wherever this points: in production only to a stand-in on this machine.
  if (production && env.KLAVIYO_API_ORIGIN !== undefined && !(env.SHOPIFY_STAND_IN && isLoopback(env.KLAVIYO_API_ORIGIN))) {
    problems.push("KLAVIYO_API_ORIGIN is set, which sends merchants' Klaviyo keys away from Klaviyo: refused in production unless SHOPIFY_STAND_IN=true and it is a loopback address (the local dev store)");
  }
  if (env.SMTP_URL && !env.EMAIL_FROM) problems.push("EMAIL_FROM is required when SMTP_URL is set (the address emails are sent from)");
  if (env.SHOPIFY_API_SECRET === PUBLIC_DEMO_SECRET) {
    const standIn = env.SHOPIFY_STAND_IN && env.SHOPIFY_ADMIN_API_ORIGIN !== undefined && isLoopback(env.SHOPIFY_ADMIN_API_ORIGIN);
    if (!standIn) {
      problems.push(
        "SHOPIFY_API_SECRET is the public demo secret: it is accepted only by the local dev store (SHOPIFY_STAND_IN=true with a loopback SHOPIFY_ADMIN_API_ORIGIN); use your app's client secret",
      );
    }
  }
  return problems;
}

export class EnvError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid environment configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee .env.example.`);
    this.name = "EnvError";
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`));
  }
  const problems = crossChecks(result.data);
  if (problems.length > 0) throw new EnvError(problems);
  return result.data;
}

export function retentionPolicy(config: Env): RetentionPolicy {
  return {
    processedDays: config.RETENTION_PROCESSED_DAYS,
    problemDays: config.RETENTION_PROBLEM_DAYS,
    linkEventDays: config.RETENTION_LINK_EVENT_DAYS,
    auditDays: config.RETENTION_AUDIT_DAYS,
    emailDays: config.RETENTION_EMAIL_DAYS,
    eventDays: config.RETENTION_EVENT_DAYS,
    leakEvidenceDays: config.RETENTION_LEAK_EVIDENCE_DAYS,
    declinedPartnerDays: config.RETENTION_DECLINED_PARTNER_DAYS,
  };
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Reads the environment again (a test that started its own SMTP server sets SMTP_URL after start-up). */
export function reloadEnv(): Env {
  cached = undefined;
  return env();
}
