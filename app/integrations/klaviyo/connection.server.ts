// A shop's Klaviyo connection: connecting checks the private API key with
// Klaviyo before storing it sealed (secret-box.server.ts); the key is never
// shown again, only its last four characters. When the merchant sends referral
// emails from Klaviyo flows instead, the app's own shopper emails are switched
// off through the Emails page's switches (EmailSwitch), so the email outbox
// suppresses them like any email the merchant switched off there.
import type { Db } from "~/db.server";
import { EMAIL_KINDS, NOT_SHOPPER_MAIL } from "~/email/kinds";
import { en, type Messages } from "~/i18n/en";
import { recordAudit } from "~/referrals/audit.server";
import { hitRateLimit } from "~/storefront/rate-limit.server";
import { getAccount, klaviyoFailure } from "./client.server";
import { encryptionKey, open, seal } from "./secret-box.server";

export const KlaviyoStatus = { ACTIVE: "ACTIVE", BROKEN: "BROKEN" } as const;

/** The emails to shoppers: all but the merchant's own digest and the partner emails. */
export const SHOPPER_EMAILS = EMAIL_KINDS.filter((kind) => !NOT_SHOPPER_MAIL.has(kind));

/** Key checks per shop per minute, at most: Klaviyo's Get Accounts allows 15 a minute per account. */
export const CONNECT_ATTEMPTS_PER_MINUTE = 10;

/** Klaviyo private API keys are "pk_" and hex; anything else was pasted by mistake (a public key, a site id). */
const PRIVATE_KEY = /^pk_[A-Za-z0-9]{16,128}$/;

export type ConnectResult = { ok: true; last4: string } | { ok: false; field: "apiKey" | "form"; message: string };

export async function klaviyoPage(db: Db, shop: string) {
  const connection = await db.klaviyoConnection.findUnique({ where: { shop } });
  return {
    canConnect: encryptionKey() !== null,
    connection: connection && {
      last4: connection.keyLast4,
      broken: connection.status === KlaviyoStatus.BROKEN,
      brokenReason: connection.brokenReason,
      sendAppEmails: connection.sendAppEmails,
      connectedAt: connection.connectedAt.toISOString(),
    },
  };
}

export async function connectKlaviyo(
  db: Db,
  { shop, apiKey, cause, t = en, now = new Date() }: { shop: string; apiKey: string; cause: string; t?: Messages; now?: Date },
): Promise<ConnectResult> {
  const k = t.klaviyo;
  const key = encryptionKey();
  if (!key) return { ok: false, field: "form", message: k.noEncryptionKey };
  const plain = apiKey.trim();
  if (!plain) return { ok: false, field: "apiKey", message: k.keyRequired };
  if (!PRIVATE_KEY.test(plain)) return { ok: false, field: "apiKey", message: k.keyFormat };
  const limited = await hitRateLimit(db, { key: `klaviyo-connect:${shop}`, limit: CONNECT_ATTEMPTS_PER_MINUTE, windowMs: 60_000 }, now);
  if (!limited.ok) return { ok: false, field: "form", message: k.tooManyAttempts };
  try {
    await getAccount(plain);
  } catch (error) {
    const failure = klaviyoFailure(error, now);
    if (failure.kind === "refused") return { ok: false, field: "apiKey", message: k.keyRefused };
    if (failure.kind === "rejected") return { ok: false, field: "apiKey", message: k.keyRejected(failure.message) };
    return { ok: false, field: "form", message: failure.kind === "throttled" ? k.klaviyoBusy : k.klaviyoUnreachable };
  }
  const last4 = plain.slice(-4);
  const sealed = { keyCiphertext: seal(key, plain, shop), keyLast4: last4, status: KlaviyoStatus.ACTIVE, brokenReason: null, connectedAt: now };
  await db.klaviyoConnection.upsert({ where: { shop }, create: { shop, ...sealed }, update: sealed });
  await recordAudit(db, { shop, action: "klaviyo.connected", cause, detail: `key ending ${last4}` });
  return { ok: true, last4 };
}

/** Forgets the key. The app's own emails come back with it (the flag goes with the connection): the shop is never left with none. */
export async function disconnectKlaviyo(db: Db, { shop, cause }: { shop: string; cause: string }): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const connection = await tx.klaviyoConnection.findUnique({ where: { shop }, select: { sendAppEmails: true } });
    if (!connection) return false;
    await tx.klaviyoConnection.delete({ where: { shop } });
    await recordAudit(tx, { shop, action: "klaviyo.disconnected", cause });
    return true;
  });
}

/**
 * The page's switch "send the app's own referral emails": off, the email
 * outbox sends no shopper email of the shop (Klaviyo flows send them instead;
 * the merchant's digest still goes), whatever the Emails page's switches say,
 * and they are left as the merchant set them for when it is on again. False
 * without a connection.
 */
export async function setSendAppEmails(db: Db, { shop, enabled, cause }: { shop: string; enabled: boolean; cause: string }): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.klaviyoConnection.updateMany({ where: { shop }, data: { sendAppEmails: enabled } });
    if (count === 0) return false;
    await recordAudit(tx, { shop, action: enabled ? "klaviyo.app_emails_on" : "klaviyo.app_emails_off", cause, detail: SHOPPER_EMAILS.join(",") });
    return true;
  });
}

/** Klaviyo refused the key: nothing more is sent until the merchant connects one that works. */
export async function markBroken(db: Db, shop: string, reason: string): Promise<void> {
  await db.klaviyoConnection.updateMany({ where: { shop, status: KlaviyoStatus.ACTIVE }, data: { status: KlaviyoStatus.BROKEN, brokenReason: reason.slice(0, 500) } });
}

/** The shop's working key, or why there is none to send with. */
export async function activeKey(db: Db, shop: string): Promise<{ apiKey: string } | { none: string } | { broken: string }> {
  const connection = await db.klaviyoConnection.findUnique({ where: { shop } });
  if (!connection) return { none: "Klaviyo was disconnected" };
  if (connection.status !== KlaviyoStatus.ACTIVE) return { broken: `Klaviyo refused the key: ${connection.brokenReason ?? "reconnect Klaviyo"}` };
  const key = encryptionKey();
  const apiKey = key && open(key, connection.keyCiphertext, shop);
  if (!apiKey) {
    const reason = "The stored key cannot be decrypted (ENCRYPTION_KEY is missing or changed): reconnect Klaviyo";
    await markBroken(db, shop, reason);
    return { broken: reason };
  }
  return { apiKey };
}
