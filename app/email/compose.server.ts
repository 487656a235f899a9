// What each email says to its recipient: the shape of the layout (which texts,
// which parts) and the recipient's values, read from the program, the referrer,
// the referral and the reward as they are when the email is sent (so a reward
// used or taken back meanwhile is not announced, and an erased person is not mailed).
import { activeVariantId, withIncentive, type Incentive } from "~/experiments/incentive.server";
import type { Db } from "~/db.server";
import type { EmailMessage, Milestone, Program } from "~/generated/sqlite/client";
import { milestoneOfKey, nextMilestone, type MilestoneTerms } from "~/referrals/milestone-settings";
import { ReferralStatus } from "~/referrals/statuses";
import { referralLink } from "~/storefront/share-text";
import { ESSENTIAL, isEmailKind, isPartnerEmailKind, KIND_PLACEHOLDERS, NOT_SHOPPER_MAIL, pickLocale, PLACEHOLDERS, TEST_KIND, type EmailKind, type EmailLocale } from "./kinds";
import { dateTimeFormatter, partnerLinkProblem, partnerPayload, partnerValues, samplePartnerValues, signInIds, type SignInState } from "./partner-compose.server";
import type { EmailShape, EmailValues } from "./render.server";
import { DEFAULT_TEXTS, type CommonText, type KindText, type MilestoneText, type PluralText } from "./texts";
import { unsubscribeUrl } from "./unsubscribe.server";
import type { EmailConfig } from "./config.server";

type Referrer = NonNullable<Awaited<ReturnType<Db["referrer"]["findFirst"]>>>;
type Reward = NonNullable<Awaited<ReturnType<Db["reward"]["findFirst"]>>>;
type Referral = NonNullable<Awaited<ReturnType<Db["referral"]["findFirst"]>>>;

/** What a batch of one shop's messages needs, read once. */
export interface ShopMailContext {
  shop: string;
  program: Program;
  switches: Map<string, boolean>;
  /** The merchant sends shopper emails from Klaviyo flows (Integrations > Klaviyo): the app sends none. */
  klaviyoSendsShopperEmails: boolean;
  texts: Map<string, KindText>;
  /** The shop's milestones (the progress line of "a friend ordered" and "your reward"). */
  milestones: Milestone[];
  suppressions: Map<string, string>;
  /** Successful (rewarded) referrals of the batch's referrers, when the shop has milestones. */
  successful: Map<string, number>;
  referrers: Map<string, Referrer>;
  rewards: Map<string, Reward>;
  referrals: Map<string, Referral>;
  /** The experiment variants the batch's referrers and referrals are in (their offer and reward). */
  variants?: Map<string, Incentive>;
  /** The sign-in links the batch's partner emails carry, as they are now. */
  partnerSignIns?: Map<string, SignInState>;
}

export type ShopMailSettings = Pick<ShopMailContext, "shop" | "program" | "switches" | "klaviyoSendsShopperEmails" | "texts" | "milestones">;
export type BatchRows = Omit<ShopMailContext, keyof ShopMailSettings>;

/** The shop's program, email switches and texts (null without a program). */
export async function loadShopMailSettings(db: Db, shop: string): Promise<ShopMailSettings | null> {
  const [program, switches, texts, klaviyo, milestones] = await Promise.all([
    db.program.findUnique({ where: { shop } }),
    db.emailSwitch.findMany({ where: { shop } }),
    db.emailText.findMany({ where: { shop } }),
    db.klaviyoConnection.findUnique({ where: { shop }, select: { sendAppEmails: true, status: true } }),
    db.milestone.findMany({ where: { shop }, orderBy: { referrals: "asc" } }),
  ]);
  if (!program) return null;
  return {
    shop,
    program,
    switches: new Map(switches.map((s) => [s.kind, s.enabled])),
    // Only while Klaviyo takes the events: with a refused key, the app's own emails go again.
    klaviyoSendsShopperEmails: klaviyo?.sendAppEmails === false && klaviyo.status === "ACTIVE",
    texts: new Map(texts.map((t) => [`${t.kind}|${t.locale}`, { subject: t.subject, heading: t.heading, body: t.body, button: "" }])),
    milestones,
  };
}

