// Budgets the storefront must keep (sizes, not timings): the block's JS and
// CSS at most 8 KB gzipped together, the embed's JS at most 2 KB, what the
// floating launcher puts on a page before its click at most 3 KB, each locale
// file within Shopify's 15 KB, every locale carrying every key, and every
// count's message the plural forms of its language.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ASSET_BUDGETS, LAUNCHER_BUDGET, gzippedSize, gzippedTextSize } from "~/storefront/asset-budgets";
import { EXTENSION_DIR, launcherPreClick } from "../helpers/liquid";

const LOCALES = ["en.default", "hi", "mt", "es", "fr", "de"];
const keysOf = (node: unknown, prefix = ""): string[] =>
  typeof node === "object" && node !== null
    ? Object.entries(node).flatMap(([k, v]) => keysOf(v, prefix ? `${prefix}.${k}` : k))
    : [prefix];
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(EXTENSION_DIR, "locales", file), "utf8"));
// A count's message is an object of plural forms (one, few, other...): its key, whichever forms its language has.
const PLURAL = /\.(zero|one|two|few|many|other)$/;
const messageKeys = (messages: unknown) => [...new Set(keysOf(messages).map((k) => k.replace(PLURAL, "")))].sort();
const pluralMessages = (node: unknown): Record<string, string>[] => {
  if (typeof node !== "object" || node === null) return [];
  const entries = Object.entries(node);
  if (entries.length && entries.every(([k, v]) => /^(zero|one|two|few|many|other)$/.test(k) && typeof v === "string")) return [node as Record<string, string>];
  return entries.flatMap(([, v]) => pluralMessages(v));
};

describe("storefront budgets", () => {
  for (const budget of ASSET_BUDGETS) {
    it(`${budget.name}: ${budget.files.join(" + ")} within ${budget.maxGzipBytes} bytes gzipped`, () => {
      const total = budget.files.reduce((sum, f) => sum + gzippedSize(path.join(EXTENSION_DIR, "assets", f)), 0);
      expect(total).toBeLessThanOrEqual(budget.maxGzipBytes);
    });
  }

  it(`${LAUNCHER_BUDGET.name}: the launcher's markup, inline CSS and script within ${LAUNCHER_BUDGET.maxGzipBytes} bytes gzipped in every language`, async () => {
    const sizes: Record<string, number> = {};
    for (const locale of LOCALES) {
      const language = locale.split(".")[0];
      for (const customer of [null, { id: 501, first_name: "Ana", email: "ana@example.com" }]) {
        // A long label and a customer (the stats section) are the heaviest case.
        const settings = customer ? { launcher_label: "Refer a friend and get a reward" } : {};
        const added = await launcherPreClick({ language, customer, settings });
        expect(added).toContain("data-rfl-launcher");
        // Nothing is fetched before the click: no external script, stylesheet or image.
        expect(added).not.toMatch(/<script[^>]*\ssrc=|<link\b|<img\b/);
        sizes[`${language} ${customer ? "customer" : "guest"}`] = gzippedTextSize(added);
      }
    }
    console.log(`launcher before the click, gzip bytes: ${JSON.stringify(sizes)}`);
    expect(Math.max(...Object.values(sizes))).toBeLessThanOrEqual(LAUNCHER_BUDGET.maxGzipBytes);
  });

  it("every locale file is within 15 KB and has exactly the default's keys", () => {
    for (const kind of ["", ".schema"]) {
      const reference = messageKeys(readJson(`en.default${kind}.json`));
      for (const locale of LOCALES) {
        const file = `${locale}${kind}.json`;
        expect(fs.statSync(path.join(EXTENSION_DIR, "locales", file)).size, file).toBeLessThanOrEqual(15 * 1024);
        expect(messageKeys(readJson(file)), file).toEqual(reference);
      }
    }
  });

  it("every count's message has exactly its language's plural forms, as Intl.PluralRules lists them", () => {
    let counted = 0;
    for (const locale of LOCALES) {
      const language = locale.split(".")[0];
      const categories = [...new Intl.PluralRules(language).resolvedOptions().pluralCategories].sort();
      for (const forms of pluralMessages(readJson(`${locale}.json`))) {
        expect(Object.keys(forms).sort(), `${locale} ${JSON.stringify(forms)}`).toEqual(categories);
        counted++;
      }
    }
    expect(counted).toBeGreaterThanOrEqual(LOCALES.length);
  });

  it("Hindi and Maltese are translations, not copies of the English", () => {
    const en = readJson("en.default.json");
    for (const locale of ["hi", "mt"]) {
      const messages = readJson(`${locale}.json`);
      const same = keysOf(en).filter((key) => {
        const get = (m: unknown) => key.split(".").reduce((n: unknown, k) => (n as Record<string, unknown>)[k], m);
        return get(en) === get(messages);
      });
      // Brand names stay as they are.
      expect(same.filter((k) => !/share_(whatsapp|x|facebook|sms)$/.test(k)), locale).toEqual([]);
    }
  });
});
