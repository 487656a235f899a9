// What a reward of a given kind and value is as a Reward row: the per-friend
// reward (the program's kind and value) and a milestone's extra reward are made
// the same way, and issued by the same job.
import { randomCodePart } from "./codes";
import { toDecimal, type Decimal } from "./money";

export interface RewardTermsInput {
  /** CODE_PERCENTAGE, CODE_FIXED_AMOUNT, STORE_CREDIT, CASH or FREE_PRODUCT. */
  kind: string;
  value: string | number | Decimal;
  /** FREE_PRODUCT: the product's gid (a 100%-off code for it alone). */
  productId?: string | null;
}

export interface RewardTerms {
  kind: string;
  valueType: string;
  value: Decimal;
  currencyCode: string | null;
  code: string | null;
  expiresAt: Date | null;
  productId: string | null;
}

/** The program's expiry applies to codes and store credit; a cash fee is owed until paid. */
export function rewardTerms(
  { kind, value, productId = null }: RewardTermsInput,
  program: { rewardExpiryDays: number | null; codePrefix: string },
  currencyCode: string,
  now: Date,
): RewardTerms {
  const expiresAt = program.rewardExpiryDays ? new Date(now.getTime() + program.rewardExpiryDays * 86_400_000) : null;
  const amount = toDecimal(value);
  const code = () => rewardCode(program.codePrefix);
  switch (kind) {
    case "CODE_PERCENTAGE":
      return { kind: "CODE", valueType: "PERCENTAGE", value: amount, currencyCode: null, code: code(), expiresAt, productId: null };
    case "CODE_FIXED_AMOUNT":
      return { kind: "CODE", valueType: "FIXED_AMOUNT", value: amount, currencyCode, code: code(), expiresAt, productId: null };
    case "FREE_PRODUCT":
      return { kind: "CODE", valueType: "PERCENTAGE", value: toDecimal(100), currencyCode: null, code: code(), expiresAt, productId };
    case "STORE_CREDIT":
      return { kind: "STORE_CREDIT", valueType: "FIXED_AMOUNT", value: amount, currencyCode, code: null, expiresAt, productId: null };
    default:
      return { kind: "CASH", valueType: "FIXED_AMOUNT", value: amount, currencyCode, code: null, expiresAt: null, productId: null };
  }
}

function rewardCode(prefix: string) {
  return `${prefix}-REWARD-${randomCodePart(10)}`;
}
