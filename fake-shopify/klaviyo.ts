// (Not Shopify: kept with the fake Shopify, the stand-ins tests, the dev store and benches share.)
// A stand-in for the two Klaviyo endpoints the app calls, served through msw at
// the network edge (the official SDK's axios requests reach it unchanged):
// GET /api/accounts (the key check) and POST /api/events (Create Event), as
// Klaviyo documents them: the key in `Authorization: Klaviyo-API-Key <key>`,
// a `revision` header, JSON:API bodies, 202 with no body for an accepted
// event, `{ errors: [...] }` otherwise, and one event recorded per unique_id
// for the same profile and metric. The two endpoints are plain
// `(request: Request) => Promise<Response>` functions: the dev store serves
// them over HTTP too (devstore/klaviyo.ts), for the running app.
import { http, HttpResponse, type RequestHandler } from "msw";

export const KLAVIYO_ORIGIN = "https://a.klaviyo.com";

export interface RecordedEvent {
  key: string;
  uniqueId: string;
  metric: string;
  time: string;
  value?: number;
  valueCurrency?: string;
  properties: Record<string, unknown>;
  profile: { email?: string; external_id?: string; first_name?: string; properties?: Record<string, unknown> };
}

interface Scripted {
  status: number;
  headers?: Record<string, string>;
  /** Klaviyo took the event before the answer was lost (a 5xx after processing). */
  recordFirst?: boolean;
}

const errors = (status: number, code: string, detail: string, headers: Record<string, string> = {}) =>
  HttpResponse.json({ errors: [{ id: "e1", status, code, title: code, detail, source: {} }] }, { status, headers: { "Content-Type": "application/vnd.api+json", ...headers } });

export class FakeKlaviyo {
  /** Keys Klaviyo knows (revoking one makes it answer 401). */
  readonly keys = new Set<string>();
  /** Keys accepted besides `keys` (the dev store: any key starting pk_demo). */
  acceptKey: (key: string) => boolean = () => false;
  /** Events Klaviyo recorded (a repeated unique_id is not recorded again). */
  readonly events: RecordedEvent[] = [];
  /** Every Create Event request that reached Klaviyo, recorded or not. */
  eventRequests = 0;
  accountRequests = 0;
  /** Milliseconds every answer waits (benchmarks: a remote service's latency). */
  latencyMs = 0;
  private scripted: Scripted[] = [];

  /** The next Create Event requests get these answers, in order. */
  failNext(...answers: Scripted[]) {
    this.scripted.push(...answers);
  }

  private key(request: Request): string | null {
    const match = /^Klaviyo-API-Key (\S+)$/.exec(request.headers.get("Authorization") ?? "");
    return match && (this.keys.has(match[1]) || this.acceptKey(match[1])) ? match[1] : null;
  }

  reset() {
    this.keys.clear();
    this.events.length = 0;
    this.eventRequests = 0;
    this.accountRequests = 0;
    this.scripted = [];
  }

  handlers(): RequestHandler[] {
    return [
      http.get(`${KLAVIYO_ORIGIN}/api/accounts`, ({ request }) => this.getAccounts(request)),
      http.post(`${KLAVIYO_ORIGIN}/api/events`, ({ request }) => this.createEvent(request)),
    ];
  }

  /** GET /api/accounts: the key check. */
  getAccounts = async (request: Request): Promise<Response> => {
    this.accountRequests++;
    if (!request.headers.get("revision")) return errors(400, "invalid", "A revision header is required");
    const key = this.key(request);
    if (!key) return errors(401, "not_authenticated", "Incorrect authentication credentials.");
    return HttpResponse.json({ data: [{ type: "account", id: "AbC123", attributes: { test_account: true } }] }, { headers: { "Content-Type": "application/vnd.api+json" } });
  };

  /** POST /api/events: Create Event. */
  createEvent = async (request: Request): Promise<Response> => {
    this.eventRequests++;
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    if (!request.headers.get("revision")) return errors(400, "invalid", "A revision header is required");
    const key = this.key(request);
    if (!key) return errors(401, "not_authenticated", "Incorrect authentication credentials.");
    const body = (await request.json()) as { data?: { type?: string; attributes?: Record<string, unknown> } };
    const a = body.data?.attributes as
      | { properties?: Record<string, unknown>; time?: string; value?: number; value_currency?: string; unique_id?: string; metric?: { data?: { attributes?: { name?: string } } }; profile?: { data?: { attributes?: RecordedEvent["profile"] } } }
      | undefined;
    const metric = a?.metric?.data?.attributes?.name;
    const profile = a?.profile?.data?.attributes;
    if (body.data?.type !== "event" || !a?.properties || !metric || !profile?.email) return errors(400, "invalid", "An event needs properties, a metric name and a profile identifier");
    const record = () => {
      const uniqueId = a.unique_id ?? a.time ?? "";
      const seen = this.events.some((e) => e.key === key && e.uniqueId === uniqueId && e.metric === metric && e.profile.email === profile.email);
      if (!seen) this.events.push({ key, uniqueId, metric, time: a.time ?? "", value: a.value, valueCurrency: a.value_currency, properties: a.properties!, profile });
    };
    const scripted = this.scripted.shift();
    if (scripted) {
      if (scripted.recordFirst) record();
      return errors(scripted.status, scripted.status === 429 ? "throttled" : "error", "Scripted answer", scripted.headers);
    }
    record();
    return new HttpResponse(null, { status: 202 });
  };
}
