// What the checkout (thank-you and order status) and customer account
// extensions show, and joining from them. The caller is verified by
// extension-auth.server.ts; an order id from the extension is only used once
// the Admin API says it belongs to that caller (the token's customer, or for a
// guest checkout an order without a signed-in buyer, known by its email).
import { createHash } from "node:crypto";
import type { Db } from "~/db.server";
import { emailConfig } from "~/email/config.server";
import { env } from "~/env.server";
import { emailGuestLink, emailYourLink } from "~/email/events.server";
import { formatMoney } from "~/i18n/format";
import { canonicalCode } from "~/referrals/codes";
import { normaliseEmail } from "~/referrals/email";
import { money, toDecimal, type Decimal } from "~/referrals/money";
import { REFERRAL_ATTRIBUTE } from "~/referrals/order";
import { accountPrintLinks } from "~/printables/print-links.server";
import type { ProgramRow } from "~/referrals/programs.server";
import { EnrolmentError, enrolReferrer, rememberReferrerDevice, type ReferrerSource } from "~/referrals/referrers.server";
import { customerContact } from "~/referrals/shopify-lookups.server";
import { LIVE_REFERRAL_STATUSES, ReferralStatus, RewardStatus } from "~/referrals/statuses";
import type { AdminClient } from "~/shopify/admin-client.server";
import { EXTENSION_ORDER } from "~/shopify/documents";
import { ShopifyApiError } from "~/shopify/errors";
import type { ExtensionCaller } from "./extension-auth.server";
import { translator, type Translate } from "./i18n";
import { formatPercent, giveGetText, offerText, termsVersionInput } from "./offer";
import { expiringCredit, milestoneProgress } from "./milestone-progress";
import { listMilestones, successfulReferrals } from "~/referrals/milestones.server";
import { programFor, variantIncentive, withIncentive } from "~/experiments/incentive.server";
import { shareOrigin } from "./proxy-context";
import { shareTexts } from "./share-text";

/** The shop's Admin API client, asked for only when an order must be looked up. */
export type AdminFor = () => Promise<AdminClient>;

const ORDER_GID = /^gid:\/\/shopify\/Order\/\d{1,20}$/;
const TICKED = new Set([true, "true", "on", "1", "yes"]);
/** A guest's thank-you page shows their link for this long after the order; later, joining again emails it. */
export const GUEST_ORDER_WINDOW_MS = 24 * 3_600_000;

/** What these answers read of a referrer (a narrow select: these routes run on every order page view). */
const REFERRER_FIELDS = {
  id: true,
  shop: true,
  code: true,
  status: true,
  redactedAt: true,
  email: true,
  firstName: true,
  showFirstName: true,
  clickCount: true,
  referralCount: true,
  variantId: true,
  variantMovedAt: true,
} as const;
type ReferrerRow = Pick<Awaited<ReturnType<Db["referrer"]["create"]>>, keyof typeof REFERRER_FIELDS>;

/** What these answers read of the program. */
const PROGRAM_FIELDS = {
  enabled: true,
  friendOfferKind: true,
  friendOfferValue: true,
  rewardKind: true,
  rewardValue: true,
  currencyCode: true,
  shareMessage: true,
  terms: true,
  storefrontUrl: true,
  friendCodeMode: true,
  secondTierEnabled: true,
  secondTierKind: true,
  secondTierValue: true,
} as const;
type LiveProgram = Pick<ProgramRow, keyof typeof PROGRAM_FIELDS>;

export interface Live {
  program: LiveProgram;
  t: Translate;
  offer: string;
  termsVersion: string;
  termsUrl: string | null;
  origin: string;
}

export interface ReferredBy {
  name: string | null;
  saved: string | null;
}

export interface ReferrerState {
  state: "referrer";
  link: string;
  /** Null with single-use friend codes: the referrer shares their link, not a code. */
  code: string | null;
  shareText: string;
  stats: { clicks: number; orders: number; rewards: number };
}

/** An answer for the route: its status and JSON body. */
export interface Outcome {
  status: number;
  body: Record<string, unknown>;
}

const hidden = (): Outcome => ({ status: 200, body: { state: "hidden" } });
const notFound = (): Outcome => ({ status: 404, body: { error: "not_found" } });

