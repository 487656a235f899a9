// Storefront fixtures: a program and referrers written straight to the test
// database (the admin and Shopify are not what these tests are about).
import { randomInt } from "node:crypto";
import db from "~/db.server";
import { generateReferralCode } from "~/referrals/codes";

export async function seedProgram(shop: string, overrides: Partial<Parameters<typeof db.program.create>[0]["data"]> = {}) {
  return db.program.create({ data: { shop, terms: "Be kind.\nOne reward per friend.", ...overrides } });
}

export async function seedReferrer(
  shop: string,
  overrides: Partial<Parameters<typeof db.referrer.create>[0]["data"]> = {},
) {
  return db.referrer.create({ data: { shop, code: generateReferralCode("FRIEND"), source: "STOREFRONT", ...overrides } });
}

/** A fresh client IP per test, so per-IP windows never leak between tests. */
export function uniqueIp(): string {
  return `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
}
