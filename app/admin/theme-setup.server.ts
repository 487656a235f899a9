// Whether the app embed is on and the app block placed, for the admin home's
// checklist: read from the shop's live (MAIN) theme when the merchant has
// granted read_themes (an optional scope, app/shopify/scopes.ts), otherwise
// inferred from what the storefront did (home.server.ts, `checklist`), and
// said to be an inference. A failed read never breaks the page: it falls back
// to the inference with the reason, and is logged.
import { logger } from "~/ops/logger.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { THEME_SETUP } from "~/shopify/documents";
import type { ThemeSetupQuery } from "~/types/admin.generated";
import { scopeGranted } from "~/shopify/scopes";
import { readThemeFiles, ThemeFileError, type ThemeFile, type ThemeFindings } from "./theme-files";

export const THEME_SCOPE = "read_themes";

/** Why the states are inferred: no theme access yet, no published theme, a file the app cannot read, Shopify refused or failed. */
export type InferredReason = "NO_SCOPE" | "NO_THEME" | "UNREADABLE" | "SHOPIFY_ERROR";

export type ThemeSetup =
  | ({ source: "THEME"; themeName: string } & ThemeFindings)
  | ({ source: "INFERRED"; reason: InferredReason } & ThemeFindings);

/** At most this many pages of theme files (50 a page): a theme with more JSON files than that is not one Shopify ships. */
const MAX_PAGES = 10;

export async function themeSetup(input: {
  admin: AdminClient;
  shop: string;
  /** The scopes Shopify granted, as the session stores them (the app/scopes_update webhook keeps them current). */
  scope: string | null | undefined;
  /** What the storefront's activity says (home.server.ts `checklist`). */
  inferred: { embedOn: boolean; blockPlaced: boolean };
}): Promise<ThemeSetup> {
  const inferred = (reason: InferredReason): ThemeSetup => ({ source: "INFERRED", reason, ...input.inferred, templates: [], editorTemplate: null });
  if (!scopeGranted(input.scope, THEME_SCOPE)) return inferred("NO_SCOPE");
  try {
    const files: ThemeFile[] = [];
    let themeName: string | null = null;
    let after: string | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const data: ThemeSetupQuery = await input.admin.query(THEME_SETUP, { after });
      const theme = data.themes?.nodes[0];
      if (!theme) {
        logger.warn("theme setup: the shop has no published theme; inferred from the storefront", { shop: input.shop });
        return inferred("NO_THEME");
      }
      themeName = theme.name;
      for (const f of theme.files?.nodes ?? []) files.push({ filename: f.filename, content: typeof f.body.content === "string" ? f.body.content : null });
      if (!theme.files?.pageInfo.hasNextPage) break;
      after = theme.files.pageInfo.endCursor ?? null;
    }
    return { source: "THEME", themeName: themeName ?? "", ...readThemeFiles(files) };
  } catch (error) {
    if (error instanceof ThemeFileError) {
      logger.warn("theme setup: a theme file is not readable; inferred from the storefront", { shop: input.shop, file: error.filename, error: error.message });
      return inferred("UNREADABLE");
    }
    logger.warn("theme setup: the theme was not read; inferred from the storefront", { shop: input.shop, error });
    return inferred("SHOPIFY_ERROR");
  }
}
