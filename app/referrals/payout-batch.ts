// What the payouts page and the payout batch module share (the page's client
// code may not import the server module).
export const BatchStatus = {
  OPEN: "OPEN",
  PAID: "PAID",
  // Voided while open: its fees went back to owed. Kept, so that its number
  // (which its downloaded files carry) is never given to another batch.
  VOID: "VOID",
} as const;

/** Whose fees a new batch takes. */
export const BATCH_RECIPIENTS = ["all", "partners", "customers"] as const;
export type BatchRecipients = (typeof BATCH_RECIPIENTS)[number];
