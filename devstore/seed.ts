// The demo shop, made through the app's own code: the install (the Shop row
// and offline session Shopify's OAuth leaves, fake-shopify/seed.ts), the program saved with saveProgram
// (its friend discount created in the fake Admin API), referrers enrolled by
// the domain and their codes synced by the worker, and a few weeks of orders
// placed at the dev store's checkout and delivered as signed webhooks to the
// app's webhook receiver, then worked by the app's worker. Only dates are
// written directly: orders carry their own past dates, and the rows the app
// stamped "now" are moved back to them, holds included (then the dashboard's
// daily totals are rebuilt from the rows by the app's own rebuild).
import type { Db } from "~/db.server";
import { createWorker } from "~/jobs/worker.server";
import { jobHandlers, webhookHandlers } from "~/jobs/registry.server";
import { adminForShop } from "~/shopify/admin-for-shop.server";
import { APP_SCOPES } from "~/shopify/scopes";
import { saveProgram } from "~/referrals/programs.server";
import { programSettingsSchema } from "~/referrals/program-settings";
import { enrolReferrer } from "~/referrals/referrers.server";
import { rebuildDailyStats } from "~/referrals/daily-stats.server";
import type { FakeShopify } from "../fake-shopify/fake-shopify";
import { seedInstalledShop } from "../fake-shopify/seed";
import type { DevCommerce } from "./checkout";
import { publishAgreement } from "~/partners/agreement.server";
import { applyAsPartner, approvePartner, invitePartner } from "~/partners/partners.server";
import { agreementTemplate, partnerFeePhrase } from "~/partners/agreement-template";
import { DEMO_PARTNER, DEMO_PROGRAM, DEMO_SHOP_NAME, DEMO_SHOPPER } from "./demo-shop";
import { moveHolds } from "./holds";
import { recountLinkEvents } from "~/storefront/link-events.server";

export const DAY = 86_400_000;

const REFERRERS = [
  { firstName: "Rita", lastName: "Alvarez", email: "rita@example.com", source: "STOREFRONT" },
  { firstName: "Sam", lastName: "Lee", email: "sam@example.com", source: "INVITE" },
  { firstName: "Priya", lastName: "Shah", email: "priya@example.com", source: "STOREFRONT" },
  { firstName: "Tom", lastName: "Becker", email: "tom@example.com", source: "ADMIN" },
] as const;

/** Besides the demo partner (DEMO_PARTNER, approved, with referred orders below): an application waiting and an invitation not yet accepted. */
const OTHER_PARTNERS = {
  applied: { name: "Mia Hart", businessName: "Trail Guides Co", email: "mia@trailguides.example", website: "trailguides.example", pitch: "Guided hikes every weekend; our newsletter reaches 4,000 hikers." },
  invited: { name: "Bo Berg", businessName: "Bo's Bike Repair", email: "bo@bikerepair.example", website: "bikerepair.example" },
};
/** The demo partner's place in the referrers list (HISTORY's index). */
const PARTNER = REFERRERS.length;

// [days ago, referrer (index, or null for an order nobody referred), friend, products, by link (cart attribute) or typed code]
const HISTORY: [number, number | null, string, string[], "link" | "code"][] = [
  [26, 0, "ben@example.com", ["alpine-jacket"], "link"],
  [24, 1, "cleo@example.com", ["summit-backpack"], "code"],
  [22, null, "walk-in@example.com", ["trail-socks"], "code"],
  [21, 0, "dan@example.com", ["alpine-jacket", "trail-socks"], "link"],
  [19, 2, "eve@example.com", ["summit-backpack"], "link"],
  [17, 0, "finn@example.com", ["trail-socks", "trail-socks"], "code"],
  [15, 1, "gus@example.com", ["alpine-jacket"], "link"],
  [12, 3, "hana@example.com", ["summit-backpack", "trail-socks"], "link"],
  [10, 0, "ivan@example.com", ["alpine-jacket"], "code"],
  [8, 2, "june@example.com", ["trail-socks"], "link"],
  [6, null, "kai@example.com", ["summit-backpack"], "code"],
  [5, 1, "lena@example.com", ["alpine-jacket"], "link"],
  [3, 0, "milo@example.com", ["summit-backpack"], "link"],
  [1, 2, "nora@example.com", ["alpine-jacket", "summit-backpack"], "code"],
  [23, PARTNER, "olga@example.com", ["alpine-jacket", "trail-socks"], "link"],
  [16, PARTNER, "paul@example.com", ["summit-backpack"], "link"],
  [9, PARTNER, "quinn@example.com", ["alpine-jacket"], "code"],
  [2, PARTNER, "rosa@example.com", ["summit-backpack", "trail-socks"], "link"],
];
const CANCELLED = "cleo@example.com";
const CHANNELS = ["whatsapp", "email", "copy", "x", "facebook", "native"];

