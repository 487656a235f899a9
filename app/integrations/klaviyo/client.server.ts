// Klaviyo through its official SDK (klaviyo-api): the calls this integration
// makes, and what a failure means for us. The SDK's own retries are off: the
// event outbox retries (with Klaviyo's Retry-After), and a worker must not sleep
// inside a call while holding a delivery's lease.
import { AccountsApi, ApiKeySession, EventsApi, RetryWithExponentialBackoff, type EventCreateQueryV2 } from "klaviyo-api";
import { env } from "~/env.server";

type RequestConfig = Parameters<ApiKeySession["requestWithRetry"]>[0];
type Response = Awaited<ReturnType<ApiKeySession["requestWithRetry"]>>;

/** A call that gets no answer in this long is retried later (the outbox's lease is two minutes). */
const TIMEOUT_MS = 15_000;

/** ApiKeySession with a timeout, which the SDK does not offer: a hung connection must not hold the delivery. */
class TimedSession extends ApiKeySession {
  constructor(apiKey: string) {
    super(apiKey, new RetryWithExponentialBackoff({ numRetries: 0 }));
  }
  requestWithRetry(config: RequestConfig): Promise<Response> {
    return super.requestWithRetry({ ...config, timeout: TIMEOUT_MS });
  }
}

/** A failed call, as the caller acts on it. */
export type KlaviyoFailure =
  /** 401/403: the key is wrong, revoked, or lacks a scope. */
  | { kind: "refused"; status: number; message: string }
  /** 429: Klaviyo's own limit; come back after retryAfterMs when it said. */
  | { kind: "throttled"; status: 429; message: string; retryAfterMs?: number }
  /** 5xx, timeout or network: try again later. */
  | { kind: "unavailable"; status?: number; message: string }
  /** Any other 4xx: the request itself is wrong, sending it again cannot help. */
  | { kind: "rejected"; status: number; message: string };

/** An SDK API class, pointed at KLAVIYO_API_ORIGIN when set (the dev store's stand-in Klaviyo). */
function api<T extends { basePath: string }>(Api: new (session: ApiKeySession) => T, apiKey: string): T {
  const client = new Api(new TimedSession(apiKey));
  const origin = env().KLAVIYO_API_ORIGIN;
  if (origin) client.basePath = origin.replace(/\/+$/, "");
  return client;
}

export async function getAccount(apiKey: string): Promise<void> {
  await api(AccountsApi, apiKey).getAccounts({ fieldsAccount: ["id"] });
}

export async function createEvent(apiKey: string, body: EventCreateQueryV2): Promise<number> {
  const { response } = await api(EventsApi, apiKey).createEvent(body);
  return response.status;
}

/** What the SDK throws (an AxiosError): Klaviyo's answer, when there was one. */
interface SdkError {
  message?: string;
  response?: { status: number; data?: unknown; headers: Record<string, unknown> };
}

/** What a thrown SDK error means: Klaviyo's answer (status, its first error's detail, Retry-After) or no answer at all. */
export function klaviyoFailure(error: unknown, now: Date = new Date()): KlaviyoFailure {
  const answer = (error as SdkError | null)?.response;
  if (!answer || typeof answer.status !== "number") {
    return { kind: "unavailable", message: `Klaviyo could not be reached: ${error instanceof Error ? error.message : String(error)}` };
  }
  const { status, data, headers } = answer;
  const message = `Klaviyo answered ${status}: ${errorDetail(data) ?? (error as SdkError).message ?? "no detail"}`;
  if (status === 401 || status === 403) return { kind: "refused", status, message };
  if (status === 429) return { kind: "throttled", status, message, retryAfterMs: retryAfterMs(headers["retry-after"], now) };
  if (status >= 500) return { kind: "unavailable", status, message };
  return { kind: "rejected", status, message };
}

/** Klaviyo's JSON:API errors: `{ errors: [{ detail, title, code }] }`. */
function errorDetail(data: unknown): string | null {
  const first = (data as { errors?: { detail?: unknown; title?: unknown }[] } | null)?.errors?.[0];
  const text = first?.detail ?? first?.title;
  return typeof text === "string" ? text.slice(0, 500) : null;
}

/** Retry-After as seconds or an HTTP date (RFC 9110), in ms from now. */
export function retryAfterMs(value: unknown, now: Date): number | undefined {
  if (typeof value !== "string" && typeof value !== "number") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const at = Date.parse(String(value));
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
