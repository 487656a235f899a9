// Secrets a merchant gives the app (a Klaviyo private API key), sealed with
// AES-256-GCM before they reach the database: a copy of the database (a
// backup, a support dump) holds nothing usable without ENCRYPTION_KEY. The shop
// is bound in as associated data, so a sealed key moved to another shop's row
// does not open.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { encryptionKeyBytes, env, type Env } from "~/env.server";

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The 32-byte key, or null in production without ENCRYPTION_KEY (the
 * integrations that need it say they cannot be connected). Outside production
 * a missing key is derived from SHOPIFY_API_SECRET, the same on every run, so
 * `npm run dev` and the tests need no extra setup; that secret is not made
 * for this, which is why production must set its own key.
 */
export function encryptionKey(config: Pick<Env, "ENCRYPTION_KEY" | "NODE_ENV" | "SHOPIFY_API_SECRET"> = env()): Buffer | null {
  if (config.ENCRYPTION_KEY) return encryptionKeyBytes(config.ENCRYPTION_KEY);
  if (config.NODE_ENV === "production") return null;
  return Buffer.from(hkdfSync("sha256", config.SHOPIFY_API_SECRET, "referral-app", "dev encryption key", 32));
}

/** base64 of iv | tag | ciphertext. */
export function seal(key: Buffer, plaintext: string, shop: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(shop, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64");
}

/** The plaintext, or null when the key (or the shop) is not the one it was sealed with, or the text was altered. */
export function open(key: Buffer, sealed: string, shop: string): string | null {
  const bytes = Buffer.from(sealed, "base64");
  if (bytes.length < IV_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(shop, "utf8"));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
