import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Box, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { useEffect, useState } from "react";
import db from "~/db.server";
import { adminLink, personName } from "~/i18n/format";
import { programTimezone } from "~/referrals/programs.server";
import { useI18n } from "~/i18n/context";
import { getReferral } from "~/admin/referral-list.server";
import { referralFlags } from "~/admin/review-queue.server";
import { approveReferrals, rejectReferrals } from "~/referrals/referral-decisions.server";
import { notFound, requireAdmin } from "~/shopify/admin-request.server";
import { ReasonModal } from "~/components/ReasonModal";
import { RouteError } from "~/components/RouteError";
import { SectionCard } from "~/components/SectionCard";
import { StatusBadge } from "~/components/StatusBadge";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, admin } = await requireAdmin(request);
  const found = await getReferral(db, shop, params.id ?? "");
  if (!found) notFound();
  const { referral, audit } = found;
  const { referrer, reward } = referral;
  return {
    referral: {
      id: referral.id,
      orderName: referral.orderName ?? referral.orderId.split("/").pop()!,
      orderNumericId: referral.orderId.split("/").pop()!,
      status: referral.status,
      reason: referral.reason,
      needsReview: referral.needsReview,
      test: referral.test,
      attributedBy: referral.attributedBy,
      codeUsed: referral.codeUsed,
      friendEmail: referral.friendEmail,
      friendCustomerId: referral.friendCustomerId?.split("/").pop() ?? null,
      subtotal: referral.subtotalAmount.toString(),
      total: referral.totalAmount.toString(),
      refunded: referral.refundedAmount.toString(),
      currencyCode: referral.currencyCode,
      createdAt: referral.createdAt.toISOString(),
      holdUntil: referral.holdUntil?.toISOString() ?? null,
      reviewStatus: referral.reviewStatus,
    },
    flags: await referralFlags(db, shop, referral.id),
    // Times as the dashboard shows them: in the shop's time zone.
    timezone: await programTimezone({ db, admin, shop }),
    referrer: { id: referrer.id, name: personName(referrer), code: referrer.code, status: referrer.status },
    reward: reward
      ? { kind: reward.kind, valueType: reward.valueType, value: reward.value.toString(), currencyCode: reward.currencyCode, code: reward.code, status: reward.status, reason: reward.reason }
      : null,
    audit: audit.map((e) => ({ id: e.id, action: e.action, fromStatus: e.fromStatus, toStatus: e.toStatus, cause: e.cause, detail: e.detail, createdAt: e.createdAt.toISOString() })),
  };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, cause, t } = await requireAdmin(request);
  const form = await request.formData();
  const ids = [params.id ?? ""];
  if (form.get("intent") === "approve") {
    const result = await approveReferrals({ db, shop, ids, cause });
    if (!result) notFound();
    return json({ message: result.approved ? t.referrals.approved(1) : t.referrals.onlyPending });
  }
  if (form.get("intent") === "reject") {
    const reason = String(form.get("reason") ?? "").trim();
    if (!reason) return json({ message: t.referrer.reasonRequired }, { status: 400 });
    const result = await rejectReferrals({ db, shop, ids, cause, reason });
    if (!result) notFound();
    return json({ message: result.rejected ? t.referrals.rejected(1) : t.referrals.onlyPending });
  }
  throw new Response("Unknown intent", { status: 400 });
};

/** An audit detail with the Shopify objects it names as links into the Shopify admin. */
function AuditDetail({ text }: { text: string }) {
  const { t } = useI18n();
  // The attribution's own detail (app/referrals/attribution.server.ts), in the admin's words.
  const attributed = /^Attributed by (code|link) (\S+)( \(test order\))?$/.exec(text);
  if (attributed) {
    const how = t.referral.attributedByKind[attributed[1] === "code" ? "CODE" : "LINK"];
    return <Text as="p">{`${t.referral.attributedBy}: ${how} ${attributed[2]}${attributed[3] ? ` (${t.referral.testOrder})` : ""}`}</Text>;
  }
  const parts = text.split(/(gid:\/\/shopify\/\w+\/\d+)/g);
  return (
    <Text as="p" breakWord>
      {parts.map((part, i) => {
        const href = adminLink(part);
        if (!href) return part;
        const [type, id] = part.split("/").slice(-2);
        return (
          <a key={i} href={href} target="_top">
            {t.referral.shopifyObject(t.referral.shopifyObjects[type] ?? type, id)}
          </a>
        );
      })}
    </Text>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <InlineStack align="space-between" gap="200">
      <Text as="span" tone="subdued">
        {label}
      </Text>
      <Text as="span">{children}</Text>
    </InlineStack>
  );
}

