// A stand-in storefront on 127.0.0.1: theme pages wearing the rendered block
// and embed, the extension's assets, Shopify's /discount/<code> and
// /cart/update.js, and /apps/referrals/* forwarded to the app with the query
// Shopify adds and signs. With a `commerce` (devstore/checkout.ts) it is also a
// shop: product pages, a cart, a customer login and a checkout that places
// orders. The browser tests and bench/storefront.ts use it without one, with
// the app's proxy routes called in-process.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { APP_URL, PROXY_PREFIX, appProxySignature, callProxy } from "./app-proxy";
import { STOREFRONT_LOCALES } from "~/storefront/i18n";
import { ASSET_PREFIX, EXTENSION_DIR, renderBlock, renderProxyLiquid } from "./liquid";
import type { Cart, Commerce, StoreCustomer } from "./checkout";
import { escapeHtml, page } from "./html";
import { listenOnLoopback } from "./loopback";
import { EXTENSION_ASSET_PREFIX, TOKEN_PATH, extensionAsset, extensionFrame, extensionFramePage, extensionLanguage, sessionTokenFor, type ExtensionFrame } from "./extension-pages";

export interface StorefrontState {
  shop: string;
  /**
   * The customer a request without a login cookie is logged in as (numeric id);
   * null: a guest. Tests and the storefront benchmark set it; shoppers in a
   * browser log in at /account/login instead.
   */
  customerId: number | null;
  /** Every code applied through /discount/<code>, in order, across carts. */
  discountsApplied: string[];
  /** The attributes of the cart most recently updated through /cart/update.js. */
  cartAttributes: Record<string, string>;
}

export interface StorefrontOptions {
  shop: string;
  /**
   * Answers a signed app proxy request (its URL is under the app's proxy URL).
   * Default: the app's route modules in this process (tests); the dev store
   * passes `proxyOverHttp(appUrl)`.
   */
  app?: (request: Request) => Promise<Response>;
  /** Signs the proxy query; default process.env.SHOPIFY_API_SECRET. */
  secret?: string;
  port?: number;
  commerce?: Commerce;
  /** The theme's settings of the app embed (referral-embed), e.g. `{ launcher: true }`; default its schema's. */
  embedSettings?: Record<string, unknown>;
  /** The theme's pages as a shop without the app has them: no block, no embed (bench/lighthouse.ts's baseline). */
  withoutApp?: boolean;
  /**
   * The UI extensions' built bundles (devstore/extension-pages.ts): with them the
   * thank-you page and the customer account pages run the extensions.
   */
  extensions?: { dir: string; apiKey: string };
}

