// Turns whatever `admin.graphql` produced into one outcome. What
// @shopify/shopify-app-remix 6 (through @shopify/shopify-api 15) really does:
// - success: resolves to a Response whose JSON is { data, extensions, headers };
// - any GraphQL `errors` on HTTP 200 (THROTTLED, invalid document, access
//   denied; even with partial data): THROWS GraphqlQueryError, whose `body`
//   holds { data?, extensions (cost), errors: { graphQLErrors, ... } };
// - HTTP 4xx/5xx from authenticate.admin's client: THROWS a Response
//   (status kept; Retry-After and Shopify's body text are dropped);
// - HTTP 4xx/5xx from unauthenticated.admin / webhook clients: THROWS
//   HttpResponseError subclasses (HttpThrottlingError carries
//   response.retryAfter in seconds, HttpInternalError for 5xx);
// - no response (DNS, reset, abort): THROWS HttpRequestError
//   ("Http request error, no response available: ...").
// Duck typing, not instanceof: the app may load more than one copy of the
// library (ESM/CJS), and a plain fetch-like function must work too.
import type { ShopifyFailureKind } from "./errors";

export interface Cost {
  requestedQueryCost?: number | null;
  actualQueryCost?: number | null;
  throttleStatus?: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

export interface GraphQLErrorEntry {
  message: string;
  extensions?: Record<string, unknown>;
}

export type Outcome =
  | { ok: true; data: unknown; cost?: Cost }
  | {
      ok: false;
      kind: ShopifyFailureKind;
      message: string;
      status?: number;
      retryAfterMs?: number;
      cost?: Cost;
      graphQLErrors?: GraphQLErrorEntry[];
    };

export class AttemptTimeout extends Error {
  constructor(ms: number) {
    super(`No answer from Shopify within ${ms} ms`);
  }
}

/** A Response that admin.graphql resolved with (or a plain fetch returned). */
export async function classifyResponse(response: Response): Promise<Outcome> {
  if (!response.ok) return classifyStatus(response.status, response.headers.get("Retry-After"), await safeText(response));
  const body = (await response.json()) as { data?: unknown; errors?: unknown; extensions?: { cost?: Cost } };
  return fromBody(body.data, body.errors, body.extensions?.cost);
}

/** Whatever admin.graphql threw. */
export async function classifyThrown(error: unknown): Promise<Outcome> {
  if (error instanceof AttemptTimeout) return { ok: false, kind: "network", message: error.message };
  if (isResponse(error)) return classifyStatus(error.status, error.headers.get("Retry-After"), await safeText(error));

  const e = error as {
    message?: string;
    body?: { data?: unknown; extensions?: { cost?: Cost }; errors?: { graphQLErrors?: unknown } };
    response?: { code?: number; retryAfter?: number; body?: unknown };
  };
  if (e?.body?.errors && "graphQLErrors" in e.body.errors) {
    return fromBody(e.body.data, e.body.errors.graphQLErrors, e.body.extensions?.cost);
  }
  if (typeof e?.response?.code === "number") {
    const retryAfter = e.response.retryAfter;
    return classifyStatus(e.response.code, retryAfter != null ? String(retryAfter) : null, e.message ?? "");
  }
  // HttpMaxRetriesError (only when callers pass `tries`): the last answer was
  // 429 or 5xx; we cannot tell which, so assume the ambiguous one.
  if ((error as Error)?.constructor?.name === "HttpMaxRetriesError") {
    return { ok: false, kind: "server", message: String(e.message) };
  }
  return { ok: false, kind: "network", message: String(e?.message ?? error) };
}

function fromBody(data: unknown, errors: unknown, cost: Cost | undefined): Outcome {
  const list = Array.isArray(errors) ? (errors as GraphQLErrorEntry[]) : [];
  if (list.length === 0 && errors == null) return { ok: true, data, cost };
  if (list.some((x) => x.extensions?.code === "THROTTLED")) {
    return { ok: false, kind: "throttled", message: "Throttled by Shopify", cost, graphQLErrors: list };
  }
  return {
    ok: false,
    kind: "fatal",
    message: list.map((x) => x.message).join("; ") || "Shopify returned no data",
    cost,
    graphQLErrors: list,
  };
}

function classifyStatus(status: number, retryAfter: string | null, text: string): Outcome {
  const detail = shopifyMessage(text);
  if (status === 429) {
    const seconds = retryAfter ? Number.parseFloat(retryAfter) : Number.NaN;
    return {
      ok: false,
      kind: "rate-limited",
      status,
      message: `Shopify rate limit (HTTP 429)${detail}`,
      retryAfterMs: Number.isFinite(seconds) ? seconds * 1000 : undefined,
    };
  }
  if (status >= 500) return { ok: false, kind: "server", status, message: `Shopify server error (HTTP ${status})${detail}` };
  return { ok: false, kind: "fatal", status, message: `Shopify refused the request (HTTP ${status})${detail}` };
}

function shopifyMessage(text: string): string {
  try {
    const errors = (JSON.parse(text) as { errors?: unknown }).errors;
    if (typeof errors === "string") return `: ${errors}`;
  } catch {
    // not JSON: fall through
  }
  return "";
}

function isResponse(x: unknown): x is Response {
  const r = x as Response;
  return !!r && typeof r.status === "number" && typeof r.headers?.get === "function" && typeof r.text === "function";
}

async function safeText(r: Response): Promise<string> {
  try {
    return await r.text();
  } catch {
    return "";
  }
}
