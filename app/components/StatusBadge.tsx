import { Badge, type BadgeProps } from "@shopify/polaris";
import { useI18n } from "~/i18n/context";

const TONES: Record<string, BadgeProps["tone"]> = {
  PENDING: "attention",
  APPROVED: "info",
  REWARDED: "success",
  REJECTED: "critical",
  REVERSED: "warning",
  ACTIVE: "success",
  DISABLED: undefined,
  ISSUED: "success",
  PAID: "success",
  FAILED: "critical",
  REVOKED: "warning",
  CANCELLED: "warning",
  ISSUING: "info",
};

export function StatusBadge({ status, kind = "referral" }: { status: string; kind?: "referral" | "reward" }) {
  const { t } = useI18n();
  const label = (kind === "reward" ? t.rewardStatus[status] : t.status[status]) ?? status;
  return <Badge tone={TONES[status]}>{label}</Badge>;
}