export interface StorefrontServer {
  origin: string;
  state: StorefrontState;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { ".js": "text/javascript", ".css": "text/css" };
const CART_COOKIE = "cart";
const CUSTOMER_COOKIE = "devstore_customer";

/** Sends app proxy requests to the app over HTTP, as Shopify does (to `<app url>/apps/referrals/...`). */
export function proxyOverHttp(appUrl: string) {
  return (request: Request) => {
    const url = new URL(request.url);
    return fetch(new URL(`${url.pathname}${url.search}`, appUrl), {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: "manual",
      duplex: "half",
    } as RequestInit);
  };
}

export async function startStorefrontServer(shopOrOptions: string | StorefrontOptions): Promise<StorefrontServer> {
  const options = typeof shopOrOptions === "string" ? { shop: shopOrOptions } : shopOrOptions;
  const app = options.app ?? callProxy;
  const commerce = options.commerce;
  const state: StorefrontState = { shop: options.shop, customerId: null, discountsApplied: [], cartAttributes: {} };
  const carts = new Map<string, Cart>();
  let origin = "";
  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (res.headersSent) return res.destroy();
      send(res, 500, "text/plain", String(error?.stack ?? error));
    });
  });

  /** The shopper's cart, created (with its cookie) on first use as Shopify does. */
  function cartOf(req: http.IncomingMessage, res: http.ServerResponse): Cart {
    const token = cookies(req)[CART_COOKIE];
    const existing = token ? carts.get(token) : undefined;
    if (existing) return existing;
    const cart: Cart = { token: randomBytes(12).toString("hex"), lines: [], discountCodes: [], attributes: {} };
    carts.set(cart.token, cart);
    res.appendHeader("Set-Cookie", `${CART_COOKIE}=${cart.token}; Path=/; SameSite=Lax`);
    return cart;
  }

  function customerIdOf(req: http.IncomingMessage): number | null {
    const cookie = cookies(req)[CUSTOMER_COOKIE];
    if (cookie !== undefined) return /^\d+$/.test(cookie) ? Number(cookie) : null;
    return state.customerId;
  }

  async function customerOf(req: http.IncomingMessage): Promise<StoreCustomer | null> {
    const id = customerIdOf(req);
    if (id === null) return null;
    return (await commerce?.customer(id)) ?? { id, firstName: "Ana", email: null };
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", origin);
    const method = req.method ?? "GET";
    // The app proxy, also under a language's subfolder (/hi/apps/referrals) as Shopify serves it.
    const proxied = languageOf(url.pathname);
    if (proxied.pathname.startsWith(PROXY_PREFIX)) return forwardToApp(req, res, url, proxied);
    if (url.pathname.startsWith(ASSET_PREFIX)) {
      const file = path.join(EXTENSION_DIR, "assets", path.basename(url.pathname));
      if (!fs.existsSync(file)) return send(res, 404, "text/plain", "no such asset");
      return sendCompressed(req, res, 200, TYPES[path.extname(file)] ?? "application/octet-stream", fs.readFileSync(file));
    }
    const discount = url.pathname.match(/^\/discount\/([^/]+)$/);
    if (discount) {
      // Shopify puts the code on the session's cart and sends the shopper on.
      const code = decodeURIComponent(discount[1]);
      state.discountsApplied.push(code);
      cartOf(req, res).discountCodes = [code];
      const next = url.searchParams.get("redirect") ?? "/";
      res.appendHeader("Set-Cookie", `discount_code=${discount[1]}; Path=/`);
      return redirect(res, next.startsWith("/") ? next : "/");
    }
    if (url.pathname === "/cart/update.js" && method === "POST") {
      const body = JSON.parse((await readBody(req)).toString("utf8") || "{}");
      const cart = cartOf(req, res);
      Object.assign(cart.attributes, body.attributes ?? {});
      state.cartAttributes = cart.attributes;
      return send(res, 200, "application/json", JSON.stringify({ token: cart.token, attributes: cart.attributes }));
    }
    if (options.extensions && url.pathname.startsWith("/extensions/")) return extensionRoutes(req, res, url, options.extensions);
    if (commerce) {
      const handled = await shopPages(req, res, url, method, commerce);
      if (handled) return;
    }
    if (method === "GET" && !path.extname(url.pathname)) return sendCompressed(req, res, 200, "text/html; charset=utf-8", await themePage(req, url));
    return send(res, 404, "text/plain", "not found");
  }

  /** Login, products, cart and checkout: only when the dev store sells (a `commerce`). */
  async function shopPages(req: http.IncomingMessage, res: http.ServerResponse, url: URL, method: string, shop: Commerce): Promise<boolean> {
    if (url.pathname === "/account/login" && method === "GET") {
      const list = (await shop.customers())
        .map((c) => `<li><form method="post" action="/account/login"><input type="hidden" name="email" value="${escapeHtml(c.email ?? "")}"><button>Log in as ${escapeHtml(c.firstName ?? "")} (${escapeHtml(c.email ?? "")})</button></form></li>`)
        .join("");
      send(res, 200, "text/html; charset=utf-8", page("Log in", `<h1>Log in</h1><p>The dev store's customers (no password):</p><ul class="plain">${list}</ul>${await embedFor(req)}`));
      return true;
    }
    if (url.pathname === "/account/login" && method === "POST") {
      const email = new URLSearchParams((await readBody(req)).toString("utf8")).get("email") ?? "";
      const customer = (await shop.customers()).find((c) => c.email?.toLowerCase() === email.trim().toLowerCase());
      if (!customer) {
        send(res, 400, "text/html; charset=utf-8", page("Log in", `<h1>Log in</h1><p role="alert">No customer with the email ${escapeHtml(email)}.</p>`));
        return true;
      }
      res.appendHeader("Set-Cookie", `${CUSTOMER_COOKIE}=${customer.id}; Path=/; SameSite=Lax`);
      redirect(res, "/");
      return true;
    }
    if (url.pathname === "/account/logout") {
      res.appendHeader("Set-Cookie", `${CUSTOMER_COOKIE}=; Path=/; Max-Age=0`);
      redirect(res, "/");
      return true;
    }
    const orderStatus = url.pathname.match(/^\/account\/orders\/(\d+)$/);
    if (orderStatus && method === "GET" && options.extensions) {
      // The order status page of customer accounts: only the customer's own order, with the block below it.
      const customer = await customerOf(req);
      const order = shop.order(Number(orderStatus[1]));
      if (!customer || !order || order.customerId !== customer.id) {
        send(res, 404, "text/html; charset=utf-8", page("Order", `<h1>Order not found</h1><p><a href="/account">Your account</a></p>`));
        return true;
      }
      const language = extensionLanguage("referral-thank-you", url.searchParams.get("locale"));
      const query = new URLSearchParams({ handle: "referral-thank-you", target: "customer-account.order-status.block.render", order: order.id, locale: language });
      const body = `<p><a href="/account">← Your account</a></p><h1>Order ${escapeHtml(order.name)}</h1><p>Paid · Total <strong>$${order.total}</strong></p>${extensionFrame(`/extensions/frame?${query}`, "Referrals")}`;
      send(res, 200, "text/html; charset=utf-8", page(`Order ${order.name}`, body));
      return true;
    }
    if ((url.pathname === "/account" || url.pathname === "/account/referrals") && method === "GET" && options.extensions) {
      const customer = await customerOf(req);
      if (!customer) {
        redirect(res, "/account/login");
        return true;
      }
      const language = extensionLanguage("referral-account", url.searchParams.get("locale"));
      const frame = (handle: string, target: string) => `/extensions/frame?${new URLSearchParams({ handle, target, locale: language })}`;
      const body =
        url.pathname === "/account"
          ? `<h1>Your account</h1><p>${escapeHtml(customer.firstName ?? "")} · ${escapeHtml(customer.email ?? "")}</p><p><a href="/account/referrals">Referrals</a> · <a href="/account/logout">Log out</a></p>
${extensionFrame(frame("referral-account-profile", "customer-account.profile.block.render"), "Referrals")}`
          : `<p><a href="/account">← Your account</a></p>${extensionFrame(frame("referral-account", "customer-account.page.render"), "Referrals")}`;
      send(res, 200, "text/html; charset=utf-8", page(url.pathname === "/account" ? "Your account" : "Referrals", body));
      return true;
    }
    if (url.pathname === "/cart/add" && method === "POST") {
      const form = new URLSearchParams((await readBody(req)).toString("utf8"));
      const product = shop.products.find((p) => p.handle === form.get("handle"));
      const quantity = Number(form.get("quantity") ?? "1");
      if (!product || !Number.isInteger(quantity) || quantity < 1 || quantity > 99) {
        send(res, 400, "text/plain", "Choose a product and a quantity from 1 to 99.");
        return true;
      }
      const cart = cartOf(req, res);
      const line = cart.lines.find((l) => l.handle === product.handle);
      if (line) line.quantity += quantity;
      else cart.lines.push({ handle: product.handle, quantity });
      redirect(res, "/cart");
      return true;
    }
    if (url.pathname === "/cart/discount" && method === "POST") {
      const code = (new URLSearchParams((await readBody(req)).toString("utf8")).get("code") ?? "").trim();
      const cart = cartOf(req, res);
      cart.discountCodes = code ? [code] : [];
      redirect(res, url.searchParams.get("return_to") === "checkout" ? "/checkout" : "/cart");
      return true;
    }
    if (url.pathname === "/cart" && method === "GET") {
      send(res, 200, "text/html; charset=utf-8", (await cartPage(shop, cartOf(req, res), "cart", await customerOf(req))).replace("</main>", `${await embedFor(req)}</main>`));
      return true;
    }
    if (url.pathname === "/checkout" && method === "GET") {
      send(res, 200, "text/html; charset=utf-8", await cartPage(shop, cartOf(req, res), "checkout", await customerOf(req)));
      return true;
    }
    if (url.pathname === "/checkout" && method === "POST") {
      const form = new URLSearchParams((await readBody(req)).toString("utf8"));
      const cart = cartOf(req, res);
      const customer = await customerOf(req);
      const result = await shop.placeOrder({ cart, email: form.get("email") ?? customer?.email ?? "", customer });
      if ("error" in result) {
        send(res, 400, "text/html; charset=utf-8", await cartPage(shop, cart, "checkout", customer, result.error));
        return true;
      }
      cart.lines = [];
      cart.discountCodes = [];
      cart.attributes = {};
      redirect(res, `/orders/${result.order.number}`);
      return true;
    }
    const thanks = url.pathname.match(/^\/orders\/(\d+)$/);
    if (thanks && method === "GET") {
      const order = shop.order(Number(thanks[1]));
      if (!order) return false;
      const discount = order.discount ? `<p>Discount <strong>${escapeHtml(order.discount.code)}</strong>: −$${order.discount.amount}</p>` : "";
      send(
        res,
        200,
        "text/html; charset=utf-8",
        page(`Order ${order.name}`, `<h1>Thank you!</h1><p data-order-name>Order ${escapeHtml(order.name)} is confirmed and paid.</p>${discount}<p>Total paid: <strong data-order-total>$${order.total}</strong></p>${thankYouExtension(order.id, url)}${
            options.extensions && customerIdOf(req) === order.customerId ? `<p><a href="/account/orders/${order.number}">Order status</a></p>` : ""
          }<p><a href="/">Continue shopping</a></p>`),
      );
      return true;
    }
    return false;
  }

  /** The thank-you page's referral block: the checkout UI extension, in the buyer's language (`?locale=`). */
  function thankYouExtension(orderId: string, url: URL): string {
    if (!options.extensions) return "";
    const language = extensionLanguage("referral-thank-you", url.searchParams.get("locale"));
    const query = new URLSearchParams({ handle: "referral-thank-you", target: "purchase.thank-you.block.render", order: orderId, locale: language });
    return extensionFrame(`/extensions/frame?${query}`, "Referrals");
  }

  /** The extensions' bundles, the frames running them, and their session tokens. */
  async function extensionRoutes(req: http.IncomingMessage, res: http.ServerResponse, url: URL, extensions: { dir: string; apiKey: string }) {
    if (url.pathname.startsWith(EXTENSION_ASSET_PREFIX)) {
      const asset = extensionAsset(extensions.dir, url.pathname);
      return asset ? send(res, 200, "text/javascript", asset) : send(res, 404, "text/plain", "no such extension asset");
    }
    if (url.pathname === TOKEN_PATH) {
      const customerId = customerIdOf(req);
      // Customer accounts exist only for a logged-in customer; checkout also has guests.
      if (customerId === null && url.searchParams.get("kind") !== "checkout") return send(res, 401, "text/plain", "log in first");
      const secret = options.secret ?? process.env.SHOPIFY_API_SECRET ?? "";
      return send(res, 200, "text/plain", sessionTokenFor({ shop: options.shop, apiKey: extensions.apiKey, secret, customerId }));
    }
    if (url.pathname === "/extensions/frame") {
      const handle = url.searchParams.get("handle");
      const target = url.searchParams.get("target") ?? "";
      const targets: Record<string, string[]> = {
        "referral-thank-you": ["purchase.thank-you.block.render", "customer-account.order-status.block.render"],
        "referral-account": ["customer-account.page.render"],
        "referral-account-profile": ["customer-account.profile.block.render"],
      };
      if (!handle || !targets[handle]?.includes(target)) return send(res, 404, "text/plain", "no such extension target");
      const frame: ExtensionFrame = {
        handle: handle as ExtensionFrame["handle"],
        target,
        language: extensionLanguage(handle, url.searchParams.get("locale")),
        orderId: url.searchParams.get("order") ?? undefined,
      };
      const shop = { name: commerce?.shopName ?? "Example Shop", myshopifyDomain: options.shop, storefrontUrl: origin };
      return send(res, 200, "text/html; charset=utf-8", extensionFramePage(frame, shop));
    }
    return send(res, 404, "text/plain", "not found");
  }

  async function cartPage(shop: Commerce, cart: Cart, step: "cart" | "checkout", customer?: StoreCustomer | null, error?: string) {
    const quote = shop.quote(cart, customer);
    if (!quote.lines.length) return page("Cart", `<h1>Your cart</h1><p>Your cart is empty. <a href="/">Continue shopping</a></p>`);
    const rows = quote.lines.map((l) => `<tr><td>${escapeHtml(l.title)}</td><td>${l.quantity}</td><td>$${l.amount}</td></tr>`).join("");
    const discount = quote.discount
      ? `<tr><td colspan="2">Discount <strong data-applied-code>${escapeHtml(quote.discount.code)}</strong></td><td>−$${quote.discount.amount}</td></tr>`
      : "";
    const codeError = quote.codeError ? `<p role="alert">${escapeHtml(quote.codeError)}</p>` : "";
    const referral = cart.attributes._referral_code ? `<p class="note">Referred by a friend: ${escapeHtml(cart.attributes._referral_code)}</p>` : "";
    const codeForm = `<form method="post" action="/cart/discount${step === "checkout" ? "?return_to=checkout" : ""}" class="inline">
<label>Discount code <input name="code" value="${escapeHtml(cart.discountCodes[0] ?? "")}" autocomplete="off"></label> <button>Apply</button></form>`;
    const table = `<table><thead><tr><th>Product</th><th>Qty</th><th>Amount</th></tr></thead><tbody>${rows}${discount}</tbody>
<tfoot><tr><th colspan="2">Total</th><th data-cart-total>$${quote.total}</th></tr></tfoot></table>`;
    if (step === "cart") {
      return page("Cart", `<h1>Your cart</h1>${table}${codeError}${referral}${codeForm}<p><a class="button" href="/checkout">Check out</a></p>`);
    }
    const who = customer ? `<p>Logged in as ${escapeHtml(customer.firstName ?? "")} (${escapeHtml(customer.email ?? "")})</p>` : "";
    return page(
      "Checkout",
      `<h1>Checkout</h1>${error ? `<p role="alert">${escapeHtml(error)}</p>` : ""}${table}${codeError}${referral}${codeForm}${who}
<form method="post" action="/checkout"><label>Email <input type="email" name="email" required value="${escapeHtml(customer?.email ?? "")}" autocomplete="email"></label>
<p class="note">Payment is simulated: the order is paid at once.</p><button class="button">Place order</button></form>`,
    );
  }

  async function forwardToApp(req: http.IncomingMessage, res: http.ServerResponse, url: URL, { language, pathname }: { language: string; pathname: string }) {
    const target = new URL(`${APP_URL}${pathname}${url.search}`);
    // The storefront's language reaches the app as the block sends it (`locale`), unless the page asked for one.
    if (language !== "en" && !target.searchParams.has("locale")) target.searchParams.set("locale", language);
    target.searchParams.set("shop", state.shop);
    const customerId = customerIdOf(req);
    target.searchParams.set("logged_in_customer_id", customerId == null ? "" : String(customerId));
    target.searchParams.set("path_prefix", PROXY_PREFIX);
    target.searchParams.set("timestamp", String(Math.floor(Date.now() / 1000)));
    target.searchParams.set("signature", appProxySignature(target.searchParams, options.secret));
    const started = performance.now();
    // Shopify forwards the shopper's address; a load generator may set its own to stand for many shoppers.
    const forwardedFor = typeof req.headers["x-forwarded-for"] === "string" ? req.headers["x-forwarded-for"] : null;
    const headers = new Headers({ "X-Forwarded-For": forwardedFor ?? req.socket.remoteAddress ?? "127.0.0.1" });
    for (const name of ["content-type", "accept", "accept-language"]) {
      const value = req.headers[name];
      if (typeof value === "string") headers.set(name, value);
    }
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const response = await app(new Request(target, { method: req.method, headers, body: hasBody ? new Uint8Array(await readBody(req)) : undefined }));
    const out: Record<string, string> = {};
    // fetch has already decoded the body: its length and encoding no longer apply.
    response.headers.forEach((value, name) => {
      if (name !== "content-encoding" && name !== "content-length" && name !== "transfer-encoding" && name !== "connection") out[name] = value;
    });
    const body = Buffer.from(await response.arrayBuffer());
    out["server-timing"] = `app;dur=${(performance.now() - started).toFixed(2)}`;
    if (out["content-type"]?.startsWith("application/liquid")) {
      // Shopify renders a Liquid answer with the theme's objects, inside the theme's layout.
      const customer = await themeCustomer(req);
      const main = await renderProxyLiquid(body.toString("utf8"), { customer, shopUrl: origin, language });
      out["content-type"] = "text/html; charset=utf-8";
      res.writeHead(response.status, out);
      res.end(await themeLayout({ req, url, language, title: "Referral program", main: `<section aria-label="Referral program">${main}</section>` }));
      return;
    }
    res.writeHead(response.status, out);
    res.end(body);
  }

  async function themeCustomer(req: http.IncomingMessage) {
    const known = customerIdOf(req) === null ? null : await customerOf(req);
    return known ? { id: known.id, first_name: known.firstName ?? "", email: known.email ?? undefined } : null;
  }

  /** The app embed as the theme renders it on the shop's own pages (login, cart): Shopify checkout has none. */
  async function embedFor(req: http.IncomingMessage): Promise<string> {
    const known = await customerOf(req);
    const customer = known ? { id: known.id, first_name: known.firstName ?? "", email: known.email ?? undefined } : null;
    return renderBlock("referral-embed", { customer, shopUrl: origin, settings: options.embedSettings });
  }

  async function themePage(req: http.IncomingMessage, url: URL): Promise<string> {
    const customer = await themeCustomer(req);
    const { language, pathname } = languageOf(url.pathname);
    const globals = { customer, shopUrl: origin, language };
    // A shop's other pages (/pages/...) have no referral block, only the embed, as most pages of a real shop.
    const withBlock = !pathname.startsWith("/pages/") && !options.withoutApp;
    const block = withBlock ? await renderBlock("referral", globals) : "";
    const handle = pathname.match(/^\/products\/([^/]+)$/)?.[1];
    const product = commerce?.products.find((p) => p.handle === handle);
    const home = pathname === "/";
    const heading = home ? "Welcome" : (product?.title ?? (withBlock ? "A fine product" : "About us"));
    let content = `<p>Things worth buying.</p>`;
    if (commerce && home) {
      content = `<ul class="products">${commerce.products
        .map((p) => `<li><a href="/products/${p.handle}">${escapeHtml(p.title)}</a> <span>$${p.price}</span></li>`)
        .join("")}</ul>`;
    } else if (product) {
      content = `<p>${escapeHtml(product.description)}</p><p class="price">$${product.price}</p>
<form method="post" action="/cart/add"><input type="hidden" name="handle" value="${product.handle}"><input type="hidden" name="quantity" value="1"><button>Add to cart</button></form>`;
    }
    const main = `<h1>${escapeHtml(heading)}</h1><section class="hero">${content}</section>
${block ? `<section aria-label="Referral program">${block}</section>` : ""}`;
    return themeLayout({ req, url, language, title: home ? "Home" : heading, main });
  }

  /**
   * The theme's layout around a page: the shop's header with cart, account and
   * a language picker (each language is a subfolder of the same path, as
   * Shopify serves a shop's languages), the footer's link to the partner page
   * (a merchant adds one to their theme's menu), and the app embed on every page.
   */
  async function themeLayout({ req, url, language, title, main }: { req: http.IncomingMessage; url: URL; language: string; title: string; main: string }) {
    const customer = await themeCustomer(req);
    const embed = options.withoutApp ? "" : await renderBlock("referral-embed", { customer, shopUrl: origin, language, settings: options.embedSettings });
    const account = commerce
      ? customer
        ? `<span>Hello, ${escapeHtml(customer.first_name)}</span> <a href="/account/logout">Log out</a>`
        : `<a href="/account/login">Log in</a>`
      : "";
    const nav = commerce ? `<a href="/cart">Cart</a> ${account}` : "";
    const { pathname } = languageOf(url.pathname);
    const here = `${pathname}${url.search}`;
    const languages = STOREFRONT_LOCALES.map((code) => {
      const href = code === "en" ? here : `/${code}${pathname === "/" ? "" : pathname}${url.search}`;
      const name = new Intl.DisplayNames([code], { type: "language" }).of(code) ?? code;
      return `<a href="${escapeHtml(href)}" hreflang="${code}" lang="${code}"${code === language ? ' aria-current="true"' : ""}>${escapeHtml(name)}</a>`;
    }).join(" ");
    const shopName = escapeHtml(commerce?.shopName ?? "Example Shop");
    return `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${shopName} – ${escapeHtml(title)}</title>
<style>body{margin:0;font-family:system-ui,sans-serif;color:#1a1a1a;background:#fff}header,main,footer{max-width:60rem;margin:0 auto;padding:1rem}
header{display:flex;justify-content:space-between;gap:1rem;flex-wrap:wrap}nav a,nav span{margin-left:.75rem}nav.languages a[aria-current]{font-weight:600;color:#1a1a1a;text-decoration:none}
.products{display:flex;gap:1rem;list-style:none;padding:0}.products li{border:1px solid #ddd;border-radius:8px;padding:1rem}.hero{min-height:${url.searchParams.has("short") ? 0 : 130}vh}</style></head>
<body><header><a href="${language === "en" ? "/" : `/${language}`}">${shopName}</a><nav aria-label="Shop">${nav}</nav><nav class="languages" aria-label="Language">${languages}</nav></header>
<main>${main}</main>
<footer><p>© ${shopName}${options.withoutApp ? "" : ` · <a href="/apps/referrals/partners">Become a partner</a>`}</p></footer>${embed}</body></html>`;
  }

  const listening = await listenOnLoopback(server, options.port);
  origin = listening.origin;
  return { origin, state, close: listening.close };
}

