// Store credit, the reward Shopify keeps on the customer's account: crediting
// it exactly once (a retry finds its own earlier credit, never a manual one),
// and debiting it back when the referral is reversed (a retry finds its own
// earlier debit, never debits twice).
import type { WorkContext } from "~/queue/types";
import { PermanentError } from "~/queue/types";
import type { AdminClient } from "~/shopify/admin-client.server";
import { CUSTOMER_BY_IDENTIFIER, STORE_CREDIT_CREDIT, STORE_CREDIT_DEBIT, STORE_CREDIT_TRANSACTIONS } from "~/shopify/documents";
import { Decimal, toDecimal } from "./money";
import type { CurrencyCode } from "../types/admin.types";

import { type RevocationOutcome, type RewardWithReferrer } from "./reward-row.server";

export async function customerForCredit(ctx: WorkContext, reward: RewardWithReferrer): Promise<string> {
  if (reward.referrer.customerId) return reward.referrer.customerId;
  if (reward.referrer.email) {
    const admin = await ctx.admin();
    const found = await admin.query(CUSTOMER_BY_IDENTIFIER, { identifier: { emailAddress: reward.referrer.email } });
    const id = found.customerByIdentifier?.id;
    if (id) {
      await ctx.db.referrer.updateMany({ where: { id: reward.referrerId, shop: ctx.shop, customerId: null }, data: { customerId: id } });
      return id;
    }
  }
  throw new PermanentError("Store credit needs a customer account, and this referrer has none");
}

/**
 * Credits the reward's value to the referrer's store credit. No idempotency key
 * exists for store credit, so a credit this reward may already have made is
 * recognised by amount, and only where one can exist: on a retry of this
 * reward (`earlierAttemptAt`: when its first attempt started), a credit of this
 * amount since then that no other reward claims; after an uncertain call, a
 * credit of this amount that was not on the account before the call. A
 * first attempt never takes over a credit it did not make (a refund, a manual
 * credit of the same amount a moment ago).
 */
export async function creditStore(ctx: WorkContext, reward: RewardWithReferrer, earlierAttemptAt: Date | null): Promise<string> {
  const admin = await ctx.admin();
  const customerId = await customerForCredit(ctx, reward);
  const amount = reward.value.toString();
  const currencyCode = reward.currencyCode as CurrencyCode;
  const credits = () => creditTransactions(admin, customerId, reward.value, currencyCode);
  if (earlierAttemptAt) {
    const since = earlierAttemptAt.getTime() - CREDIT_SKEW_MS;
    const earlier = await unclaimed(ctx, (await credits()).filter((t) => t.createdAt >= since).map((t) => t.id));
    if (earlier) return earlier;
  }
  const before = new Set((await credits()).map((t) => t.id));
  const data = await admin.mutate(
    STORE_CREDIT_CREDIT,
    { id: customerId, creditInput: { creditAmount: { amount, currencyCode }, expiresAt: reward.expiresAt?.toISOString() ?? null } },
    {
      verify: async () => {
        const id = await unclaimed(ctx, (await credits()).filter((t) => !before.has(t.id)).map((t) => t.id));
        return id ? { storeCreditAccountCredit: { storeCreditAccountTransaction: { id }, userErrors: [] } } : null;
      },
    },
  );
  const id = data.storeCreditAccountCredit?.storeCreditAccountTransaction?.id;
  if (!id) throw new Error("Shopify returned no store credit transaction");
  return id;
}

/** A credit the app made may show up a little before our clock's attempt time (clock skew). */
const CREDIT_SKEW_MS = 60_000;

/** The customer's store credit credits of exactly `amount` (the latest 25 of each account), oldest first. */
async function creditTransactions(admin: AdminClient, customerId: string, amount: Decimal, currencyCode: string) {
  const data = await admin.query(STORE_CREDIT_TRANSACTIONS, { id: customerId });
  const credits: { id: string; createdAt: number }[] = [];
  for (const account of data.customer?.storeCreditAccounts.nodes ?? []) {
    for (const t of account.transactions.nodes) {
      const tx = t as { __typename: string; id?: string; amount: { amount: string; currencyCode: string }; createdAt: string };
      if (tx.__typename !== "StoreCreditAccountCreditTransaction" || !tx.id) continue;
      if (tx.amount.currencyCode !== currencyCode || !toDecimal(tx.amount.amount).abs().equals(amount)) continue;
      credits.push({ id: tx.id, createdAt: Date.parse(tx.createdAt) });
    }
  }
  return credits.sort((a, b) => a.createdAt - b.createdAt);
}

/** The first of these transactions no reward has claimed. */
async function unclaimed(ctx: WorkContext, ids: string[]): Promise<string | null> {
  if (!ids.length) return null;
  const claimed = await ctx.db.reward.findMany({ where: { shop: ctx.shop, shopifyId: { in: ids } }, select: { shopifyId: true } });
  const taken = new Set(claimed.map((c) => c.shopifyId));
  return ids.find((id) => !taken.has(id)) ?? null;
}


type StoreCreditAccountNode = { transactions: { nodes: unknown[] } } | undefined;
type DebitNode = { __typename: string; id?: string; event?: string; createdAt: string; amount: { amount: string } };