export interface SeedInput {
  db: Db;
  fake: FakeShopify;
  shop: string;
  /** The dev store's checkout; its webhooks must reach the app's receiver (in-process while seeding). */
  commerce: DevCommerce;
  now?: Date;
}

export async function seedDemoShop({ db, fake, shop, commerce, now = new Date() }: SeedInput) {
  const cause = "devstore seed";
  await seedInstalledShop(db, shop, { accessToken: "shpat_devstore", shopScope: APP_SCOPES.join(",") });

  const worker = createWorker({ db, webhookHandlers, jobHandlers, logger: { info: () => {}, warn: (m, d) => console.warn(`[seed] ${m}`, d ?? "") } });
  const drain = async () => {
    for (let round = 0; round < 200; round++) if ((await worker.runOnce()).claimed === 0) return;
    throw new Error("the worker never ran out of work while seeding");
  };

  await saveProgram({ db, admin: await adminForShop(shop), shop, settings: programSettingsSchema.parse(DEMO_PROGRAM), cause, now });
  fake.seedCustomer(shop, { ...DEMO_SHOPPER, numberOfOrders: 2 });
  const referrers: Awaited<ReturnType<typeof enrolReferrer>>["referrer"][] = [];
  for (const [i, r] of REFERRERS.entries()) {
    const customer = fake.seedCustomer(shop, { firstName: r.firstName, lastName: r.lastName, email: r.email, numberOfOrders: 3 });
    const { referrer } = await enrolReferrer(db, { shop, customerId: customer.id, email: r.email, firstName: r.firstName, lastName: r.lastName, source: r.source, cause, now });
    await db.referrer.update({ where: { id: referrer.id }, data: { createdAt: new Date(now.getTime() - (34 - i * 3) * DAY) } });
    referrers.push(referrer);
  }
  referrers.push(await seedPartners(db, shop, cause, now));
  await drain(); // the referrers' and the demo partner's codes go onto the friend discount

  // Friends' orders at the checkout, weeks ago.
  for (const [daysAgo, who, email, handles, via] of HISTORY) {
    const code = who === null ? null : referrers[who].code;
    const result = await commerce.placeOrder({
      cart: {
        lines: handles.map((handle) => ({ handle, quantity: 1 })),
        discountCodes: code ? [code] : [],
        attributes: code && via === "link" ? { _referral_code: code } : {},
      },
      email,
      createdAt: new Date(now.getTime() - daysAgo * DAY + 3_600_000 * (9 + (daysAgo % 8))),
    });
    if ("error" in result) throw new Error(`seed order for ${email}: ${result.error}`);
  }
  await drain();
  const cancelled = commerce.orders().find((o) => o.email === CANCELLED)!;
  await commerce.cancel(cancelled.number);
  await drain();

  // The app stamped its rows with today's date: give them their orders' dates, and holds that end 14 days after.
  const referrals = await db.referral.findMany({ where: { shop }, select: { id: true, orderCreatedAt: true } });
  for (const r of referrals) if (r.orderCreatedAt) await db.referral.update({ where: { id: r.id }, data: { createdAt: r.orderCreatedAt } });
  const holdDays = Number(DEMO_PROGRAM.holdDays);
  await moveHolds(db, shop, (r) => new Date(r.createdAt.getTime() + holdDays * DAY), { now, detail: "Demo history: the order was placed weeks ago" });
  await drain(); // referrals past their hold are approved and their reward codes created in Shopify
  for (const reward of await db.reward.findMany({ where: { shop }, include: { referral: { select: { holdUntil: true } } } })) {
    if (reward.referral?.holdUntil) await db.reward.update({ where: { id: reward.id }, data: { createdAt: reward.referral.holdUntil } });
  }

  // Shares and clicks on the referrers' links over the same weeks.
  await db.linkEvent.createMany({
    data: Array.from({ length: 60 }, (_, i) => ({
      shop,
      referrerId: referrers[i % referrers.length].id,
      type: i % 3 === 0 ? "SHARE" : "CLICK",
      channel: CHANNELS[(i * 7) % CHANNELS.length],
      createdAt: new Date(now.getTime() - ((i * 11) % 28) * DAY - (i % 12) * 3_600_000),
    })),
  });

  // The dashboard's per-day totals were counted on today's date: count them again from the rows.
  await recountLinkEvents(db, shop);
  await rebuildDailyStats(db, shop);
  return { referrers, orders: commerce.orders() };
}