/**
 * The version of the program's terms: a digest of their text, so it changes
 * exactly when the words do. What a referrer accepted is recorded with it.
 */
export function termsVersionOf(terms: string): string {
  return createHash("sha256").update(terms.trim()).digest("hex").slice(0, 16);
}

export async function liveFor(db: Db, caller: ExtensionCaller): Promise<Live | null> {
  const [program, shop] = await Promise.all([
    db.program.findUnique({ where: { shop: caller.shop }, select: PROGRAM_FIELDS }),
    db.shop.findUnique({ where: { shop: caller.shop }, select: { active: true } }),
  ]);
  // An uninstalled shop shows nothing (and has no Admin API session to ask about orders).
  if (!program?.enabled || !shop?.active) return null;
  const t = translator(caller.locale.language);
  const origin = shareOrigin(null, { shop: caller.shop, storefrontUrl: program.storefrontUrl });
  return {
    program,
    t,
    offer: giveGetText(program, t, caller.locale.tag),
    termsVersion: termsVersionOf(termsVersionInput(program)),
    // The program page shows the terms (app proxy, /apps/referrals), and the second-tier fee's while it is on.
    termsUrl: program.terms.trim() || program.secondTierEnabled ? `${origin}/apps/referrals#rfl-terms` : null,
    origin,
  };
}

// ---------------------------------------------------------------- orders

interface OrderFacts {
  id: string;
  email: string | null;
  customerId: string | null;
  codes: string[];
  saved: { amount: string; currencyCode: string } | null;
  createdAt: Date | null;
}

async function lookupOrder(admin: AdminClient, orderId: string): Promise<OrderFacts | null> {
  const data = await admin.query(EXTENSION_ORDER, { id: orderId });
  const order = data.order;
  if (!order) return null;
  const attribute = order.customAttributes.find((a: { key: string; value?: string | null }) => a.key === REFERRAL_ATTRIBUTE)?.value;
  const discount = order.totalDiscountsSet?.presentmentMoney;
  return {
    id: order.id,
    email: order.email ?? null,
    customerId: order.customer?.id ?? null,
    codes: [...order.discountCodes, ...(attribute ? [attribute] : [])],
    saved: discount && Number(discount.amount) > 0 ? { amount: discount.amount, currencyCode: discount.currencyCode } : null,
    createdAt: order.createdAt ? new Date(order.createdAt as string) : null,
  };
}

/**
 * The order, when it is the caller's: the token's customer placed it, or the
 * caller is a guest (Shopify gives a guest's checkout no customer in the token;
 * the order is then known only by its id and its email). Null for an order of
 * another customer or shop, or none.
 */
async function callersOrder(caller: ExtensionCaller, orderId: unknown, admin: AdminFor): Promise<OrderFacts | null> {
  if (typeof orderId !== "string" || !ORDER_GID.test(orderId)) return null;
  // The Admin API is the shop's own (offline session): another shop's order is not found there.
  const order = await lookupOrder(await admin(), orderId);
  if (!order) return null;
  if (caller.customerId) return order.customerId === caller.customerId ? order : null;
  return order;
}

async function referredByOf(db: Db, caller: ExtensionCaller, live: Live, order: OrderFacts, buyer: ReferrerRow | null) {
  const referral = await db.referral.findUnique({
    where: { shop_orderId: { shop: caller.shop, orderId: order.id } },
    select: { id: true, status: true, referrer: { select: REFERRER_FIELDS } },
  });
  let referrer: ReferrerRow | null = null;
  if (referral) {
    if (LIVE_REFERRAL_STATUSES.includes(referral.status)) referrer = referral.referrer;
  } else if (order.codes.length) {
    // Not processed yet (the paid webhook comes later): the code it carries says who referred it.
    const codes = order.codes.map((c) => canonicalCode(c.slice(0, 64)));
    referrer = await db.referrer.findFirst({ where: { shop: caller.shop, code: { in: codes }, status: "ACTIVE", redactedAt: null }, select: REFERRER_FIELDS });
  }
  if (!referrer || referrer.id === buyer?.id) return null;
  const saved = order.saved ? formatMoney(money(order.saved.amount, order.saved.currencyCode).amount, order.saved.currencyCode, caller.locale.tag) : null;
  const referredBy: ReferredBy = { name: referrer.showFirstName && referrer.firstName && !referrer.redactedAt ? referrer.firstName : null, saved };
  return { referredBy, referrerId: referrer.id, orderId: order.id };
}

