// The read API's keys: a merchant creates one per script or tool in the admin
// (app/routes/app.integrations.api-keys.tsx), sees it once, and can revoke it.
// Every key belongs to one shop, and a request authenticated with it reads only
// that shop's rows.
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "~/db.server";
import { recordAudit } from "~/referrals/audit.server";

export const KEY_PREFIX = "rk_live_";
/** Characters of the random part kept visible, so the merchant can tell keys apart. */
const VISIBLE = 8;
/** lastUsedAt is written at most this often per key: one write a minute, not one per request. */
const LAST_USED_EVERY_MS = 60_000;

export const API_KEY_CREATED = "api_key.created";
export const API_KEY_REVOKED = "api_key.revoked";

/**
 * SHA-256, unsalted and fast, is enough here: the key is 192 random bits, so
 * there is no dictionary to try and no way to brute-force the hash, unlike a
 * password (which needs a slow salted hash). A fast hash also lets a request's
 * key be found by an indexed equality lookup on every call.
 */
export function hashKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const listSelect = { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

export function listApiKeys(db: Db, shop: string): Promise<ApiKeyRow[]> {
  return db.apiKey.findMany({ where: { shop }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: listSelect });
}

/** Creates a key; the returned `key` is the only time the full key exists outside the caller's hands. */
export async function createApiKey(db: Db, { shop, name, cause }: { shop: string; name: string; cause: string }) {
  const key = KEY_PREFIX + randomBytes(24).toString("base64url");
  const prefix = key.slice(0, KEY_PREFIX.length + VISIBLE);
  const row = await db.$transaction(async (tx) => {
    const created = await tx.apiKey.create({ data: { shop, name, prefix, keyHash: hashKey(key), createdBy: cause }, select: listSelect });
    await recordAudit(tx, { shop, action: API_KEY_CREATED, cause, detail: JSON.stringify({ apiKeyId: created.id, name, prefix }) });
    return created;
  });
  return { key, row };
}

/** Revokes the shop's key `id`; null when it is not the shop's. Revoking twice keeps the first time. */
export async function revokeApiKey(db: Db, { shop, id, cause, now = new Date() }: { shop: string; id: string; cause: string; now?: Date }) {
  return db.$transaction(async (tx) => {
    const key = await tx.apiKey.findFirst({ where: { shop, id }, select: listSelect });
    if (!key) return null;
    if (key.revokedAt) return key;
    const revoked = await tx.apiKey.update({ where: { id: key.id }, data: { revokedAt: now }, select: listSelect });
    await recordAudit(tx, { shop, action: API_KEY_REVOKED, cause, detail: JSON.stringify({ apiKeyId: key.id, name: key.name, prefix: key.prefix }) });
    return revoked;
  });
}

export type KeyCheck = { ok: true; key: { id: string; shop: string } } | { ok: false; reason: "unknown" | "revoked" | "uninstalled" };

/** The key a request presents, found by its hash; its last use recorded at most once a minute. */
export async function checkApiKey(db: Db, presented: string, now = new Date()): Promise<KeyCheck> {
  const key = await db.apiKey.findUnique({ where: { keyHash: hashKey(presented) }, select: { id: true, shop: true, revokedAt: true, lastUsedAt: true } });
  if (!key) return { ok: false, reason: "unknown" };
  if (key.revokedAt) return { ok: false, reason: "revoked" };
  // Uninstalling ends the app's access to the shop: its keys stop reading at once
  // (their rows go with shop/redact), and work again if the merchant reinstalls.
  const installed = await db.shop.findUnique({ where: { shop: key.shop }, select: { active: true } });
  if (!installed?.active) return { ok: false, reason: "uninstalled" };
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= LAST_USED_EVERY_MS) {
    // Conditional on the old value: of many requests in the same minute, one writes.
    await db.apiKey.updateMany({
      where: { id: key.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: new Date(now.getTime() - LAST_USED_EVERY_MS) } }] },
      data: { lastUsedAt: now },
    });
  }
  return { ok: true, key: { id: key.id, shop: key.shop } };
}
