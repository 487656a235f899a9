// The dev store's Shopify admin: a page that embeds the app as the admin does
// (an iframe of <app>/app?embedded=1&shop=...&host=...&id_token=...), the
// App Bridge stand-in (devstore/app-bridge.js) it talks to, session tokens
// signed with the app secret, an orders page, and the control API:
//
//   GET  /api                          this list
//   GET  /api/orders                   orders placed in the dev store
//   POST /api/orders                   { email, code?, referralCode?, items?: [{ handle, quantity }] }
//                                      places an order (orders/paid goes to the app)
//   POST /api/orders/<number>/refund   { amount? } refunds it (default: all that is left)
//   POST /api/orders/<number>/cancel   cancels it
//   POST /api/clock/past-hold          every referral on hold becomes due now
//   GET  /api/shopify                  the fake Admin API's state for the shop
//   GET  /api/mail                     every email the app sent, newest first (?to=, ?kind=)
//   GET  /api/mail/<id>                one email, its HTML and headers included
//   GET  /api/theme                    the live theme: app embed on, templates holding the block, scopes granted
//   GET  /api/webhooks                 what the webhook inbox received (devstore/integrations.ts)
//
// and what Shopify's admin does for an embedded app: App Bridge's scopes.request
// opens a grant dialog here; granting records the scope in the fake and sends
// app/scopes_update to the app (POST /scopes/grant). The theme editor
// (/admin/themes/current/editor, devstore/theme-editor.ts) answers the app's
// deep links.
//
// and the integration pages (devstore/integrations.ts): the webhook inbox
// (/webhooks), the stand-in Klaviyo's events (/klaviyo) and Shopify Flow (/flow).
//
// and the Mailbox (/mailbox): every email the app sent to the dev store's SMTP
// server (devstore/mailbox.ts), each shown with its headers, its HTML in a
// sandboxed frame (no scripts, no remote images) and its plain text.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { FakeShopify } from "../fake-shopify/fake-shopify";
import { shopState } from "../fake-shopify/http-server";
import { DevStoreError, PRODUCTS, type DevCommerce, type PlacedOrder } from "./checkout";
import { adminPage, escapeHtml } from "./html";
import type { Mailbox, MailboxMessage } from "./mailbox";
import { listenOnLoopback } from "./loopback";
import { hostParam, sessionToken } from "../fake-shopify/sign";
import { appScopesUpdatePayload } from "../fake-shopify/payloads";
import { APP_SCOPES, OPTIONAL_SCOPES } from "~/shopify/scopes";
import { applyEdit, DEMO_THEME_EXTENSION_ID, EDITOR_PATH, editorPage, readDeepLink } from "./theme-editor";
import { appBlockType } from "~/admin/theme-files";
import type { DeliverWebhook } from "./webhooks";
import { integrationPages, type WebhookInbox } from "./integrations";
import type { KlaviyoServer } from "./klaviyo";

export interface AdminServerOptions {
  shop: string;
  apiKey: string;
  secret: string;
  /** The app's public URL (the tunnel). */
  appUrl: string;
  commerce: DevCommerce;
  fake: FakeShopify;
  /** "Move the clock past the hold": returns how many referrals became due. */
  endHolds(): Promise<number>;
  /** Where the app's email goes (the Mailbox page); without one the page says email is not captured. */
  mailbox?: Mailbox;
  /** Sends a webhook to the app (app/scopes_update after a grant); without it a grant is recorded in the fake only. */
  deliver?: DeliverWebhook;
  /** The dev store's Klaviyo (its events on /klaviyo). */
  klaviyo?: KlaviyoServer;
  port?: number;
}

export interface AdminServer {
  origin: string;
  /** Where the app loads App Bridge from (APP_BRIDGE_URL). */
  appBridgeUrl: string;
  /** What POST /webhook-inbox received (the /webhooks page). */
  webhookInbox: WebhookInbox;
  close(): Promise<void>;
}

