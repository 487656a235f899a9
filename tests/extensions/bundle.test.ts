// @vitest-environment happy-dom
// The UI extensions as Shopify would ship them: each built the way the CLI
// builds it (scripts/build-extensions.ts), checked against Shopify's bundle size
// limit, and the built thank-you bundle run through `shopify.extend` like the
// host does. Also the extension configuration and locale files.
import { mkdtempSync, readFileSync, existsSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { buildExtensions, uiExtensions, SIZE_LIMIT_BYTES, FULL_PAGE_SIZE_LIMIT_BYTES, type ExtensionBundle } from "../../scripts/build-extensions";
import { APP_URL, all, fakeBackend, installShopify, text, unmount, until, locale } from "../helpers/ui-extensions";

const outDir = mkdtempSync(path.join(tmpdir(), "ui-extensions-"));
let built: Promise<ExtensionBundle[]> | undefined;
const bundles = () => (built ??= buildExtensions({ appUrl: APP_URL, outDir }));

afterAll(() => rmSync(outDir, { recursive: true, force: true }));
afterEach(() => {
  unmount();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

describe("built bundles", () => {
  it("builds both UI extensions, each within Shopify's compressed size limit", async () => {
    const result = await bundles();
    expect(result.map((bundle) => bundle.handle).sort()).toEqual(["referral-account", "referral-account-profile", "referral-thank-you"]);
    for (const bundle of result) {
      console.log(`${bundle.handle}: ${bundle.bytes} B minified, ${bundle.gzipBytes} B gzip, limit ${bundle.limitBytes} B`);
      expect(bundle.gzipBytes).toBeLessThanOrEqual(bundle.limitBytes);
    }
    expect(result.find((bundle) => bundle.handle === "referral-thank-you")?.limitBytes).toBe(SIZE_LIMIT_BYTES);
    // The account extension has a full page, which Shopify allows 128 KB.
    expect(result.find((bundle) => bundle.handle === "referral-account")?.limitBytes).toBe(FULL_PAGE_SIZE_LIMIT_BYTES);
  });

  it("compiles the app's URL in and leaves no process.env behind (the sandbox has no process)", async () => {
    for (const bundle of await bundles()) {
      const code = readFileSync(bundle.file, "utf8");
      expect(code).toContain(APP_URL);
      expect(code).not.toContain("process.env");
      expect(code).not.toMatch(/^\s*import\s|require\(/m);
    }
  });

  it("registers every target, and the thank-you bundle renders the offer when the host runs it", async () => {
    const thankYou = (await bundles()).find((bundle) => bundle.handle === "referral-thank-you")!;
    const shopify = installShopify("referral-thank-you", { target: "purchase.thank-you.block.render", orderId: "gid://shopify/Order/5" });
    const registered = vi.spyOn(shopify, "extend");
    const { requests } = fakeBackend({
      "GET /api/extensions/thank-you": () => ({
        status: 200,
        body: { state: "offer", offer: "Give 15%, get 15%", termsUrl: null, termsVersion: "1", guest: false, referredBy: null },
      }),
    });
    vi.unstubAllEnvs(); // the bundle carries its own APP_URL
    new Function(readFileSync(thankYou.file, "utf8"))();
    expect(registered.mock.calls.map(([target]) => target)).toEqual(["purchase.thank-you.block.render", "customer-account.order-status.block.render"]);

    await shopify.run();
    // The bundle's Preact runs effects after the next animation frame.
    await until(() => text().includes("Give 15%, get 15%"));
    expect(requests[0].url.href).toBe(`${APP_URL}/api/extensions/thank-you?orderId=gid%3A%2F%2Fshopify%2FOrder%2F5&locale=en`);
    expect(all("s-button").map((button) => text(button))).toEqual(["Join and get my link"]);
  });
});

describe("extension configuration", () => {
  const installed = JSON.parse(readFileSync("node_modules/@shopify/ui-extensions/package.json", "utf8")) as { version: string };
  const [year, month] = installed.version.split(".");

  it.each(uiExtensions().map((extension) => [extension.handle, extension] as const))("%s: targets, modules, API version, network access", (_handle, extension) => {
    const toml = readFileSync(path.join(extension.dir, "shopify.extension.toml"), "utf8");
    expect(toml).toMatch(new RegExp(`^api_version = "${year}-${month.padStart(2, "0")}"$`, "m"));
    expect(toml).toMatch(/^network_access = true$/m);
    for (const { module } of extension.targets) expect(existsSync(path.join(extension.dir, module))).toBe(true);
  });

  it("declares the targets the issue names", () => {
    const targets = Object.fromEntries(uiExtensions().map((extension) => [extension.handle, extension.targets.map(({ target }) => target)]));
    expect(targets).toEqual({
      "referral-thank-you": ["purchase.thank-you.block.render", "customer-account.order-status.block.render"],
      "referral-account": ["customer-account.page.render"],
      "referral-account-profile": ["customer-account.profile.block.render"],
    });
  });
});

describe("locales", () => {
  const LANGUAGES = ["en", "hi", "mt", "es", "fr", "de"];
  const leaves = (node: unknown, prefix = ""): [string, string][] =>
    typeof node === "string"
      ? [[prefix, node]]
      : Object.entries(node as Record<string, unknown>).flatMap(([key, value]) => leaves(value, prefix ? `${prefix}.${key}` : key));
  // A plural key (one/two/few/many/other) need not list the forms a language lacks.
  const key = (leaf: string) => leaf.replace(/\.(zero|one|two|few|many|other)$/, "");
  const placeholders = (value: string) => [...value.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1]).sort();

  for (const extension of ["referral-thank-you", "referral-account", "referral-account-profile"]) {
    it(`${extension}: every language has exactly the English keys and placeholders, and is translated`, () => {
      expect(readdirSync(path.join("extensions", extension, "locales")).sort()).toEqual(
        LANGUAGES.map((language) => (language === "en" ? "en.default.json" : `${language}.json`)).sort(),
      );
      const english = new Map(leaves(locale(extension, "en")).map(([leaf, value]) => [key(leaf), value]));
      for (const language of LANGUAGES.slice(1)) {
        const translated = leaves(locale(extension, language));
        expect(new Set(translated.map(([leaf]) => key(leaf))), language).toEqual(new Set(english.keys()));
        for (const [leaf, value] of translated) expect(placeholders(value), `${language} ${leaf}`).toEqual(placeholders(english.get(key(leaf))!));
        const same = translated.filter(([leaf, value]) => value === english.get(key(leaf)) && /[a-z]{4}/.test(value));
        expect(same.length, `${language} copies English: ${same.map(([leaf]) => leaf)}`).toBeLessThan(translated.length / 4);
      }
    });
  }
});
