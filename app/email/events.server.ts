// The moments the program emails someone, as the domain reports them. Each
// key names the event and what it is about, so reporting an event twice (a
// retried job, a duplicate webhook) records one email.
import type { Db } from "~/db.server";
import { Prisma } from "~/db.server";
import { addManyToOutbox, addToOutbox, queueEmail, type QueueOutcome } from "./outbox.server";

type Tx = Prisma.TransactionClient;

interface ReferrerContact {
  id: string;
  shop: string;
  email: string | null;
  locale: string | null;
  status: string;
}

interface RewardFacts {
  id: string;
  shop: string;
  kind: string;
  code: string | null;
  expiresAt: Date | null;
  referrer: ReferrerContact;
}

const DAY_MS = 86_400_000;

/** "Your referral link", once per referrer (sign-up from the storefront, the thank-you page or the program page). */
export function emailYourLink(db: Db, referrer: ReferrerContact, now = new Date()): Promise<QueueOutcome> {
  return queueEmail(db, { shop: referrer.shop, kind: "YOUR_LINK", key: `link:${referrer.id}`, recipient: referrer.email, locale: referrer.locale, referrerId: referrer.id }, now);
}

/**
 * A guest who asks for their link by email: each ask is answered (once a day
 * at most, so a stranger typing the address cannot flood it), whether the
 * guest is new or enrolled before; a disabled referrer gets nothing.
 */
export async function emailGuestLink(db: Db, referrer: ReferrerContact, now = new Date()): Promise<QueueOutcome> {
  if (referrer.status !== "ACTIVE") return "exists";
  const day = now.toISOString().slice(0, 10);
  return queueEmail(db, { shop: referrer.shop, kind: "YOUR_LINK", key: `guest:${referrer.id}:${day}`, recipient: referrer.email, locale: referrer.locale, referrerId: referrer.id }, now);
}

/** An invitation to an existing customer the invite run enrolled (their consent was checked by the caller). */
export function emailInvitation(db: Db, referrer: ReferrerContact, inviteRunId: string, now = new Date()): Promise<QueueOutcome> {
  return queueEmail(db, invitation(referrer, inviteRunId), now);
}

/** emailInvitation for a batch of one shop's referrers, in the transaction that enrols them; kickOutbox after it commits. */
export function emailInvitations(tx: Tx, shop: string, referrers: ReferrerContact[], inviteRunId: string, now: Date): Promise<QueueOutcome[]> {
  return addManyToOutbox(tx, shop, referrers.map((r) => invitation(r, inviteRunId)), now);
}

function invitation(referrer: ReferrerContact, inviteRunId: string) {
  return { shop: referrer.shop, kind: "INVITATION" as const, key: `invite:${referrer.id}`, recipient: referrer.email, locale: referrer.locale, referrerId: referrer.id, inviteRunId };
}

/** "A friend ordered": the referral is pending until its hold ends. */
export function emailFriendOrdered(db: Db, referral: { id: string; shop: string }, referrer: ReferrerContact, now = new Date()): Promise<QueueOutcome> {
  return queueEmail(db, { shop: referral.shop, kind: "FRIEND_ORDERED", key: `ordered:${referral.id}`, recipient: referrer.email, locale: referrer.locale, referrerId: referrer.id, referralId: referral.id }, now);
}

/**
 * In the transaction that marks the reward issued: "your reward", and for a
 * code that expires, its reminder `reminderDays` before (if that is still ahead).
 */
export async function emailRewardIssued(tx: Tx, reward: RewardFacts, reminderDays: number, now: Date): Promise<void> {
  const base = { shop: reward.shop, recipient: reward.referrer.email, locale: reward.referrer.locale, referrerId: reward.referrer.id, rewardId: reward.id };
  await addToOutbox(tx, { ...base, kind: "REWARD_ISSUED", key: `reward:${reward.id}` }, now);
  if (reward.kind !== "CODE" || !reward.code || !reward.expiresAt || reminderDays <= 0) return;
  const remindAt = new Date(reward.expiresAt.getTime() - reminderDays * DAY_MS);
  if (remindAt > now) await addToOutbox(tx, { ...base, kind: "REWARD_REMINDER", key: `reminder:${reward.id}`, availableAt: remindAt }, now);
}

/** In the transaction that takes an issued reward back. */
export async function emailRewardRevoked(tx: Tx, reward: RewardFacts, now: Date): Promise<void> {
  await addToOutbox(
    tx,
    { shop: reward.shop, kind: "REWARD_REVOKED", key: `revoked:${reward.id}`, recipient: reward.referrer.email, locale: reward.referrer.locale, referrerId: reward.referrer.id, rewardId: reward.id },
    now,
  );
}

/**
 * In the transaction that rotates a referrer's code: "your code changed", with
 * the old code and until when it works (read back when sending).
 */
export async function emailCodeChanged(
  tx: Tx,
  referrer: ReferrerContact,
  change: { rotationId: string; oldCode: string; newCode: string; retireAt: Date },
  now: Date,
): Promise<QueueOutcome> {
  return addToOutbox(
    tx,
    {
      shop: referrer.shop,
      kind: "CODE_CHANGED",
      key: `rotated:${change.rotationId}`,
      recipient: referrer.email,
      locale: referrer.locale,
      referrerId: referrer.id,
      payload: { oldCode: change.oldCode, newCode: change.newCode, retireAt: change.retireAt.toISOString() },
    },
    now,
  );
}
