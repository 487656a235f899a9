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
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { FakeShopify } from "../fake-shopify/fake-shopify";
import { shopState } from "../fake-shopify/http-server";
import { DevStoreError, PRODUCTS, type DevCommerce, type PlacedOrder } from "./checkout";
import { escapeHtml } from "./html";
import { listenOnLoopback } from "./loopback";
import { hostParam, sessionToken } from "../fake-shopify/sign";

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
  port?: number;
}

export interface AdminServer {
  origin: string;
  /** Where the app loads App Bridge from (APP_BRIDGE_URL). */
  appBridgeUrl: string;
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
    if (route === "GET /orders") return send(res, 200, "text/html; charset=utf-8", ordersPage(url.searchParams.get("message")));
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
    return json(res, 404, { error: `No ${route}: see GET /api` });
  }

  function hostPage(appPath: string) {
    const src = new URL(`/app${appPath}`, options.appUrl);
    for (const [k, v] of Object.entries({ embedded: "1", shop, host: hostParam(shop), id_token: token(), locale: "en" })) src.searchParams.set(k, v);
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Referrals · ${escapeHtml(shop)} · Dev store admin</title>
<style>body{margin:0;font:14px system-ui,sans-serif;display:grid;grid-template:48px 1fr/220px 1fr;height:100vh;background:#f1f1f1}
header{grid-column:1/3;background:#1a1a1a;color:#fff;display:flex;align-items:center;gap:12px;padding:0 16px}
header small{color:#bbb}nav{padding:12px;overflow:auto}nav a{display:block;padding:6px 8px;border-radius:6px;color:#1a1a1a;text-decoration:none}
nav a[aria-current]{background:#fff;font-weight:600}nav h2{font-size:12px;color:#616161;margin:16px 8px 4px}
iframe{border:0;width:100%;height:100%;background:#fff}#toast{position:fixed;bottom:24px;left:50%;transform:translateX(-50%);padding:8px 16px;border-radius:8px;color:#fff;background:#303030;display:none}
#loading{position:fixed;top:48px;left:0;height:3px;background:#008060;width:0}#loading.on{width:60%;transition:width 2s}</style></head>
<body><header><strong>Dev store admin</strong><small>${escapeHtml(shop)}</small></header>
<nav aria-label="Admin"><a href="/orders">Orders</a><h2>Referrals</h2><div id="app-nav"></div></nav>
<main><iframe name="app-iframe" title="Referrals" src="${escapeHtml(src.href)}"></iframe></main>
<div id="toast" role="status" aria-live="polite"></div><div id="loading"></div>
<script>
(function () {
  var frame = document.querySelector("iframe");
  var appOrigin = ${JSON.stringify(new URL(options.appUrl).origin)};
  var base = ${JSON.stringify(APP_PATH)};
  var toastTimer;
  function reply(message) {
    frame.contentWindow.postMessage(Object.assign({ source: "devstore-admin" }, message), appOrigin);
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
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Orders · Dev store admin</title>
<style>body{font:14px system-ui,sans-serif;margin:0 auto;max-width:70rem;padding:16px}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:6px;text-align:left}.actions{display:flex;gap:6px}.actions form{margin:0}</style></head>
<body><p><a href="${APP_PATH}">← Referrals app</a></p><h1>Orders</h1>${message ? `<p role="status">${escapeHtml(message)}</p>` : ""}
<form method="post" action="/orders/past-hold"><button>Move the clock past the hold</button> <small>every referral on hold becomes due; the app's worker rewards it</small></form>
<table><thead><tr><th>Order</th><th>Date</th><th>Email</th><th>Code</th><th>Total</th><th>Status</th><th></th></tr></thead><tbody>${rows}</tbody></table>
<p>Place orders on the storefront, or with the control API: <a href="/api">/api</a>.</p></body></html>`;
  }

  const listening = await listenOnLoopback(server, options.port);
  origin = listening.origin;
  return { origin, appBridgeUrl: `${origin}/app-bridge.js`, close: listening.close };
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown> & { items?: { handle: string; quantity: number }[] }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (!text) return {};
  const body = JSON.parse(text);
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new DevStoreError(400, "the body must be a JSON object");
  return body;
}

function json(res: http.ServerResponse, status: number, body: unknown) {
  send(res, status, "application/json; charset=utf-8", JSON.stringify(body, null, 2));
}

function send(res: http.ServerResponse, status: number, type: string, body: string) {
  res.writeHead(status, { "Content-Type": type });
  res.end(body);
}

function redirect(res: http.ServerResponse, location: string) {
  res.writeHead(303, { Location: location });
  res.end();
}