/** The storefront language a path's subfolder names (/hi/products/x), and the path without it. */
function languageOf(pathname: string): { language: string; pathname: string } {
  const prefix = pathname.match(/^\/([a-z]{2})(?=\/|$)/)?.[1];
  if (!prefix || prefix === "en" || !STOREFRONT_LOCALES.includes(prefix)) return { language: "en", pathname };
  return { language: prefix, pathname: pathname.slice(3) || "/" };
}

function cookies(req: http.IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    (req.headers.cookie ?? "")
      .split(";")
      .map((part) => part.trim().split("="))
      .filter((kv) => kv.length >= 2 && kv[0])
      .map(([name, ...value]) => [name, decodeURIComponent(value.join("="))]),
  );
}

function redirect(res: http.ServerResponse, location: string) {
  res.writeHead(303, { Location: location });
  res.end();
}

/** As Shopify's CDN serves a shop's pages and assets: gzipped when the browser accepts it. */
function sendCompressed(req: http.IncomingMessage, res: http.ServerResponse, status: number, type: string, body: string | Buffer) {
  if (!/\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""))) return send(res, status, type, body);
  res.writeHead(status, { "Content-Type": type, "Content-Encoding": "gzip", Vary: "Accept-Encoding" });
  res.end(gzipSync(body));
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
