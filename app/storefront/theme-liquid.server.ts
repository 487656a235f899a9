// The theme app extension's Liquid (extensions/referral) rendered by liquidjs,
// Shopify-compatible, with the few Shopify objects and filters the extension
// uses: `t` reads the extension's own locale files, `asset_url` is the
// caller's (the dev store serves the files from a local path, the settings
// preview inlines them), and `{% schema %}` is swallowed as Shopify does.
// Shared by the settings preview (app/admin/settings-preview.server.ts), the
// dev store (devstore/liquid.ts) and the tests, so the preview a merchant sees
// is the markup the theme renders, not an imitation of it.
import fs from "node:fs";
import path from "node:path";
import { Liquid, type TagToken, type TopLevelToken } from "liquidjs";
import { PROJECT_ROOT } from "~/db-url";
import { lookup } from "./i18n";

export const EXTENSION_DIR = path.join(PROJECT_ROOT, "extensions/referral");

export function localeMessages(language: string): Record<string, unknown> {
  const dir = path.join(EXTENSION_DIR, "locales");
  const file = fs.existsSync(path.join(dir, `${language}.json`)) ? `${language}.json` : `${language}.default.json`;
  return JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
}

export interface ThemeLiquidOptions {
  /** The URL `{{ 'name' | asset_url }}` answers for one of the extension's assets. */
  assetUrl: (name: string) => string;
}

export function storefrontLiquid(language: string, { assetUrl }: ThemeLiquidOptions): Liquid {
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
  engine.registerFilter("asset_url", (name: string) => assetUrl(name));
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

/** Liquid's `routes` object, as a theme with classic customer accounts has it. */
const STOREFRONT_ROUTES = { root_url: "/", cart_update_url: "/cart/update", account_login_url: "/account/login" };

export interface StorefrontGlobals {
  customer?: { id: number; first_name?: string; email?: string } | null;
  language?: string;
  shopUrl?: string;
  settings?: Record<string, unknown>;
  blockId?: string;
}

export type BlockName = "referral" | "referral-embed";

/** Renders blocks/<name>.liquid with its schema defaults overridden by `settings`. */
export async function renderBlock(name: BlockName, globals: StorefrontGlobals, options: ThemeLiquidOptions): Promise<string> {
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
  return storefrontLiquid(language, options).parseAndRender(
    source,
    { block: { id: globals.blockId ?? "AbC123", settings, shopify_attributes: 'data-shopify-editor-block="{}"' } },
    { globals: shopifyGlobals },
  );
}

/** Renders a Liquid response of the app proxy (the program page) as Shopify would inside the theme. */
export async function renderProxyLiquid(body: string, globals: StorefrontGlobals, options: ThemeLiquidOptions): Promise<string> {
  return storefrontLiquid(globals.language ?? "en", options).parseAndRender(body, {
    customer: globals.customer ?? null,
    shop: { url: globals.shopUrl ?? "https://shop.example", name: "Example Shop" },
    routes: STOREFRONT_ROUTES,
  });
}

/** An extension asset's text (assets/<name>). */
export function assetText(name: string): string {
  return fs.readFileSync(path.join(EXTENSION_DIR, "assets", path.basename(name)), "utf8");
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
