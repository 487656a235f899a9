// Test glue for the UI extensions: the `shopify` global (fake-shopify's
// stand-in) with the extension's real locale files, and a strict fake of the
// app's extension endpoints in place of `fetch`.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { render } from "preact";
import { vi } from "vitest";
import { fakeExtensionApi, type FakeExtensionApi, type Translations } from "../../fake-shopify/ui-extension-api";

export const APP_URL = "https://app.referrals.test";
export const SESSION_TOKEN = "header.payload.signature";
const EXTENSIONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../extensions");

export function locale(extension: string, language: string): Translations {
  const file = language === "en" ? "en.default.json" : `${language}.json`;
  return JSON.parse(readFileSync(path.join(EXTENSIONS, extension, "locales", file), "utf8")) as Translations;
}

export function installShopify(extension: string, options: { target: string; language?: string; orderId?: string }): FakeExtensionApi {
  const language = options.language ?? "en";
  const api = fakeExtensionApi({
    target: options.target,
    language,
    translations: locale(extension, language.split("-")[0]),
    defaultTranslations: locale(extension, "en"),
    sessionToken: () => SESSION_TOKEN,
    orderId: options.orderId,
  });
  vi.stubGlobal("shopify", api);
  vi.stubEnv("APP_URL", APP_URL);
  return api;
}

export interface SeenRequest {
  method: string;
  url: URL;
  authorization: string | null;
  body: unknown;
}

type Answer = { status: number; body: unknown } | Promise<{ status: number; body: unknown }>;
export type Route = (request: SeenRequest) => Answer;

/** Answers `METHOD /path` routes on APP_URL; any other request is recorded in `unexpected` and gets a 404. */
export function fakeBackend(routes: Record<string, Route>) {
  const requests: SeenRequest[] = [];
  const unexpected: string[] = [];
  const fetch = vi.fn(async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const method = init.method ?? "GET";
    const headers = new Headers(init.headers);
    const request: SeenRequest = {
      method,
      url,
      authorization: headers.get("Authorization"),
      body: typeof init.body === "string" ? JSON.parse(init.body) : null,
    };
    requests.push(request);
    const route = url.origin === APP_URL ? routes[`${method} ${url.pathname}`] : undefined;
    if (!route) {
      unexpected.push(`${method} ${url}`);
      return new Response("{}", { status: 404 });
    }
    const answer = await route(request);
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { "Content-Type": "application/json" } });
  });
  vi.stubGlobal("fetch", fetch);
  return { requests, unexpected };
}

/** Unmounts what a test rendered and gives the next one a fresh body (Preact keeps its tree on the element). */
export function unmount() {
  render(null, document.body);
  document.documentElement.replaceChild(document.createElement("body"), document.body);
}

/** The text a shopper reads: each text node, separated by a space, whitespace collapsed. */
export function text(root: Element = document.body): string {
  const parts: string[] = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) parts.push(node.textContent ?? "");
  return parts.join(" ").replace(/\s+/g, " ").trim();
}

export function all(selector: string): Element[] {
  return [...document.body.querySelectorAll(selector)];
}

export function button(label: string): HTMLElement {
  const found = all("s-button").find((element) => text(element) === label);
  if (!found) throw new Error(`No s-button "${label}" in: ${document.body.innerHTML.slice(0, 2000)}`);
  return found as HTMLElement;
}

/** Lets pending fetches, effects and re-renders settle. */
export async function settle() {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** Waits, a macrotask at a time, until `check` holds (at most `ms`). */
export async function until(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${ms} ms; the page shows: ${document.body.innerHTML.slice(0, 1000)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
