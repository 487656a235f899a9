// What the read API returns for referrers, referrals and rewards: the shop's
// rows, newest first, in keyset pages, each field named in snake_case, money as
// { amount, currency_code }, instants in ISO 8601. Only what a merchant's own
// tools need: no hashes (IP, user agent, address), no lock or sync columns.
import { encodeCursor, keysetWhere, type Cursor } from "~/admin/cursor";
import type { Db } from "~/db.server";
import { canonicalCode } from "~/referrals/codes";
import { normaliseEmail } from "~/referrals/email";
import { currencyDigits, type Decimal } from "~/referrals/money";
import { ReferralStatus, RewardStatus } from "~/referrals/statuses";
import { badParameter } from "./errors";
import { ListParams, PAGE_PARAMETERS } from "./params";

export const REFERRER_STATUSES = ["ACTIVE", "DISABLED"] as const;
export const REFERRAL_STATUSES = Object.values(ReferralStatus);
export const REWARD_STATUSES = Object.values(RewardStatus);
export const REWARD_KINDS = ["CODE", "STORE_CREDIT", "CASH"] as const;

const CREATED = ["created_after", "created_before"] as const;
export const REFERRER_PARAMETERS = ["status", ...CREATED, "code", "email", ...PAGE_PARAMETERS];
export const REFERRAL_PARAMETERS = ["status", "referrer_id", ...CREATED, ...PAGE_PARAMETERS];
export const REWARD_PARAMETERS = ["status", "kind", "referrer_id", ...CREATED, ...PAGE_PARAMETERS];

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** To the currency's own precision: "12.50" EUR, "1250" JPY, "1.250" KWD. */
function money(amount: Decimal, currencyCode: string) {
  return { amount: amount.toFixed(currencyDigits(currencyCode)), currency_code: currencyCode };
}

interface Paging {
  take: number;
  cursor: Cursor | null;
}

/** `limit` and `cursor`, read with the filters: every parameter is checked before the first query. */
const paging = (params: ListParams): Paging => ({ take: params.limit(), cursor: params.cursor() });

/** One page after `cursor` in (createdAt desc, id desc) order: `take + 1` rows read tell whether another page follows. */
async function page<R extends Cursor, T>(
  { take, cursor }: Paging,
  find: (args: { where: object; orderBy: object[]; take: number }) => Promise<R[]>,
  serialise: (row: R) => T,
): Promise<Page<T>> {
  const rows = await find({ where: keysetWhere(cursor, "after"), orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: take + 1 });
  const items = rows.slice(0, take);
  return { data: items.map(serialise), next_cursor: rows.length > take ? encodeCursor(items[items.length - 1]) : null };
}

/** The shop's currency, as the program records it (fixed amounts without their own currency are in it). */
async function programCurrency(db: Db, shop: string) {
  const program = await db.program.findUnique({ where: { shop }, select: { currencyCode: true } });
  return program?.currencyCode ?? "USD";
}

// ---------------------------------------------------------------------------
// Referrers

const referrerSelect = {
  id: true,
  customerId: true,
  email: true,
  firstName: true,
  lastName: true,
  locale: true,
  code: true,
  source: true,
  status: true,
  disabledReason: true,
  referralCount: true,
  referredRevenue: true,
  clickCount: true,
  shareCount: true,
  referredByReferrerId: true,
  redactedAt: true,
  createdAt: true,
  updatedAt: true,
} as const;

export async function listReferrers(db: Db, shop: string, query: URLSearchParams) {
  const params = new ListParams(query, REFERRER_PARAMETERS);
  const status = params.oneOf("status", REFERRER_STATUSES);
  const createdAt = params.createdAt();
  const pageRequest = paging(params);
  const code = params.text("code");
  const emailParam = params.text("email");
  // The normalised form enrolment keys referrers by (any spelling of one address finds them).
  const emailKey = emailParam ? normaliseEmail(emailParam) : null;
  if (emailParam && !emailKey) throw badParameter("email", `"email" must be an email address.`);
  const currencyCode = await programCurrency(db, shop);
  const filters = {
    shop,
    ...(status ? { status } : {}),
    ...(createdAt ? { createdAt } : {}),
    ...(code ? { code: canonicalCode(code) } : {}),
    ...(emailKey ? { emailKey } : {}),
  };
  return page(
    pageRequest,
    ({ where, orderBy, take }) => db.referrer.findMany({ where: { AND: [filters, where] }, orderBy, take, select: referrerSelect }),
    (r) => ({
      id: r.id,
      customer_id: r.customerId,
      email: r.email,
      first_name: r.firstName,
      last_name: r.lastName,
      locale: r.locale,
      code: r.code,
      source: r.source,
      status: r.status,
      disabled_reason: r.disabledReason,
      referral_count: r.referralCount,
      // Live referrals' order totals less refunds, in the program's currency.
      referred_revenue: money(r.referredRevenue, currencyCode),
      click_count: r.clickCount,
      share_count: r.shareCount,
      referred_by_referrer_id: r.referredByReferrerId,
      redacted_at: iso(r.redactedAt),
      created_at: iso(r.createdAt),
      updated_at: iso(r.updatedAt),
    }),
  );
}

