// An incentive experiment's life (docs/decisions/0020-incentive-experiments.md):
//
//   start   2 to 4 variants, each a friend offer and a referrer reward; variant 0
//           is the control (prefilled with the program's own). One running
//           experiment a shop (Experiment.runningShop is unique). Each variant's
//           discount anchor is chosen here, and a job creates the discounts
//           (variant-discounts.server.ts); new referrers are then assigned a
//           variant at enrolment (assignment.server.ts).
//   end     with a winner: the winner's offer and reward become the program's,
//           through the settings' own save path (saveProgram), by a job. Every
//           variant's referrers keep their code on their variant's discount and
//           the offer and reward they were promised.
//   move    the merchant's explicit word, after the end: the variants'
//           referrers are moved to the program (variantMovedAt), and the code
//           sync deletes the variants' discounts and adds their codes to the
//           program's, as a switch of the offer's type does.
//
// Each state change is one conditional write, each Shopify step a durable job
// asked for before the change commits (later, as a safety net) and again after
// it (now): a crash between the two never leaves the work unasked.
import type { Db } from "~/db.server";
import { isUniqueViolation } from "~/db-errors";
import { enqueueJob } from "~/queue/queue.server";
import { PermanentError, type JobContext } from "~/queue/types";
import { recordAudit } from "~/referrals/audit.server";
import { requestCodeSync } from "~/referrals/code-sync.server";
import { newAnchorCode } from "~/referrals/friend-discount.server";
import { FRIEND_OFFER_KINDS, REWARD_KINDS } from "~/referrals/program-settings";
import { saveProgram, settingsOf } from "~/referrals/programs.server";
import { requestVariantDiscounts } from "./variant-discounts.server";

export const EXPERIMENT_END_JOB = "experiment-end";
export const MIN_VARIANTS = 2;
export const MAX_VARIANTS = 4;
/** The safety request's delay: long enough for the change to commit first. */
const SAFETY_DELAY_MS = 60_000;

export interface VariantInput {
  name: string;
  friendOfferKind: string;
  friendOfferValue: string;
  rewardKind: string;
  rewardValue: string;
}

export interface StartInput {
  name: string;
  variants: VariantInput[];
}

/**
 * Why a start was refused, on the field it belongs to: "name",
 * "variants" (their number), "variants.<i>.<field>" or "form".
 */
export type ExperimentErrorCode =
  | "name_required"
  | "name_too_long"
  | "variant_count"
  | "variant_name_too_long"
  | "offer_kind"
  | "offer_value"
  | "offer_percent"
  | "reward_kind"
  | "reward_value"
  | "reward_percent"
  | "duplicate_variant"
  | "no_program"
  | "already_running";
export type ExperimentErrors = Record<string, ExperimentErrorCode>;

const DECIMAL = /^\d{1,9}(\.\d{1,4})?$/;

/** The variants as the experiment will store them, or the errors on their fields. */
export function validateStart(input: StartInput): { ok: true; value: StartInput } | { ok: false; errors: ExperimentErrors } {
  const errors: ExperimentErrors = {};
  const name = input.name.trim();
  if (!name) errors.name = "name_required";
  else if (name.length > 80) errors.name = "name_too_long";
  if (input.variants.length < MIN_VARIANTS || input.variants.length > MAX_VARIANTS) errors.variants = "variant_count";
  const variants = input.variants.map((v, i) => {
    const at = (field: string) => `variants.${i}.${field}`;
    const clean = {
      name: v.name.trim() || defaultVariantName(i),
      friendOfferKind: v.friendOfferKind,
      friendOfferValue: v.friendOfferValue.trim(),
      rewardKind: v.rewardKind,
      rewardValue: v.rewardValue.trim(),
    };
    if (clean.name.length > 40) errors[at("name")] = "variant_name_too_long";
    if (!(FRIEND_OFFER_KINDS as readonly string[]).includes(clean.friendOfferKind)) errors[at("friendOfferKind")] = "offer_kind";
    else if (clean.friendOfferKind === "FREE_SHIPPING") clean.friendOfferValue = "0";
    else if (!DECIMAL.test(clean.friendOfferValue) || !(Number(clean.friendOfferValue) > 0)) errors[at("friendOfferValue")] = "offer_value";
    else if (clean.friendOfferKind === "PERCENTAGE" && Number(clean.friendOfferValue) > 100) errors[at("friendOfferValue")] = "offer_percent";
    if (!(REWARD_KINDS as readonly string[]).includes(clean.rewardKind)) errors[at("rewardKind")] = "reward_kind";
    else if (!DECIMAL.test(clean.rewardValue) || !(Number(clean.rewardValue) > 0)) errors[at("rewardValue")] = "reward_value";
    else if (clean.rewardKind === "CODE_PERCENTAGE" && Number(clean.rewardValue) > 100) errors[at("rewardValue")] = "reward_percent";
    return clean;
  });
  // Two identical variants would test nothing: the second is named.
  const seen = new Set<string>();
  variants.forEach((v, i) => {
    const key = [v.friendOfferKind, Number(v.friendOfferValue), v.rewardKind, Number(v.rewardValue)].join("|");
    if (seen.has(key) && !errors[`variants.${i}.friendOfferValue`]) errors[`variants.${i}.friendOfferValue`] = "duplicate_variant";
    seen.add(key);
  });
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { name, variants } };
}

