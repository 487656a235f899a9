// A stand-in storefront on 127.0.0.1: theme pages wearing the rendered block
// and embed, the extension's assets, Shopify's /discount/<code> and
// /cart/update.js, and /apps/referrals/* forwarded to the real app proxy route
// modules with the query Shopify would add and sign. Used by the browser test
// and by bench/storefront.ts.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { APP_URL, PROXY_PREFIX, appProxySignature, callProxy } from "./app-proxy";
import { ASSET_PREFIX, EXTENSION_DIR, renderBlock } from "./liquid";

export interface StorefrontState {
  shop: string;
  /** The logged-in customer's numeric id; null for a guest. */
  customerId: number | null;
  discountsApplied: string[];
  cartAttributes: Record<string, string>;
}

export interface StorefrontServer {
  origin: string;
  state: StorefrontState;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { ".js": "text/javascript", ".css": "text/css" };

export async function startStorefrontServer(shop: string): Promise<StorefrontServer> {
  const state: StorefrontState = { shop, customerId: null, discountsApplied: [], cartAttributes: {} };
  let origin = "";
  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(String(error?.stack ?? error));
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", origin);
    if (url.pathname.startsWith(PROXY_PREFIX)) return forwardToApp(req, res, url);
    if (url.pathname.startsWith(ASSET_PREFIX)) {
      const file = path.join(EXTENSION_DIR, "assets", path.basename(url.pathname));
      if (!fs.existsSync(file)) return send(res, 404, "text/plain", "no such asset");
      return send(res, 200, TYPES[path.extname(file)] ?? "application/octet-stream", fs.readFileSync(file));
    }
    const discount = url.pathname.match(/^\/discount\/([^/]+)$/);
    if (discount) {
      // Shopify puts the code on the session's cart and sends the shopper on.
      state.discountsApplied.push(decodeURIComponent(discount[1]));
      const next = url.searchParams.get("redirect") ?? "/";
      res.writeHead(302, { Location: next.startsWith("/") ? next : "/", "Set-Cookie": `discount_code=${discount[1]}; Path=/` });
      return res.end();
    }
    if (url.pathname === "/cart/update.js" && req.method === "POST") {
      const body = JSON.parse((await readBody(req)).toString("utf8") || "{}");
      Object.assign(state.cartAttributes, body.attributes ?? {});
      return send(res, 200, "application/json", JSON.stringify({ attributes: state.cartAttributes }));
    }
    if (req.method === "GET" && !path.extname(url.pathname)) return send(res, 200, "text/html; charset=utf-8", await themePage(url));
    return send(res, 404, "text/plain", "not found");
  }

  async function forwardToApp(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    const target = new URL(`${APP_URL}${url.pathname}${url.search}`);
    target.searchParams.set("shop", state.shop);
    target.searchParams.set("logged_in_customer_id", state.customerId == null ? "" : String(state.customerId));
    target.searchParams.set("path_prefix", PROXY_PREFIX);
    target.searchParams.set("timestamp", String(Math.floor(Date.now() / 1000)));
    target.searchParams.set("signature", appProxySignature(target.searchParams));
    const started = performance.now();
    // Shopify forwards the shopper's address; a load generator may set its own to stand for many shoppers.
    const forwardedFor = typeof req.headers["x-forwarded-for"] === "string" ? req.headers["x-forwarded-for"] : null;
    const headers = new Headers({ "X-Forwarded-For": forwardedFor ?? req.socket.remoteAddress ?? "127.0.0.1" });
    for (const name of ["content-type", "accept", "accept-language"]) {
      const value = req.headers[name];
      if (typeof value === "string") headers.set(name, value);
    }
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const response = await callProxy(
      new Request(target, { method: req.method, headers, body: hasBody ? new Uint8Array(await readBody(req)) : undefined }),
    );
    const out: Record<string, string> = {};
    response.headers.forEach((value, name) => (out[name] = value));
    const body = Buffer.from(await response.arrayBuffer());
    out["server-timing"] = `app;dur=${(performance.now() - started).toFixed(2)}`;
    res.writeHead(response.status, out);
    res.end(body);
  }

  async function themePage(url: URL): Promise<string> {
    const customer = state.customerId ? { id: state.customerId, first_name: "Ana" } : null;
    const globals = { customer, shopUrl: origin };
    const [block, embed] = await Promise.all([renderBlock("referral", globals), renderBlock("referral-embed", globals)]);
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Example Shop – ${url.pathname === "/" ? "Home" : "Product"}</title>
<style>body{margin:0;font-family:system-ui,sans-serif;color:#1a1a1a;background:#fff}header,main,footer{max-width:60rem;margin:0 auto;padding:1rem}
.hero{min-height:${url.searchParams.has("short") ? 0 : 130}vh}</style></head>
<body><header><a href="/">Example Shop</a></header>
<main><h1>${url.pathname === "/" ? "Welcome" : "A fine product"}</h1><section class="hero"><p>Things worth buying.</p></section>
<section aria-label="Referral program">${block}</section></main>
<footer><p>© Example Shop</p></footer>${embed}</body></html>`;
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections(); // the browser keeps connections alive
      }),
  };
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer) {
  res.writeHead(status, { "Content-Type": type });
  res.end(body);
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
