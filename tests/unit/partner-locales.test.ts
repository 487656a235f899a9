// The partner pages' catalogues (app/storefront/partner-locales): the app's
// own, not the theme extension's (whose files Shopify limits to 15 KB). Every
// language has every key, each count's message its language's plural forms,
// the same placeholders as English, and is a translation, not a copy.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "~/db-url";
import { STOREFRONT_LOCALES, translator } from "~/storefront/i18n";

const DIR = path.join(PROJECT_ROOT, "app/storefront/partner-locales");
const read = (language: string) => JSON.parse(fs.readFileSync(path.join(DIR, `${language}.json`), "utf8")) as Record<string, unknown>;
const PLURAL = /^(zero|one|two|few|many|other)$/;

/** [key, text] of every message; a count's forms under the key's own name with the form. */
function leaves(node: unknown, prefix = ""): [string, string][] {
  if (typeof node === "string") return [[prefix, node]];
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}
const messageKey = (leaf: string) => leaf.split(".").filter((part) => !PLURAL.test(part)).join(".");
const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

describe("partner page catalogues", () => {
  const english = new Map(leaves(read("en")).map(([leaf, text]) => [leaf, text]));
  const englishKeys = new Set([...english.keys()].map(messageKey));

  it("exist for every storefront language", () => {
    expect(fs.readdirSync(DIR).sort()).toEqual(STOREFRONT_LOCALES.map((l) => `${l}.json`).sort());
  });

  for (const language of STOREFRONT_LOCALES.filter((l) => l !== "en")) {
    it(`${language}: every key, its plural forms, English's placeholders, translated`, () => {
      const messages = leaves(read(language));
      expect(new Set(messages.map(([leaf]) => messageKey(leaf)))).toEqual(englishKeys);
      const categories = [...new Intl.PluralRules(language).resolvedOptions().pluralCategories].sort();
      for (const key of ["days"]) {
        const forms = messages.filter(([leaf]) => messageKey(leaf) === key).map(([leaf]) => leaf.split(".").pop());
        expect(forms.sort(), `${language} ${key}`).toEqual(categories);
      }
      for (const [leaf, text] of messages) {
        const reference = english.get(leaf) ?? english.get(`${messageKey(leaf)}.other`)!;
        // A plural form may leave the number out where the word says it (Maltese "jumejn": two days).
        const expected = PLURAL.test(leaf.split(".").pop()!) ? placeholders(reference).filter((p) => text.includes(`{${p}}`) || p !== "count") : placeholders(reference);
        expect(placeholders(text), `${language} ${leaf}`).toEqual(expected);
      }
      const copied = messages.filter(([leaf, text]) => english.get(leaf) === text && /[a-z]{4}/.test(text));
      expect(copied.length, `${language} copies English: ${copied.map(([leaf]) => leaf)}`).toBeLessThan(messages.length / 10);
    });
  }

  it("reach the storefront translator under partners.*, English where a key is missing", () => {
    expect(translator("de")("partners.link.button")).toBe("Anmeldelink per E-Mail senden");
    expect(translator("xx")("partners.link.button")).toBe("Email me a sign-in link");
    // The theme extension's own keys are read as before.
    expect(translator("fr")("page.title")).not.toBe(translator("en")("page.title"));
    expect(translator("fr")("page.title")).not.toBe("page.title");
  });
});
