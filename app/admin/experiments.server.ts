// What the experiments pages read: the shop's experiments, the program the
// start form is prefilled from, and, for one experiment, where its variants'
// discounts and referrers stand (the figures are report.server.ts's).
import type { Db } from "~/db.server";
import { MAX_VARIANTS, type VariantInput } from "~/experiments/lifecycle.server";
import { toDecimal } from "~/referrals/money";

export async function listExperiments(db: Db, shop: string) {
  const [experiments, program] = await Promise.all([
    db.experiment.findMany({
      where: { shop },
      orderBy: { createdAt: "desc" },
      take: 100,
      include: { variants: { select: { id: true, name: true } } },
    }),
    db.program.findUnique({ where: { shop }, select: { friendOfferKind: true, friendOfferValue: true, rewardKind: true, rewardValue: true, currencyCode: true } }),
  ]);
  const running = experiments.find((x) => x.status === "RUNNING") ?? null;
  return {
    experiments: experiments.map((x) => ({
      id: x.id,
      name: x.name,
      status: x.status,
      variants: x.variants.length,
      startedAt: x.startedAt.toISOString(),
      endedAt: x.endedAt?.toISOString() ?? null,
      winner: x.variants.find((v) => v.id === x.winnerVariantId)?.name ?? null,
    })),
    running: running ? { id: running.id, name: running.name } : null,
    // The control's starting values: the program as it is.
    control: {
      friendOfferKind: program?.friendOfferKind ?? "PERCENTAGE",
      friendOfferValue: program ? toDecimal(program.friendOfferValue).toString() : "10",
      rewardKind: program?.rewardKind ?? "CODE_PERCENTAGE",
      rewardValue: program ? toDecimal(program.rewardValue).toString() : "10",
    },
    currencyCode: program?.currencyCode ?? "USD",
  };
}

/** The start form's variants: `variants.<i>.<field>` for i below variantCount (at most MAX_VARIANTS read). */
export function variantsFromForm(form: FormData): VariantInput[] {
  const count = Math.min(Math.max(Number(form.get("variantCount")) || 0, 0), MAX_VARIANTS + 1);
  const field = (i: number, key: string) => String(form.get(`variants.${i}.${key}`) ?? "");
  return Array.from({ length: count }, (_, i) => ({
    name: field(i, "name"),
    friendOfferKind: field(i, "friendOfferKind"),
    friendOfferValue: field(i, "friendOfferValue"),
    rewardKind: field(i, "rewardKind"),
    rewardValue: field(i, "rewardValue"),
  }));
}

/** Where the experiment's codes stand: variants whose discount is still to be made, referrers still on their variant. */
export async function experimentCodes(db: Db, shop: string, experimentId: string) {
  const variants = await db.experimentVariant.findMany({ where: { shop, experimentId }, select: { id: true, discountId: true, discountCode: true } });
  const unmoved = await db.referrer.count({ where: { shop, variantId: { in: variants.map((v) => v.id) }, variantMovedAt: null } });
  return {
    discountsPending: variants.some((v) => v.discountCode !== null && v.discountId === null),
    discountsLeft: variants.filter((v) => v.discountCode !== null).length,
    unmoved,
  };
}