async function buyerReferrer(db: Db, shop: string, who: { customerId: string | null; email: string | null }): Promise<ReferrerRow | null> {
  if (who.customerId) return db.referrer.findUnique({ where: { shop_customerId: { shop, customerId: who.customerId } }, select: REFERRER_FIELDS });
  const emailKey = who.email ? normaliseEmail(who.email) : null;
  return emailKey ? db.referrer.findUnique({ where: { shop_emailKey: { shop, emailKey } }, select: REFERRER_FIELDS }) : null;
}

const canShare = (r: Pick<ReferrerRow, "status" | "redactedAt">) => r.status === "ACTIVE" && !r.redactedAt;

/** A guest's order proves less than a signed-in buyer: its link is shown only around the time of the order. */
function guestMayView(caller: ExtensionCaller, order: OrderFacts, now: Date): boolean {
  if (caller.customerId) return true;
  return order.createdAt !== null && now.getTime() - order.createdAt.getTime() <= GUEST_ORDER_WINDOW_MS;
}

// ---------------------------------------------------------------- the referrer's state

async function referrerState(db: Db, live: Live, referrer: ReferrerRow, localeTag: string): Promise<ReferrerState> {
  // Single-use friend codes (friend-codes.server.ts): friends get their own code by the link, so the referrer is shown the link alone.
  const linkOnly = live.program.friendCodeMode === "SINGLE_USE";
  // The offer their code gives: their incentive experiment variant's, if any.
  const program = await programFor(db, referrer.shop, live.program, referrer);
  const share = shareTexts({ template: live.program.shareMessage, offer: offerText(program, live.t, localeTag), code: referrer.code, linkOnly, origin: live.origin, t: live.t });
  const rewards = await db.reward.count({ where: { shop: referrer.shop, referrerId: referrer.id, status: { in: [RewardStatus.ISSUED, RewardStatus.PAID] } } });
  return {
    state: "referrer",
    link: share.link,
    code: linkOnly ? null : referrer.code,
    shareText: share.text,
    stats: { clicks: referrer.clickCount, orders: referrer.referralCount, rewards },
  };
}

// ---------------------------------------------------------------- thank-you page

export async function thankYouData(db: Db, caller: ExtensionCaller, orderId: unknown, admin: AdminFor, now = new Date()): Promise<Outcome> {
  const live = await liveFor(db, caller);
  if (!live) return hidden();
  const order = await callersOrder(caller, orderId, admin);
  if (!order) return notFound();
  const buyer = await buyerReferrer(db, caller.shop, { customerId: caller.customerId, email: order.email });
  const referred = await referredByOf(db, caller, live, order, buyer);
  const referredBy = referred?.referredBy ?? null;
  if (buyer && canShare(buyer) && guestMayView(caller, order, now)) {
    const state = await referrerState(db, live, buyer, caller.locale.tag);
    return { status: 200, body: { ...state, referredBy } };
  }
  if (buyer && !canShare(buyer)) return hidden();
  return {
    status: 200,
    body: { state: "offer", offer: live.offer, termsUrl: live.termsUrl, termsVersion: live.termsVersion, guest: !caller.customerId, referredBy },
  };
}

// ---------------------------------------------------------------- joining

interface JoinInput {
  terms: unknown;
  termsVersion: unknown;
  showName?: unknown;
}

/** Terms ticked, and the version the buyer saw is the current one: else 422 on `terms`. */
function checkTerms(live: Live, input: JoinInput): Outcome | null {
  const accepted = TICKED.has(input.terms as string | boolean);
  const version = typeof input.termsVersion === "string" ? input.termsVersion : null;
  if (accepted && version === live.termsVersion) return null;
  return { status: 422, body: { errors: { terms: live.t("block.error_terms") } } };
}

interface Enrolment {
  source: Extract<ReferrerSource, "THANK_YOU" | "ACCOUNT">;
  cause: string;
  loop: { orderId: string; referrerId: string } | null;
}

