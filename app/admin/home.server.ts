// The first-run checklist. Whether the theme block and the embed are on cannot
// be read without theme access (a scope this app does not ask for), so each is
// shown done once its effect is seen: a shopper joined from the store (block),
// a shared link was clicked (embed).
import type { Db } from "~/db.server";

export async function checklist(db: Db, shop: string) {
  const [referrers, referrals, joinedFromStore, clicked] = await Promise.all([
    db.referrer.count({ where: { shop } }),
    db.referral.count({ where: { shop } }),
    db.referrer.findFirst({ where: { shop, source: { in: ["STOREFRONT", "GUEST", "PROGRAM_PAGE"] } }, select: { id: true } }),
    // The referrers' click counters outlive the raw link events (retention).
    db.referrer.findFirst({ where: { shop, clickCount: { gt: 0 } }, select: { id: true } }),
  ]);
  return { referrers, referrals, blockAdded: Boolean(joinedFromStore), embedEnabled: Boolean(clicked), firstReferral: referrals > 0 };
}

/** Theme editor deep links (Shopify's documented `addAppBlockId` / `activateAppId` parameters). */
export function themeEditorLinks(shop: string, apiKey: string) {
  const editor = `https://${shop}/admin/themes/current/editor`;
  return {
    addBlock: `${editor}?template=index&addAppBlockId=${apiKey}/referral&target=newAppsSection`,
    enableEmbed: `${editor}?context=apps&activateAppId=${apiKey}/referral-embed`,
  };
}
