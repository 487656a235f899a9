// The dev store admin's integration pages, where a newcomer sees what the
// app's integrations send, all on this machine:
//
//   POST /webhook-inbox   a receiver for the app's outgoing webhooks: each request
//                         kept (newest first, bounded), answered 200
//   GET  /webhooks        what the inbox received, and the URL to paste into the app's Webhooks page
//   GET  /klaviyo         the events the dev store's Klaviyo recorded (devstore/klaviyo.ts)
//   GET  /flow            the app's Flow triggers: a form each to turn a workflow using it
//                         on or off (Flow's lifecycle callback, signed as Shopify signs
//                         it, to <app>/flow/lifecycle), and the triggers the app sent
//   GET  /api/webhooks    the inbox as JSON, bodies as received (to check signatures)
import { createHmac } from "node:crypto";
import type http from "node:http";
import type { FakeShopify } from "../fake-shopify/fake-shopify";
import type { FakeKlaviyo } from "../fake-shopify/klaviyo";
import { FLOW_TRIGGERS } from "~/integrations/flow/triggers";
import { DevStoreError } from "./checkout";
import { adminPage, escapeHtml } from "./html";
import { DEMO_KLAVIYO_KEY } from "./klaviyo";

/** One request the inbox received. */
export interface InboxRequest {
  id: number;
  receivedAt: string;
  webhookId: string | null;
  webhookTimestamp: string | null;
  webhookSignature: string | null;
  contentType: string | null;
  /** The body as received (a signature covers these exact bytes). */
  body: string;
}

const INBOX_CAPACITY = 100;
/** The app's webhook bodies are a few KB; the inbox keeps no more than this of one. */
const MAX_BODY_BYTES = 256 * 1024;

export class WebhookInbox {
  readonly capacity = INBOX_CAPACITY;
  private requests: InboxRequest[] = [];
  private nextId = 1;

  record(headers: http.IncomingHttpHeaders, body: string): InboxRequest {
    const header = (name: string) => (typeof headers[name] === "string" ? (headers[name] as string) : null);
    const request: InboxRequest = {
      id: this.nextId++,
      receivedAt: new Date().toISOString(),
      webhookId: header("webhook-id"),
      webhookTimestamp: header("webhook-timestamp"),
      webhookSignature: header("webhook-signature"),
      contentType: header("content-type"),
      body,
    };
    this.requests.unshift(request);
    this.requests.length = Math.min(this.requests.length, this.capacity);
    return request;
  }

  /** Newest first. */
  list(): InboxRequest[] {
    return [...this.requests];
  }
}

export interface IntegrationPagesOptions {
  shop: string;
  /** The app's client secret: Flow signs its lifecycle callback with it. */
  secret: string;
  /** The app's public URL (the tunnel). */
  appUrl: string;
  fake: FakeShopify;
  /** The dev store's Klaviyo; without it /klaviyo says there is none. */
  klaviyo?: { klaviyo: FakeKlaviyo; origin: string };
}

export interface IntegrationPages {
  inbox: WebhookInbox;
  /** Answers the request when it is one of these pages; false otherwise. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<boolean>;
}

export function integrationPages(options: IntegrationPagesOptions): IntegrationPages {
  const { shop } = options;
  const inbox = new WebhookInbox();
  /** The Flow triggers a workflow of the dev store uses, as the app was last told. */
  const flowOn = new Set<string>();

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<boolean> {
    const route = `${req.method ?? "GET"} ${url.pathname.replace(/(.)\/$/, "$1")}`;
    const html = (body: string) => {
      send(res, 200, "text/html; charset=utf-8", body);
      return true;
    };
    if (route === "POST /webhook-inbox") {
      const body = await readText(req, MAX_BODY_BYTES);
      const request = inbox.record(req.headers, body);
      send(res, 200, "application/json; charset=utf-8", JSON.stringify({ received: request.id }));
      return true;
    }
    if (route === "GET /webhooks") return html(webhooksPage(url.origin));
    if (route === "GET /api/webhooks") {
      send(res, 200, "application/json; charset=utf-8", JSON.stringify({ url: `${url.origin}/webhook-inbox`, requests: inbox.list() }, null, 2));
      return true;
    }
    if (route === "GET /klaviyo") return html(klaviyoPage());
    if (route === "GET /flow") return html(flowPage(url.searchParams.get("message")));
    const flow = /^POST \/flow\/([a-z0-9-]+)\/(on|off)$/.exec(route);
    if (flow) {
      const message = await switchFlow(flow[1], flow[2] === "on");
      res.writeHead(303, { Location: `/flow?message=${encodeURIComponent(message)}` }).end();
      return true;
    }
    return false;
  }