const APP_BRIDGE = fs.readFileSync(path.join(import.meta.dirname, "app-bridge.js"), "utf8");
const APP_PATH = "/apps/referrals";

export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const { shop, commerce } = options;
  let origin = "";
  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const status = error instanceof DevStoreError ? error.status : error instanceof SyntaxError ? 400 : 500;
      if (status === 500) console.error("[devstore admin]", error);
      if (res.headersSent) return res.destroy();
      json(res, status, { error: error instanceof Error ? error.message : String(error) });
    });
  });

  const token = () => sessionToken({ shop, apiKey: options.apiKey, secret: options.secret });
  const integrations = integrationPages({ shop, secret: options.secret, appUrl: options.appUrl, fake: options.fake, klaviyo: options.klaviyo });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", origin);
    const method = req.method ?? "GET";
    const route = `${method} ${url.pathname}`;
    if (route === "GET /app-bridge.js") return send(res, 200, "text/javascript; charset=utf-8", APP_BRIDGE);
    if (route === "GET /") return redirect(res, APP_PATH);
    if (method === "GET" && (url.pathname === APP_PATH || url.pathname.startsWith(`${APP_PATH}/`))) {
      return send(res, 200, "text/html; charset=utf-8", hostPage(url.pathname.slice(APP_PATH.length)));
    }
    if (route === "POST /session-token") return json(res, 200, { token: token() });
    if (route === "POST /scopes/grant") return json(res, 200, await grantScopes(await readJson(req)));
    if (route === `GET ${EDITOR_PATH}`) {
      const html = editorPage({ theme: options.fake.shop(shop).mainTheme(), apiKey: options.apiKey, params: url.searchParams, message: url.searchParams.get("saved") });
      return send(res, 200, "text/html; charset=utf-8", html);
    }
    if (route === `POST ${EDITOR_PATH}`) {
      const form = new URLSearchParams(await readText(req));
      const link = new URLSearchParams(form.get("link") ?? "");
      const action = readDeepLink(link, options.apiKey);
      if (!action || "error" in action) throw new DevStoreError(400, action?.error ?? "the editor's save needs the deep link it was opened with");
      const message = applyEdit(options.fake.shop(shop).mainTheme(), action, form.get("enabled") !== "false");
      link.set("saved", message);
      return redirect(res, `${EDITOR_PATH}?${link}`);
    }
    if (await integrations.handle(req, res, url)) return;
    if (route === "GET /orders") return send(res, 200, "text/html; charset=utf-8", ordersPage(url.searchParams.get("message")));
    if (route === "GET /mailbox" || route === "GET /mailbox/") return send(res, 200, "text/html; charset=utf-8", mailboxPage(), MAILBOX_CSP);
    const mailId = /^\/mailbox\/(\d+)$/.exec(url.pathname);
    if (method === "GET" && mailId) {
      const message = options.mailbox?.message(mailId[1]);
      if (!message) return send(res, 404, "text/html; charset=utf-8", adminPage("Mailbox", "mailbox", `<h1>No such email</h1><p>The mailbox keeps the newest ${options.mailbox?.capacity ?? 0} emails: <a href="/mailbox">see them</a>.</p>`));
      return send(res, 200, "text/html; charset=utf-8", mailPage(message), MAILBOX_CSP);
    }
    const orderAction = /^\/orders\/(\d+)\/(refund|cancel)$/.exec(url.pathname);
    if (method === "POST" && orderAction) {
      const order = await (orderAction[2] === "refund" ? commerce.refund(Number(orderAction[1])) : commerce.cancel(Number(orderAction[1])));
      return redirect(res, `/orders?message=${encodeURIComponent(`${order.name} ${orderAction[2] === "refund" ? "refunded" : "cancelled"}`)}`);
    }
    if (route === "POST /orders/past-hold") {
      const due = await options.endHolds();
      return redirect(res, `/orders?message=${encodeURIComponent(`${due} referrals on hold are now due`)}`);
    }
    if (url.pathname === "/api" || url.pathname.startsWith("/api/")) return api(req, res, url, method);
    return send(res, 404, "text/plain", "not found");
  }

  async function api(req: http.IncomingMessage, res: http.ServerResponse, url: URL, method: string) {
    const route = `${method} ${url.pathname.replace(/\/$/, "")}`;
    if (route === "GET /api") {
      return json(res, 200, {
        shop,
        endpoints: {
          "GET /api/orders": "orders placed in the dev store",
          "POST /api/orders": "{ email, code?, referralCode?, items?: [{ handle, quantity }] }: place an order; orders/paid goes to the app",
          "POST /api/orders/<number>/refund": "{ amount? }: refund it (default: all that is left); refunds/create goes to the app",
          "POST /api/orders/<number>/cancel": "cancel it; orders/cancelled goes to the app",
          "POST /api/clock/past-hold": "every referral on hold becomes due now; the app's worker approves them and issues the rewards",
          "GET /api/shopify": "the fake Admin API's state for the shop (discounts, customers, store credit)",
          "GET /api/mail": "every email the app sent (to the dev store's mailbox), newest first; ?to=<address> and ?kind=<YOUR_LINK...> filter it",
          "GET /api/mail/<id>": "one email: its headers, HTML and plain text",
          "GET /api/theme": "the live theme as the app would read it: app embed on, templates holding the block, the app's scopes",
          "GET /api/webhooks": "what the webhook inbox (POST /webhook-inbox) received, newest first, bodies as sent",
        },
        products: PRODUCTS.map((p) => p.handle),
      });
    }
    if (route === "GET /api/orders") return json(res, 200, { orders: commerce.orders() });
    if (route === "POST /api/orders") {
      const body = await readJson(req);
      const items = body.items ?? [{ handle: PRODUCTS[0].handle, quantity: 1 }];
      if (!Array.isArray(items) || !items.every((i) => PRODUCTS.some((p) => p.handle === i?.handle) && Number.isInteger(i?.quantity) && i.quantity > 0)) {
        throw new DevStoreError(400, `items must be [{ handle, quantity }] with handle one of ${PRODUCTS.map((p) => p.handle).join(", ")}`);
      }
      if (typeof body.email !== "string") throw new DevStoreError(400, "email is required");
      const attributes: Record<string, string> = typeof body.referralCode === "string" ? { _referral_code: body.referralCode } : {};
      const result = await commerce.placeOrder({
        cart: { lines: items, discountCodes: typeof body.code === "string" ? [body.code] : [], attributes },
        email: body.email,
      });
      if ("error" in result) throw new DevStoreError(422, result.error);
      return json(res, 201, { order: result.order });
    }
    const action = /^POST \/api\/orders\/(\d+)\/(refund|cancel)$/.exec(route);
    if (action) {
      let order: PlacedOrder;
      if (action[2] === "refund") {
        const body = await readJson(req);
        if (body.amount !== undefined && typeof body.amount !== "string") throw new DevStoreError(400, 'amount must be a decimal string like "12.50"');
        order = await commerce.refund(Number(action[1]), body.amount);
      } else {
        order = await commerce.cancel(Number(action[1]));
      }
      return json(res, 200, { order });
    }
    if (route === "POST /api/clock/past-hold") return json(res, 200, { due: await options.endHolds() });
    if (route === "GET /api/shopify") return json(res, 200, shopState(options.fake, shop));
    if (route === "GET /api/theme") {
      const state = options.fake.shop(shop);
      const theme = state.mainTheme();
      return json(res, 200, {
        theme: theme.name,
        embedOn: theme.appEmbedEnabled(appBlockType("referral-embed", DEMO_THEME_EXTENSION_ID)),
        blockTemplates: theme.templatesWith(appBlockType("referral", DEMO_THEME_EXTENSION_ID)),
        scopes: [...state.accessScopes],
        editor: `${origin}${EDITOR_PATH}`,
      });
    }
    if (route === "GET /api/mail") {
      const to = url.searchParams.get("to")?.trim().toLowerCase();
      const kind = url.searchParams.get("kind")?.trim().toUpperCase();
      const messages = (options.mailbox?.messages() ?? []).filter(
        (m) => (!to || m.envelope.to.some((a) => a.toLowerCase() === to)) && (!kind || m.kind === kind),
      );
      return json(res, 200, {
        smtp: options.mailbox?.url ?? null,
        messages: messages.map(({ html: _html, headers: _headers, ...m }) => ({ ...m, page: `${origin}/mailbox/${m.id}`, api: `${origin}/api/mail/${m.id}` })),
      });
    }
    const mail = /^GET \/api\/mail\/(\d+)$/.exec(route);
    if (mail) {
      const message = options.mailbox?.message(mail[1]);
      if (!message) throw new DevStoreError(404, `No email ${mail[1]} in the mailbox (it keeps the newest ${options.mailbox?.capacity ?? 0}).`);
      return json(res, 200, { message: { ...message, page: `${origin}/mailbox/${message.id}` } });
    }
    return json(res, 404, { error: `No ${route}: see GET /api` });
  }

  /**
   * The merchant accepted the grant dialog: Shopify grants only scopes the app
   * declared optional, then tells the app with app/scopes_update (its handler
   * stores them on the shop and its sessions). Answers as App Bridge's
   * scopes.request resolves.
   */
  async function grantScopes(body: Record<string, unknown>) {
    const asked = body.scopes;
    const optional: readonly string[] = OPTIONAL_SCOPES;
    if (!Array.isArray(asked) || asked.length === 0 || !asked.every((s) => typeof s === "string" && optional.includes(s))) {
      throw new DevStoreError(400, `scopes must be some of the app's optional scopes: ${OPTIONAL_SCOPES.join(", ")}`);
    }
    const state = options.fake.shop(shop);
    const previous = [...state.accessScopes];
    const current = state.grantScopes(asked as string[]);
    await options.deliver?.("app/scopes_update", appScopesUpdatePayload({ previous, current }));
    return { result: "granted-all", detail: { granted: current, required: [...APP_SCOPES], optional: [...OPTIONAL_SCOPES] } };
  }

  function hostPage(appPath: string) {
    const src = new URL(`/app${appPath}`, options.appUrl);
    for (const [k, v] of Object.entries({ embedded: "1", shop, host: hostParam(shop), id_token: token(), locale: "en" })) src.searchParams.set(k, v);
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Referrals · ${escapeHtml(shop)} · Dev store admin</title>
<style>body{margin:0;font:14px system-ui,sans-serif;display:grid;grid-template:48px 1fr/220px 1fr;height:100vh;background:#f1f1f1}
header{grid-column:1/3;background:#1a1a1a;color:#fff;display:flex;align-items:center;gap:12px;padding:0 16px}
header small{color:#bbb}nav{padding:12px;overflow:auto}nav a{display:block;padding:6px 8px;border-radius:6px;color:#1a1a1a;text-decoration:none}
nav a[aria-current]{background:#fff;font-weight:600}nav h2{font-size:12px;color:#616161;margin:16px 8px 4px}
iframe{border:0;width:100%;height:100%;background:#fff}dialog{border:0;border-radius:12px;padding:16px 24px;max-width:28rem;box-shadow:0 8px 32px #0004}#toast{position:fixed;bottom:24px;left:50%;transform:translateX(-50%);padding:8px 16px;border-radius:8px;color:#fff;background:#303030;display:none}
#loading{position:fixed;top:48px;left:0;height:3px;background:#008060;width:0}#loading.on{width:60%;transition:width 2s}</style></head>
<body><header><strong>Dev store admin</strong><small>${escapeHtml(shop)}</small></header>
<nav aria-label="Admin"><a href="/orders">Orders</a><a href="/mailbox">Mailbox</a><a href="/webhooks">Webhooks</a><a href="/klaviyo">Klaviyo</a><a href="/flow">Flow</a><h2>Referrals</h2><div id="app-nav"></div></nav>
<main><iframe name="app-iframe" title="Referrals" src="${escapeHtml(src.href)}"></iframe></main>
<div id="toast" role="status" aria-live="polite"></div><div id="loading"></div>
<dialog id="grant" aria-labelledby="grant-title"><form method="dialog">
<h2 id="grant-title">Referrals is asking for more access</h2>
<p>Allow the app to: <strong data-scopes></strong></p>
<p class="note">Requested from the app's page (App Bridge <code>scopes.request</code>); you can remove it later.</p>
<p><button value="cancel">Cancel</button> <button value="grant" id="grant-accept">Grant access</button></p>
</form></dialog>
<script>
(function () {
  var frame = document.querySelector("iframe");
  var appOrigin = ${JSON.stringify(new URL(options.appUrl).origin)};
  var base = ${JSON.stringify(APP_PATH)};
  var toastTimer;
  function reply(message) {
    frame.contentWindow.postMessage(Object.assign({ source: "devstore-admin" }, message), appOrigin);
  }
  var SCOPE_WORDS = { read_themes: "Read themes (read_themes)", read_products: "Read products (read_products)" };
  function askForScopes(m) {
    var dialog = document.getElementById("grant");
    dialog.querySelector("[data-scopes]").textContent = m.scopes.map(function (s) { return SCOPE_WORDS[s] || s; }).join(", ");
    dialog.returnValue = "";
    dialog.addEventListener("close", function onClose() {
      dialog.removeEventListener("close", onClose);
      if (dialog.returnValue !== "grant") {
        return reply({ type: "scopes-request", id: m.id, response: { result: "declined-all", detail: { granted: [], required: [], optional: [] } } });
      }
      fetch("/scopes/grant", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ scopes: m.scopes }) })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (answer) {
          reply(answer.ok ? { type: "scopes-request", id: m.id, response: answer.body } : { type: "scopes-request", id: m.id, error: answer.body.error });
        });
    });
    dialog.showModal();
  }
  window.addEventListener("message", function (event) {
    var m = event.data;
    if (event.origin !== appOrigin || !m || m.source !== "app-bridge-stand-in") return;
    if (m.type === "id-token") {
      fetch("/session-token", { method: "POST" }).then(function (r) { return r.json(); }).then(function (body) {
        reply({ type: "id-token", id: m.id, token: body.token });
      });
    } else if (m.type === "toast") {
      var toast = document.getElementById("toast");
      toast.textContent = m.message;
      toast.style.background = m.isError ? "#8e1f0b" : "#303030";
      toast.style.display = "block";
      clearTimeout(toastTimer);
      toastTimer = setTimeout(function () { toast.style.display = "none"; }, 5000);
    } else if (m.type === "scopes-request") {
      askForScopes(m);
    } else if (m.type === "admin-link") {
      // A link of the app to https://<shop>/admin/...: this admin's own page.
      location.href = m.path;
    } else if (m.type === "loading") {
      document.getElementById("loading").className = m.on ? "on" : "";
    } else if (m.type === "location") {
      var path = m.path.replace(/^\\/app/, "").split("?")[0];
      history.replaceState(null, "", base + path);
      document.querySelectorAll("#app-nav a").forEach(function (a) {
        if (a.dataset.href === "/app" + path) a.setAttribute("aria-current", "page");
        else a.removeAttribute("aria-current");
      });
    } else if (m.type === "nav-menu") {
      var nav = document.getElementById("app-nav");
      nav.textContent = "";
      m.items.forEach(function (item) {
        var a = document.createElement("a");
        a.href = base + item.href.replace(/^\\/app/, "");
        a.dataset.href = item.href;
        a.textContent = item.label;
        a.addEventListener("click", function (e) {
          e.preventDefault();
          reply({ type: "navigate", href: item.href });
        });
        nav.appendChild(a);
      });
    }
  });
})();
</script></body></html>`;
  }

  function ordersPage(message: string | null) {
    const rows = commerce
      .orders()
      .slice()
      .reverse()
      .map((o) => {
        const status = o.cancelled ? "Cancelled" : o.refunded !== "0.00" ? `Refunded $${o.refunded}` : "Paid";
        const actions = o.cancelled
          ? ""
          : `<form method="post" action="/orders/${o.number}/refund"><button ${o.refunded === o.total ? "disabled" : ""}>Refund</button></form>
<form method="post" action="/orders/${o.number}/cancel"><button>Cancel</button></form>`;
        const code = o.discount?.code ?? o.attributes._referral_code ?? "";
        return `<tr><td>${escapeHtml(o.name)}</td><td>${escapeHtml(o.createdAt.slice(0, 10))}</td><td>${escapeHtml(o.email)}</td><td>${escapeHtml(code)}</td><td>$${o.total}</td><td>${status}</td><td class="actions">${actions}</td></tr>`;
      })
      .join("");
    return adminPage(
      "Orders",
      "orders",
      `<h1>Orders</h1>${message ? `<p role="status">${escapeHtml(message)}</p>` : ""}
<form method="post" action="/orders/past-hold"><button>Move the clock past the hold</button> <small>every referral on hold becomes due; the app's worker rewards it</small></form>
<table><thead><tr><th>Order</th><th>Date</th><th>Email</th><th>Code</th><th>Total</th><th>Status</th><th></th></tr></thead><tbody>${rows}</tbody></table>
<p>Place orders on the storefront, or with the control API: <a href="/api">/api</a>. The emails the app sends are in the <a href="/mailbox">Mailbox</a>.</p>`,
    );
  }

  function mailboxPage() {
    const mailbox = options.mailbox;
    if (!mailbox) return adminPage("Mailbox", "mailbox", `<h1>Mailbox</h1><p>This dev store does not capture the app's email.</p>`);
    const messages = mailbox.messages();
    const rows = messages
      .map(
        (m) => `<tr><td><time datetime="${escapeHtml(m.receivedAt)}">${escapeHtml(localTime(m.receivedAt))}</time></td><td class="wrap">${escapeHtml(m.envelope.to.join(", ") || m.to)}</td>
<td>${kindBadge(m.kind)}</td><td class="wrap"><a href="/mailbox/${m.id}">${escapeHtml(m.subject || "(no subject)")}</a></td></tr>`,
      )
      .join("");
    const list = messages.length
      ? `<table class="mail"><thead><tr><th>Time</th><th>To</th><th>Email</th><th>Subject</th></tr></thead><tbody>${rows}</tbody></table>`
      : `<p role="status">No email yet. Join the referral program from the storefront's block (a guest with an email, or a customer who logs in), place an order with a referral code, or move the clock past the hold on the <a href="/orders">Orders</a> page: the app's worker sends each email within seconds.</p>`;
    return adminPage(
      "Mailbox",
      "mailbox",
      `<h1>Mailbox</h1>
<p class="note">Every email the app sent, newest first. The app and its worker send over SMTP to this dev store (<code>${escapeHtml(mailbox.url)}</code>), which keeps the newest ${mailbox.capacity} and delivers nothing onwards. <a href="/mailbox">Refresh</a> · <a href="/api/mail">JSON</a></p>
${list}`,
    );
  }

  function mailPage(m: MailboxMessage) {
    const none = '<span class="muted">none</span>';
    const row = (name: string, cell: string) => `<tr><th scope="row">${name}</th><td class="wrap">${cell}</td></tr>`;
    const text = (value: string | null) => (value ? escapeHtml(value) : none);
    const rows = [
      row("From", text(m.from)),
      row("To", text(m.to)),
      row("Reply-To", text(m.replyTo)),
      row("Subject", text(m.subject)),
      row("Date", text(m.date && localTime(m.date))),
      // The header the app names each email with, and what that email is.
      row("X-Referral-Email", m.kind ? `<code>${escapeHtml(m.kind)}</code>${KINDS.has(m.kind) ? ` ${kindBadge(m.kind)}` : ""}` : none),
      row("List-Unsubscribe", text(m.listUnsubscribe)),
      row("List-Unsubscribe-Post", text(m.listUnsubscribePost)),
      row("Message-ID", text(m.messageId)),
    ].join("");
    const html = m.html
      ? `<iframe class="email" title="The email as HTML" sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc="${escapeHtml(linksInNewTab(m.html))}"></iframe>`
      : `<p class="muted">This email has no HTML part.</p>`;
    const headers = m.headers.map((h) => `${h.name}: ${h.value}`).join("\n");
    return adminPage(
      m.subject || "Email",
      "mailbox",
      `<p><a href="/mailbox">← Mailbox</a></p><h1>${escapeHtml(m.subject || "(no subject)")}</h1>
<table class="headers"><tbody>${rows}</tbody></table>
<h2>HTML</h2><p class="note">Shown without scripts or remote images; links open in a new tab.</p>${html}
<h2>Plain text</h2>${m.text ? `<pre data-mail-text>${escapeHtml(m.text)}</pre>` : `<p class="muted">This email has no plain-text part.</p>`}
<h2>Every header</h2><details><summary>${m.headers.length} headers, ${m.size} bytes, received ${escapeHtml(localTime(m.receivedAt))} for ${escapeHtml(m.envelope.to.join(", "))}</summary><pre>${escapeHtml(headers)}</pre></details>`,
    );
  }

  const listening = await listenOnLoopback(server, options.port);
  origin = listening.origin;
  return { origin, appBridgeUrl: `${origin}/app-bridge.js`, webhookInbox: integrations.inbox, close: listening.close };
}