/** The rows a batch of messages is about, and its recipients' suppressions (read for every batch: an unsubscribe counts at once). */
export async function loadBatchRows(db: Db, shop: string, messages: EmailMessage[]): Promise<BatchRows> {
  const ids = (pick: (m: EmailMessage) => string | null) => [...new Set(messages.map(pick).filter((v): v is string => Boolean(v)))];
  const none = Promise.resolve([]);
  const referrerIds = [...ids((m) => m.referrerId), ...digestReferrerIds(messages)];
  const rewardIds = ids((m) => m.rewardId);
  const referralIds = ids((m) => m.referralId);
  // The emails that say how far the next milestone is, and whose referrers they go to.
  const progressReferrerIds = [...new Set(messages.filter((m) => m.kind === "FRIEND_ORDERED" || m.kind === "REWARD_ISSUED").flatMap((m) => (m.referrerId ? [m.referrerId] : [])))];
  const linkIds = signInIds(messages, isPartnerEmailKind);
  const [suppressions, referrers, rewards, referrals, successful, signIns] = await Promise.all([
    db.emailSuppression.findMany({ where: { shop, emailKey: { in: ids((m) => m.emailKey) } } }),
    referrerIds.length ? db.referrer.findMany({ where: { shop, id: { in: referrerIds } } }) : none,
    rewardIds.length ? db.reward.findMany({ where: { shop, id: { in: rewardIds } } }) : none,
    referralIds.length ? db.referral.findMany({ where: { shop, id: { in: referralIds } } }) : none,
    progressReferrerIds.length ? successfulByReferrer(db, shop, progressReferrerIds) : new Map<string, number>(),
    linkIds.length
      ? db.partnerSignIn.findMany({ where: { shop, id: { in: linkIds } }, select: { id: true, usedAt: true, expiresAt: true, partner: { select: { redactedAt: true } } } })
      : Promise.resolve([]),
  ]);
  const variantIds = [...new Set([...referrers.map(activeVariantId), ...referrals.map((r) => r.variantId)].filter((id): id is string => Boolean(id)))];
  const variants = variantIds.length ? await db.experimentVariant.findMany({ where: { shop, id: { in: variantIds } } }) : [];
  return {
    successful,
    variants: new Map(variants.map((v) => [v.id, v] as const)),
    suppressions: new Map(suppressions.map((s) => [s.emailKey, s.reason])),
    referrers: new Map(referrers.map((r) => [r.id, r] as const)),
    rewards: new Map(rewards.map((r) => [r.id, r] as const)),
    referrals: new Map(referrals.map((r) => [r.id, r] as const)),
    partnerSignIns: new Map(signIns.map((s) => [s.id, s] as const)),
  };
}

/** Each referrer's successful (rewarded) referrals; nothing is counted when the shop has no milestone. */
async function successfulByReferrer(db: Db, shop: string, referrerIds: string[]): Promise<Map<string, number>> {
  if (!(await db.milestone.findFirst({ where: { shop }, select: { id: true } }))) return new Map();
  const counts = await db.referral.groupBy({ by: ["referrerId"], where: { shop, referrerId: { in: referrerIds }, status: ReferralStatus.REWARDED }, _count: { _all: true } });
  return new Map(counts.map((c) => [c.referrerId, c._count._all]));
}

function digestReferrerIds(messages: EmailMessage[]): string[] {
  return messages.filter((m) => m.kind === "MERCHANT_DIGEST").flatMap((m) => digestPayload(m.payload)?.top.map((t) => t.referrerId) ?? []);
}

/** A stored digest's figures, or null when the row holds something else. */
function digestPayload(payload: string | null): DigestPayload | null {
  try {
    const d = JSON.parse(payload ?? "null") as DigestPayload | null;
    const valid = d && Array.isArray(d.top) && d.top.every((t) => typeof t?.referrerId === "string") && !Number.isNaN(Date.parse(d.from)) && !Number.isNaN(Date.parse(d.to));
    return valid ? d : null;
  } catch {
    return null;
  }
}

/**
 * The values this email may fill in, every other placeholder empty: a text
 * can only hold the ones its email allows (checked on save), and a value
 * another email has (a referral code in a store-credit reward) never leaks in.
 */
export function allowedValues(kind: EmailKind, values: EmailValues): EmailValues {
  const allowed: readonly string[] = KIND_PLACEHOLDERS[kind];
  const out: EmailValues = { button_href: values.button_href, unsubscribe_href: values.unsubscribe_href };
  for (const name of PLACEHOLDERS) out[name] = allowed.includes(name) ? (values[name] ?? "") : "";
  return out;
}

