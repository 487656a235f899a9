// How many days each kind of row is kept (see retention.server.ts), in a module
// with no imports: the environment's validation reads the defaults, and must
// not load the database client on the way (it opens DATABASE_URL on import).
export interface RetentionPolicy {
  processedDays: number;
  problemDays: number;
  linkEventDays: number;
  auditDays: number;
  /** Emails sent, suppressed or failed (the send log), and the outbox rows behind them. */
  emailDays: number;
  /** Referral events whose deliveries are all finished (the integrations' delivery log). */
  eventDays: number;
  /** The landing and referring sites kept on referrals as leak evidence. */
  leakEvidenceDays: number;
  /** Declined partner applications (a business's contact details and pitch), counted from the decision. */
  declinedPartnerDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { processedDays: 30, problemDays: 90, linkEventDays: 90, auditDays: 730, emailDays: 90, eventDays: 30, leakEvidenceDays: 180, declinedPartnerDays: 90 };
