// The theme extension's Liquid rendered by liquidjs (Shopify-compatible), with
// the few Shopify objects and filters the extension uses: `t` reads the
// extension's own locale files, `asset_url` points at a local path, and
// `{% schema %}` is swallowed as Shopify does.
import fs from "node:fs";
import path from "node:path";
import { Liquid, type TagToken, type TopLevelToken } from "liquidjs";
import { PROJECT_ROOT } from "~/db-url";
import { addedText } from "~/storefront/asset-budgets";
import { lookup } from "~/storefront/i18n";

export const EXTENSION_DIR = path.join(PROJECT_ROOT, "extensions/referral");
export const ASSET_PREFIX = "/ext-assets/";

export function localeMessages(language: string): Record<string, unknown> {
  const dir = path.join(EXTENSION_DIR, "locales");
  const file = fs.existsSync(path.join(dir, `${language}.json`)) ? `${language}.json` : `${language}.default.json`;
  return JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
}

export function storefrontLiquid(language = "en"): Liquid {
  const messages = localeMessages(language);
  const fallback = localeMessages("en");
  const engine = new Liquid({
    root: path.join(EXTENSION_DIR, "snippets"),
    extname: ".liquid",
    strictFilters: true,
    jsTruthy: false,
  });
  engine.registerFilter("t", (key: string, ...args: unknown[]) => {
    const text = lookup(messages, key) ?? lookup(fallback, key);
    if (text === undefined) throw new Error(`translation missing: ${key}`);
    // Shopify's t filter interpolates {{ name }} from keyword arguments.
    const vars = Object.fromEntries(args.filter(Array.isArray) as [string, unknown][]);
    return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
  });
  engine.registerFilter("asset_url", (name: string) => `${ASSET_PREFIX}${name}`);
  engine.registerFilter("stylesheet_tag", (url: string) => `<link href="${url}" rel="stylesheet" type="text/css" media="all">`);
  engine.registerTag("schema", {
    parse(_token: TagToken, remainTokens: TopLevelToken[]) {
      while (remainTokens.length) {
        const next = remainTokens.shift() as TagToken;
        if (next.name === "endschema") return;
      }
      throw new Error("{% schema %} is not closed");
    },
    render: () => "",
  });
  return engine;
}

/** Liquid's `routes` object, as a theme with classic customer accounts has it (the dev store's login page). */
const STOREFRONT_ROUTES = { root_url: "/", cart_update_url: "/cart/update", account_login_url: "/account/login" };

export interface StorefrontGlobals {
  customer?: { id: number; first_name?: string; email?: string } | null;
  language?: string;
  shopUrl?: string;
  settings?: Record<string, unknown>;
  blockId?: string;
}

/** Renders blocks/<name>.liquid with its schema defaults overridden by `settings`. */
export async function renderBlock(name: "referral" | "referral-embed", globals: StorefrontGlobals = {}): Promise<string> {
  const file = path.join(EXTENSION_DIR, "blocks", `${name}.liquid`);
  const source = fs.readFileSync(file, "utf8");
  const language = globals.language ?? "en";
  const settings = { ...schemaDefaults(source, language), ...globals.settings };
  // Shopify's global objects are seen by snippets too ({% render %} hides only the caller's variables).
  const shopifyGlobals = {
    customer: globals.customer ?? null,
    request: { locale: { iso_code: language } },
    shop: { url: globals.shopUrl ?? "https://shop.example", name: "Example Shop" },
    routes: STOREFRONT_ROUTES,
  };
  return storefrontLiquid(language).parseAndRender(
    source,
    { block: { id: globals.blockId ?? "AbC123", settings, shopify_attributes: 'data-shopify-editor-block="{}"' } },
    { globals: shopifyGlobals },
  );
}

/**
 * Exactly what the floating launcher adds to a page before its click: the
 * embed rendered with the launcher on, less the same embed with it off
 * (LAUNCHER_BUDGET in app/storefront/asset-budgets.ts).
 */
export async function launcherPreClick(globals: StorefrontGlobals = {}): Promise<string> {
  const [off, on] = await Promise.all([
    renderBlock("referral-embed", { ...globals, settings: { ...globals.settings, launcher: false } }),
    renderBlock("referral-embed", { ...globals, settings: { ...globals.settings, launcher: true } }),
  ]);
  return addedText(off, on);
}

/** Renders a Liquid response of the app proxy (the program page) as Shopify would inside the theme. */
export async function renderProxyLiquid(body: string, globals: StorefrontGlobals = {}): Promise<string> {
  return storefrontLiquid(globals.language ?? "en").parseAndRender(body, {
    customer: globals.customer ?? null,
    shop: { url: globals.shopUrl ?? "https://shop.example", name: "Example Shop" },
    routes: STOREFRONT_ROUTES,
  });
}

function schemaDefaults(source: string, language: string): Record<string, unknown> {
  const json = source.match(/\{%\s*schema\s*%\}([\s\S]*?)\{%\s*endschema\s*%\}/)?.[1];
  if (!json) throw new Error("block has no schema");
  const schemaLocale = JSON.parse(
    fs.readFileSync(
      path.join(EXTENSION_DIR, "locales", language === "en" ? "en.default.schema.json" : `${language}.schema.json`),
      "utf8",
    ),
  );
  const settings = (JSON.parse(json).settings ?? []) as { id: string; default?: unknown }[];
  return Object.fromEntries(
    settings.map((s) => {
      const value = typeof s.default === "string" && s.default.startsWith("t:") ? lookup(schemaLocale, s.default.slice(2)) : s.default;
      return [s.id, value ?? ""];
    }),
  );
}