/** "Control", "B", "C", "D": the control is variant 0. */
export function defaultVariantName(position: number): string {
  return position === 0 ? "Control" : String.fromCharCode(65 + position);
}

interface Actor {
  db: Db;
  shop: string;
  /** merchant:<staff user id>, as on audit events. */
  by: string;
  now?: Date;
}

export async function startExperiment({ db, shop, by, now = new Date(), input }: Actor & { input: StartInput }) {
  const valid = validateStart(input);
  if (!valid.ok) return { ok: false as const, errors: valid.errors };
  const program = await db.program.findUnique({ where: { shop }, select: { codePrefix: true } });
  if (!program) return { ok: false as const, errors: { form: "no_program" } as ExperimentErrors };
  const { name, variants } = valid.value;
  let experiment;
  try {
    experiment = await db.$transaction(async (tx) => {
      const created = await tx.experiment.create({
        data: {
          shop,
          name,
          status: "RUNNING",
          runningShop: shop,
          startedAt: now,
          createdBy: by,
          variants: {
            create: variants.map((v, position) => ({
              shop,
              position,
              name: v.name,
              friendOfferKind: v.friendOfferKind,
              friendOfferValue: v.friendOfferValue,
              rewardKind: v.rewardKind,
              rewardValue: v.rewardValue,
              // Chosen before the discount exists: the job's retry finds it by this code.
              discountCode: newAnchorCode(program.codePrefix),
            })),
          },
        },
        include: { variants: { orderBy: { position: "asc" } } },
      });
      await recordAudit(tx, {
        shop,
        action: "experiment.started",
        cause: by,
        detail: JSON.stringify({ experimentId: created.id, name, variants: variants.map((v) => `${v.name}: ${v.friendOfferKind} ${v.friendOfferValue} / ${v.rewardKind} ${v.rewardValue}`) }),
      });
      return created;
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false as const, errors: { form: "already_running" } as ExperimentErrors };
    throw error;
  }
  await requestVariantDiscounts(db, shop, now);
  return { ok: true as const, experiment };
}

export type EndOutcome = { ok: true } | { ok: false; error: "not_found" | "not_running" | "winner" };

/** Ends the shop's running experiment with `winnerVariantId`; a job makes the winner the program. */
export async function endExperiment({ db, shop, by, now = new Date(), experimentId, winnerVariantId }: Actor & { experimentId: string; winnerVariantId: string }): Promise<EndOutcome> {
  const experiment = await db.experiment.findFirst({ where: { id: experimentId, shop }, include: { variants: { select: { id: true, name: true } } } });
  if (!experiment) return { ok: false, error: "not_found" };
  if (experiment.status !== "RUNNING") return { ok: false, error: "not_running" };
  const winner = experiment.variants.find((v) => v.id === winnerVariantId);
  if (!winner) return { ok: false, error: "winner" };

  const job = { shop, kind: EXPERIMENT_END_JOB, key: experimentId };
  await enqueueJob(db, { ...job, availableAt: new Date(now.getTime() + SAFETY_DELAY_MS) }, now);
  const ended = await db.$transaction(async (tx) => {
    const { count } = await tx.experiment.updateMany({
      where: { id: experimentId, shop, status: "RUNNING" },
      data: { status: "ENDED", runningShop: null, endedAt: now, endedBy: by, winnerVariantId },
    });
    if (count === 1) await recordAudit(tx, { shop, action: "experiment.ended", cause: by, detail: JSON.stringify({ experimentId, winner: winner.name }) });
    return count === 1;
  });
  if (!ended) return { ok: false, error: "not_running" };
  await enqueueJob(db, { ...job, availableAt: now }, now);
  return { ok: true };
}

/**
 * Job "experiment-end" (key = experiment id): the winner's offer and reward
 * saved as the program's, with the program's other settings as they are,
 * through saveProgram (the program's friend discount is updated, or replaced
 * when the offer changes type, as on the Settings page). Once: the program
 * saved by this job is in the audit trail under the job's cause, so a second
 * run (the safety request, a retry after a crash past the save) saves nothing.
 */
export async function applyWinner(ctx: JobContext): Promise<void> {
  const { db, shop } = ctx;
  const experiment = await db.experiment.findFirst({ where: { id: ctx.key, shop }, include: { variants: true } });
  if (!experiment || experiment.status !== "ENDED") return;
  const winner = experiment.variants.find((v) => v.id === experiment.winnerVariantId);
  if (!winner) throw new PermanentError(`Experiment ${experiment.id} ended without a winner among its variants`);
  const applied = await db.auditEvent.findFirst({ where: { shop, cause: ctx.cause, action: "program.updated" }, select: { id: true } });
  if (applied) return;
  const program = await db.program.findUnique({ where: { shop } });
  if (!program) throw new PermanentError("The shop has no program any more");
  const settings = {
    ...settingsOf(program),
    friendOfferKind: winner.friendOfferKind as (typeof FRIEND_OFFER_KINDS)[number],
    friendOfferValue: winner.friendOfferKind === "FREE_SHIPPING" ? program.friendOfferValue.toString() : winner.friendOfferValue.toString(),
    rewardKind: winner.rewardKind as (typeof REWARD_KINDS)[number],
    rewardValue: winner.rewardValue.toString(),
  };
  await saveProgram({ db, admin: await ctx.admin(), shop, settings, cause: ctx.cause, now: ctx.now() });
}

export type MoveOutcome = { ok: true; moved: number } | { ok: false; error: "not_found" | "not_ended" };

/**
 * The merchant's word after the end: every variant's referrers move to the
 * program (its offer and reward from now on) and their codes to the program's
 * discount. The code sync then deletes each variant's discount (freeing its
 * codes) right before adding them to the program's (code-sync.server.ts).
 * Moving again moves nothing.
 */
export async function moveVariantCodes({ db, shop, by, now = new Date(), experimentId }: Actor & { experimentId: string }): Promise<MoveOutcome> {
  const experiment = await db.experiment.findFirst({ where: { id: experimentId, shop }, include: { variants: { select: { id: true } } } });
  if (!experiment) return { ok: false, error: "not_found" };
  if (experiment.status !== "ENDED") return { ok: false, error: "not_ended" };
  const variantIds = experiment.variants.map((v) => v.id);
  const unmoved = { variantId: { in: variantIds }, variantMovedAt: null };
  await requestCodeSync(db, shop, new Date(now.getTime() + SAFETY_DELAY_MS));
  const moved = await db.$transaction(async (tx) => {
    // Former codes in their grace period go with their referrer's code.
    await tx.referrerCode.updateMany({ where: { shop, removedAt: null, referrer: unmoved }, data: { discountId: null } });
    const { count } = await tx.referrer.updateMany({ where: { shop, ...unmoved }, data: { variantMovedAt: now, codeSyncedAt: null } });
    await recordAudit(tx, { shop, action: "experiment.codes-moved", cause: by, detail: JSON.stringify({ experimentId, referrers: count }) });
    return count;
  });
  await requestCodeSync(db, shop, now);
  return { ok: true, moved };
}
