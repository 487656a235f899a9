// The app's configuration, validated once at start-up. A missing or malformed
// variable stops the process with a message that names it; no secret has a default.
import { z } from "zod";
import { DEFAULT_DATABASE_URL, databaseTarget } from "./db-url";
import { APP_SCOPES } from "./shopify/scopes";

export const APP_BRIDGE_CDN_URL = "https://cdn.shopify.com/shopifycloud/app-bridge.js";

/**
 * A shop's webhook deliveries stored per minute, at most, before the door
 * answers 429 (Shopify retries later). 100 a second: above what a real shop's
 * busiest sale sends for long, small enough that a replay flood stays bounded.
 */
export const DEFAULT_WEBHOOK_DELIVERIES_PER_SHOP_PER_MINUTE = 6_000;

const booleanFlag = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1");

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
  // Run the webhook/job worker inside the web process (the zero-setup default).
  RUN_WORKER: booleanFlag.default("true"),
  // Counted in the database, so the limit holds across every app process.
  WEBHOOK_DELIVERIES_PER_SHOP_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1, "must be a whole number of deliveries, at least 1")
    .default(DEFAULT_WEBHOOK_DELIVERIES_PER_SHOP_PER_MINUTE),
});

export type Env = z.infer<typeof envSchema>;

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
  return result.data;
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
