// What the live theme says about the app embed and the app block
// (app/admin/theme-files.ts), and the admin home's reading of it
// (app/admin/theme-setup.server.ts) over an Admin client answering the
// ThemeSetup query: the files as Shopify stores them (comment header, presets,
// disabled embeds, blocks in templates and section groups), and every way the
// read falls back to the storefront's inference, with its reason, logged.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appBlockHandle, BLOCK_HANDLE, EMBED_HANDLE, parseThemeJson, readThemeFiles, ThemeFileError, type ThemeFile } from "~/admin/theme-files";
import { themeSetup } from "~/admin/theme-setup.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { ShopifyApiError } from "~/shopify/errors";
import { APP_SCOPES } from "~/shopify/scopes";
import { captureLogs, type CapturedLogs } from "../helpers/logs";

const UUID = "0b2f8c1e-5a41-4f3e-9a64-3f0e1d2c4b5a";
const EMBED = `shopify://apps/referrals/blocks/${EMBED_HANDLE}/${UUID}`;
const BLOCK = `shopify://apps/referrals/blocks/${BLOCK_HANDLE}/${UUID}`;
const HEADER = "/*\n * IMPORTANT: The contents of this file are auto-generated.\n */\n";
const GRANTED = [...APP_SCOPES, "read_themes"].join(",");
const NOTHING_SEEN = { embedOn: false, blockPlaced: false };

const settings = (blocks: Record<string, unknown>, header = HEADER): ThemeFile => ({
  filename: "config/settings_data.json",
  content: header + JSON.stringify({ current: { blocks, sections: {} }, presets: {} }),
});
const productWith = (blocks: Record<string, unknown>, sectionDisabled = false): ThemeFile => ({
  filename: "templates/product.json",
  content: HEADER + JSON.stringify({ sections: { main: { type: "main-product", blocks, ...(sectionDisabled && { disabled: true }) } }, order: ["main"] }),
});
const emptyIndex: ThemeFile = { filename: "templates/index.json", content: JSON.stringify({ sections: { hero: { type: "image-banner", blocks: {} } }, order: ["hero"] }) };

/** An Admin client whose ThemeSetup answers are `pages` (each a list of files), or which throws `error`. */
function adminAnswering(pages: ThemeFile[][] | null, error?: Error): AdminClient & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    calls,
    async query(_document: string, variables?: unknown) {
      calls.push(variables);
      if (error) throw error;
      if (!pages) return { themes: { nodes: [] } } as never;
      const index = calls.length - 1;
      return {
        themes: {
          nodes: [
            {
              id: "gid://shopify/OnlineStoreTheme/1",
              name: "Dawn",
              files: {
                nodes: pages[index].map((f) => ({ filename: f.filename, body: { content: f.content } })),
                pageInfo: { hasNextPage: index < pages.length - 1, endCursor: `page-${index}` },
              },
            },
          ],
        },
      } as never;
    },
    async mutate() {
      throw new Error("no mutation expected");
    },
  };
}

describe("theme files", () => {
  it("reads settings_data.json after Shopify's comment header, and a file without one", () => {
    expect(parseThemeJson("config/settings_data.json", `\uFEFF${HEADER}/* a second */\n{"current":{}}`)).toEqual({ current: {} });
    expect(parseThemeJson("templates/index.json", '{"sections":{"a":{"type":"x","settings":{"text":"/* not a comment */"}}}}')).toMatchObject({ sections: { a: { settings: { text: "/* not a comment */" } } } });
  });

  it("finds the app embed on, and not when the merchant switched it off or it is another app's", () => {
    expect(readThemeFiles([settings({ "1": { type: EMBED, disabled: false, settings: {} } })]).embedOn).toBe(true);
    expect(readThemeFiles([settings({ "1": { type: EMBED, settings: {} } })]).embedOn).toBe(true);
    expect(readThemeFiles([settings({ "1": { type: EMBED, disabled: true, settings: {} } })]).embedOn).toBe(false);
    expect(readThemeFiles([settings({ "1": { type: `shopify://apps/other-app/blocks/${EMBED_HANDLE}/${UUID}` } })]).embedOn).toBe(false);
    expect(readThemeFiles([settings({})]).embedOn).toBe(false);
  });

  it("reads the current preset of an older theme (current names one of presets)", () => {
    const file = { filename: "config/settings_data.json", content: JSON.stringify({ current: "Default", presets: { Default: { blocks: { "9": { type: EMBED } } } } }) };
    expect(readThemeFiles([file]).embedOn).toBe(true);
  });

  it("finds the block in the product template, not when it or its section is disabled, and in a nested theme block", () => {
    expect(readThemeFiles([settings({}), emptyIndex, productWith({ "17": { type: BLOCK, settings: {} } })])).toEqual({
      embedOn: false,
      blockPlaced: true,
      templates: ["product"],
      editorTemplate: "product",
    });
    expect(readThemeFiles([settings({}), productWith({ "17": { type: BLOCK, disabled: true } })])).toMatchObject({ blockPlaced: false, templates: [], editorTemplate: null });
    expect(readThemeFiles([settings({}), productWith({ "17": { type: BLOCK } }, true)]).blockPlaced).toBe(false);
    expect(readThemeFiles([settings({}), productWith({ group: { type: "group", blocks: { "18": { type: BLOCK } } } })]).templates).toEqual(["product"]);
    // The embed's type in a template is not the block.
    expect(readThemeFiles([settings({}), productWith({ "17": { type: EMBED } })]).blockPlaced).toBe(false);
  });

  it("names every template and section group holding the block; the editor opens a template", () => {
    const page = { filename: "templates/page.about.json", content: JSON.stringify({ sections: { apps: { type: "apps", blocks: { a: { type: BLOCK } } } } }) };
    const footer = { filename: "sections/footer-group.json", content: HEADER + JSON.stringify({ type: "footer", sections: { apps: { type: "apps", blocks: { b: { type: BLOCK } } } } }) };
    expect(readThemeFiles([settings({}), footer, page, productWith({ c: { type: BLOCK } })])).toMatchObject({ templates: ["footer-group", "page.about", "product"], editorTemplate: "page.about" });
    expect(readThemeFiles([settings({}), footer])).toMatchObject({ templates: ["footer-group"], editorTemplate: "index" });
  });

  it("knows the app's block types only", () => {
    expect(appBlockHandle(EMBED)).toBe(EMBED_HANDLE);
    expect(appBlockHandle("shopify://apps/referrals/blocks/referral")).toBeNull();
    expect(appBlockHandle("image-banner")).toBeNull();
    expect(appBlockHandle(42)).toBeNull();
  });

  it("refuses a file that is not JSON, naming it, and a theme without settings_data.json", () => {
    expect(() => readThemeFiles([settings({}), { filename: "templates/product.json", content: '{"sections": {' }])).toThrow(ThemeFileError);
    expect(() => readThemeFiles([settings({}), { filename: "templates/product.json", content: '{"sections": {' }])).toThrow(/templates\/product\.json/);
    expect(() => readThemeFiles([{ filename: "config/settings_data.json", content: "/* never closed {}" }])).toThrow(/unterminated comment/);
    expect(() => readThemeFiles([emptyIndex])).toThrow(/settings_data\.json: missing/);
  });
});