/** After enrolment: the terms accepted, the name consent, and (for a new referrer) the referral that brought them. */
async function recordJoin(db: Db, live: Live, referrer: ReferrerRow, created: boolean, input: JoinInput, loop: Enrolment["loop"], now: Date) {
  await db.referrer.updateMany({
    where: { id: referrer.id, shop: referrer.shop },
    data: {
      termsVersion: live.termsVersion,
      termsAcceptedAt: now,
      ...(typeof input.showName === "boolean" ? { showFirstName: input.showName } : {}),
      ...(created && loop ? { referredByOrderId: loop.orderId, referredByReferrerId: loop.referrerId } : {}),
    },
  });
}

async function enrolCustomer(db: Db, caller: ExtensionCaller, live: Live, input: JoinInput, admin: AdminFor, how: Enrolment, now: Date): Promise<Outcome> {
  const customerId = caller.customerId as string;
  const existing = await db.referrer.findUnique({ where: { shop_customerId: { shop: caller.shop, customerId } } });
  let contact: Awaited<ReturnType<typeof customerContact>> = { email: null, firstName: null, lastName: null };
  if (!existing?.email || !existing.firstName) {
    try {
      contact = await customerContact(await admin(), customerId);
    } catch (error) {
      if (!(error instanceof ShopifyApiError)) throw error;
    }
  }
  const { referrer, created } = await enrolReferrer(db, {
    shop: caller.shop,
    customerId,
    // Only the email Shopify verified for this customer: it may claim their guest enrolment.
    email: existing ? null : contact.email,
    firstName: contact.firstName,
    lastName: contact.lastName,
    locale: caller.locale.tag,
    source: how.source,
    cause: how.cause,
    now,
  });
  if (!canShare(referrer)) return { status: 409, body: { errors: { form: live.t("page.unavailable") } } };
  await recordJoin(db, live, referrer, created, input, how.loop, now);
  await rememberReferrerDevice(db, { shop: caller.shop, referrerId: referrer.id, ip: caller.ip, userAgent: caller.userAgent, now });
  if (emailConfig()) {
    const email = referrer.email ?? contact.email;
    if (email && !referrer.email) await db.referrer.updateMany({ where: { id: referrer.id, shop: referrer.shop, email: null }, data: { email } });
    await emailYourLink(db, { ...referrer, email }, now);
  }
  const fresh = (await db.referrer.findFirst({ where: { id: referrer.id, shop: caller.shop }, select: REFERRER_FIELDS })) ?? referrer;
  return { status: created ? 201 : 200, body: { ...(await referrerState(db, live, fresh, caller.locale.tag)) } };
}

export async function joinFromThankYou(db: Db, caller: ExtensionCaller, body: Record<string, unknown>, admin: AdminFor, now = new Date()): Promise<Outcome> {
  const live = await liveFor(db, caller);
  if (!live) return hidden();
  const refused = checkTerms(live, body as unknown as JoinInput);
  if (refused) return refused;
  const order = await callersOrder(caller, body.orderId, admin);
  if (!order) return notFound();
  const buyer = await buyerReferrer(db, caller.shop, { customerId: caller.customerId, email: order.email });
  const referred = await referredByOf(db, caller, live, order, buyer);
  const loop = referred ? { orderId: referred.orderId, referrerId: referred.referrerId } : null;
  const input = body as unknown as JoinInput;
  try {
    if (caller.customerId) return await enrolCustomer(db, caller, live, input, admin, { source: "THANK_YOU", cause: "extension:thank-you", loop }, now);
    // A guest joins with the order's email, never a typed one; the link goes to that address.
    if (!order.email) return { status: 422, body: { errors: { form: live.t("block.error_email") } } };
    const { referrer, created } = await enrolReferrer(db, { shop: caller.shop, email: order.email, locale: caller.locale.tag, source: "THANK_YOU", cause: "extension:guest", now });
    if (canShare(referrer)) await recordJoin(db, live, referrer, created, input, loop, now);
    // The buyer at this browser placed the order whose email this is: the referrer's device.
    if (created) await rememberReferrerDevice(db, { shop: caller.shop, referrerId: referrer.id, ip: caller.ip, userAgent: caller.userAgent, now });
    const emailed = emailConfig() !== null;
    if (emailed) await emailGuestLink(db, { ...referrer, email: order.email }, now);
    return { status: 202, body: { state: emailed ? "check_email" : "sign_in" } };
  } catch (error) {
    if (error instanceof EnrolmentError) return { status: 422, body: { errors: { form: live.t("page.unavailable") } } };
    throw error;
  }
}

