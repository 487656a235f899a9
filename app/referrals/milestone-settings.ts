// What a milestone is, and the program's milestones as the settings form sends
// them, checked row by row so each error lands on the field it belongs to
// ("milestones.2.referrals").
// Shared by the Settings page (client) and its action: no server imports. The
// product of a free-product milestone is checked against Shopify by the
// action (milestones.server.ts), not here.

export const MILESTONE_KINDS = ["CODE_PERCENTAGE", "CODE_FIXED_AMOUNT", "STORE_CREDIT", "CASH", "FREE_PRODUCT"] as const;
export type MilestoneKind = (typeof MILESTONE_KINDS)[number];
export const MAX_MILESTONES = 5;
export const MAX_MILESTONE_REFERRALS = 1000;

/** A milestone reward's key (Reward.sourceKey): one per referrer and milestone number, ever (unless cancelled: milestones.server.ts). */
export function milestoneKey(referrerId: string, referrals: number): string {
  return `milestone:${referrerId}:${referrals}`;
}

/** The milestone number a milestone reward's key names (null for any other reward). */
export function milestoneOfKey(sourceKey: string | null | undefined): number | null {
  const m = /^milestone:[^:]+:(\d+)(?::|$)/.exec(sourceKey ?? "");
  return m ? Number(m[1]) : null;
}

/** What a milestone offers: its number, its reward and (a free product) the product. */
export interface MilestoneTerms {
  referrals: number;
  rewardKind: string;
  rewardValue: { toString(): string };
  productId: string | null;
  productTitle: string | null;
}

/**
 * The next milestone a referrer with `successful` successful referrals is
 * working towards (the lowest number above it), and how many more it takes.
 * A milestone at or below their count was reached (or set after they passed
 * it: milestones count forward, see milestones.server.ts).
 */
export function nextMilestone<M extends { referrals: number }>(milestones: M[], successful: number): { milestone: M; remaining: number } | null {
  const ahead = milestones.filter((m) => m.referrals > successful).sort((a, b) => a.referrals - b.referrals)[0];
  return ahead ? { milestone: ahead, remaining: ahead.referrals - successful } : null;
}

/** One row of the form, as strings. `product` is what the merchant typed: a handle, a numeric id or a gid. */
export interface MilestoneFormRow {
  referrals: string;
  rewardKind: string;
  rewardValue: string;
  product: string;
  /** The product the row's `product` resolved to when it was last saved (shown as "Chosen: ..."). */
  productTitle: string;
}

/** A checked row: the product still as typed (the action resolves it). */
export interface MilestoneDraft {
  referrals: number;
  rewardKind: MilestoneKind;
  /** A decimal string; "100" for a free product (a 100%-off code). */
  rewardValue: string;
  product: string | null;
}

/** The words of the errors, in the merchant's language (app/i18n: settings `milestones.errors`). */
export interface MilestoneErrorTexts {
  tooMany: string;
  referrals: (n: number) => string;
  duplicate: (n: number) => string;
  kind: (n: number) => string;
  value: (n: number) => string;
  percent: (n: number) => string;
  product: (n: number) => string;
}

export type MilestoneErrors = Record<string, string>;

/** The form's field for milestone `index` (0-based) and column. */
export const milestoneField = (index: number, column: keyof MilestoneFormRow) => `milestones.${index}.${column}`;

const DECIMAL = /^\d+(\.\d{1,4})?$/;

/** The form's JSON (the `milestones` field); anything unreadable is no rows, reported on the list. */
export function readMilestoneForm(json: string): MilestoneFormRow[] | null {
  try {
    const rows: unknown = JSON.parse(json);
    if (!Array.isArray(rows)) return null;
    const text = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : "");
    return rows.map((r: Record<string, unknown>) => ({
      referrals: text(r?.referrals),
      rewardKind: text(r?.rewardKind),
      rewardValue: text(r?.rewardValue),
      product: text(r?.product),
      productTitle: text(r?.productTitle),
    }));
  } catch {
    return null;
  }
}

/** Checks every row; errors are keyed by field and say which milestone (1-based) they concern. */
export function parseMilestones(rows: MilestoneFormRow[], texts: MilestoneErrorTexts): { ok: true; milestones: MilestoneDraft[] } | { ok: false; errors: MilestoneErrors } {
  const errors: MilestoneErrors = {};
  if (rows.length > MAX_MILESTONES) errors.milestones = texts.tooMany;
  const seen = new Set<number>();
  const milestones: MilestoneDraft[] = [];
  rows.slice(0, MAX_MILESTONES).forEach((row, index) => {
    const n = index + 1;
    const referralsText = row.referrals.trim();
    const referrals = Number(referralsText);
    if (!/^\d+$/.test(referralsText) || referrals < 1 || referrals > MAX_MILESTONE_REFERRALS) {
      errors[milestoneField(index, "referrals")] = texts.referrals(n);
    } else if (seen.has(referrals)) {
      errors[milestoneField(index, "referrals")] = texts.duplicate(n);
    }
    seen.add(referrals);
    const kind = MILESTONE_KINDS.find((k) => k === row.rewardKind);
    if (!kind) {
      errors[milestoneField(index, "rewardKind")] = texts.kind(n);
      return;
    }
    const value = row.rewardValue.trim();
    const product = row.product.trim();
    if (kind === "FREE_PRODUCT") {
      if (!product) errors[milestoneField(index, "product")] = texts.product(n);
    } else if (!DECIMAL.test(value) || !(Number(value) > 0)) {
      errors[milestoneField(index, "rewardValue")] = texts.value(n);
    } else if (kind === "CODE_PERCENTAGE" && Number(value) > 100) {
      errors[milestoneField(index, "rewardValue")] = texts.percent(n);
    }
    milestones.push({ referrals, rewardKind: kind, rewardValue: kind === "FREE_PRODUCT" ? "100" : value, product: kind === "FREE_PRODUCT" ? product : null });
  });
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, milestones };
}

/** Stored milestones as form rows (the product field shows its gid, the title beside it). */
export function milestoneFormRows(
  milestones: { referrals: number; rewardKind: string; rewardValue: { toString(): string }; productId: string | null; productTitle: string | null }[],
): MilestoneFormRow[] {
  return [...milestones]
    .sort((a, b) => a.referrals - b.referrals)
    .map((m) => ({
      referrals: String(m.referrals),
      rewardKind: m.rewardKind,
      rewardValue: m.rewardKind === "FREE_PRODUCT" ? "" : m.rewardValue.toString(),
      product: m.productId ?? "",
      productTitle: m.productTitle ?? "",
    }));
}
