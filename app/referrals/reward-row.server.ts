// The reward row as the reward jobs read it (with its referrer and referral),
// and what taking a reward back came to.
import type { Db } from "~/db.server";

export type RewardWithReferrer = NonNullable<Awaited<ReturnType<typeof findReward>>>;
export function findReward(db: Db, shop: string, id: string) {
  return db.reward.findFirst({ where: { id, shop }, include: { referrer: true, referral: true } });
}

export interface RevocationOutcome {
  revoked: boolean;
  note: string;
  /** The store credit debit transaction that took the reward back, if one did. */
  debitId?: string;
}

