// The admin's catalogues: every language has exactly English's keys, every
// message function answers with words, and every count has the plural forms
// its language's rules (the running Intl's CLDR) ask for.
import { describe, expect, it } from "vitest";
import { en } from "~/i18n/en";
import { formatter } from "~/i18n/format";
import { ADMIN_LOCALES, resolveAdminLocale, requestLocale } from "~/i18n/locales";
import { MESSAGES } from "~/i18n/messages";
import { pluralMessages } from "~/i18n/plural";

type Leaf = { path: string; value: unknown };

function leaves(value: unknown, path = ""): Leaf[] {
  if (typeof value === "function" || typeof value === "string") return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, `${path}[${i}]`));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
  return [{ path, value }];
}

const TRIES: unknown[][] = [
  [0, 1, 2],
  [1, 2, 3],
  [2, 5, 50],
  [11, 20, 100],
  [1_000_000, 3, 7],
  ["Rita", "10 %", "x"],
  [["en", "fr"], "y", "z"],
];
const clean = (r: unknown): r is string => typeof r === "string" && r.trim() !== "" && !/undefined|NaN|\[object /.test(r);

/** A message function's answer to values of one kind (counts, names, lists, switches), or null when it takes another kind. */
function answer(fn: unknown, args: unknown[]): unknown {
  const f = fn as (...a: unknown[]) => unknown;
  try {
    return f(...args.slice(0, Math.max(f.length, 1)));
  } catch {
    return null;
  }
}

describe("admin catalogues", () => {
  const english = leaves(en);
  const englishPaths = english.map((l) => `${l.path}:${typeof l.value}`).sort();

  for (const locale of ADMIN_LOCALES) {
    it(`${locale}: the same keys as English (none missing, none extra), each of the same kind`, () => {
      const paths = leaves(MESSAGES[locale]).map((l) => `${l.path}:${typeof l.value}`).sort();
      expect(paths.filter((p) => !englishPaths.includes(p)), "extra or of another kind").toEqual([]);
      expect(englishPaths.filter((p) => !paths.includes(p)), "missing").toEqual([]);
    });

    it(`${locale}: every text is non-empty and every message function answers with words`, () => {
      for (const { path, value } of leaves(MESSAGES[locale])) {
        if (typeof value === "string") {
          expect(value.trim(), path).not.toBe("");
          continue;
        }
        // Wherever English answers with words, the translation does too.
        const englishFn = leaves(en).find((l) => l.path === path)!.value;
        let answered = 0;
        for (const args of TRIES) {
          if (!clean(answer(englishFn, args))) continue;
          const r = answer(value, args);
          expect(clean(r), `${path}(${JSON.stringify(args)}) = ${String(r)}`).toBe(true);
          answered++;
        }
        expect(answered, `${path} answers for some values`).toBeGreaterThan(0);
      }
    });
  }

  it("translations are translated: most texts differ from English", () => {
    const englishText = new Map(english.filter((l) => typeof l.value === "string").map((l) => [l.path, l.value]));
    for (const locale of ADMIN_LOCALES.filter((l) => l !== "en")) {
      const texts = leaves(MESSAGES[locale]).filter((l) => typeof l.value === "string");
      const same = texts.filter((l) => englishText.get(l.path) === l.value).map((l) => `${l.path}=${String(l.value)}`);
      // What may stay: "—", "%", "CSV"-like codes, brand names, placeholders lists, "ID", "Total".
      expect(same.length, `${locale}: ${same.join(" | ")}`).toBeLessThan(texts.length * 0.05);
    }
  });

  it("every count has exactly the plural forms of its language, as Intl.PluralRules lists them", () => {
    expect(new Set(pluralMessages.map((m) => m.locale))).toEqual(new Set(ADMIN_LOCALES));
    for (const message of pluralMessages) {
      const categories = new Intl.PluralRules(message.locale).resolvedOptions().pluralCategories;
      expect(Object.keys(message.forms).sort(), `${message.locale}: ${message.forms.other}`).toEqual([...categories].sort());
      for (const form of Object.values(message.forms)) expect(form.trim()).not.toBe("");
    }
    // Maltese's five: one, two, few (0, 3–10), many (11–19), other (20 and more).
    expect(MESSAGES.mt.leaks.share(1, 2, 50)).toContain("żewġ ordnijiet");
    expect(MESSAGES.mt.leaks.share(1, 5, 20)).toContain("5 ordnijiet");
    expect(MESSAGES.mt.leaks.share(1, 12, 8)).toContain("12 ordni ");
    expect(MESSAGES.mt.leaks.share(1, 25, 4)).toContain("25 ordni ");
    expect(MESSAGES.es.review.approved(1_000_000).replace(/\u00a0/g, " ")).toBe("1.000.000 de recomendaciones aprobadas");
    expect(MESSAGES.fr.review.approved(1)).toMatch(/^1 /);
    expect(MESSAGES.en.review.approved(1)).toBe("1 referral approved");
    expect(MESSAGES.en.review.approved(1234)).toBe("1,234 referrals approved");
  });
});

describe("the admin's locale", () => {
  it("matches Shopify's locale on its language, regional variants included, else English", () => {
    const cases: [string | null, string][] = [
      ["hi", "hi"],
      ["mt", "mt"],
      ["mt-MT", "mt"],
      ["fr-CA", "fr"],
      ["es-419", "es"],
      ["de_AT", "de"],
      ["DE", "de"],
      ["pt-BR", "en"],
      ["en-GB", "en"],
      ["", "en"],
      [null, "en"],
    ];
    for (const [raw, locale] of cases) expect(resolveAdminLocale(raw), String(raw)).toBe(locale);
  });

  it("comes from the request's locale parameter, else the header the admin's fetches carry", () => {
    expect(requestLocale(new Request("https://app.example/app?locale=hi"))).toBe("hi");
    expect(requestLocale(new Request("https://app.example/app?locale=fr-CA", { headers: { "X-Admin-Locale": "de" } }))).toBe("fr");
    expect(requestLocale(new Request("https://app.example/app/referrals", { headers: { "X-Admin-Locale": "mt" } }))).toBe("mt");
    expect(requestLocale(new Request("https://app.example/app/referrals"))).toBe("en");
  });
});

describe("the admin's formats per locale", () => {
  const at = "2026-12-07T23:30:00.000Z";
  // Intl separates with no-break spaces (U+00A0, U+202F): read as spaces here.
  const spaced = (locale: string) => {
    const f = formatter(locale);
    const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");
    return {
      money: (a: string, c: string) => plain(f.money(a, c)),
      number: (n: number) => plain(f.number(n)),
      percent: (n: number) => plain(f.percent(n)),
      date: (iso: string, zone: string) => plain(f.date(iso, zone)),
      dateTime: (iso: string, zone: string) => plain(f.dateTime(iso, zone)),
      relative: (iso: string, now: number) => plain(f.relative(iso, now)),
    };
  };
  it("formats money, numbers, dates and relative times in the locale, with the shop's currency and zone", () => {
    expect(spaced("de").money("1234.5", "EUR")).toBe("1.234,50 €");
    expect(spaced("hi").money("1234.5", "INR")).toBe("₹1,234.50");
    expect(spaced("fr").number(1234567)).toBe("1 234 567");
    expect(spaced("es").date(at, "Europe/Madrid")).toBe("8 dic 2026");
    expect(spaced("mt").date(at, "Europe/Malta")).toMatch(/2026/);
    expect(spaced("hi").dateTime(at, "Asia/Kolkata")).toContain("2026");
    expect(spaced("fr").relative(new Date(Date.parse(at) + 3 * 86_400_000).toISOString(), Date.parse(at))).toBe("dans 3 jours");
    expect(spaced("de").relative(new Date(Date.parse(at) - 2 * 3_600_000).toISOString(), Date.parse(at))).toBe("vor 2 Stunden");
    expect(spaced("en").percent(0.25)).toBe("25%");
    expect(spaced("fr").percent(0.25)).toBe("25 %");
  });
});

describe("Maltese formats", () => {
  it("are written with data every browser has (en-GB numbers, dates in digits), so the server and Chromium agree", () => {
    const f = formatter("mt");
    expect(f.date("2026-12-07T23:30:00.000Z", "Europe/Malta")).toBe("08/12/2026");
    expect(f.dateTime("2026-12-07T23:30:00.000Z", "UTC")).toBe("07/12/2026, 23:30 UTC");
    expect(f.money("1234.5", "EUR")).toBe("€1,234.50");
  });
});
