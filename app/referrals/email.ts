// One customer, one key: the same person typing "John.Smith+promo@GoogleMail.com"
// and "johnsmith@gmail.com" must be recognised as one (enrolment idempotency,
// self-referral checks, privacy requests). Shared by server and client code.

// Deliberately loose: a local part and a dotted domain, no spaces, one "@".
// Shopify has already validated checkout emails; this only rejects garbage.
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

const GMAIL_DOMAINS = new Set(["gmail.com", "googlemail.com"]);

/** The comparison key of an email address, or null when the input is not one. */
export function normaliseEmail(email: string): string | null {
  const trimmed = email.trim().toLowerCase();
  if (!EMAIL.test(trimmed)) return null;
  const at = trimmed.lastIndexOf("@");
  let local = trimmed.slice(0, at);
  let domain = trimmed.slice(at + 1);
  // Sub-addressing ("+tag") reaches the same mailbox at Gmail, Outlook, iCloud,
  // Fastmail and most others: treating it as a new person would let one shopper
  // refer themselves.
  local = local.split("+")[0];
  if (GMAIL_DOMAINS.has(domain)) {
    // Gmail ignores dots in the local part, and googlemail.com is the same service.
    local = local.replaceAll(".", "");
    domain = "gmail.com";
  }
  if (local === "") return null;
  return `${local}@${domain}`;
}