/**
 * The partner program as a merchant leaves it after a few weeks: the agreement
 * published (the admin's starting template, with the program's partner fee),
 * the demo partner that applied on the partner page (signing version 1) and
 * was approved, so its link and code work (the history above has its referred
 * orders), another business's application waiting, and an invitation not yet
 * accepted. Through the domain, as the partner page and the admin would.
 * Returns the demo partner's referrer row.
 */
async function seedPartners(db: Db, shop: string, cause: string, now: Date) {
  const ago = (days: number) => new Date(now.getTime() - days * DAY);
  const program = await db.program.findUniqueOrThrow({ where: { shop } });
  const fee = partnerFeePhrase("en", { kind: program.partnerFeeKind === "FIXED" ? "FIXED" : "PERCENT", value: program.partnerFeeValue.toString(), currencyCode: program.currencyCode });
  const body = agreementTemplate("en", { shopName: DEMO_SHOP_NAME, fee, holdDays: program.holdDays });
  const published = await publishAgreement({ db, shop, cause, now: ago(36) }, { body, basedOn: 0 });
  if (!published.ok) throw new Error(`seed agreement: ${JSON.stringify(published.errors)}`);
  for (const [input, daysAgo] of [[DEMO_PARTNER, 34], [OTHER_PARTNERS.applied, 2]] as const) {
    const applied = await applyAsPartner(db, { shop, input: { ...input, signature: input.name, accepted: true, agreementVersion: String(published.version) }, ipHash: null, locale: "en", now: ago(daysAgo) });
    if (!applied.ok) throw new Error(`seed partner application: ${JSON.stringify(applied.errors)}`);
  }
  const partner = await db.partner.findFirstOrThrow({ where: { shop, email: DEMO_PARTNER.email } });
  const approved = await approvePartner({ db, shop, cause, now: ago(33) }, partner.id);
  if (!approved.ok) throw new Error(`seed partner approval: ${approved.reason}`);
  const invited = await invitePartner({ db, shop, cause, now: ago(1) }, { ...OTHER_PARTNERS.invited, feeKind: "FIXED", feeValue: "12" });
  if (!invited.ok) throw new Error(`seed partner invitation: ${JSON.stringify(invited.errors)}`);
  const { referrerId } = await db.partner.findUniqueOrThrow({ where: { id: partner.id } });
  const referrer = await db.referrer.update({ where: { id: referrerId! }, data: { createdAt: ago(33) } });
  if (referrer.status !== "ACTIVE") throw new Error(`the demo partner's link is ${referrer.status}`);
  return referrer;
}
