// Referral codes: unguessable (random, not derived from anything), easy to read
// aloud (no 0/O, 1/I/L), and carrying the program's prefix: FRIEND-7KQ4XM9P.
import { randomInt } from "node:crypto";

// 31 symbols: digits and capitals without 0, 1, I, L, O.
export const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export const CODE_RANDOM_LENGTH = 8; // 31^8 ≈ 8.5e11 possibilities per prefix.
export const MAX_PREFIX_LENGTH = 12;

export function randomCodePart(length = CODE_RANDOM_LENGTH, random: (max: number) => number = randomInt): string {
  let out = "";
  for (let i = 0; i < length; i++) out += CODE_ALPHABET[random(CODE_ALPHABET.length)];
  return out;
}

/** The merchant's prefix as it appears in codes: capitals and digits only. */
export function normalisePrefix(prefix: string): string {
  return prefix
    .normalize("NFKD")
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, "")
    .slice(0, MAX_PREFIX_LENGTH);
}

export function generateReferralCode(prefix: string, random?: (max: number) => number): string {
  const clean = normalisePrefix(prefix);
  const body = randomCodePart(CODE_RANDOM_LENGTH, random);
  return clean ? `${clean}-${body}` : body;
}

/** How a shopper's typed or linked code is compared: case and surrounding space do not matter. */
export function canonicalCode(code: string): string {
  return code.trim().toUpperCase();
}

const CODE_SHAPE = new RegExp(`^(?:[A-Z0-9]{1,${MAX_PREFIX_LENGTH}}-)?[${CODE_ALPHABET}]{${CODE_RANDOM_LENGTH}}$`);
export function looksLikeReferralCode(code: string): boolean {
  return CODE_SHAPE.test(canonicalCode(code));
}