// ---------------------------------------------------------------- customer account page

/** "r***@example.com": enough for the referrer to recognise a friend, not enough to learn an address. */
export function maskEmail(email: string | null): string {
  if (!email) return "***";
  const at = email.lastIndexOf("@");
  if (at < 1) return "***";
  return `${[...email.slice(0, at)][0]}***${email.slice(at)}`;
}

function rewardValue(program: Pick<ProgramRow, "rewardKind" | "currencyCode">, value: Decimal | string | { toString(): string }, currencyCode: string | null, localeTag: string): string {
  if (program.rewardKind === "CODE_PERCENTAGE" || !currencyCode) return formatPercent(value.toString(), localeTag);
  return formatMoney(money(value.toString(), currencyCode).amount, currencyCode, localeTag);
}

/**
 * A customer who joined as a guest (on a thank-you page or the storefront,
 * with the address they now sign in with) is that referrer here too: their
 * guest enrolment becomes theirs, when Shopify says the customer's email is
 * verified. Asks the Admin API only when the shop has guest referrers at all.
 */
async function claimGuestEnrolment(db: Db, caller: ExtensionCaller, admin: AdminFor, now: Date): Promise<ReferrerRow | null> {
  const shop = caller.shop;
  const anyGuest = await db.referrer.findFirst({ where: { shop, customerId: null, emailKey: { not: null } }, select: { id: true } });
  if (!anyGuest) return null;
  let contact: Awaited<ReturnType<typeof customerContact>>;
  try {
    contact = await customerContact(await admin(), caller.customerId as string);
  } catch (error) {
    if (error instanceof ShopifyApiError) return null;
    throw error;
  }
  const emailKey = contact.email ? normaliseEmail(contact.email) : null;
  if (!emailKey) return null;
  const guest = await db.referrer.findFirst({ where: { shop, emailKey, customerId: null }, select: { id: true } });
  if (!guest) return null;
  const { referrer } = await enrolReferrer(db, {
    shop,
    customerId: caller.customerId,
    email: contact.email,
    firstName: contact.firstName,
    lastName: contact.lastName,
    source: "ACCOUNT",
    cause: "extension:account-claim",
    now,
  });
  return referrer;
}

