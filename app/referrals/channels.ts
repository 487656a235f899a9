// Share channels: what a referral link says about where it was shared
// (`ch=whatsapp`, or a campaign's utm_source), reduced to a safe label.
export const MAX_CHANNEL_LENGTH = 32;
/** A link that names no channel: typed or pasted without one. */
export const DIRECT_CHANNEL = "direct";

/** A share button's `ch` or a utm_source, reduced to a safe label; none means a direct visit. */
export function normaliseChannel(raw: unknown): string {
  if (typeof raw !== "string" || raw.trim() === "") return DIRECT_CHANNEL;
  const label = raw.trim().toLowerCase();
  return /^[a-z0-9_.-]+$/.test(label) ? label.slice(0, MAX_CHANNEL_LENGTH) : "other";
}
