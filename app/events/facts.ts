// The facts an event carries, read off the rows of the change it reports.
import { money } from "~/referrals/money";
import { milestoneOfKey } from "~/referrals/milestone-settings";
import type { ReferralFacts, RewardFacts } from "./types";

interface ReferralRow {
  id: string;
  orderId: string;
  orderName: string | null;
  subtotalAmount: { toString(): string };
  totalAmount: { toString(): string };
  currencyCode: string;
  attributedBy: string;
  channel: string | null;
  status: string;
  holdUntil: Date | null;
}

interface RewardRow {
  id: string;
  source: string;
  sourceKey: string | null;
  kind: string;
  valueType: string;
  value: { toString(): string };
  currencyCode: string | null;
  code: string | null;
  expiresAt: Date | null;
}

export function referralFacts(row: ReferralRow): ReferralFacts {
  return {
    id: row.id,
    orderId: row.orderId,
    orderName: row.orderName,
    // To the currency's own precision ("80.00", "8000" yen), as everywhere money leaves the app.
    subtotal: money(row.subtotalAmount.toString(), row.currencyCode),
    total: money(row.totalAmount.toString(), row.currencyCode),
    attributedBy: row.attributedBy,
    channel: row.channel,
    status: row.status,
    holdUntil: row.holdUntil?.toISOString() ?? null,
  };
}

export function rewardFacts(row: RewardRow): RewardFacts {
  return {
    id: row.id,
    source: row.source,
    milestone: row.source === "MILESTONE" ? milestoneOfKey(row.sourceKey) : null,
    kind: row.kind,
    valueType: row.valueType,
    value: row.valueType === "FIXED_AMOUNT" && row.currencyCode ? money(row.value.toString(), row.currencyCode).amount : row.value.toString(),
    currencyCode: row.currencyCode,
    code: row.code,
    expiresAt: row.expiresAt?.toISOString() ?? null,
  };
}
