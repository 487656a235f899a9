// Which language the embedded admin speaks: the one the Shopify admin asks
// for (its `locale` parameter on the embedded load, like "hi", "fr-CA",
// "es-419"), matched on the language alone; English for any other.
export const ADMIN_LOCALES = ["en", "hi", "mt", "es", "fr", "de"] as const;
export type AdminLocale = (typeof ADMIN_LOCALES)[number];

/**
 * The header the admin's own fetches carry the locale in (see
 * `installLocaleHeader`): client navigations and form posts inside the iframe
 * lose the `locale` parameter Shopify put on the first load.
 */
export const LOCALE_HEADER = "X-Admin-Locale";

export function resolveAdminLocale(raw: string | null | undefined): AdminLocale {
  const language = (raw ?? "").trim().toLowerCase().split(/[-_]/)[0];
  return (ADMIN_LOCALES as readonly string[]).includes(language) ? (language as AdminLocale) : "en";
}

/** The request's admin locale: its `locale` parameter, else the header the admin's fetches carry, else English. */
export function requestLocale(request: Request): AdminLocale {
  const param = new URL(request.url).searchParams.get("locale");
  return resolveAdminLocale(param ?? request.headers.get(LOCALE_HEADER));
}
