// Time passing in the dev store without a clock of its own in the app: the app
// approves a referral when its release job runs at or after `holdUntil`
// (app/referrals/rewards.server.ts). Moving `holdUntil` and the job's due time
// earlier is what waiting would have done; the app's worker then approves and
// issues the reward through its usual path.
import type { Db } from "~/db.server";
import { requestRelease } from "~/referrals/rewards.server";
import { recordAudit } from "~/referrals/audit.server";
import { ReferralStatus } from "~/referrals/statuses";

/**
 * Sets each of the shop's referrals on hold to `holdUntil(referral)` (if that is
 * earlier) and makes its release job due then. Returns how many are now due.
 */
export async function moveHolds(
  db: Db,
  shop: string,
  holdUntil: (referral: { id: string; createdAt: Date; holdUntil: Date | null }) => Date,
  { now = new Date(), detail = "Dev store clock moved past the hold" } = {},
): Promise<number> {
  const held = await db.referral.findMany({
    where: { shop, status: ReferralStatus.PENDING },
    select: { id: true, referrerId: true, createdAt: true, holdUntil: true },
  });
  let due = 0;
  for (const referral of held) {
    const until = holdUntil(referral);
    if (referral.holdUntil && until >= referral.holdUntil) continue;
    const moved = await db.referral.updateMany({ where: { id: referral.id, shop, status: ReferralStatus.PENDING }, data: { holdUntil: until } });
    if (!moved.count) continue;
    await recordAudit(db, { shop, referralId: referral.id, referrerId: referral.referrerId, action: "referral.hold-ended", cause: "devstore", detail });
    await requestRelease(db, { shop, referralId: referral.id, at: until, now });
    if (until <= now) due++;
  }
  return due;
}

/** Every referral on hold becomes due now ("move the clock past the hold"). */
export function endHoldsNow(db: Db, shop: string, now = new Date()): Promise<number> {
  return moveHolds(db, shop, () => now, { now });
}