  /** Flow's lifecycle callback for a workflow using `handle` turned on or off, as Shopify sends it. */
  async function switchFlow(handle: string, enabled: boolean): Promise<string> {
    const trigger = Object.values(FLOW_TRIGGERS).find((t) => t.handle === handle);
    if (!trigger) throw new DevStoreError(404, `The app has no Flow trigger ${handle}`);
    const body = JSON.stringify({
      flow_trigger_definition_id: handle,
      has_enabled_flow: enabled,
      shop_id: 1,
      shopify_domain: shop,
      timestamp: new Date().toISOString(),
    });
    const response = await fetch(new URL("/flow/lifecycle", options.appUrl), {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Hmac-Sha256": createHmac("sha256", options.secret).update(body).digest("base64") },
      body,
    });
    const text = await response.text();
    if (!response.ok) throw new DevStoreError(502, `The app answered Flow's lifecycle callback with ${response.status}: ${text.slice(0, 200)}`);
    if (enabled) flowOn.add(handle);
    else flowOn.delete(handle);
    return `A workflow using "${trigger.name}" is ${enabled ? "on" : "off"}; the app answered ${response.status}`;
  }

  function webhooksPage(origin: string) {
    const requests = inbox.list();
    const rows = requests
      .map((r) => {
        const type = eventType(r.body);
        return `<tr data-webhook-id="${escapeHtml(r.webhookId ?? "")}"><td><time datetime="${escapeHtml(r.receivedAt)}">${escapeHtml(localTime(r.receivedAt))}</time></td>
<td>${type ? `<code>${escapeHtml(type)}</code>` : '<span class="muted">not JSON with a type</span>'}</td>
<td class="wrap"><dl class="headers"><dt>webhook-id</dt><dd>${orNone(r.webhookId)}</dd><dt>webhook-timestamp</dt><dd>${orNone(r.webhookTimestamp)}</dd><dt>webhook-signature</dt><dd>${orNone(r.webhookSignature)}</dd></dl></td>
<td class="wrap"><details><summary>${r.body.length} bytes</summary><pre>${escapeHtml(pretty(r.body))}</pre></details></td></tr>`;
      })
      .join("");
    const list = requests.length
      ? `<table><thead><tr><th>Received</th><th>Event</th><th>Headers</th><th>Body</th></tr></thead><tbody>${rows}</tbody></table>`
      : `<p role="status">Nothing received yet. Add the endpoint below in the app, then have someone join the program on the storefront or place an order with a referral code: the app's worker sends each event within seconds.</p>`;
    return adminPage(
      "Webhook inbox",
      "webhooks",
      `<h1>Webhook inbox</h1>
<p>Endpoint URL: <code data-inbox-url>${escapeHtml(`${origin}/webhook-inbox`)}</code></p>
<p class="note">In the app, open <a href="/apps/referrals/integrations/webhooks">Integrations → Webhooks</a>, add an endpoint with this URL and the events you want, and keep the signing secret it shows once: every request is signed with it (Standard Webhooks: <code>webhook-id</code>, <code>webhook-timestamp</code>, <code>webhook-signature</code>). This inbox answers 200 to everything and keeps the newest ${inbox.capacity} requests. <a href="/webhooks">Refresh</a> · <a href="/api/webhooks">JSON</a></p>
${list}`,
    );
  }

