// The ONE way domain code talks to the Admin API. Wraps the `admin.graphql`
// function shopify-app-remix hands out (authenticate.admin, unauthenticated
// .admin, authenticate.webhook) and adds what that function does not do:
// - throws ShopifyUserError when a mutation answers with userErrors;
// - paces calls by Shopify's cost bucket (throttle.server.ts);
// - retries THROTTLED, 429, 5xx and network failures with jittered
//   exponential backoff, a bounded number of times;
// - never repeats a mutation that may already have run unless `verify`
//   confirms it did not (see `mutate`).
import { recordAdminCall } from "~/ops/metrics.server";
import type { AdminOperations, ApiClientRequestOptions, ReturnData } from "@shopify/admin-api-client";
import { AttemptTimeout, classifyResponse, classifyThrown, type Outcome } from "./classify-failure.server";
import { ShopifyApiError, ShopifyUserError, type ShopifyUserErrorEntry } from "./errors";
import { processThrottle, type ThrottleTracker } from "./throttle.server";

/** The shape of shopify-app-remix's `admin.graphql` (and of a fetch-like stand-in). */
export type AdminGraphql = (
  query: string,
  options?: { variables?: Record<string, unknown>; signal?: AbortSignal },
) => Promise<Response>;

export interface AdminClientOptions {
  shop: string;
  sleep?: (ms: number) => Promise<void>;
  /** 0..1, for backoff jitter. */
  random?: () => number;
  now?: () => number;
  /** Attempts per call, first one included. */
  maxAttempts?: number;
  /** Per attempt; a timed-out mutation counts as possibly applied. */
  timeoutMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  throttle?: ThrottleTracker;
  log?: (event: AdminClientLogEvent) => void;
  /**
   * Runs before every retry of a call (after its backoff); throwing stops the
   * call. The worker checks here that it still holds the job it is working on.
   */
  beforeRetry?: () => Promise<void>;
}

export interface AdminClientLogEvent {
  event: "wait-for-bucket" | "retry" | "verified-after-failure" | "gave-up";
  shop: string;
  operation: string;
  attempt: number;
  delayMs?: number;
  reason?: string;
}

type Variables<Op extends string> = ApiClientRequestOptions<Op, AdminOperations>["variables"];
type Data<Op extends string> = ReturnData<Op, AdminOperations>;

export interface AdminClient {
  query<Op extends string>(document: Op, variables?: Variables<Op>): Promise<Data<Op>>;
  /**
   * `verify` looks the object up (e.g. by its unique code) and returns the
   * result the mutation would have returned, or null if it does not exist.
   * It runs after a failure that leaves us unsure whether Shopify applied
   * the mutation (timeout, dropped connection, 5xx). Without it, such a
   * failure is thrown, never retried: a blind retry could create twice.
   */
  mutate<Op extends string>(
    document: Op,
    variables?: Variables<Op>,
    options?: { verify?: () => Promise<Data<Op> | null> },
  ): Promise<Data<Op>>;
}

const MAX_THROTTLED_RETRIES = 20;

export function createAdminClient(graphql: AdminGraphql, options: AdminClientOptions): AdminClient {
  const {
    shop,
    sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
    random = Math.random,
    now = Date.now,
    maxAttempts = 5,
    timeoutMs = 30_000,
    baseDelayMs = 500,
    maxDelayMs = 30_000,
    throttle = processThrottle,
    log = () => {},
    beforeRetry,
  } = options;

  async function attempt(document: string, variables: unknown): Promise<Outcome> {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new AttemptTimeout(timeoutMs));
      }, timeoutMs);
    });
    try {
      const response = await Promise.race([
        graphql(document, { variables: variables as Record<string, unknown> | undefined, signal: controller.signal }),
        timeout,
      ]);
      return await classifyResponse(response);
    } catch (error) {
      return classifyThrown(error);
    } finally {
      clearTimeout(timer);
    }
  }

  function backoff(n: number, retryAfterMs?: number) {
    if (retryAfterMs != null) return retryAfterMs;
    const exp = Math.min(maxDelayMs, baseDelayMs * 2 ** (n - 1));
    return Math.round(exp / 2 + random() * (exp / 2)); // "equal jitter"
  }

  async function run<T>(document: string, variables: unknown, verify: (() => Promise<T | null>) | undefined, type: "query" | "mutation"): Promise<T> {
    const operation = operationName(document);
    // THROTTLED means Shopify ran nothing: it does not use up an attempt, but it
    // has its own, larger bound so a misjudged bucket cannot loop for ever.
    let throttledRetries = 0;
    for (let n = 1; ; n++) {
      if ((n > 1 || throttledRetries > 0) && beforeRetry) await beforeRetry();
      const reserved = throttle.estimate(shop, operation, type);
      const wait = throttle.reserve(shop, operation, type, now());
      if (wait > 0) {
        log({ event: "wait-for-bucket", shop, operation, attempt: n, delayMs: wait });
        await sleep(wait);
      }
      const outcome = await attempt(document, variables);
      throttle.record(shop, operation, outcome.cost, now(), reserved);
      recordAdminCall(type, outcome);
      if (!outcome.ok && outcome.kind === "throttled" && throttledRetries < MAX_THROTTLED_RETRIES) {
        throttledRetries++;
        n--;
      }
      if (outcome.ok) {
        if (type === "mutation") throwOnUserErrors(operation, outcome.data);
        return outcome.data as T;
      }

      // Did Shopify perhaps run it? THROTTLED and 429 are refused up front.
      const ambiguous = type === "mutation" && (outcome.kind === "server" || outcome.kind === "network");
      if (ambiguous && verify) {
        const existing = await verify();
        if (existing) {
          log({ event: "verified-after-failure", shop, operation, attempt: n, reason: outcome.message });
          throwOnUserErrors(operation, existing);
          return existing;
        }
      }
      const retryable = outcome.kind !== "fatal";
      if (!retryable || n >= maxAttempts || (ambiguous && !verify)) {
        log({ event: "gave-up", shop, operation, attempt: n, reason: outcome.message });
        throw new ShopifyApiError(outcome.message, {
          operation,
          kind: outcome.kind,
          retryable,
          ambiguous,
          attempts: n,
          status: outcome.status,
          graphQLErrors: outcome.graphQLErrors,
        });
      }
      // THROTTLED: the next reserve() computes the exact wait from the
      // throttleStatus just recorded; other failures back off.
      const delay = outcome.kind === "throttled" && outcome.cost?.throttleStatus ? 0 : backoff(n, outcome.retryAfterMs);
      log({ event: "retry", shop, operation, attempt: n, delayMs: delay, reason: outcome.message });
      if (delay > 0) await sleep(delay);
    }
  }

  return {
    query: (document, variables) => run(document, variables, undefined, "query"),
    mutate: (document, variables, opts) => run(document, variables, opts?.verify, "mutation"),
  };
}

/** The operation name, for logs, cost estimates and errors. */
export function operationName(document: string): string {
  return /\b(?:query|mutation)\s+(\w+)/.exec(document)?.[1] ?? "anonymous";
}

/** Any non-empty `userErrors` list in the payload means the mutation failed. */
function throwOnUserErrors(operation: string, data: unknown) {
  const found: ShopifyUserErrorEntry[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "userErrors" && Array.isArray(value)) found.push(...(value as ShopifyUserErrorEntry[]));
      else walk(value);
    }
  };
  walk(data);
  if (found.length) {
    throw new ShopifyUserError(
      operation,
      found.map((e) => ({ field: e.field ?? null, code: e.code ?? null, message: e.message })),
    );
  }
}
