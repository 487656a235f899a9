// The app's configuration: the environment is validated with messages that name
// the variable, and shopify.app.toml declares what the code relies on.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv, PUBLIC_DEMO_SECRET } from "~/env.server";
import { APP_SCOPES, OPTIONAL_SCOPES, scopeGranted } from "~/shopify/scopes";
import { APP_HANDLE, BLOCK_HANDLE, EMBED_HANDLE } from "~/admin/theme-files";
import { webhookHandlers } from "~/jobs/registry.server";
import { webhookPayloadSchemas } from "~/jobs/webhook-payloads";
import { SUBSCRIBED_TOPICS, TOPICS_AFTER_UNINSTALL } from "~/webhooks/webhook-topics";

const ROOT = join(import.meta.dirname, "..", "..");
const toml = readFileSync(join(ROOT, "shopify.app.toml"), "utf8");
const valid = { SHOPIFY_API_KEY: "key", SHOPIFY_API_SECRET: "0123456789abcdef0123", SHOPIFY_APP_URL: "https://app.example.com" };

describe("environment", () => {
  it("accepts a complete environment and defaults to SQLite and the app's scopes", () => {
    const env = parseEnv(valid);
    expect(env.DATABASE_URL).toBe("file:./data/app.sqlite");
    expect(env.SCOPES).toBe(APP_SCOPES.join(","));
    expect(env.RUN_WORKER).toBe(true);
  });

  it("names every missing or malformed variable; no secret defaults to empty", () => {
    const error = (() => {
      try {
        parseEnv({ SHOPIFY_APP_URL: "not a url", DATABASE_URL: "mysql://x", PORT: "99999" });
      } catch (e) {
        return e as EnvError;
      }
      throw new Error("parseEnv accepted a broken environment");
    })();
    expect(error).toBeInstanceOf(EnvError);
    for (const name of ["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_APP_URL", "DATABASE_URL", "PORT"]) {
      expect(error.message).toContain(name);
    }
    expect(() => parseEnv({ ...valid, SHOPIFY_API_SECRET: "" })).toThrow(/SHOPIFY_API_SECRET/);
  });

  it("takes PostgreSQL URLs", () => {
    expect(parseEnv({ ...valid, DATABASE_URL: "postgresql://u@127.0.0.1:5432/db" }).DATABASE_URL).toMatch(/^postgresql:/);
  });

  it("refuses a stand-in Admin API origin or App Bridge URL in production unless asked for and https (or loopback)", () => {
    const production = { ...valid, NODE_ENV: "production" };
    expect(() => parseEnv({ ...production, SHOPIFY_ADMIN_API_ORIGIN: "https://fake.example.com" })).toThrow(
      /SHOPIFY_ADMIN_API_ORIGIN is set.*SHOPIFY_STAND_IN=true/,
    );
    expect(() => parseEnv({ ...production, APP_BRIDGE_URL: "https://evil.example.com/app-bridge.js" })).toThrow(/APP_BRIDGE_URL is set/);
    expect(() =>
      parseEnv({ ...production, SHOPIFY_STAND_IN: "true", SHOPIFY_ADMIN_API_ORIGIN: "http://fake.example.com" }),
    ).toThrow(/SHOPIFY_ADMIN_API_ORIGIN must be an https URL/);
    expect(() => parseEnv({ ...production, SHOPIFY_STAND_IN: "true", APP_BRIDGE_URL: "http://10.1.2.3/app-bridge.js" })).toThrow(
      /APP_BRIDGE_URL must be an https URL/,
    );
    // Allowed: asked for, and https or on this machine (the dev store's production build).
    expect(parseEnv({ ...production, SHOPIFY_STAND_IN: "true", SHOPIFY_ADMIN_API_ORIGIN: "https://fake.example.com" }).SHOPIFY_STAND_IN).toBe(true);
    expect(
      parseEnv({ ...production, SHOPIFY_STAND_IN: "true", SHOPIFY_ADMIN_API_ORIGIN: "http://127.0.0.1:3100", APP_BRIDGE_URL: "http://127.0.0.1:3200/app-bridge.js" })
        .SHOPIFY_ADMIN_API_ORIGIN,
    ).toBe("http://127.0.0.1:3100");
    // Shopify's CDN is the default, never an override; development keeps its freedom.
    expect(parseEnv(production).APP_BRIDGE_URL).toMatch(/^https:\/\/cdn\.shopify\.com\//);
    expect(parseEnv({ ...valid, SHOPIFY_ADMIN_API_ORIGIN: "http://fake.example.com" }).SHOPIFY_ADMIN_API_ORIGIN).toBe("http://fake.example.com");
  });

  it("refuses a stand-in Klaviyo in production unless asked for and on this machine", () => {
    const production = { ...valid, NODE_ENV: "production" };
    expect(() => parseEnv({ ...production, KLAVIYO_API_ORIGIN: "http://127.0.0.1:3205" })).toThrow(/KLAVIYO_API_ORIGIN is set.*SHOPIFY_STAND_IN=true/);
    expect(() => parseEnv({ ...production, SHOPIFY_STAND_IN: "true", KLAVIYO_API_ORIGIN: "https://klaviyo.example.com" })).toThrow(/KLAVIYO_API_ORIGIN is set.*loopback/);
    expect(parseEnv({ ...production, SHOPIFY_STAND_IN: "true", KLAVIYO_API_ORIGIN: "http://127.0.0.1:3205" }).KLAVIYO_API_ORIGIN).toBe("http://127.0.0.1:3205");
    expect(parseEnv({ ...production, KLAVIYO_API_ORIGIN: "" }).KLAVIYO_API_ORIGIN).toBeUndefined();
    expect(() => parseEnv({ ...valid, KLAVIYO_API_ORIGIN: "not a url" })).toThrow(/KLAVIYO_API_ORIGIN must be a URL/);
    // Development keeps its freedom.
    expect(parseEnv({ ...valid, KLAVIYO_API_ORIGIN: "http://klaviyo.test" }).KLAVIYO_API_ORIGIN).toBe("http://klaviyo.test");
  });

  it("refuses the public demo secret outside the local dev store", () => {
    const demo = { ...valid, SHOPIFY_API_SECRET: PUBLIC_DEMO_SECRET };
    for (const env of [
      demo,
      { ...demo, NODE_ENV: "production" },
      { ...demo, SHOPIFY_STAND_IN: "true" },
      { ...demo, SHOPIFY_STAND_IN: "true", SHOPIFY_ADMIN_API_ORIGIN: "https://fake.example.com" },
      { ...demo, SHOPIFY_ADMIN_API_ORIGIN: "http://127.0.0.1:3100" },
    ]) {
      expect(() => parseEnv(env)).toThrow(/SHOPIFY_API_SECRET is the public demo secret/);
    }
    const devStore = { ...demo, NODE_ENV: "production", SHOPIFY_STAND_IN: "true", SHOPIFY_ADMIN_API_ORIGIN: "http://127.0.0.1:3100" };
    expect(parseEnv(devStore).SHOPIFY_API_SECRET).toBe(PUBLIC_DEMO_SECRET);
  });

  it("runs 8 rows at once per worker unless told otherwise, and names a bad figure", () => {
    expect(parseEnv(valid).WORKER_CONCURRENCY).toBe(8);
    expect(parseEnv(valid).WORKER_CONCURRENCY_PER_SHOP).toBeUndefined();
    expect(parseEnv({ ...valid, WORKER_CONCURRENCY: "2", WORKER_CONCURRENCY_PER_SHOP: "1" })).toMatchObject({ WORKER_CONCURRENCY: 2, WORKER_CONCURRENCY_PER_SHOP: 1 });
    expect(() => parseEnv({ ...valid, WORKER_CONCURRENCY: "0" })).toThrow(/WORKER_CONCURRENCY.*at least 1/);
    expect(() => parseEnv({ ...valid, WORKER_CONCURRENCY_PER_SHOP: "many" })).toThrow(/WORKER_CONCURRENCY_PER_SHOP.*whole number/);
  });

  it("listens on every interface unless HOST names one", () => {
    expect(parseEnv(valid).HOST).toBeUndefined();
    expect(parseEnv({ ...valid, HOST: "127.0.0.1" }).HOST).toBe("127.0.0.1");
  });

  it(".env.example documents every variable the app reads", () => {
    const example = readFileSync(join(ROOT, ".env.example"), "utf8");
    const schemaSource = readFileSync(join(ROOT, "app/env.server.ts"), "utf8");
    const names = [...schemaSource.matchAll(/^\s{2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(5);
    for (const name of names.filter((n) => n !== "NODE_ENV")) expect(example).toContain(name);
  });
});

describe("shopify.app.toml", () => {
  it("asks for exactly the app's scopes", () => {
    const scopes = /^scopes\s*=\s*"([^"]*)"/m.exec(toml)?.[1].split(",").map((s) => s.trim());
    expect(scopes?.sort()).toEqual([...APP_SCOPES].sort());
  });

  it("declares exactly the app's optional scopes, none of them also required", () => {
    const section = /^\[access_scopes\]([\s\S]*?)^\[/m.exec(toml)?.[1] ?? "";
    const optional = /^optional_scopes\s*=\s*\[([^\]]*)\]/m.exec(section)?.[1];
    expect([...(optional ?? "").matchAll(/"([^"]+)"/g)].map((m) => m[1]).sort()).toEqual([...OPTIONAL_SCOPES].sort());
    for (const scope of OPTIONAL_SCOPES) expect(APP_SCOPES as readonly string[]).not.toContain(scope);
  });

  it("reads a stored scope list as Shopify writes it (a write scope grants its read)", () => {
    expect(scopeGranted("read_orders,read_themes", "read_themes")).toBe(true);
    expect(scopeGranted("read_orders, write_themes", "read_themes")).toBe(true);
    expect(scopeGranted("read_orders", "read_themes")).toBe(false);
    expect(scopeGranted(null, "read_themes")).toBe(false);
    expect(scopeGranted("read_themes_extra", "read_themes")).toBe(false);
  });

  it("subscribes to every topic the worker handles, and the worker handles every subscribed topic", () => {
    const topics = [...toml.matchAll(/^\s*(?:topics|compliance_topics)\s*=\s*\[([^\]]*)\]/gm)].flatMap((m) =>
      [...m[1].matchAll(/"([^"]+)"/g)].map((t) => t[1]),
    );
    expect(topics.sort()).toEqual([...webhookHandlers.keys()].sort());
    expect(topics).toEqual(expect.arrayContaining(["customers/data_request", "customers/redact", "shop/redact"]));
    // What the door admits and what the worker checks: the same topics.
    expect([...SUBSCRIBED_TOPICS].sort()).toEqual(topics);
    expect(Object.keys(webhookPayloadSchemas).sort()).toEqual(topics);
    expect(topics).toEqual(expect.arrayContaining([...TOPICS_AFTER_UNINSTALL]));
  });

  it("names the app and its theme blocks as the theme reading expects (shopify://apps/<handle>/blocks/<block>/...)", () => {
    expect(/^handle\s*=\s*"([^"]+)"/m.exec(toml)?.[1]).toBe(APP_HANDLE);
    const blocks = join(ROOT, "extensions/referral/blocks");
    expect(readFileSync(join(blocks, `${EMBED_HANDLE}.liquid`), "utf8")).toMatch(/"target":\s*"body"/);
    expect(readFileSync(join(blocks, `${BLOCK_HANDLE}.liquid`), "utf8")).toMatch(/"target":\s*"section"/);
  });

  it("declares the app proxy the storefront uses", () => {
    expect(toml).toMatch(/\[app_proxy\][\s\S]*subpath = "referrals"[\s\S]*prefix = "apps"/);
  });
});