  function klaviyoPage() {
    if (!options.klaviyo) return adminPage("Klaviyo", "klaviyo", `<h1>Klaviyo</h1><p>This dev store runs no Klaviyo.</p>`);
    const events = options.klaviyo.klaviyo.events.slice().reverse();
    const rows = events
      .map(
        (e) => `<tr><td><time datetime="${escapeHtml(e.time)}">${escapeHtml(e.time ? localTime(e.time) : "")}</time></td><td><code>${escapeHtml(e.metric)}</code></td>
<td class="wrap">${escapeHtml(e.profile.email ?? "")}</td><td class="wrap"><details><summary>${Object.keys(e.properties).length} properties</summary><pre>${escapeHtml(JSON.stringify(e.properties, null, 2))}</pre></details></td></tr>`,
      )
      .join("");
    const list = events.length
      ? `<table><thead><tr><th>Time</th><th>Metric</th><th>Profile</th><th>Properties</th></tr></thead><tbody>${rows}</tbody></table>`
      : `<p role="status">No event yet. Connect Klaviyo in the app, then have someone join the program on the storefront or place an order with a referral code.</p>`;
    return adminPage(
      "Klaviyo",
      "klaviyo",
      `<h1>Klaviyo</h1>
<p>Private API key: <code>${escapeHtml(DEMO_KLAVIYO_KEY)}</code> <span class="note">(any key starting <code>pk_demo</code> works)</span></p>
<p class="note">The app talks to this dev store's stand-in Klaviyo at <code>${escapeHtml(options.klaviyo.origin)}</code> (<code>KLAVIYO_API_ORIGIN</code>), which answers as Klaviyo's API does and sends nothing anywhere. In the app, open <a href="/apps/referrals/integrations/klaviyo">Integrations → Klaviyo</a> and connect with the key above. The events it recorded, newest first: <a href="/klaviyo">Refresh</a></p>
${list}`,
    );
  }

  function flowPage(message: string | null) {
    const triggers = Object.values(FLOW_TRIGGERS)
      .map((t) => {
        const on = flowOn.has(t.handle);
        return `<tr><td>${escapeHtml(t.name)}</td><td><code>${escapeHtml(t.handle)}</code></td><td>${on ? '<span class="kind good">On</span>' : '<span class="kind">Off</span>'}</td>
<td><form method="post" action="/flow/${escapeHtml(t.handle)}/${on ? "off" : "on"}"><button aria-label="${escapeHtml(`Turn ${on ? "off" : "on"} a workflow using ${t.name}`)}">Turn ${on ? "off" : "on"}</button></form></td></tr>`;
      })
      .join("");
    const received = options.fake.flowTriggers(shop).reverse();
    const receivedRows = received
      .map(
        (r) => `<tr><td><time datetime="${escapeHtml(r.receivedAt)}">${escapeHtml(localTime(r.receivedAt))}</time></td><td><code>${escapeHtml(r.handle)}</code></td>
<td class="wrap"><details><summary>payload</summary><pre>${escapeHtml(JSON.stringify(r.payload, null, 2))}</pre></details></td></tr>`,
      )
      .join("");
    return adminPage(
      "Flow",
      "flow",
      `<h1>Shopify Flow</h1>${message ? `<p role="status">${escapeHtml(message)}</p>` : ""}
<p class="note">The app sends a trigger only while a workflow of the shop uses it, as Flow tells it with a signed lifecycle callback to <code>${escapeHtml(new URL("/flow/lifecycle", options.appUrl).href)}</code>. Turn one on here (this page sends that callback), then have a customer who logs in join the program on the storefront (Referrer joined), or place an order with a referral code (Referral created).</p>
<h2>The app's triggers</h2>
<table><thead><tr><th>Trigger</th><th>Handle</th><th>Workflow</th><th></th></tr></thead><tbody>${triggers}</tbody></table>
<h2>Triggers received</h2>
${received.length ? `<table><thead><tr><th>Received</th><th>Trigger</th><th>Payload</th></tr></thead><tbody>${receivedRows}</tbody></table>` : `<p role="status" data-flow-empty>None yet. <a href="/flow">Refresh</a></p>`}`,
    );
  }

  return { inbox, handle };
}

const orNone = (value: string | null) => (value ? `<code>${escapeHtml(value)}</code>` : '<span class="muted">none</span>');

function eventType(body: string): string | null {
  try {
    const type = (JSON.parse(body) as { type?: unknown } | null)?.type;
    return typeof type === "string" ? type : null;
  } catch {
    return null;
  }
}

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** "2025-01-31 14:05:09", this machine's time (the demo's user is at it). */
function localTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

async function readText(req: http.IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new DevStoreError(413, `The inbox keeps bodies of at most ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: http.ServerResponse, status: number, type: string, body: string) {
  res.writeHead(status, { "Content-Type": type });
  res.end(body);
}
