// Recognising one customer inside free text (audit details, stored webhook
// bodies, job payloads) and cutting them out. Pure functions: the privacy
// handlers decide where to look, this decides what counts as a mention.
import { normaliseEmail } from "./email";

/** Everything that identifies one customer: numeric Shopify ids and email keys. */
export interface CustomerMarks {
  /** Numeric customer ids ("7283749823749"); their gids end with them. */
  ids: Set<string>;
  /** normaliseEmail() keys: any spelling of the address that maps to one is the customer. */
  emailKeys: Set<string>;
}

export const REDACTED = "[redacted]";

const GID_PREFIX = "gid://shopify/Customer/";

/** The customer gid for a numeric id or a gid; null for anything else. */
export function customerGid(id: string | number | null | undefined): string | null {
  if (id === null || id === undefined) return null;
  const text = String(id).trim();
  if (/^\d+$/.test(text)) return GID_PREFIX + text;
  if (text.startsWith(GID_PREFIX) && /^\d+$/.test(text.slice(GID_PREFIX.length))) return text;
  return null;
}

export function numericCustomerId(gid: string): string | null {
  return customerGid(gid)?.slice(GID_PREFIX.length) ?? null;
}

export function emptyMarks(): CustomerMarks {
  return { ids: new Set(), emailKeys: new Set() };
}

/** Adds a customer id (numeric or gid) or an email to the marks; ignores what is neither. */
export function addMark(marks: CustomerMarks, value: { customerId?: string | number | null; email?: string | null }) {
  const gid = customerGid(value.customerId);
  if (gid) marks.ids.add(gid.slice(GID_PREFIX.length));
  const key = value.email ? normaliseEmail(value.email) : null;
  if (key) marks.emailKeys.add(key);
}

// Anything shaped like an address, also URL-encoded (landing_site=...%40...):
// a maximal run of characters that cannot delimit JSON, URLs or prose, with an
// "@" or "%40" inside it. The run is found by a pattern without alternatives or
// backtracking, and the sign is looked for in the run afterwards, so the cost is
// linear in the text (a pattern with the sign inside it backtracks through every
// start of a long run: 40,000 characters took 2.6 s).
const RUN = /[^\s"'<>()[\]{},;:\\/?&=|]+/g;

/** A run with "@" or "%40" after its first character and before its last. */
function looksLikeAddress(run: string): boolean {
  const at = run.indexOf("@", 1);
  if (at !== -1 && at + 1 < run.length) return true;
  const encoded = run.toLowerCase().indexOf("%40", 1);
  return encoded !== -1 && encoded + 3 < run.length;
}

function emailTokenKey(token: string): string | null {
  let text = token.replace(/\.+$/, "");
  try {
    text = decodeURIComponent(text);
  } catch {
    // Not URL-encoded after all: compare it as written.
  }
  return normaliseEmail(text);
}

// One pattern per set of ids: an erasure tests it against every row of a shop.
const idPatterns = new WeakMap<Set<string>, { size: number; pattern: RegExp }>();

function idPattern(ids: Set<string>): RegExp | null {
  if (ids.size === 0) return null;
  const cached = idPatterns.get(ids);
  if (cached && cached.size === ids.size) {
    cached.pattern.lastIndex = 0;
    return cached.pattern;
  }
  const pattern = wholeIds(ids);
  idPatterns.set(ids, { size: ids.size, pattern });
  return pattern;
}

function wholeIds(ids: Set<string>): RegExp {
  // Whole numbers only: 1234 must not match inside 51234, 12345 or 1234.50.
  return new RegExp(`(?<![\\d.])(?:${[...ids].join("|")})(?![\\d]|\\.\\d)`, "g");
}

/** Whether `text` mentions the customer (an id, its gid, or any spelling of the email). */
export function mentions(text: string | null | undefined, marks: CustomerMarks): boolean {
  if (!text) return false;
  const ids = idPattern(marks.ids);
  if (ids?.test(text)) return true;
  if (marks.emailKeys.size === 0) return false;
  for (const [token] of text.matchAll(RUN)) {
    if (!looksLikeAddress(token)) continue;
    const key = emailTokenKey(token);
    if (key && marks.emailKeys.has(key)) return true;
  }
  return false;
}

/**
 * `text` with every mention of the customer replaced. JSON stays parseable
 * (a bare numeric id becomes null, mentions inside strings become [redacted]);
 * text that cannot be kept valid is dropped (null) rather than kept with data in it.
 */
export function scrubText(text: string | null, marks: CustomerMarks): string | null {
  if (text === null || !mentions(text, marks)) return text;
  let scrubbed = text.replace(RUN, (token) => {
    if (!looksLikeAddress(token)) return token;
    const key = emailTokenKey(token);
    return key && marks.emailKeys.has(key) ? REDACTED : token;
  });
  const ids = idPattern(marks.ids);
  if (ids) {
    const wasJson = isJson(text);
    if (wasJson) {
      // A bare JSON number ("id": 123) cannot hold a word: null keeps the document valid.
      // The separator is matched, not looked behind for: a look-behind with \\s* would
      // rescan a long run of spaces from every position in it.
      const bare = new RegExp(`([:\\[,]\\s*)(?:${[...marks.ids].join("|")})(?=\\s*[,\\]}])`, "g");
      scrubbed = scrubbed.replace(bare, "$1null");
    }
    scrubbed = scrubbed.replace(ids, REDACTED);
    if (wasJson && !isJson(scrubbed)) return null;
  }
  return mentions(scrubbed, marks) ? null : scrubbed;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
