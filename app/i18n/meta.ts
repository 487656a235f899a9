// Page titles in the admin's language: the locale comes from the admin
// layout's loader (routes/app), which every admin page is under.
import type { MetaFunction } from "@remix-run/node";
import { resolveAdminLocale } from "./locales";
import { messages, type Messages } from "./messages";

export function layoutLocale(matches: readonly { id: string; data?: unknown }[]) {
  const data = matches.find((m) => m.id === "routes/app")?.data as { locale?: string } | undefined;
  return resolveAdminLocale(data?.locale);
}

export function adminTitle(pick: (t: Messages) => string): MetaFunction {
  return ({ matches }) => [{ title: pick(messages(layoutLocale(matches))) }];
}
