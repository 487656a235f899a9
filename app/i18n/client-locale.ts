// Inside the admin's iframe only the first load carries Shopify's `locale`
// parameter; client navigations, form posts and the CSV downloads are fetches
// to paths without it. Each of them says the page's language (its <html
// lang>, set from that first load) in a header, so loaders and actions answer
// in it too. App Bridge wraps fetch the same way to add the session token.
import { LOCALE_HEADER } from "./locales";

let installed = false;

export function installLocaleHeader() {
  if (installed || typeof window === "undefined") return;
  installed = true;
  const original = window.fetch;
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input), window.location.href);
    const lang = document.documentElement.lang;
    if (url.origin !== window.location.origin || !lang) return original(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    if (!headers.has(LOCALE_HEADER)) headers.set(LOCALE_HEADER, lang);
    return original(input, { ...init, headers });
  };
}
