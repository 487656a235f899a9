// What the app's database holds for a shop, written straight to it, for the
// tests, the dev store, the benchmarks and the soak: an installed shop (what
// Shopify's OAuth and the app's install leave behind), and the storefront's
// fixtures (a program, referrers) where the admin and Shopify are not the point.
import type { Db } from "~/db.server";
import { generateReferralCode } from "~/referrals/codes";
import { APP_SCOPES } from "~/shopify/scopes";

type SessionData = Parameters<Db["session"]["create"]>[0]["data"];

export interface InstalledShopOptions {
  /** The offline session's access token. */
  accessToken?: string;
  /** The offline session's scopes; the app's (APP_SCOPES) by default, so the admin asks for no token exchange. Null for none recorded. */
  scope?: string | null;
  /** The Shop row's scopes (what the install recorded); not written unless given. */
  shopScope?: string | null;
  /** The shop's currency, as the app reads it from Shopify; not written unless given. */
  currencyCode?: string | null;
  installedAt?: Date;
  /** Sessions beside the offline one (staff's online sessions...): shop, state "" and isOnline true unless they say otherwise. */
  sessions?: (Partial<SessionData> & { id: string; accessToken: string })[];
}

/**
 * An installed shop: its Shop row (active) and its offline session, `offline_<shop>`.
 * Written with upserts, so installing again (or over a shop a test made) is fine;
 * a Shop row that is there keeps the fields the options do not give.
 */
export async function seedInstalledShop(db: Db, shop: string, options: InstalledShopOptions = {}) {
  const shopFields = {
    ...(options.shopScope !== undefined && { scope: options.shopScope }),
    ...(options.currencyCode !== undefined && { currencyCode: options.currencyCode }),
    ...(options.installedAt && { installedAt: options.installedAt }),
  };
  await db.shop.upsert({ where: { shop }, create: { shop, ...shopFields }, update: { active: true, uninstalledAt: null, ...shopFields } });
  const offline = {
    shop,
    state: "",
    isOnline: false,
    accessToken: options.accessToken ?? "shpat_test",
    scope: options.scope === undefined ? APP_SCOPES.join(",") : options.scope,
  };
  const id = `offline_${shop}`;
  await db.session.upsert({ where: { id }, create: { id, ...offline }, update: offline });
  for (const session of options.sessions ?? []) {
    const data = { shop, state: "", isOnline: true, ...session };
    await db.session.upsert({ where: { id: session.id }, create: data, update: data });
  }
}

/** A program for the shop, with the schema's defaults where `overrides` says nothing. */
export async function seedProgram(db: Db, shop: string, overrides: Partial<Parameters<Db["program"]["create"]>[0]["data"]> = {}) {
  return db.program.create({ data: { shop, terms: "Be kind.\nOne reward per friend.", ...overrides } });
}

/** A referrer who enrolled on the storefront, with a fresh code. */
export async function seedReferrer(db: Db, shop: string, overrides: Partial<Parameters<Db["referrer"]["create"]>[0]["data"]> = {}) {
  return db.referrer.create({ data: { shop, code: generateReferralCode("FRIEND"), source: "STOREFRONT", ...overrides } });
}
