// The app's endpoints for the UI extensions, as the extensions see them. The
// extensions run in Shopify's sandbox, so they cannot import from app/: the
// response shapes are restated here and checked loosely (an answer the block
// cannot read is treated like "nothing to show", never as a crash).

export interface ReferralStats {
  clicks: number;
  orders: number;
  rewards: number;
}

/** Who referred this buyer; `name` is set only when the referrer allowed it. */
export interface ReferredBy {
  name: string | null;
  saved: string | null;
}

export interface ReferrerView {
  state: "referrer";
  link: string;
  /** Null with single-use friend codes: the referrer shares their link alone. */
  code: string | null;
  shareText: string;
  stats: ReferralStats;
  referredBy?: ReferredBy | null;
}

export interface OfferView {
  state: "offer";
  offer: string;
  termsUrl: string | null;
  termsVersion: string;
  guest: boolean;
  referredBy: ReferredBy | null;
}

export type ThankYouView = { state: "hidden" } | OfferView | ReferrerView;

export type JoinResult =
  | ReferrerView
  | { state: "check_email" }
  | { state: "sign_in" }
  /** 422: the server refused the join; `message` is its explanation, when it gave one. */
  | { state: "refused"; message: string | null }
  /** Network failure, timeout, 5xx, or an answer the extension cannot read. */
  | { state: "failed" };

export interface Friend {
  name: string;
  status: string;
  orderedAt: string;
}

export interface AccountReferrerView extends Omit<ReferrerView, "referredBy"> {
  friends: Friend[];
  pendingRewards: { value: string; releaseOn: string }[];
  unusedCodes: { code: string; value: string; expiresAt: string | null }[];
  storeCredit: string | null;
  /** Store credit that expires, soonest first: its amount, and the instant it expires (ISO). */
  expiringCredit: { value: string; expiresAt: string }[];
  /** The next milestone: how many more successful referrals it takes, and its reward in words. */
  nextMilestone: { remaining: number; reward: string } | null;
  cashFees: string | null;
  terms: string;
  /** The brochure and QR poster to print: signed links to the app that work for an hour (the page asks again on each visit). */
  printables: { brochure: string; poster: string } | null;
}

export type AccountView =
  | { state: "hidden" }
  | { state: "join"; offer: string; termsUrl: string | null; termsVersion: string }
  | AccountReferrerView;

/** What the extensions need from the `shopify` global, whichever target runs them. */
export interface ExtensionHost {
  sessionToken: { get(): Promise<string> };
  localization: { language: { value: { isoCode: string } } };
  i18n: {
    translate: (key: string, options?: Record<string, string | number>) => string | unknown[];
    formatNumber: (value: number) => string;
    formatDate: (date: Date, options?: Intl.DateTimeFormatOptions) => string;
  };
}

/**
 * The app's origin, fixed when the bundle is built. Shopify CLI replaces
 * `process.env.<NAME>` in UI extension code with the build environment's value
 * (esbuild `define`; `shopify app dev` sets APP_URL to the tunnel), and
 * scripts/build-extensions.ts does the same.
 */
export function appUrl(): string {
  return (process.env.APP_URL ?? "").replace(/\/+$/, "");
}

/** Long enough for a cold app, short enough that a dead one does not leave a skeleton on the page. */
const TIMEOUT_MS = 8000;

async function request(host: ExtensionHost, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    const headers: Record<string, string> = { Authorization: `Bearer ${await host.sessionToken.get()}` };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(`${appUrl()}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
    });
    const json: unknown = await response.json().catch(() => null);
    return { status: response.status, json };
  } finally {
    clearTimeout(timer);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function isReferrer(value: Record<string, unknown>): value is Record<string, unknown> & ReferrerView {
  return value.state === "referrer" && typeof value.link === "string" && (typeof value.code === "string" || value.code === null) && isObject(value.stats);
}

const HIDDEN = { state: "hidden" } as const;

/** The thank-you / order-status block's content; anything unreadable or failed is "hidden". */
export async function loadThankYou(host: ExtensionHost, orderId: string, locale: string): Promise<ThankYouView> {
  try {
    const query = new URLSearchParams({ orderId, locale });
    const { status, json } = await request(host, `/api/extensions/thank-you?${query}`);
    if (status !== 200 || !isObject(json)) return HIDDEN;
    if (isReferrer(json)) return json;
    if (json.state === "offer" && typeof json.offer === "string" && typeof json.termsVersion === "string") {
      return json as unknown as OfferView;
    }
    return HIDDEN;
  } catch {
    return HIDDEN;
  }
}

async function join(host: ExtensionHost, path: string, body: Record<string, unknown>): Promise<JoinResult> {
  try {
    const { status, json } = await request(host, path, body);
    if (!isObject(json)) return { state: "failed" };
    if ((status === 200 || status === 201) && isReferrer(json)) return json;
    if (status === 202 && (json.state === "check_email" || json.state === "sign_in")) return { state: json.state };
    if (status === 422) {
      const message = isObject(json.errors) && typeof json.errors.terms === "string" ? json.errors.terms : null;
      return { state: "refused", message };
    }
    return { state: "failed" };
  } catch {
    return { state: "failed" };
  }
}

/** Joins from the thank-you or order-status page; clicking the join button is the terms acceptance. */
export function joinFromOrder(host: ExtensionHost, input: { orderId: string; termsVersion: string; locale: string }) {
  return join(host, "/api/extensions/join", { orderId: input.orderId, terms: true, termsVersion: input.termsVersion, locale: input.locale });
}

export async function loadAccount(host: ExtensionHost, locale: string): Promise<AccountView> {
  try {
    const { status, json } = await request(host, `/api/extensions/account?${new URLSearchParams({ locale })}`);
    if (status !== 200 || !isObject(json)) return HIDDEN;
    if (isReferrer(json)) return { friends: [], pendingRewards: [], unusedCodes: [], storeCredit: null, expiringCredit: [], nextMilestone: null, cashFees: null, terms: "", ...json, printables: printablesOf(json.printables) };
    if (json.state === "join" && typeof json.offer === "string" && typeof json.termsVersion === "string") {
      return json as unknown as AccountView;
    }
    return HIDDEN;
  } catch {
    return HIDDEN;
  }
}

/** The printables' links, when both lead to the app's own /printables/ (anything else is not shown). */
function printablesOf(value: unknown): AccountReferrerView["printables"] {
  if (!isObject(value)) return null;
  const { brochure, poster } = value;
  const ours = (link: unknown): link is string => typeof link === "string" && link.startsWith(`${appUrl()}/printables/`);
  return ours(brochure) && ours(poster) ? { brochure, poster } : null;
}

export function joinFromAccount(host: ExtensionHost, input: { termsVersion: string; locale: string }) {
  return join(host, "/api/extensions/account/join", { terms: true, termsVersion: input.termsVersion, locale: input.locale });
}

