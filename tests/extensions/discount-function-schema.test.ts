// The referral-discount function against Shopify's Discount Function API
// schema for its API version (from @shopify/dev-mcp, cached by
// scripts/fetch-admin-schema.ts): every input query is valid for it, and each
// target in shopify.extension.toml names a real target with its input query
// and a function the extension exports.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import * as exported from "../../extensions/referral-discount/src/index";
import { FUNCTION_API_VERSION } from "../../scripts/fetch-admin-schema";
import { discountFunctionSchema } from "../helpers/discount-function";

const DIR = join(import.meta.dirname, "..", "..", "extensions", "referral-discount");
const toml = readFileSync(join(DIR, "shopify.extension.toml"), "utf8");
const queries = readdirSync(join(DIR, "src")).filter((f) => f.endsWith(".graphql"));
const targets = [...toml.matchAll(/target = "([^"]+)"\s+input = "([^"]+)"\s+export = "([^"]+)"/g)].map((m) => ({ target: m[1], input: m[2], export: m[3] }));

describe("referral-discount function schema", () => {
  it("finds both input queries", () => {
    expect(queries.sort()).toEqual(["cart_delivery_options_discounts_generate_run.graphql", "cart_lines_discounts_generate_run.graphql"]);
  });

  it.each(queries)("%s is valid against the Discount Function API", (file) => {
    const doc = parse(readFileSync(join(DIR, "src", file), "utf8"));
    expect(validate(discountFunctionSchema(), doc).map((e) => e.message)).toEqual([]);
  });

  it("rejects an input query that asks for what the schema lacks (the check can fail)", () => {
    const doc = parse("query Bad { cart { buyerIdentity { customer { ordersCount } } } }");
    expect(validate(discountFunctionSchema(), doc).map((e) => e.message)).toEqual(['Cannot query field "ordersCount" on type "Customer".']);
  });

  it("declares the function on the app's API version", () => {
    expect(toml).toMatch(new RegExp(`^api_version = "${FUNCTION_API_VERSION}"$`, "m"));
    expect(toml).toMatch(/^type = "function"$/m);
    expect(toml).toMatch(/^handle = "referral-discount"$/m);
  });

  it("targets the Discount API's cart lines and delivery options run targets, each with its query and export", () => {
    expect(targets.map((t) => t.target)).toEqual(["cart.lines.discounts.generate.run", "cart.delivery-options.discounts.generate.run"]);
    const results = Object.keys(discountFunctionSchema().getMutationType()!.getFields());
    for (const t of targets) {
      // Each target's result is the mutation named after it: cart.lines.discounts.generate.run -> cartLinesDiscountsGenerateRun.
      const camel = t.target.split(/[.-]/).map((w, i) => (i ? w[0].toUpperCase() + w.slice(1) : w)).join("");
      expect(results).toContain(camel);
      expect(t.export.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())).toBe(camel);
      expect(typeof (exported as Record<string, unknown>)[camel]).toBe("function");
      expect(queries).toContain(t.input.replace(/^src\//, ""));
    }
  });
});