/** The text of one email in one language: the merchant's, else the default (the button label is always the default's). */
export function kindText(texts: Map<string, KindText>, kind: EmailKind, locale: EmailLocale): KindText {
  const own = texts.get(`${kind}|${locale}`);
  const fallback = DEFAULT_TEXTS[locale].kinds[kind];
  return own ? { ...own, button: fallback.button } : fallback;
}

export type Composed =
  | { ok: true; shape: EmailShape; values: EmailValues; unsubscribeUrl: string | null }
  /** Not to be sent; why, for the send log (erase: the row itself goes, its recipient's data was erased). */
  | { ok: false; reason: string; erase?: boolean };

interface Formatters {
  money: (amount: string, currency: string) => string;
  date: (at: Date) => string;
  /** Date, time and zone (a sign-in link's expiry). */
  dateTime: (at: Date) => string;
}

function formatters(locale: string, timeZone: string | null): Formatters {
  return {
    money: (amount, currency) => {
      try {
        return new Intl.NumberFormat(locale, { style: "currency", currency }).format(Number(amount));
      } catch {
        return `${amount} ${currency}`;
      }
    },
    date: (at) => new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: timeZone ?? "UTC" }).format(at),
    dateTime: dateTimeFormatter(locale, timeZone),
  };
}

const trimNumber = (v: { toString(): string }) => String(Number(v.toString()));

/** "15% off their first order", in the recipient's language. */
export function friendOfferPhrase(program: Program, common: CommonText, f: Formatters): string {
  if (program.friendOfferKind === "FREE_SHIPPING") return common.offer_free_shipping;
  if (program.friendOfferKind === "FIXED_AMOUNT") return common.offer_amount.replace("{amount}", f.money(program.friendOfferValue.toString(), program.currencyCode));
  return common.offer_percent.replace("{value}", trimNumber(program.friendOfferValue));
}

/** What the program's referrer earns, or what one reward is, in a sentence. */
export function rewardPhrase(
  reward: { kind: string; valueType: string; value: { toString(): string }; currencyCode: string | null },
  common: CommonText,
  f: Formatters,
): string {
  const amount = () => f.money(reward.value.toString(), reward.currencyCode ?? "USD");
  if (reward.kind === "STORE_CREDIT") return common.reward_store_credit.replace("{amount}", amount());
  if (reward.kind === "CASH") return common.reward_cash.replace("{amount}", amount());
  if (reward.valueType === "PERCENTAGE") return common.reward_code_percent.replace("{value}", trimNumber(reward.value));
  return common.reward_code_amount.replace("{amount}", amount());
}

/** The program's reward as a Reward-like value (what a referrer would earn). */
function programReward(program: Program) {
  const kind = program.rewardKind.startsWith("CODE_") ? "CODE" : program.rewardKind;
  return { kind, valueType: program.rewardKind === "CODE_PERCENTAGE" ? "PERCENTAGE" : "FIXED_AMOUNT", value: program.rewardValue, currencyCode: program.currencyCode };
}

export function storefrontOrigin(program: Program): string {
  return (program.storefrontUrl ?? `https://${program.shop}`).replace(/\/$/, "");
}

export function shopDisplayName(program: Program): string {
  return program.shopName?.trim() || program.shop.replace(/\.myshopify\.com$/, "");
}

/** The merchant's dashboard in the Shopify admin. */
export function adminUrl(shop: string, apiKey: string): string {
  return `https://admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}/apps/${apiKey}`;
}

export interface TestPayload {
  kind: EmailKind;
  locale: EmailLocale;
}

/** Sample values for a test send or the admin's preview. */
export function sampleValues(program: Program, locale: EmailLocale, common: CommonText, now: Date): EmailValues {
  const f = formatters(locale, program.timezone);
  const origin = storefrontOrigin(program);
  return {
    referrer_first_name: "Rita",
    shop_name: shopDisplayName(program),
    friend_offer: friendOfferPhrase(program, common, f),
    reward: rewardPhrase(programReward(program), common, f),
    code: `${program.codePrefix}-SAMPLE`,
    old_code: `${program.codePrefix}-OLDSAMPLE`,
    link: referralLink(origin, `${program.codePrefix}-SAMPLE`, "email"),
    expires_on: f.date(new Date(now.getTime() + 30 * 86_400_000)),
    reward_date: f.date(new Date(now.getTime() + program.holdDays * 86_400_000)),
  };
}

