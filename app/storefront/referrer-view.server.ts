// What the block and the program page show: the state of the program and, for
// an enrolled shopper, their code, link, share texts and (when logged in) stats.
import type { Db } from "~/db.server";
import type { ProgramRow } from "~/referrals/programs.server";
import { translator, type Translate } from "./i18n";
import { offerText } from "./offer";
import { activeVariantId, programFor, type VariantLink } from "~/experiments/incentive.server";
import { shareOrigin, type ProxyContext } from "./proxy-context";
import { referrerStats, STATS_INCLUDE, statsTexts, summariseStats, type ReferrerStats, type ReferrerWithStats } from "./referrer-stats.server";
import { shareTexts, type Share } from "./share-text";

export interface ReferrerView {
  /** The friend's offer this referrer's code gives (their experiment variant's, if any). */
  offer: string;
  /** Null with single-use friend codes: the referrer shares their link, not a code. */
  code: string | null;
  share: Share;
  stats: ReferrerStats | null;
}

export type BlockData =
  | { state: "unavailable" }
  | { state: "guest" | "customer"; offer: string }
  | ({ state: "referrer"; offer: string } & ReferrerView);

type ReferrerRow = NonNullable<Awaited<ReturnType<Db["referrer"]["findUnique"]>>>;

export interface LiveProgram {
  program: ProgramRow;
  offer: string;
  t: Translate;
}

/** The shop's program if it is switched on, with its offer in the shopper's language. */
export async function liveProgram(db: Db, ctx: ProxyContext): Promise<LiveProgram | null> {
  const program = await db.program.findUnique({ where: { shop: ctx.shop } });
  if (!program?.enabled) return null;
  const t = translator(ctx.locale.language);
  return { program, t, offer: offerText(program, t, ctx.locale.tag) };
}

/**
 * The program as this referrer's friends get it: with the offer of the
 * referrer's incentive experiment variant when they are in one (their code is
 * on that variant's discount), the shop's own otherwise.
 */
export async function liveForReferrer(db: Db, ctx: Pick<ProxyContext, "shop" | "locale">, live: LiveProgram, referrer: VariantLink): Promise<LiveProgram> {
  if (!activeVariantId(referrer)) return live;
  const program = await programFor(db, ctx.shop, live.program, referrer);
  return { ...live, program, offer: offerText(program, live.t, ctx.locale.tag) };
}

export function canShare(referrer: Pick<ReferrerRow, "status" | "redactedAt">): boolean {
  return referrer.status === "ACTIVE" && !referrer.redactedAt;
}

export async function referrerView(
  db: Db,
  ctx: ProxyContext,
  live: LiveProgram,
  referrer: ReferrerRow,
  /** true: load them; a referrer loaded with STATS_INCLUDE: summarise it; false: none (guests). */
  { withStats }: { withStats: boolean | ReferrerWithStats },
): Promise<ReferrerView> {
  const origin = shareOrigin(ctx.requestedOrigin, { shop: ctx.shop, storefrontUrl: live.program.storefrontUrl });
  // The share text promises the offer of the referrer's own variant, if any.
  live = await liveForReferrer(db, ctx, live, referrer);
  // Single-use friend codes (friend-codes.server.ts): friends get their own code by the link, so the referrer is shown the link alone.
  const linkOnly = live.program.friendCodeMode === "SINGLE_USE";
  const share = shareTexts({ template: live.program.shareMessage, offer: live.offer, code: referrer.code, linkOnly, origin, t: live.t });
  const texts = { t: live.t, language: ctx.locale.language, currencyCode: live.program.currencyCode };
  const stats =
    withStats === false
      ? null
      : withStats === true
        ? await referrerStats(db, { shop: ctx.shop, referrerId: referrer.id, localeTag: ctx.locale.tag, texts })
        : summariseStats(withStats, ctx.locale.tag, new Date(), await statsTexts(db, { shop: ctx.shop, referrerId: referrer.id, ...texts }));
  return { offer: live.offer, code: linkOnly ? null : referrer.code, share, stats };
}

/** The block's data. Stats only for the logged-in customer: a guest proves no identity. */
export async function blockData(db: Db, ctx: ProxyContext): Promise<BlockData> {
  const customerId = ctx.customerId;
  // Both at once: the program and (for a customer) their referrer with everything the stats need.
  const [live, referrer] = await Promise.all([
    liveProgram(db, ctx),
    customerId
      ? db.referrer.findUnique({ where: { shop_customerId: { shop: ctx.shop, customerId } }, include: STATS_INCLUDE })
      : null,
  ]);
  if (!live) return { state: "unavailable" };
  if (!customerId) return { state: "guest", offer: live.offer };
  if (!referrer) return { state: "customer", offer: live.offer };
  if (!canShare(referrer)) return { state: "unavailable" };
  // The offer is the referrer's own variant's, when they are in an incentive experiment.
  return { state: "referrer", ...(await referrerView(db, ctx, live, referrer, { withStats: referrer })) };
}
