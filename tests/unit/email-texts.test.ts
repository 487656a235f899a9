// The default email texts of every language: the same placeholders as the
// English (a translation that drops {link} would send an email without the
// link), none the app does not know, nothing empty, really translated, and
// the milestone lines' counts in each language's plural forms.
import { describe, expect, it } from "vitest";
import { EMAIL_KINDS, EMAIL_LOCALES, unknownPlaceholders } from "~/email/kinds";
import { DEFAULT_TEXTS } from "~/email/texts";

const placeholders = (s: string) => [...s.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]).sort();

describe("default email texts", () => {
  const en = DEFAULT_TEXTS.en;
  for (const locale of EMAIL_LOCALES) {
    it(`${locale}: every string has the English one's placeholders and no unknown one`, () => {
      const texts = DEFAULT_TEXTS[locale];
      for (const kind of EMAIL_KINDS) {
        for (const field of ["subject", "heading", "body", "button"] as const) {
          const value = texts.kinds[kind][field];
          expect(value.trim(), `${locale} ${kind}.${field}`).not.toBe("");
          expect(placeholders(value), `${locale} ${kind}.${field}`).toEqual(placeholders(en.kinds[kind][field]));
          expect(unknownPlaceholders(value, kind), `${locale} ${kind}.${field}`).toEqual([]);
        }
      }
      for (const key of Object.keys(en.common) as (keyof typeof en.common)[]) {
        expect(texts.common[key].trim(), `${locale} common.${key}`).not.toBe("");
        expect(placeholders(texts.common[key]), `${locale} common.${key}`).toEqual(placeholders(en.common[key]));
      }
      for (const key of Object.keys(en.partners) as (keyof typeof en.partners)[]) {
        expect(texts.partners[key].trim(), `${locale} partners.${key}`).not.toBe("");
        expect(placeholders(texts.partners[key]), `${locale} partners.${key}`).toEqual(placeholders(en.partners[key]));
        if (locale !== "en") expect(texts.partners[key], `${locale} partners.${key}`).not.toBe(en.partners[key]);
      }
    });
  }

  it("milestone lines: each count has exactly its language's plural forms, and every line the English one's placeholders", () => {
    const en = DEFAULT_TEXTS.en.milestones;
    for (const locale of EMAIL_LOCALES) {
      const texts = DEFAULT_TEXTS[locale].milestones;
      const categories = [...new Intl.PluralRules(locale).resolvedOptions().pluralCategories].sort();
      for (const key of Object.keys(en) as (keyof typeof en)[]) {
        const value = texts[key];
        const english = en[key];
        const forms = typeof value === "string" ? { other: value } : value;
        if (typeof value !== "string") expect(Object.keys(value).sort(), `${locale} milestones.${key}`).toEqual(categories);
        const wanted = placeholders(typeof english === "string" ? english : english.other);
        for (const [form, text] of Object.entries(forms)) {
          expect(text.trim(), `${locale} milestones.${key}.${form}`).not.toBe("");
          expect(placeholders(text), `${locale} milestones.${key}.${form}`).toEqual(wanted);
        }
      }
      if (locale !== "en") expect(texts.how_free_product, locale).not.toBe(en.how_free_product);
    }
  });

  it("each translation is a translation, not a copy of the English", () => {
    for (const locale of EMAIL_LOCALES.filter((l) => l !== "en")) {
      const texts = DEFAULT_TEXTS[locale];
      const same = EMAIL_KINDS.filter((kind) => texts.kinds[kind].body === en.kinds[kind].body);
      expect(same, locale).toEqual([]);
    }
  });
});