/**
 * Sample values of one email for a test send or the admin's preview, with
 * where its button goes: the storefront, or for a partner email a made-up
 * sign-in link.
 */
export function sampleValuesFor(kind: EmailKind, program: Program, locale: EmailLocale, now: Date): EmailValues {
  const origin = storefrontOrigin(program);
  const values = { ...sampleValues(program, locale, DEFAULT_TEXTS[locale].common, now), button_href: origin };
  return isPartnerEmailKind(kind) ? { ...values, ...samplePartnerValues(origin, formatters(locale, program.timezone).dateTime, now) } : values;
}

export interface ShapeInput {
  kind: EmailKind;
  locale: EmailLocale;
  program: Program;
  text: KindText;
  hasCode: boolean;
  hasExpiry: boolean;
  rewardKind: string | null;
  unsubscribe: boolean;
  table?: EmailShape["parts"]["table"];
  /** Lines after how to use the reward (milestone progress, store credit expiry). */
  notes?: string[];
}

export function shapeFor(input: ShapeInput): EmailShape {
  const { kind, locale, program } = input;
  const common = DEFAULT_TEXTS[locale].common;
  const partners = DEFAULT_TEXTS[locale].partners;
  const partner = isPartnerEmailKind(kind);
  const after =
    kind === "REWARD_ISSUED" && input.rewardKind
      ? input.rewardKind === "STORE_CREDIT"
        ? common.how_store_credit
        : input.rewardKind === "CASH"
          ? common.how_cash
          : common.how_code
      : null;
  return {
    kind,
    locale,
    brand: {
      // Braces would read as placeholders in the rendered layout.
      shopName: shopDisplayName(program).replace(/[{}]/g, ""),
      logoUrl: /^https:\/\//.test(program.emailLogoUrl) ? program.emailLogoUrl : null,
      accentColor: /^#[0-9a-f]{6}$/i.test(program.emailAccentColor) ? program.emailAccentColor : "#2c6ecb",
    },
    text: input.text,
    common,
    ...(partner ? { partners } : {}),
    parts: {
      button: true,
      code: input.hasCode,
      expiry: input.hasExpiry,
      after,
      // Braces would read as placeholders in the rendered layout (a product title is the merchant's).
      notes: (input.notes ?? []).map((note) => note.replace(/[{}]/g, "")),
      unsubscribe: input.unsubscribe,
      // A partner's sign-in link says until when it works ({expires_at}, filled per recipient).
      buttonNote: partner ? partners.link_valid : null,
      footer: kind === "MERCHANT_DIGEST" ? "merchant" : partner ? "partner" : "referrer",
      table: input.table ?? null,
    },
  };
}