/** Ids of the account's debit transactions (of `amount` only, when given). */
function debitIds(account: StoreCreditAccountNode, amount?: Decimal): string[] {
  const ids: string[] = [];
  for (const tx of (account?.transactions.nodes ?? []) as DebitNode[]) {
    if (tx.__typename !== "StoreCreditAccountDebitTransaction" || !tx.id) continue;
    if (amount && !toDecimal(tx.amount.amount).abs().equals(amount)) continue;
    ids.push(tx.id);
  }
  return ids;
}

/** A debit the app made may show up a little before our clock's attempt time (clock skew). */
const REVOKE_SKEW_MS = 5 * 60_000;

/**
 * A debit an earlier, interrupted revocation of this reward made: an adjustment
 * (not a checkout spending the credit), made since that attempt started, of at
 * most the reward's value, that no other reward has claimed.
 */
async function debitOfEarlierAttempt(ctx: WorkContext, reward: RewardWithReferrer, account: StoreCreditAccountNode): Promise<{ id: string; amount: Decimal } | null> {
  if (!reward.revokeAttemptedAt) return null;
  const since = reward.revokeAttemptedAt.getTime() - REVOKE_SKEW_MS;
  const candidates = ((account?.transactions.nodes ?? []) as DebitNode[])
    .filter((t) => t.__typename === "StoreCreditAccountDebitTransaction" && t.id && t.event === "ADJUSTMENT")
    .filter((t) => Date.parse(t.createdAt) >= since && toDecimal(t.amount.amount).abs().lessThanOrEqualTo(reward.value))
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  if (!candidates.length) return null;
  const claimed = await ctx.db.reward.findMany({
    where: { shop: ctx.shop, revokeShopifyId: { in: candidates.map((t) => t.id!) } },
    select: { revokeShopifyId: true },
  });
  const taken = new Set(claimed.map((c) => c.revokeShopifyId));
  const found = candidates.find((t) => !taken.has(t.id!));
  return found ? { id: found.id!, amount: toDecimal(found.amount.amount).abs() } : null;
}

function debitOutcome(reward: RewardWithReferrer, debitId: string, debit: Decimal): RevocationOutcome {
  const currencyCode = reward.currencyCode;
  if (debit.lessThan(reward.value)) {
    return { revoked: false, debitId, note: `Debited ${debit.toString()} ${currencyCode} of ${reward.value.toString()}; the rest was spent: review this referral` };
  }
  return { revoked: true, debitId, note: `Debited ${debit.toString()} ${currencyCode} of store credit` };
}

export async function debitStore(ctx: WorkContext, reward: RewardWithReferrer): Promise<RevocationOutcome> {
  const admin = await ctx.admin();
  const customerId = reward.referrer.customerId;
  const currencyCode = reward.currencyCode as CurrencyCode;
  // An earlier run debited part of it (the rest was spent) and flagged the referral: never debit twice.
  if (reward.revokeShopifyId) return { revoked: false, note: "Store credit was already debited for this reward: review this referral" };
  if (!customerId) return { revoked: false, note: "No customer account to debit: review this referral" };
  const data = await admin.query(STORE_CREDIT_TRANSACTIONS, { id: customerId });
  const account = data.customer?.storeCreditAccounts.nodes.find((a: { balance: { currencyCode: string } }) => a.balance.currencyCode === currencyCode);

  // A run that died after Shopify debited, before recording it, left its debit on the account.
  const earlier = await debitOfEarlierAttempt(ctx, reward, account);
  if (earlier) return debitOutcome(reward, earlier.id, earlier.amount);

  const balance = toDecimal(account?.balance.amount ?? 0);
  const debit = Decimal.min(balance, reward.value);
  if (debit.lessThanOrEqualTo(0)) return { revoked: false, note: "The store credit was already spent: review this referral" };
  // Recorded before the call, so a retry after a crash looks for this debit first.
  await ctx.db.reward.updateMany({ where: { id: reward.id, shop: ctx.shop }, data: { revokeAttemptedAt: ctx.now() } });
  // Debits already on the account (revocations of this referrer's other rewards,
  // perhaps of the same amount a moment ago) are not the one this call may have made.
  const earlierDebits = new Set(debitIds(account));
  const result = await admin.mutate(
    STORE_CREDIT_DEBIT,
    { id: account!.id, debitInput: { debitAmount: { amount: debit.toString(), currencyCode } } },
    {
      verify: async () => {
        const after = await admin.query(STORE_CREDIT_TRANSACTIONS, { id: customerId });
        const again = after.customer?.storeCreditAccounts.nodes.find((a: { id: string }) => a.id === account!.id);
        const id = debitIds(again, debit).find((x) => !earlierDebits.has(x));
        return id ? { storeCreditAccountDebit: { storeCreditAccountTransaction: { id }, userErrors: [] } } : null;
      },
    },
  );
  const debitId = result.storeCreditAccountDebit?.storeCreditAccountTransaction?.id;
  if (!debitId) throw new Error("storeCreditAccountDebit returned no transaction");
  return debitOutcome(reward, debitId, debit);
}

