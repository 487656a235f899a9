// Clicks on referral links and shares from the block, for channel analytics.
// Answers never say whether a code exists: the caller gets the same result
// for an unknown code, a disabled referrer and a real one.
import type { Db } from "~/db.server";
import { deviceHashes } from "~/referrals/device";
import { looksLikeReferralCode } from "~/referrals/codes";
import { countedTransaction } from "~/referrals/daily-stats.server";
import { findReferrerByCode } from "~/referrals/referrers.server";

export { MAX_CHANNEL_LENGTH, normaliseChannel } from "~/referrals/channels";

async function activeReferrer(db: Db, shop: string, code: string) {
  if (!looksLikeReferralCode(code)) return null;
  const [program, referrer] = await Promise.all([
    db.program.findUnique({ where: { shop }, select: { enabled: true } }),
    findReferrerByCode(db, shop, code),
  ]);
  if (!program?.enabled || !referrer || referrer.status !== "ACTIVE" || referrer.redactedAt) return null;
  return referrer;
}

/**
 * A visit through a referral link: counted for an active referrer of a live
 * program. Returns the first name the friend's welcome banner may show: only
 * when that referrer allowed it (showFirstName) and one is known; never their
 * last name or email.
 */
export async function recordClick(
  db: Db,
  { shop, code, channel, visitor }: { shop: string; code: string; channel: string; visitor?: { ip: string | null; userAgent: string | null } },
): Promise<{ firstName: string | null; referrer: { id: string; code: string; variantId: string | null; variantMovedAt: Date | null } | null; visitor: { ipHash: string | null; uaHash: string | null } }> {
  // The visitor's browser, hashed (device.ts): whether an order's browser came by this link.
  const hashes = visitor ? deviceHashes(shop, visitor) : { ipHash: null, uaHash: null };
  const referrer = await activeReferrer(db, shop, code);
  if (!referrer) return { firstName: null, referrer: null, visitor: hashes };
  await recordEvent(db, { shop, referrerId: referrer.id, type: "CLICK", channel, ...hashes });
  return { firstName: shownFirstName(referrer), referrer: { id: referrer.id, code: referrer.code, variantId: referrer.variantId, variantMovedAt: referrer.variantMovedAt }, visitor: hashes };
}

/** The referrer's first name when they allowed it to be shown, trimmed (40 characters at most), else null. */
export function shownFirstName(referrer: { showFirstName: boolean; firstName: string | null }): string | null {
  const name = referrer.showFirstName ? (referrer.firstName ?? "").trim().slice(0, 40) : "";
  return name || null;
}

/** A share by the logged-in customer (their referrer) or by a guest who just enrolled (their code). */
export async function recordShare(
  db: Db,
  { shop, customerId, code, channel }: { shop: string; customerId: string | null; code: string | null; channel: string },
) {
  const referrer = customerId
    ? await db.referrer.findUnique({ where: { shop_customerId: { shop, customerId } } })
    : code
      ? await activeReferrer(db, shop, code)
      : null;
  if (referrer && referrer.status === "ACTIVE") {
    await recordEvent(db, { shop, referrerId: referrer.id, type: "SHARE", channel });
  }
}

async function recordEvent(db: Db, data: { shop: string; referrerId: string; type: "CLICK" | "SHARE"; channel: string; ipHash?: string | null; uaHash?: string | null }) {
  await countedTransaction(db, data.shop, async (tx, changes) => {
    const event = await tx.linkEvent.create({ data });
    // The referrer's all-time count outlives the raw event (see retention.server.ts).
    await tx.referrer.updateMany({
      where: { shop: data.shop, id: data.referrerId },
      data: data.type === "CLICK" ? { clickCount: { increment: 1 } } : { shareCount: { increment: 1 } },
    });
    changes.add({ at: event.createdAt, channel: event.channel, ...(data.type === "CLICK" ? { clicks: 1 } : { shares: 1 }) });
  });
}

/**
 * Sets the shop's referrer counters from its stored link events, for events
 * written as rows (seeds, imports, the 1M-row benchmark loader). Only right
 * while none has been deleted by retention: the app's own events count as
 * they are recorded.
 */
export async function recountLinkEvents(db: Db, shop: string): Promise<void> {
  await db.$executeRaw`
    UPDATE "Referrer" SET
      "clickCount" = (SELECT COUNT(*) FROM "LinkEvent" e WHERE e."shop" = ${shop} AND e."referrerId" = "Referrer"."id" AND e."type" = 'CLICK'),
      "shareCount" = (SELECT COUNT(*) FROM "LinkEvent" e WHERE e."shop" = ${shop} AND e."referrerId" = "Referrer"."id" AND e."type" = 'SHARE')
    WHERE "shop" = ${shop}`;
}