/** Composes one queued message, or says why it must not go. */
export function composeMessage(message: EmailMessage, ctx: ShopMailContext, config: EmailConfig, now: Date): Composed {
  const { program } = ctx;
  const test = message.kind === TEST_KIND;
  const payload = test ? testPayload(message.payload) : null;
  const kind = test ? payload?.kind : message.kind;
  if (!isEmailKind(kind)) return { ok: false, reason: `Unknown email ${String(kind)}` };
  if (!test && (ctx.switches.get(kind) ?? kind !== "MERCHANT_DIGEST") === false) return { ok: false, reason: "Switched off on the Emails page" };
  if (!test && !NOT_SHOPPER_MAIL.has(kind) && ctx.klaviyoSendsShopperEmails) return { ok: false, reason: "Sent from Klaviyo instead (Integrations > Klaviyo)" };
  // A guest's link is asked for by whoever typed the address: it honours an
  // unsubscribe and carries the link, like the non-essential emails.
  const essential = ESSENTIAL.has(kind) && !message.key.startsWith("guest:");
  const suppressed = ctx.suppressions.get(message.emailKey);
  if (suppressed === "UNDELIVERABLE") return { ok: false, reason: "Undeliverable: the mail server refused this address before" };
  if (suppressed === "UNSUBSCRIBED" && !essential && !test) return { ok: false, reason: "Unsubscribed" };

  const partner = isPartnerEmailKind(kind);
  // A partner email's language is the partner's, else the shop's: not that of a referrer row it may have.
  const referrer = message.referrerId && !partner ? ctx.referrers.get(message.referrerId) : undefined;
  const locale = pickLocale(test ? payload?.locale : message.locale, referrer?.locale, program.primaryLocale);
  const common = DEFAULT_TEXTS[locale].common;
  const f = formatters(locale, program.timezone);
  const origin = storefrontOrigin(program);
  const unsubscribe = !essential;
  const unsubscribeHref = unsubscribe ? unsubscribeUrl(config.appUrl, config.secret, ctx.shop, message.emailKey, locale) : null;
  const text = kindText(ctx.texts, kind, locale);

  if (test) {
    const values = allowedValues(kind, { ...sampleValuesFor(kind, program, locale, now), ...(unsubscribeHref ? { unsubscribe_href: unsubscribeHref } : {}) });
    const hasCode = !partner && kind !== "MERCHANT_DIGEST" && kind !== "FRIEND_ORDERED" && kind !== "REWARD_REVOKED";
    const shape = shapeFor({ kind, locale, program, text, hasCode, hasExpiry: kind === "REWARD_REMINDER", rewardKind: programReward(program).kind, unsubscribe });
    return { ok: true, shape, values, unsubscribeUrl: unsubscribeHref };
  }

  if (partner) {
    // Everything but the shop comes from the payload and the link's row: the partner may have no referrer.
    const stored = partnerPayload(message.payload);
    if (!stored) return { ok: false, reason: "The sign-in link is unreadable" };
    const problem = partnerLinkProblem(ctx.partnerSignIns?.get(stored.signInId), now);
    if (problem) return { ok: false, ...problem };
    const values = allowedValues(kind, { shop_name: shopDisplayName(program), ...partnerValues(stored, f.dateTime), ...(unsubscribeHref ? { unsubscribe_href: unsubscribeHref } : {}) });
    const shape = shapeFor({ kind, locale, program, text, hasCode: false, hasExpiry: false, rewardKind: null, unsubscribe });
    return { ok: true, shape, values, unsubscribeUrl: unsubscribeHref };
  }

  // The offer and reward the referrer was promised: their incentive experiment variant's, if any.
  const variantOf = (id: string | null | undefined) => (id ? (ctx.variants?.get(id) ?? null) : null);
  const terms = withIncentive(program, variantOf(referrer ? activeVariantId(referrer) : null));
  const base: EmailValues = { shop_name: shopDisplayName(program), friend_offer: friendOfferPhrase(terms, common, f) };
  if (unsubscribeHref) base.unsubscribe_href = unsubscribeHref;

  if (kind === "MERCHANT_DIGEST") {
    const digest = digestPayload(message.payload);
    if (!digest) return { ok: false, reason: "The digest's figures are unreadable" };
    const table = digestTable(digest, ctx, common, f);
    const shape = shapeFor({ kind, locale, program, text, hasCode: false, hasExpiry: false, rewardKind: null, unsubscribe, table });
    return { ok: true, shape, values: allowedValues(kind, { ...base, button_href: adminUrl(ctx.shop, config.apiKey) }), unsubscribeUrl: unsubscribeHref };
  }

  if (referrer?.redactedAt) return { ok: false, reason: "The referrer's data was erased", erase: true };
  if (!referrer) return { ok: false, reason: "The referrer is no longer enrolled" };
  // A partner business follows its orders and fees in the partner portal, under its agreement:
  // the customer program's emails ("a friend ordered", "your reward"...) would speak to it as a shopper.
  // (A reward a customer earned before becoming a partner is still theirs to be told about.)
  const customerReward = message.rewardId ? ctx.rewards.get(message.rewardId) : undefined;
  if (referrer.kind === "PARTNER" && !(customerReward && customerReward.source !== "PARTNER_FEE")) {
    return { ok: false, reason: "A partner: their orders and fees are in the partner portal" };
  }
  if (referrer.status !== "ACTIVE" && kind !== "REWARD_ISSUED" && kind !== "REWARD_REVOKED") return { ok: false, reason: "The referrer is disabled" };
  const link = referralLink(origin, referrer.code, "email");
  // With single-use friend codes the referrer's code gives friends nothing: they share the link.
  const linkOnly = program.friendCodeMode === "SINGLE_USE";
  const values: EmailValues = {
    ...base,
    referrer_first_name: referrer.firstName?.trim() || common.name_fallback,
    link,
    code: linkOnly ? link : referrer.code,
    reward: rewardPhrase(programReward(terms), common, f),
    button_href: link,
  };
  let hasCode = !linkOnly && (kind === "INVITATION" || kind === "YOUR_LINK");
  let hasExpiry = false;
  let rewardKind: string | null = null;
  const notes: string[] = [];
  const mt = DEFAULT_TEXTS[locale].milestones;
  const successful = ctx.successful.get(referrer.id) ?? 0;

  if (kind === "FRIEND_ORDERED") {
    const referral = message.referralId ? ctx.referrals.get(message.referralId) : undefined;
    if (!referral) return { ok: false, reason: "The referral no longer exists" };
    if (!["PENDING", "APPROVED"].includes(referral.status)) return { ok: false, reason: `The referral is ${referral.status.toLowerCase()}` };
    values.reward_date = f.date(referral.holdUntil ?? now);
    // Counting this friend's order, once it is confirmed.
    const next = nextMilestone(ctx.milestones, successful);
    if (next) {
      const reward = milestonePhrase(next.milestone, common, mt, f, program.currencyCode);
      notes.push(next.remaining === 1 ? fill(mt.progress_pending_unlock, { reward }) : pluralText(mt.progress_pending, locale, next.remaining - 1, { reward }));
    }
    // The reward this friend's order will earn: that of the variant it was made in.
    values.reward = rewardPhrase(programReward(withIncentive(program, variantOf(referral.variantId))), common, f);
  }
  if (kind === "CODE_CHANGED") {
    const change = codeChangePayload(message.payload);
    if (!change) return { ok: false, reason: "The code change is unreadable" };
    // Rotated again since: this email would announce a code that is already gone.
    if (change.newCode !== referrer.code) return { ok: false, reason: "The referrer's code changed again since" };
    values.old_code = change.oldCode;
    values.expires_on = f.date(new Date(change.retireAt));
    hasCode = true;
  }
  if (kind === "REWARD_ISSUED" || kind === "REWARD_REMINDER" || kind === "REWARD_REVOKED") {
    const reward = message.rewardId ? ctx.rewards.get(message.rewardId) : undefined;
    if (!reward) return { ok: false, reason: "The reward no longer exists" };
    const product = reward.productId ? productTitle(ctx.milestones, reward.productId) : null;
    values.reward = product !== null ? fill(mt.reward_free_product, { product }) : rewardPhrase(reward, common, f);
    // {code} in a reward's email is the reward's code (none for store credit or a fee).
    values.code = reward.code ?? "";
    rewardKind = reward.kind;
    if (kind === "REWARD_REVOKED") {
      if (reward.status !== "REVOKED") return { ok: false, reason: `The reward is ${reward.status.toLowerCase()}, not taken back` };
    } else {
      // A cash fee may be paid out before its email goes: still news worth sending.
      const live = kind === "REWARD_ISSUED" ? ["ISSUED", "PAID"] : ["ISSUED"];
      if (!live.includes(reward.status)) return { ok: false, reason: `The reward is ${reward.status.toLowerCase()}` };
      if (kind === "REWARD_REMINDER" && (reward.usedAt || !reward.expiresAt || reward.expiresAt <= now)) {
        return { ok: false, reason: reward.usedAt ? "The reward code was used" : "The reward code has expired" };
      }
      values.button_href = origin;
      hasCode = reward.kind === "CODE" && Boolean(reward.code);
      if (reward.expiresAt && hasCode) {
        values.expires_on = f.date(reward.expiresAt);
        hasExpiry = true;
      }
      if (kind === "REWARD_ISSUED") notes.push(...rewardNotes(reward, { mt, common, f, locale, product, milestones: ctx.milestones, successful, currencyCode: program.currencyCode }));
    }
  }
  const shape = shapeFor({ kind, locale, program, text, hasCode, hasExpiry, rewardKind, unsubscribe, notes });
  return { ok: true, shape, values: allowedValues(kind, values), unsubscribeUrl: unsubscribeHref };
}

