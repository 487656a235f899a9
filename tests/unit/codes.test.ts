import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CODE_ALPHABET, canonicalCode, generateReferralCode, looksLikeReferralCode, normalisePrefix } from "~/referrals/codes";

describe("referral codes", () => {
  it("never use characters that are hard to read aloud", () => {
    expect(CODE_ALPHABET).not.toMatch(/[01OIL]/);
  });

  it("carry the program's prefix and a random part from the alphabet", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (prefix) => {
        const code = generateReferralCode(prefix);
        const clean = normalisePrefix(prefix);
        const body = clean ? code.slice(clean.length + 1) : code;
        expect(code.startsWith(clean ? `${clean}-` : "")).toBe(true);
        expect(body).toMatch(new RegExp(`^[${CODE_ALPHABET}]{8}$`));
        expect(looksLikeReferralCode(code.toLowerCase())).toBe(true);
      }),
    );
  });

  it("are not derived from their input: the same prefix gives different codes", () => {
    const codes = new Set(Array.from({ length: 20_000 }, () => generateReferralCode("FRIEND")));
    // 31^8 ≈ 8.5e11 codes: 20,000 draws collide with probability ~2e-4.
    expect(codes.size).toBeGreaterThanOrEqual(19_999);
  });

  it("use every symbol of the alphabet about equally (no bias from the random source)", () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 5_000; i++) for (const ch of generateReferralCode("")) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(CODE_ALPHABET.length);
    const expected = (5_000 * 8) / CODE_ALPHABET.length;
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.2);
  });

  it("compare case-insensitively", () => {
    fc.assert(
      fc.property(fc.constantFrom(...CODE_ALPHABET.split("")), fc.string({ maxLength: 3 }), (ch, pad) => {
        expect(canonicalCode(` ${ch.toLowerCase()}${pad.trim()} `)).toBe(`${ch}${pad.trim()}`.toUpperCase());
      }),
    );
  });
});