// ---------------------------------------------------------------------------
// Referrals

const referralSelect = {
  id: true,
  referrerId: true,
  orderId: true,
  orderName: true,
  friendCustomerId: true,
  friendEmail: true,
  codeUsed: true,
  attributedBy: true,
  channel: true,
  status: true,
  reason: true,
  needsReview: true,
  reviewStatus: true,
  test: true,
  subtotalAmount: true,
  totalAmount: true,
  refundedAmount: true,
  currencyCode: true,
  orderCreatedAt: true,
  holdUntil: true,
  approvedAt: true,
  rewardedAt: true,
  rejectedAt: true,
  reversedAt: true,
  createdAt: true,
  updatedAt: true,
} as const;

export async function listReferrals(db: Db, shop: string, query: URLSearchParams) {
  const params = new ListParams(query, REFERRAL_PARAMETERS);
  const status = params.oneOf("status", REFERRAL_STATUSES);
  const referrerId = params.text("referrer_id");
  const createdAt = params.createdAt();
  const pageRequest = paging(params);
  // Another shop's referrer id simply matches nothing: `shop` is in the same where.
  const filters = { shop, ...(status ? { status } : {}), ...(referrerId ? { referrerId } : {}), ...(createdAt ? { createdAt } : {}) };
  return page(
    pageRequest,
    ({ where, orderBy, take }) => db.referral.findMany({ where: { AND: [filters, where] }, orderBy, take, select: referralSelect }),
    (r) => ({
      id: r.id,
      referrer_id: r.referrerId,
      order_id: r.orderId,
      order_name: r.orderName,
      friend_customer_id: r.friendCustomerId,
      friend_email: r.friendEmail,
      code_used: r.codeUsed,
      attributed_by: r.attributedBy,
      channel: r.channel,
      status: r.status,
      reason: r.reason,
      needs_review: r.needsReview,
      review_status: r.reviewStatus,
      test: r.test,
      subtotal: money(r.subtotalAmount, r.currencyCode),
      total: money(r.totalAmount, r.currencyCode),
      refunded: money(r.refundedAmount, r.currencyCode),
      order_created_at: iso(r.orderCreatedAt),
      hold_until: iso(r.holdUntil),
      approved_at: iso(r.approvedAt),
      rewarded_at: iso(r.rewardedAt),
      rejected_at: iso(r.rejectedAt),
      reversed_at: iso(r.reversedAt),
      created_at: iso(r.createdAt),
      updated_at: iso(r.updatedAt),
    }),
  );
}

// ---------------------------------------------------------------------------
// Rewards

const rewardSelect = {
  id: true,
  referrerId: true,
  referralId: true,
  kind: true,
  valueType: true,
  value: true,
  currencyCode: true,
  code: true,
  status: true,
  reason: true,
  expiresAt: true,
  issuedAt: true,
  usedAt: true,
  revokedAt: true,
  paidAt: true,
  payoutReference: true,
  createdAt: true,
  updatedAt: true,
} as const;

export async function listRewards(db: Db, shop: string, query: URLSearchParams) {
  const params = new ListParams(query, REWARD_PARAMETERS);
  const status = params.oneOf("status", REWARD_STATUSES);
  const kind = params.oneOf("kind", REWARD_KINDS);
  const referrerId = params.text("referrer_id");
  const createdAt = params.createdAt();
  const pageRequest = paging(params);
  const currencyCode = await programCurrency(db, shop);
  const filters = {
    shop,
    ...(status ? { status } : {}),
    ...(kind ? { kind } : {}),
    ...(referrerId ? { referrerId } : {}),
    ...(createdAt ? { createdAt } : {}),
  };
  return page(
    pageRequest,
    ({ where, orderBy, take }) => db.reward.findMany({ where: { AND: [filters, where] }, orderBy, take, select: rewardSelect }),
    (r) => {
      // A percentage reward is a share of an order, not money: it has no currency.
      const fixed = r.valueType !== "PERCENTAGE";
      return {
        id: r.id,
        referrer_id: r.referrerId,
        referral_id: r.referralId,
        kind: r.kind,
        value_type: r.valueType,
        percentage: fixed ? null : r.value.toString(),
        amount: fixed ? money(r.value, r.currencyCode ?? currencyCode) : null,
        code: r.code,
        status: r.status,
        reason: r.reason,
        payout_reference: r.payoutReference,
        expires_at: iso(r.expiresAt),
        issued_at: iso(r.issuedAt),
        used_at: iso(r.usedAt),
        revoked_at: iso(r.revokedAt),
        paid_at: iso(r.paidAt),
        created_at: iso(r.createdAt),
        updated_at: iso(r.updatedAt),
      };
    },
  );
}