export async function accountData(db: Db, caller: ExtensionCaller, admin: AdminFor, now = new Date()): Promise<Outcome> {
  const live = await liveFor(db, caller);
  if (!live) return hidden();
  const shop = caller.shop;
  const referrer =
    (await db.referrer.findUnique({ where: { shop_customerId: { shop, customerId: caller.customerId as string } }, select: REFERRER_FIELDS })) ??
    (await claimGuestEnrolment(db, caller, admin, now));
  if (referrer && !canShare(referrer)) return hidden();
  if (!referrer) return { status: 200, body: { state: "join", offer: live.offer, termsUrl: live.termsUrl, termsVersion: live.termsVersion } };
  const tag = caller.locale.tag;
  const [state, referrals, rewards, milestones] = await Promise.all([
    referrerState(db, live, referrer, tag),
    db.referral.findMany({
      where: { shop, referrerId: referrer.id, status: { in: LIVE_REFERRAL_STATUSES }, test: false },
      orderBy: { createdAt: "desc" },
      take: 50,
      select: { friendEmail: true, status: true, orderCreatedAt: true, createdAt: true, holdUntil: true, currencyCode: true, variantId: true },
    }),
    db.reward.findMany({
      where: { shop, referrerId: referrer.id, status: { in: [RewardStatus.ISSUED, RewardStatus.PAID] } },
      orderBy: { createdAt: "desc" },
      take: 200,
      select: { kind: true, valueType: true, value: true, currencyCode: true, code: true, status: true, expiresAt: true },
    }),
    listMilestones(db, shop),
  ]);
  // How far the next milestone is: the extension says it with its own plural forms ("2 more friends to unlock ...").
  const successful = milestones.length ? await successfulReferrals(db, shop, referrer.id) : 0;
  const progress = milestoneProgress({ t: live.t, language: caller.locale.language, localeTag: tag, currencyCode: live.program.currencyCode, milestones, successful });
  // A pending referral's reward is its experiment variant's when it was made in one (rewards.server.ts).
  const promised = new Map<string | null, Pick<ProgramRow, "rewardKind" | "rewardValue" | "currencyCode">>([[null, live.program]]);
  for (const r of referrals) {
    if (r.variantId && !promised.has(r.variantId)) promised.set(r.variantId, withIncentive(live.program, await variantIncentive(db, shop, r.variantId)));
  }
  const sums = (kind: string) => {
    const totals = new Map<string, Decimal>();
    for (const r of rewards) if (r.kind === kind && r.currencyCode) totals.set(r.currencyCode, (totals.get(r.currencyCode) ?? toDecimal(0)).plus(r.value));
    return totals.size ? [...totals].map(([c, amount]) => formatMoney(money(amount, c).amount, c, tag)).join(", ") : null;
  };
  return {
    status: 200,
    body: {
      ...state,
      // Friends' first names are not stored (their orders carry them to Shopify, not to us): masked emails.
      friends: referrals.map((r) => ({ name: maskEmail(r.friendEmail), status: r.status, orderedAt: (r.orderCreatedAt ?? r.createdAt).toISOString() })),
      pendingRewards: referrals
        .filter((r) => r.status === ReferralStatus.PENDING && r.holdUntil)
        .map((r) => {
          const terms = promised.get(r.variantId) ?? live.program;
          return { value: rewardValue(terms, terms.rewardValue, r.currencyCode, tag), releaseOn: (r.holdUntil as Date).toISOString() };
        }),
      unusedCodes: rewards
        .filter((r) => r.kind === "CODE" && r.status === RewardStatus.ISSUED && r.code && (!r.expiresAt || r.expiresAt > now))
        .map((r) => ({
          code: r.code as string,
          value: r.valueType === "PERCENTAGE" || !r.currencyCode ? formatPercent(r.value.toString(), tag) : formatMoney(money(r.value, r.currencyCode).amount, r.currencyCode, tag),
          expiresAt: r.expiresAt ? r.expiresAt.toISOString() : null,
        })),
      storeCredit: sums("STORE_CREDIT"),
      // Store credit Shopify will remove on its expiry day, soonest first (the extension formats the date).
      expiringCredit: expiringCredit(rewards, tag, now).map((c) => ({ value: c.value, expiresAt: c.expiresAt.toISOString() })),
      nextMilestone: progress ? { remaining: progress.remaining, reward: progress.reward } : null,
      cashFees: sums("CASH"),
      terms: live.program.terms,
      // The brochure and QR poster to print: signed links a download can open (app/printables/print-links.server.ts).
      printables: accountPrintLinks(env().SHOPIFY_APP_URL, env().SHOPIFY_API_SECRET, { shop, referrerId: referrer.id, language: caller.locale.language, localeTag: tag }, now),
    },
  };
}

export async function joinFromAccount(db: Db, caller: ExtensionCaller, body: Record<string, unknown>, admin: AdminFor, now = new Date()): Promise<Outcome> {
  const live = await liveFor(db, caller);
  if (!live) return hidden();
  const input = body as unknown as JoinInput;
  const refused = checkTerms(live, input);
  if (refused) return refused;
  // A friend first: their latest referred order that still stands brought them.
  const referral = await db.referral.findFirst({
    where: { shop: caller.shop, friendCustomerId: caller.customerId, status: { in: LIVE_REFERRAL_STATUSES } },
    orderBy: { createdAt: "desc" },
    select: { orderId: true, referrerId: true },
  });
  try {
    return await enrolCustomer(db, caller, live, input, admin, { source: "ACCOUNT", cause: "extension:account", loop: referral }, now);
  } catch (error) {
    if (error instanceof EnrolmentError) return { status: 422, body: { errors: { form: live.t("page.unavailable") } } };
    throw error;
  }
}
