// The demo shop's fixed facts, shared by the launcher, the seed and the end-to-end
// test (only side-effect-free app modules are imported here: the app's
// configuration is set before the others load).
import type { ProgramSettingsInput } from "~/referrals/program-settings";
import { PUBLIC_DEMO_SECRET } from "~/env.server";

export const DEMO_SHOP = "demo-outfitters.myshopify.com";
export const DEMO_SHOP_NAME = "Demo Outfitters";
// Not the credentials of any real app: the dev store and the app share them locally.
export const DEMO_API_KEY = "devstore-demo-api-key";
// The app refuses this secret unless it runs against the dev store (app/env.server.ts).
export const DEMO_API_SECRET = PUBLIC_DEMO_SECRET;

/** The address the app sends from (EMAIL_FROM): every email lands in the dev store's mailbox. */
export const DEMO_EMAIL_FROM = "referrals@devstore.localhost";

/** The program the demo starts with; the end-to-end test changes it to 10% / 10%, no hold. */
export const DEMO_PROGRAM: ProgramSettingsInput = {
  friendOfferKind: "PERCENTAGE",
  friendOfferValue: "15",
  rewardKind: "CODE_PERCENTAGE",
  rewardValue: "15",
  holdDays: 14,
  terms: "Share your link with friends. They get a discount on their first order; you get a reward code once their order is past the 14-day return window.",
};

/** A shopper with an account who has not joined yet: the end-to-end test logs in as her. */
export const DEMO_SHOPPER = { firstName: "Ana", lastName: "Lopez", email: "ana@example.com" };


/**
 * The demo's partner agreement (version 1, published by the seed) and one
 * approved partner who signed it: ask for a sign-in link with her email on
 * the storefront's /apps/referrals/partners, open it from the mailbox.
 */
export const DEMO_AGREEMENT = [
  "Partner agreement between Demo Outfitters and the partner named in the application.",
  "1. Referrals. The partner tells their own customers and members about Demo Outfitters honestly, with their own link, code, brochure or poster. They do not post the code on coupon or deal sites, send unsolicited email, or bid on the shop's name in search ads.",
  "2. Fee. For each order placed with the partner's link or code by a customer who has not bought from the shop before, the shop pays the partner's fee once the order's return window has passed. Refunded or cancelled orders earn no fee; a partial refund lowers a percentage fee.",
  "3. Payment. Fees are paid monthly by PayPal to the payout email, with a reference the partner sees on their partner page.",
  "4. Changes and ending. The shop may publish a new version of this agreement; the partner's link pauses until they accept it. Either side may end the agreement by email; fees already earned are still paid.",
].join("\n\n");

export const DEMO_PARTNER = { name: "Lina Camilleri", businessName: "Harbour Hiking Club", email: "lina@harbourhiking.example", website: "harbourhiking.example", pitch: "Our club walks every weekend; members ask us where to buy boots and jackets." };
