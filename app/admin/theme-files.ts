// What a theme's JSON files say about the app's theme app extension
// (extensions/referral): whether its app embed is on (config/settings_data.json)
// and in which templates or section groups its app block is placed
// (templates/*.json, sections/*.json). Pure: the Admin API read is in
// theme-setup.server.ts, the dev store's theme editor writes the same shapes.
//
// A theme refers to an app's blocks by type
// `shopify://apps/<app handle>/blocks/<block handle>/<extension uuid>`; the
// uuid is the extension's id in the Partner Dashboard, unknown to this code,
// so blocks are recognised by the app's handle and the block's.

/** shopify.app.toml's `handle` (tests/unit/config.test.ts checks): the `<app handle>` of the block types. */
export const APP_HANDLE = "referrals";
/** extensions/referral/blocks/referral-embed.liquid: the link-capture app embed. */
export const EMBED_HANDLE = "referral-embed";
/** extensions/referral/blocks/referral.liquid: the referral app block. */
export const BLOCK_HANDLE = "referral";

export interface ThemeFile {
  filename: string;
  /** The text; null for a file Shopify answered as base64 or a URL (never a JSON file). */
  content: string | null;
}

export interface ThemeFindings {
  embedOn: boolean;
  blockPlaced: boolean;
  /** Where an enabled block is: template names ("product", "index", "page.about") and section groups ("footer-group"), sorted. */
  templates: string[];
  /** The template the theme editor should open to show the block: the first template holding it, "index" when only a section group (header, footer: on every page) does; null when none does. */
  editorTemplate: string | null;
}

/** A file the app could not read as JSON; `filename` names it for the log and the merchant. */
export class ThemeFileError extends Error {
  readonly name = "ThemeFileError";
  constructor(
    readonly filename: string,
    reason: string,
  ) {
    super(`${filename}: ${reason}`);
  }
}

/** `shopify://apps/<app>/blocks/<handle>/<uuid>` of this app, or null for any other type. */
export function appBlockHandle(type: unknown): string | null {
  if (typeof type !== "string") return null;
  const m = /^shopify:\/\/apps\/([^/]+)\/blocks\/([^/]+)\/[^/]+$/.exec(type);
  return m && m[1] === APP_HANDLE ? m[2] : null;
}

/** The block type the dev store's theme editor writes for one of the app's blocks. */
export function appBlockType(handle: string, extensionId: string): string {
  return `shopify://apps/${APP_HANDLE}/blocks/${handle}/${extensionId}`;
}

/**
 * Shopify's JSON theme files may start with a block comment (settings_data.json
 * and templates saved by the editor: "IMPORTANT: The contents of this file are
 * auto-generated..."). Only comments before the JSON are removed: a string
 * inside it may contain "/*".
 */
export function parseThemeJson(filename: string, content: string | null): unknown {
  if (content === null) throw new ThemeFileError(filename, "not a text file");
  let text = content.replace(/^\uFEFF/, "").trimStart();
  while (text.startsWith("/*")) {
    const end = text.indexOf("*/");
    if (end < 0) throw new ThemeFileError(filename, "unterminated comment");
    text = text.slice(end + 2).trimStart();
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ThemeFileError(filename, (error as Error).message);
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** The settings in use: `current` is an object, or (older themes) the name of one of `presets`. */
function currentSettings(data: unknown): Json | null {
  if (!isObject(data)) return null;
  const current = data.current;
  if (isObject(current)) return current;
  if (typeof current === "string" && isObject(data.presets) && isObject(data.presets[current])) return data.presets[current] as Json;
  return null;
}

/** Whether the app embed is on: a block of its type in the current settings, not disabled. */
export function embedEnabled(settingsData: unknown): boolean {
  const blocks = currentSettings(settingsData)?.blocks;
  if (!isObject(blocks)) return false;
  return Object.values(blocks).some((b) => isObject(b) && b.disabled !== true && appBlockHandle(b.type) === EMBED_HANDLE);
}

/** Whether a template's or section group's sections hold the app block, enabled (blocks may nest: theme blocks). */
export function holdsAppBlock(template: unknown): boolean {
  if (!isObject(template) || !isObject(template.sections)) return false;
  const inBlocks = (blocks: unknown): boolean =>
    isObject(blocks) && Object.values(blocks).some((b) => isObject(b) && b.disabled !== true && (appBlockHandle(b.type) === BLOCK_HANDLE || inBlocks(b.blocks)));
  return Object.values(template.sections).some((s) => isObject(s) && s.disabled !== true && inBlocks(s.blocks));
}

/** "templates/product.json" -> "product", "templates/customers/account.json" -> "customers/account", "sections/footer-group.json" -> "footer-group". */
export function templateName(filename: string): string {
  return filename.replace(/^(templates|sections)\//, "").replace(/\.json$/, "");
}

/** What the files say; throws ThemeFileError when settings_data.json is missing or any file is not JSON. */
export function readThemeFiles(files: ThemeFile[]): ThemeFindings {
  const settings = files.find((f) => f.filename === "config/settings_data.json");
  if (!settings) throw new ThemeFileError("config/settings_data.json", "missing");
  const holding = files
    .filter((f) => /^(templates|sections)\/.+\.json$/.test(f.filename))
    .filter((f) => holdsAppBlock(parseThemeJson(f.filename, f.content)))
    .map((f) => f.filename)
    .sort();
  const firstTemplate = holding.find((f) => f.startsWith("templates/"));
  return {
    embedOn: embedEnabled(parseThemeJson(settings.filename, settings.content)),
    blockPlaced: holding.length > 0,
    templates: holding.map(templateName),
    editorTemplate: firstTemplate ? templateName(firstTemplate) : holding.length ? "index" : null,
  };
}
