// Storefront text for the server side (program page, share messages, offers).
// The theme extension's locale files are the one source: the block and embed
// read them through Liquid's `t` filter, the app proxy reads them here, so a
// translation is written once.
import de from "../../extensions/referral/locales/de.json";
import en from "../../extensions/referral/locales/en.default.json";
import es from "../../extensions/referral/locales/es.json";
import fr from "../../extensions/referral/locales/fr.json";
import hi from "../../extensions/referral/locales/hi.json";
import mt from "../../extensions/referral/locales/mt.json";
import { numberFormat } from "~/i18n/format";
import partnersDe from "./partner-locales/de.json";
import partnersEn from "./partner-locales/en.json";
import partnersEs from "./partner-locales/es.json";
import partnersFr from "./partner-locales/fr.json";
import partnersHi from "./partner-locales/hi.json";
import partnersMt from "./partner-locales/mt.json";

// The partner pages' text ("partners.*") is the app's own, not the theme's: the
// theme extension's locale files are limited to 15 KB each by Shopify, and the
// partner page and portal are rendered by the app alone (no theme Liquid reads them).
type Messages = typeof en & { partners: Record<string, unknown> };
const MESSAGES: Record<string, Messages> = {
  en: { ...en, partners: partnersEn },
  de: { ...de, partners: partnersDe },
  es: { ...es, partners: partnersEs },
  fr: { ...fr, partners: partnersFr },
  hi: { ...hi, partners: partnersHi },
  mt: { ...mt, partners: partnersMt },
};
export const STOREFRONT_LOCALES = Object.keys(MESSAGES);
export const DEFAULT_LOCALE = "en";

/**
 * The best supported locale for a request: the explicit one (the theme's
 * request.locale.iso_code, which the block sends), else Accept-Language, else en.
 * Returns the full tag when valid (for number formats) and the language used for text.
 */
export function pickLocale(explicit: string | null | undefined, acceptLanguage?: string | null): { tag: string; language: string } {
  const candidates = [explicit, ...(acceptLanguage ?? "").split(",").map((part) => part.split(";")[0])];
  for (const raw of candidates) {
    const tag = canonicalTag(raw);
    if (!tag) continue;
    const language = tag.split("-")[0].toLowerCase();
    if (MESSAGES[language]) return { tag, language };
  }
  return { tag: DEFAULT_LOCALE, language: DEFAULT_LOCALE };
}

function canonicalTag(raw: string | null | undefined): string | null {
  const text = raw?.trim();
  if (!text || text.length > 35) return null;
  try {
    return Intl.getCanonicalLocales(text)[0] ?? null;
  } catch {
    return null;
  }
}

export type Translate = (key: string, vars?: Record<string, string>) => string;

/** `t("page.title")`; `{name}` placeholders are filled from vars. Falls back to English per key. */
export function translator(language: string): Translate {
  const messages = MESSAGES[language] ?? MESSAGES.en;
  return (key, vars = {}) => {
    const text = lookup(messages, key) ?? lookup(MESSAGES.en, key) ?? key;
    return fillPlaceholders(text, vars);
  };
}

/**
 * A count's message: the key's plural form for `count` in `language`
 * (Intl.PluralRules' category: "one", "few"... under the key), else its
 * "other" form. `{count}` is filled with the count formatted for `localeTag`.
 */
export function translatePlural(t: Translate, language: string, localeTag: string, key: string, count: number, vars: Record<string, string> = {}): string {
  const all = { ...vars, count: numberFormat(localeTag).format(count) };
  const form = `${key}.${pluralRules(language).select(count)}`;
  const text = t(form, all);
  return text === form ? t(`${key}.other`, all) : text;
}

const rules = new Map<string, Intl.PluralRules>();
function pluralRules(language: string): Intl.PluralRules {
  let r = rules.get(language);
  if (!r) rules.set(language, (r = new Intl.PluralRules(language)));
  return r;
}

export function fillPlaceholders(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? vars[name] : whole));
}

/** A dotted key ("block.title") in a locale file's messages. */
export function lookup(messages: unknown, key: string): string | undefined {
  let node: unknown = messages;
  for (const part of key.split(".")) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === "string" ? node : undefined;
}
