import { Badge, type BadgeProps } from "@shopify/polaris";
import { useI18n } from "~/i18n/context";

const TONES: Record<string, BadgeProps["tone"]> = {
  APPLIED: "attention",
  INVITED: "info",
  APPROVED: "success",
  DECLINED: undefined,
  ENDED: "critical",
};

export function PartnerStatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  return <Badge tone={TONES[status]}>{t.partners.statuses[status] ?? status}</Badge>;
}
