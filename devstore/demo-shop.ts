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
 * One approved partner, who signed version 1 of the agreement the seed
 * publishes (the admin's starting template): ask for a sign-in link with her
 * email on the storefront's /apps/referrals/partners, open it from the mailbox.
 */
export const DEMO_PARTNER = { name: "Lina Camilleri", businessName: "Harbour Hiking Club", email: "lina@harbourhiking.example", website: "harbourhiking.example", pitch: "Our club walks every weekend; members ask us where to buy boots and jackets." };