async function readText(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown> & { items?: { handle: string; quantity: number }[] }> {
  const text = (await readText(req)).trim();
  if (!text) return {};
  const body = JSON.parse(text);
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new DevStoreError(400, "the body must be a JSON object");
  return body;
}

function json(res: http.ServerResponse, status: number, body: unknown) {
  send(res, status, "application/json; charset=utf-8", JSON.stringify(body, null, 2));
}

function send(res: http.ServerResponse, status: number, type: string, body: string, csp?: string) {
  res.writeHead(status, { "Content-Type": type, ...(csp ? { "Content-Security-Policy": csp } : {}) });
  res.end(body);
}

// The Mailbox shows what the app wrote: no script runs, and nothing is fetched
// from outside the machine (the email's HTML, in a srcdoc frame, inherits this).
const MAILBOX_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-src 'self'";

const KINDS = new Map<string, [label: string, tone: string]>([
  ["YOUR_LINK", ["Your link", "info"]],
  ["INVITATION", ["Invitation", "info"]],
  ["FRIEND_ORDERED", ["A friend ordered", "info"]],
  ["REWARD_ISSUED", ["Your reward", "good"]],
  ["REWARD_REMINDER", ["Reward reminder", "info"]],
  ["REWARD_REVOKED", ["Reward taken back", "bad"]],
  ["MERCHANT_DIGEST", ["Weekly digest", ""]],
  ["TEST", ["Test send", ""]],
]);

function kindBadge(kind: string | null): string {
  if (!kind) return '<span class="muted">not the app\'s</span>';
  const [label, tone] = KINDS.get(kind) ?? [kind, ""];
  return `<span class="kind ${tone}" data-kind="${escapeHtml(kind)}" title="${escapeHtml(kind)}">${escapeHtml(label)}</span>`;
}

/** "2025-01-31 14:05:09", this machine's time (the demo's user is at it). */
function localTime(iso: string): string {
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Links in the framed email open a new tab (the frame's sandbox lets them out, and nothing else). */
function linksInNewTab(html: string): string {
  const base = '<base target="_blank">';
  return /<head(\s[^>]*)?>/i.test(html) ? html.replace(/<head(\s[^>]*)?>/i, (head) => head + base) : base + html;
}

function redirect(res: http.ServerResponse, location: string) {
  res.writeHead(303, { Location: location });
  res.end();
}
