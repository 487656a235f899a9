// The theme extension's Liquid as the dev store serves it: the app's renderer
// (app/storefront/theme-liquid.server.ts, also behind the settings preview)
// with the extension's assets at a local path (/ext-assets/<name>).
import type { Liquid } from "liquidjs";
import { addedText } from "~/storefront/asset-budgets";
import * as theme from "~/storefront/theme-liquid.server";
import type { BlockName, StorefrontGlobals } from "~/storefront/theme-liquid.server";

export { EXTENSION_DIR, localeMessages, type StorefrontGlobals } from "~/storefront/theme-liquid.server";

export const ASSET_PREFIX = "/ext-assets/";
const LOCAL_ASSETS = { assetUrl: (name: string) => `${ASSET_PREFIX}${name}` };

export function storefrontLiquid(language = "en"): Liquid {
  return theme.storefrontLiquid(language, LOCAL_ASSETS);
}

/** Renders blocks/<name>.liquid with its schema defaults overridden by `settings`. */
export function renderBlock(name: BlockName, globals: StorefrontGlobals = {}): Promise<string> {
  return theme.renderBlock(name, globals, LOCAL_ASSETS);
}

/** Renders a Liquid response of the app proxy (the program page) as Shopify would inside the theme. */
export function renderProxyLiquid(body: string, globals: StorefrontGlobals = {}): Promise<string> {
  return theme.renderProxyLiquid(body, globals, LOCAL_ASSETS);
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
