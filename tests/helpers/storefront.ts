// Storefront fixtures: a program and referrers written straight to the test
// database (the admin and Shopify are not what these tests are about); the
// rows themselves are fake-shopify/seed.ts's.
import { randomInt } from "node:crypto";
import db from "~/db.server";
import * as seed from "../../fake-shopify/seed";

export function seedProgram(shop: string, overrides: Parameters<typeof seed.seedProgram>[2] = {}) {
  return seed.seedProgram(db, shop, overrides);
}

export function seedReferrer(shop: string, overrides: Parameters<typeof seed.seedReferrer>[2] = {}) {
  return seed.seedReferrer(db, shop, overrides);
}

/** A fresh client IP per test, so per-IP windows never leak between tests. */
export function uniqueIp(): string {
  return `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
}
