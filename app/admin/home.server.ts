// The first-run checklist. Without theme access (read_themes, an optional
// scope: theme-setup.server.ts reads the theme once it is granted) whether the
// theme block and the embed are on is inferred from their effect: a shopper
// joined from the store (block), a shared link was clicked (embed).
import type { Db } from "~/db.server";
import { BLOCK_HANDLE, EMBED_HANDLE } from "./theme-files";

export async function checklist(db: Db, shop: string) {
  const [referrers, referrals, joinedFromStore, clicked] = await Promise.all([
    // Customers who joined; partner businesses are counted on the Partners page.
    db.referrer.count({ where: { shop, kind: "CUSTOMER" } }),
    db.referral.count({ where: { shop } }),
    db.referrer.findFirst({ where: { shop, source: { in: ["STOREFRONT", "GUEST", "PROGRAM_PAGE"] } }, select: { id: true } }),
    // The referrers' click counters outlive the raw link events (retention).
    db.referrer.findFirst({ where: { shop, clickCount: { gt: 0 } }, select: { id: true } }),
  ]);
  return { referrers, referrals, blockAdded: Boolean(joinedFromStore), embedEnabled: Boolean(clicked), firstReferral: referrals > 0 };
}

/**
 * Theme editor deep links, as Shopify documents them
 * (https://shopify.dev/docs/apps/build/online-store/theme-app-extensions/configuration#deep-linking):
 * - app embed: `/admin/themes/current/editor?context=apps&activateAppId={api_key}/{embed handle}`
 *   opens Theme settings > App embeds with the embed switched on, for the merchant to save;
 * - app block: `...?template={template}&addAppBlockId={api_key}/{block handle}&target=mainSection`
 *   adds the block to the template's main section (the product page's: where
 *   shoppers decide, and a section every Online Store 2.0 theme accepts app blocks in);
 * - once placed: `...?template={template}` opens the template that holds it.
 * `{shop}` is the myshopify.com domain (a custom domain does not serve /admin).
 */
export function themeEditorLinks(shop: string, apiKey: string) {
  const editor = `https://${shop}/admin/themes/current/editor`;
  return {
    addBlock: `${editor}?template=product&addAppBlockId=${apiKey}/${BLOCK_HANDLE}&target=mainSection`,
    enableEmbed: `${editor}?context=apps&activateAppId=${apiKey}/${EMBED_HANDLE}`,
    /** The editor on a template's page, for a block the theme already holds. */
    template: (template: string) => `${editor}?template=${encodeURIComponent(template)}`,
  };
}
