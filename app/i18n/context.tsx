// The admin page's language, from the layout (app.tsx) down to every
// component: its messages and its number, money and date formats.
import { createContext, useContext, useMemo, type ReactNode } from "react";
import { formatter, type Formatter } from "./format";
import type { AdminLocale } from "./locales";
import { messages, type Messages } from "./messages";

export interface I18n {
  locale: AdminLocale;
  t: Messages;
  f: Formatter;
}

export function i18nFor(locale: AdminLocale): I18n {
  return { locale, t: messages(locale), f: formatter(locale) };
}

const I18nContext = createContext<I18n>(i18nFor("en"));

export function I18nProvider({ locale, children }: { locale: AdminLocale; children: ReactNode }) {
  const value = useMemo(() => i18nFor(locale), [locale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
