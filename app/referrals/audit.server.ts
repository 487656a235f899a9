// The audit trail: why every referral, reward and referrer is in the state it is.
import type { Db } from "~/db.server";

export interface AuditEntry {
  shop: string;
  action: string;
  cause: string;
  referralId?: string | null;
  rewardId?: string | null;
  referrerId?: string | null;
  fromStatus?: string | null;
  toStatus?: string | null;
  detail?: string | null;
}

type AuditWriter = Pick<Db, "auditEvent">;

export async function recordAudit(db: AuditWriter, entry: AuditEntry) {
  await db.auditEvent.create({ data: entry });
}