/**
 * What "your reward" adds after how to use it: the milestone a milestone
 * reward is for, how to use a free product's code, until when store credit is
 * valid, and how far the next milestone is.
 */
function rewardNotes(
  reward: Reward,
  c: { mt: MilestoneText; common: CommonText; f: Formatters; locale: EmailLocale; product: string | null; milestones: Milestone[]; successful: number; currencyCode: string },
): string[] {
  const notes: string[] = [];
  const reached = reward.source === "MILESTONE" ? milestoneOfKey(reward.sourceKey) : null;
  if (reached !== null) notes.push(pluralText(c.mt.reached, c.locale, reached, {}));
  if (reward.source === "SECOND_TIER") notes.push(c.mt.second_tier);
  if (c.product !== null) notes.push(fill(c.mt.how_free_product, { product: c.product }));
  if (reward.kind === "STORE_CREDIT" && reward.expiresAt) notes.push(fill(c.mt.credit_expires, { expires_on: c.f.date(reward.expiresAt) }));
  const next = nextMilestone(c.milestones, c.successful);
  if (next) notes.push(pluralText(c.mt.progress, c.locale, next.remaining, { reward: milestonePhrase(next.milestone, c.common, c.mt, c.f, c.currencyCode) }));
  return notes;
}

/** A milestone's reward in a sentence, as "your reward" would name it. */
function milestonePhrase(m: MilestoneTerms, common: CommonText, mt: MilestoneText, f: Formatters, currencyCode: string): string {
  if (m.rewardKind === "FREE_PRODUCT") return fill(mt.reward_free_product, { product: m.productTitle ?? "" });
  const kind = m.rewardKind.startsWith("CODE_") ? "CODE" : m.rewardKind;
  return rewardPhrase({ kind, valueType: m.rewardKind === "CODE_PERCENTAGE" ? "PERCENTAGE" : "FIXED_AMOUNT", value: m.rewardValue, currencyCode }, common, f);
}

