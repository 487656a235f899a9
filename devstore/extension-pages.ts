// The dev store's UI extension pages: the referral extensions' real bundles
// (scripts/build-extensions.ts, built with the app's public URL as Shopify CLI
// builds them) run in a frame of the storefront's thank-you page and customer
// account pages, with devstore/extension-host.ts standing in for Shopify's host
// (the `shopify` global, the `s-*` elements) and a session token signed as
// Shopify signs them (fake-shopify/sign.ts) for the shop and the logged-in
// customer, or none for a guest.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { PROJECT_ROOT } from "~/db-url";
import { buildExtensions, EXTENSIONS_DIR } from "../scripts/build-extensions";
import { extensionSessionToken } from "../fake-shopify/sign";
import type { ExtensionHostConfig } from "./extension-host";
import { escapeHtml } from "./html";

export interface ExtensionAssets {
  /** Holds <handle>.js for each UI extension and host.js. */
  dir: string;
  close(): Promise<void>;
}

/** Builds the extensions (APP_URL = `appUrl`) and the host script into a temporary folder. */
export async function buildExtensionAssets(appUrl: string): Promise<ExtensionAssets> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "referrals-devstore-extensions-"));
  await buildExtensions({ appUrl, outDir: dir });
  await build({
    entryPoints: [path.join(PROJECT_ROOT, "devstore/extension-host.ts")],
    outfile: path.join(dir, "host.js"),
    bundle: true,
    format: "iife",
    target: "es2020",
    minify: true,
    logLevel: "silent",
  });
  return { dir, close: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export const EXTENSION_ASSET_PREFIX = "/extensions/assets/";
export const TOKEN_PATH = "/extensions/session-token";

export interface ExtensionFrame {
  handle: "referral-thank-you" | "referral-account" | "referral-account-profile";
  target: string;
  language: string;
  orderId?: string;
}

const LANGUAGE = /^[a-z]{2,3}(-[A-Z]{2})?$/;

function readLocale(handle: string, file: string) {
  const full = path.join(EXTENSIONS_DIR, handle, "locales", file);
  return fs.existsSync(full) ? JSON.parse(fs.readFileSync(full, "utf8")) : null;
}

/** The buyer's language if the extension has it, else en (Shopify falls back to the default locale). */
export function extensionLanguage(handle: string, requested: string | null): string {
  if (requested && LANGUAGE.test(requested) && requested !== "en" && readLocale(handle, `${requested}.json`)) return requested;
  return "en";
}

/** The framed page that runs one target of an extension's bundle. */
export function extensionFramePage(frame: ExtensionFrame, shop: { name: string; myshopifyDomain: string; storefrontUrl: string }): string {
  const defaultTranslations = readLocale(frame.handle, "en.default.json") ?? {};
  const config: ExtensionHostConfig = {
    target: frame.target,
    language: frame.language,
    translations: frame.language === "en" ? defaultTranslations : (readLocale(frame.handle, `${frame.language}.json`) ?? {}),
    defaultTranslations,
    tokenUrl: `${TOKEN_PATH}?kind=${frame.target.startsWith("purchase.") ? "checkout" : "customer-account"}`,
    orderId: frame.orderId,
    currency: "USD",
    shop,
    extensionPageUrl: "/account/referrals",
  };
  const json = JSON.stringify(config).replace(/</g, "\\u003c");
  return `<!doctype html><html lang="${escapeHtml(frame.language)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Referrals</title><style>html,body{margin:0;padding:0;font-family:system-ui,sans-serif;color:#1a1a1a;background:#fff}body{padding:2px}</style></head>
<body><script>window.devstoreExtension=${json}</script><script src="${EXTENSION_ASSET_PREFIX}host.js"></script>
<script src="${EXTENSION_ASSET_PREFIX}${frame.handle}.js"></script><script>window.runExtension()</script></body></html>`;
}

/** The frame as the parent page places it, growing to the extension's height. */
export function extensionFrame(src: string, title: string): string {
  return `<iframe class="extension" src="${escapeHtml(src)}" title="${escapeHtml(title)}" style="display:block;width:100%;max-width:40rem;height:120px;border:0;margin:1rem 0"></iframe>
<script>addEventListener("message",function(e){if(e.origin!==location.origin||!e.data||typeof e.data.devstoreExtensionHeight!=="number")return;
document.querySelectorAll("iframe.extension").forEach(function(f){if(f.contentWindow===e.source)f.style.height=(e.data.devstoreExtensionHeight+4)+"px"})})</script>`;
}

/** A session token as Shopify's checkout or customer account signs it: the logged-in customer's, else a guest's. */
export function sessionTokenFor(input: { shop: string; apiKey: string; secret: string; customerId: number | null }): string {
  return extensionSessionToken({
    shop: input.shop,
    apiKey: input.apiKey,
    secret: input.secret,
    customerId: input.customerId === null ? null : `gid://shopify/Customer/${input.customerId}`,
  });
}

export function extensionAsset(dir: string, pathname: string): Buffer | null {
  const name = path.basename(pathname);
  if (!/^[a-z0-9-]+\.js$/.test(name)) return null;
  const file = path.join(dir, name);
  return fs.existsSync(file) ? fs.readFileSync(file) : null;
}
