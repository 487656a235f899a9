import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ApiVersion } from "@shopify/shopify-api";
import { describe, expect, it } from "vitest";
import { ADMIN_API_VERSION, ADMIN_API_VERSION_ENUM } from "~/shopify/api-version";

const ROOT = join(import.meta.dirname, "..", "..");

describe("Admin API version", () => {
  it("is the library's October26 member", () => {
    expect(ApiVersion.October26).toBe("2026-10");
    expect(ADMIN_API_VERSION_ENUM).toBe(ADMIN_API_VERSION);
  });

  it("matches shopify.app.toml [webhooks] api_version", () => {
    const toml = readFileSync(join(ROOT, "shopify.app.toml"), "utf8");
    const webhooks = /^\[webhooks\]\s*$([\s\S]*?)(?=^\[(?!\[webhooks\.)|(?![\s\S]))/m.exec(toml)?.[1] ?? "";
    expect(/^\s*api_version\s*=\s*"([^"]+)"/m.exec(webhooks)?.[1]).toBe(ADMIN_API_VERSION);
  });

  it("is what codegen is configured with", () => {
    const rc = readFileSync(join(ROOT, ".graphqlrc.ts"), "utf8");
    expect(rc).toContain("apiVersion: ADMIN_API_VERSION");
  });
});