/** The title of a free product as its milestone names it; null when no milestone names it any more (the reward then reads as its code). */
function productTitle(milestones: Milestone[], productId: string): string | null {
  return milestones.find((m) => m.productId === productId)?.productTitle ?? null;
}

/** `forms` for `count` by the language's plural rules, {count} formatted for it. */
function pluralText(forms: PluralText, locale: EmailLocale, count: number, vars: Record<string, string>): string {
  const form = forms[new Intl.PluralRules(locale).select(count) as keyof PluralText] ?? forms.other;
  return fill(form, { ...vars, count: new Intl.NumberFormat(locale).format(count) });
}

/** Fills {name} placeholders the app itself owns (not the merchant's PLACEHOLDERS). */
function fill(text: string, vars: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? vars[name] : whole));
}

/** What a code rotation stores with its email (app/referrals/code-rotation.server.ts). */
export interface CodeChangePayload {
  oldCode: string;
  newCode: string;
  /** ISO time the old code stops working. */
  retireAt: string;
}

function codeChangePayload(payload: string | null): CodeChangePayload | null {
  try {
    const p = JSON.parse(payload ?? "null") as Partial<CodeChangePayload> | null;
    const valid = p && typeof p.oldCode === "string" && typeof p.newCode === "string" && typeof p.retireAt === "string" && !Number.isNaN(Date.parse(p.retireAt));
    return valid ? (p as CodeChangePayload) : null;
  } catch {
    return null;
  }
}

function testPayload(payload: string | null): Partial<TestPayload> | null {
  try {
    return JSON.parse(payload ?? "null") as Partial<TestPayload> | null;
  } catch {
    return null;
  }
}

/** What the weekly digest job stores: figures, and referrer ids (names are read when sending). */
export interface DigestPayload {
  from: string;
  to: string;
  orders: number;
  revenue: string;
  currencyCode: string;
  rewards: number;
  top: { referrerId: string; count: number }[];
}

function digestTable(d: DigestPayload, ctx: ShopMailContext, common: CommonText, f: Formatters): EmailShape["parts"]["table"] {
  const lines = d.top
    .map(({ referrerId, count }) => {
      const r = ctx.referrers.get(referrerId);
      if (!r || r.redactedAt) return null;
      const name = [r.firstName, r.lastName].filter(Boolean).join(" ") || r.code;
      return common.digest_top_line.replace("{name}", () => name).replace("{count}", String(count));
    })
    .filter((l): l is string => l !== null);
  return {
    rows: [
      [common.digest_period.replace("{from}", f.date(new Date(d.from))).replace("{to}", f.date(new Date(d.to))), ""],
      [common.digest_referrals, String(d.orders)],
      [common.digest_revenue, f.money(d.revenue, d.currencyCode)],
      [common.digest_rewards, String(d.rewards)],
    ],
    title: d.orders > 0 ? common.digest_top : null,
    lines: d.orders > 0 ? lines : [common.digest_none],
  };
}