export default function ReferralDetail() {
  const { t, f } = useI18n();
  const { referral: r, referrer, reward, audit, flags, timezone } = useLoaderData<typeof loader>();
  const when = (iso: string | null) => f.dateTime(iso, timezone);
  const result = useActionData<typeof action>();
  const shopify = useAppBridge();
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const [rejecting, setRejecting] = useState(false);
  const d = t.referral;
  const money = (a: string) => f.money(a, r.currencyCode);
  useEffect(() => {
    if (result) shopify.toast.show(result.message);
    setRejecting(false);
  }, [result, shopify]);
  const pending = r.status === "PENDING";

  return (
    <Page
      title={d.title(r.orderName)}
      titleMetadata={<StatusBadge status={r.status} />}
      backAction={{ content: t.referrals.title, url: "/app/referrals" }}
      primaryAction={pending ? { content: t.referrals.approve, loading: busy, onAction: () => submit({ intent: "approve" }, { method: "post" }) } : undefined}
      secondaryActions={pending ? [{ content: t.referrals.reject, destructive: true, onAction: () => setRejecting(true) }] : []}
    >
      <Layout>
        {r.reason || r.needsReview ? (
          <Layout.Section>
            <Banner tone={r.needsReview ? "critical" : "warning"} title={r.needsReview ? t.referrals.needsReview : d.reasonCard}>
              <p>{r.reason ?? reward?.reason}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {flags.length ? (
          <Layout.Section>
            <Banner tone={r.reviewStatus === "WAITING" ? "warning" : "info"} title={r.reviewStatus === "WAITING" ? d.heldForReview : d.flagged}>
              <BlockStack gap="100">
                {flags.map((flag) => (
                  <p key={flag.rule}>
                    <strong>{t.review.rules[flag.rule] ?? flag.rule}</strong>: {flag.summary}
                    {flag.orders.length ? ` (${flag.orders.map((o) => o.order ?? "?").join(", ")})` : ""}
                  </p>
                ))}
              </BlockStack>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            <SectionCard title={d.orderCard} gap="200">
              <Row label={d.orderCard}>
                <a href={`shopify://admin/orders/${r.orderNumericId}`} target="_top">
                  {r.orderName}
                </a>
                {r.test ? ` (${d.testOrder})` : ""}
              </Row>
              <Row label={t.referrals.date}>{when(r.createdAt)}</Row>
              <Row label={d.subtotal}>{money(r.subtotal)}</Row>
              <Row label={d.total}>{money(r.total)}</Row>
              <Row label={d.refunded}>{money(r.refunded)}</Row>
              <Row label={d.attributedBy}>{d.attributedByKind[r.attributedBy] ?? r.attributedBy}</Row>
              <Row label={d.codeUsed}>{r.codeUsed ?? t.common.none}</Row>
              {pending ? <Row label={d.holdUntil}>{when(r.holdUntil)}</Row> : null}
            </SectionCard>
            <SectionCard title={d.auditTitle} emptyText={audit.length === 0 ? d.auditEmpty : null}>
              <BlockStack as="ol" gap="200">
                {audit.map((e) => (
                  <Box as="li" key={e.id} paddingBlockEnd="200" borderBlockEndWidth="025" borderColor="border">
                    <InlineStack align="space-between" gap="200">
                      <Text as="span" fontWeight="semibold">
                        {t.audit.actions[e.action] ?? e.action}
                        {e.toStatus ? ` → ${(e.action.startsWith("reward.") ? t.rewardStatus[e.toStatus] : t.status[e.toStatus]) ?? e.toStatus}` : ""}
                      </Text>
                      <Text as="span" tone="subdued">
                        {when(e.createdAt)}
                      </Text>
                    </InlineStack>
                    {e.detail ? <AuditDetail text={e.detail} /> : null}
                    <Text as="p" variant="bodySm" tone="subdued">
                      {d.cause}: {t.audit.cause(e.cause)}
                    </Text>
                  </Box>
                ))}
              </BlockStack>
            </SectionCard>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <SectionCard title={d.friendCard} gap="200">
              <Text as="p">{r.friendEmail ?? t.common.none}</Text>
              {r.friendCustomerId ? (
                <a href={`shopify://admin/customers/${r.friendCustomerId}`} target="_top">
                  {t.common.view}
                </a>
              ) : null}
            </SectionCard>
            <SectionCard title={d.referrerCard} gap="200">
              <Link to={`/app/referrers/${referrer.id}`}>{referrer.name}</Link>
              <Text as="p" tone="subdued">
                {referrer.code}
              </Text>
            </SectionCard>
            <SectionCard title={d.rewardCard} gap="200" emptyText={reward ? null : d.noReward}>
              {reward ? (
                <>
                  <InlineStack gap="200">
                    <Text as="span">{t.rewardKind[reward.kind]}</Text>
                    <StatusBadge status={reward.status} kind="reward" />
                  </InlineStack>
                  <Text as="p">
                    {reward.valueType === "PERCENTAGE" ? `${Number(reward.value)}%` : f.money(reward.value, reward.currencyCode ?? r.currencyCode)}
                    {reward.code ? ` · ${reward.code}` : ""}
                  </Text>
                  {reward.reason ? <Text as="p" tone="subdued">{reward.reason}</Text> : null}
                </>
              ) : null}
            </SectionCard>
          </BlockStack>
        </Layout.Section>
      </Layout>
      <ReasonModal
        open={rejecting}
        title={t.referrals.reject}
        body={t.referrals.rejectReason}
        confirm={t.referrals.reject}
        destructive
        loading={busy}
        onClose={() => setRejecting(false)}
        onConfirm={(reason) => submit({ intent: "reject", reason }, { method: "post" })}
      />
    </Page>
  );
}

export const ErrorBoundary = RouteError;
