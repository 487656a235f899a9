// Plural forms per language, chosen by Intl.PluralRules. Each language lists
// exactly the categories CLDR gives it (a missing or extra form is a type
// error; tests/unit/admin-i18n.test.ts checks the list against the running
// Intl), and `#` in a form is the count, formatted for the language.
import type { AdminLocale } from "./locales";

export interface PluralCategories {
  en: "one" | "other";
  hi: "one" | "other";
  mt: "one" | "two" | "few" | "many" | "other";
  es: "one" | "many" | "other";
  fr: "one" | "many" | "other";
  de: "one" | "other";
}

export type PluralForms<L extends AdminLocale> = Record<PluralCategories[L], string>;

export interface PluralMessage {
  (n: number): string;
  locale: AdminLocale;
  forms: Record<string, string>;
}

/** Every plural message made, for the test that checks each has its language's forms. */
export const pluralMessages: PluralMessage[] = [];

export function plural<L extends AdminLocale>(locale: L, forms: PluralForms<L>): PluralMessage {
  const rules = new Intl.PluralRules(locale);
  const numbers = new Intl.NumberFormat(locale);
  const message = ((n: number) => {
    const form = (forms as Record<string, string>)[rules.select(n)] ?? (forms as Record<string, string>).other;
    return form.replaceAll("#", numbers.format(n));
  }) as PluralMessage;
  message.locale = locale;
  message.forms = forms;
  pluralMessages.push(message);
  return message;
}
