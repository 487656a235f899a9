// What a referrer was promised: the program's friend offer and reward, or,
// for a referrer assigned to an incentive experiment's variant, that variant's
// (docs/decisions/0020-incentive-experiments.md). The promise holds during the experiment and after it
// ends, until the merchant moves the variants' codes to the program's discount
// (Referrer.variantMovedAt). Everything that shows or applies the offer or the
// reward reads it through here, so no caller decides it twice.
import type { Db } from "~/db.server";

/** The four fields of a Program (and of an ExperimentVariant) that make the deal. */
export interface Incentive {
  friendOfferKind: string;
  friendOfferValue: { toString(): string };
  rewardKind: string;
  rewardValue: { toString(): string };
}

export interface VariantLink {
  variantId: string | null;
  variantMovedAt: Date | null;
}

/** The variant whose offer and reward the referrer was promised, or null for the program's own. */
export function activeVariantId(referrer: VariantLink): string | null {
  return referrer.variantId && !referrer.variantMovedAt ? referrer.variantId : null;
}

const INCENTIVE_FIELDS = { id: true, friendOfferKind: true, friendOfferValue: true, rewardKind: true, rewardValue: true } as const;

/** The variant's offer and reward (null: none, or it is not this shop's). */
export async function variantIncentive(db: Pick<Db, "experimentVariant">, shop: string, variantId: string | null) {
  if (!variantId) return null;
  return db.experimentVariant.findFirst({ where: { id: variantId, shop }, select: INCENTIVE_FIELDS });
}

/** The program with its offer and reward replaced by the variant's (the program itself without one). */
export function withIncentive<P extends Incentive>(program: P, variant: Incentive | null): P {
  if (!variant) return program;
  return {
    ...program,
    friendOfferKind: variant.friendOfferKind,
    friendOfferValue: variant.friendOfferValue,
    rewardKind: variant.rewardKind,
    rewardValue: variant.rewardValue,
  };
}

/** The program as this referrer's friends and this referrer see it. */
export async function programFor<P extends Incentive>(db: Pick<Db, "experimentVariant">, shop: string, program: P, referrer: VariantLink): Promise<P> {
  return withIncentive(program, await variantIncentive(db, shop, activeVariantId(referrer)));
}