describe("themeSetup", () => {
  let logs: CapturedLogs;
  beforeEach(() => {
    logs = captureLogs("warn");
  });
  afterEach(() => logs.restore());

  const shop = "theme-unit.myshopify.com";

  it("infers without asking Shopify while read_themes is not granted", async () => {
    const admin = adminAnswering([[settings({ "1": { type: EMBED } })]]);
    const setup = await themeSetup({ admin, shop, scope: APP_SCOPES.join(","), inferred: { embedOn: true, blockPlaced: false } });
    expect(setup).toEqual({ source: "INFERRED", reason: "NO_SCOPE", embedOn: true, blockPlaced: false, templates: [], editorTemplate: null });
    expect(admin.calls).toEqual([]);
    expect(await themeSetup({ admin, shop, scope: null, inferred: NOTHING_SEEN })).toMatchObject({ source: "INFERRED", reason: "NO_SCOPE" });
  });

  it("reads the live theme once granted, over every page of files", async () => {
    const admin = adminAnswering([[settings({ "1": { type: EMBED, disabled: false } }), emptyIndex], [productWith({ "2": { type: BLOCK } })]]);
    const setup = await themeSetup({ admin, shop, scope: GRANTED, inferred: NOTHING_SEEN });
    expect(setup).toEqual({ source: "THEME", themeName: "Dawn", embedOn: true, blockPlaced: true, templates: ["product"], editorTemplate: "product" });
    expect(admin.calls).toEqual([{ after: null }, { after: "page-0" }]);
  });

  it("says what the theme says, even against the storefront's activity", async () => {
    const admin = adminAnswering([[settings({ "1": { type: EMBED, disabled: true } }), emptyIndex]]);
    expect(await themeSetup({ admin, shop, scope: GRANTED, inferred: { embedOn: true, blockPlaced: true } })).toMatchObject({ source: "THEME", embedOn: false, blockPlaced: false });
  });

  it("falls back to the inference when a theme file is malformed, with the reason, logged", async () => {
    const admin = adminAnswering([[settings({}), { filename: "templates/product.json", content: "{ not json" }]]);
    const setup = await themeSetup({ admin, shop, scope: GRANTED, inferred: { embedOn: true, blockPlaced: true } });
    expect(setup).toEqual({ source: "INFERRED", reason: "UNREADABLE", embedOn: true, blockPlaced: true, templates: [], editorTemplate: null });
    expect(logs.lines()).toEqual([expect.objectContaining({ level: "warn", file: "templates/product.json", msg: expect.stringContaining("not readable") })]);
  });

  it("falls back when Shopify fails or has no published theme", async () => {
    const failed = adminAnswering(null, new ShopifyApiError("Access denied for themes field.", { operation: "ThemeSetup", kind: "fatal", retryable: false, ambiguous: false, attempts: 1 }));
    expect(await themeSetup({ admin: failed, shop, scope: GRANTED, inferred: NOTHING_SEEN })).toMatchObject({ source: "INFERRED", reason: "SHOPIFY_ERROR" });
    expect(await themeSetup({ admin: adminAnswering(null), shop, scope: GRANTED, inferred: NOTHING_SEEN })).toMatchObject({ source: "INFERRED", reason: "NO_THEME" });
    expect(logs.lines().map((l) => l.msg)).toEqual([expect.stringContaining("not read"), expect.stringContaining("no published theme")]);
  });
});
