// Where the Admin API lives. In production that is always https://<shop>/admin/api.
// SHOPIFY_ADMIN_API_ORIGIN (configuration only, no code path of its own in the
// domain) sends those requests to another origin instead, as
// <origin>/shops/<shop>/admin/api/...: the local dev store and the soak test
// run the whole app against a stand-in Shopify this way.
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";

const ADMIN_API = /^https:\/\/([^/]+)(\/admin\/api\/.*)$/;

export function adminApiUrl(url: string, origin: string): string {
  const match = ADMIN_API.exec(url);
  return match ? `${origin.replace(/\/$/, "")}/shops/${match[1]}${match[2]}` : url;
}

export function routeAdminApiTo(origin: string): void {
  setAbstractFetchFunc((input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    return globalThis.fetch(adminApiUrl(url, origin), init);
  });
}
