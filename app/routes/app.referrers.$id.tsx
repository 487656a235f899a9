import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Button, Card, IndexTable, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import { startTransition, useEffect, useState } from "react";
import db from "~/db.server";
import { formatMoney, personName } from "~/i18n/format";
import { useI18n } from "~/i18n/context";
import { getReferrer } from "~/admin/referrer-list.server";
import { setReferrerStatus } from "~/referrals/referrers.server";
import { issueManualReward } from "~/referrals/rewards.server";
import { revokeReward } from "~/referrals/reversal.server";
import { currencyDigits, Decimal, toDecimal } from "~/referrals/money";
import { LIVE_REFERRAL_STATUSES } from "~/referrals/statuses";
import { notFound, requireAdmin } from "~/shopify/admin-request.server";
import { ReasonModal } from "~/components/ReasonModal";
import { RouteError } from "~/components/RouteError";
import { FigureCard, SectionCard } from "~/components/SectionCard";
import { StatusBadge } from "~/components/StatusBadge";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, locale } = await requireAdmin(request);
  const found = await getReferrer(db, shop, params.id ?? "");
  if (!found) notFound();
  const { referrer, byStatus, rewards, referrals, formerCodes, currencyCode } = found;
  // A partner's link follows their agreement: it is managed on their partner page.
  const partner = referrer.kind === "PARTNER" ? await db.partner.findFirst({ where: { shop, referrerId: referrer.id }, select: { id: true } }) : null;
  const live = byStatus.filter((s) => LIVE_REFERRAL_STATUSES.includes(s.status));
  return {
    referrer: {
      id: referrer.id,
      name: personName(referrer),
      email: referrer.email,
      code: referrer.code,
      status: referrer.status,
      disabledReason: referrer.disabledReason,
      source: referrer.source,
      createdAt: referrer.createdAt.toISOString(),
      link: `https://${shop}/?ref=${encodeURIComponent(referrer.code)}`,
      leakFlaggedAt: referrer.leakFlaggedAt?.toISOString() ?? null,
      partnerId: partner?.id ?? null,
    },
    formerCodes: formerCodes.map((c) => ({ code: c.code, until: (c.removedAt ?? c.retireAt).toISOString(), removed: c.removedAt !== null })),
    stats: {
      referrals: live.reduce((n, s) => n + s._count._all, 0),
      // Summed as Decimal and shown to the currency's own precision (3 digits for KWD, 0 for JPY).
      revenue: live.reduce((sum, s) => sum.plus(toDecimal(s._sum.totalAmount ?? 0)), new Decimal(0)).toFixed(currencyDigits(currencyCode)),
      clicks: referrer.clickCount,
      shares: referrer.shareCount,
    },
    rewards: rewards.map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.status,
      amount: r.valueType === "PERCENTAGE" ? `${toDecimal(r.value).toString()}%` : formatMoney(r.value.toString(), r.currencyCode ?? currencyCode, locale),
      code: r.code,
      reason: r.reason,
      createdAt: r.createdAt.toISOString(),
    })),
    referrals: referrals.map((r) => ({ ...r, totalAmount: r.totalAmount.toString(), createdAt: r.createdAt.toISOString() })),
    currencyCode,
  };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, cause, t } = await requireAdmin(request);
  const form = await request.formData();
  const intent = String(form.get("intent"));
  const reason = String(form.get("reason") ?? "").trim();
  const args = { db, shop, referrerId: params.id ?? "", cause, reason };
  if (!reason && intent !== "enable") return json({ ok: false, message: t.referrer.reasonRequired }, { status: 400 });
  if (intent === "disable" || intent === "enable") {
    if (!(await setReferrerStatus(args, intent === "disable" ? "DISABLED" : "ACTIVE"))) {
      const partner = await db.referrer.findFirst({ where: { id: args.referrerId, shop, kind: "PARTNER" }, select: { id: true } });
      if (!partner) notFound();
      return json({ ok: false, message: t.partners.referrer.managed }, { status: 409 });
    }
    return json({ ok: true, message: intent === "disable" ? t.referrer.disabled : t.referrer.enabled });
  }
  if (intent === "issue") {
    if (!(await issueManualReward(args))) notFound();
    return json({ ok: true, message: t.referrer.issued });
  }
  if (intent === "revoke") {
    const outcome = await revokeReward(db, { shop, referrerId: args.referrerId, rewardId: String(form.get("rewardId") ?? ""), cause, reason, now: new Date() });
    if (outcome === "not-found") notFound();
    if (outcome === "not-revocable") return json({ ok: false, message: t.referrer.notRevocable }, { status: 409 });
    return json({ ok: true, message: t.referrer.revoked });
  }
  throw new Response("Unknown intent", { status: 400 });
};

type Dialog = { intent: "disable" | "issue" | "revoke"; rewardId?: string } | null;

export default function ReferrerDetail() {
  const { t, f } = useI18n();
  const { referrer, stats, rewards, referrals, formerCodes, currencyCode } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const shopify = useAppBridge();
  const busy = useNavigation().state !== "idle";
  const [dialog, setDialogNow] = useState<Dialog>(null);
  // Opening a dialog renders Polaris's modal (its portal, focus trap and
  // transition): as a transition, the press is painted at once and the modal
  // in the frames after, instead of the press waiting for the whole modal.
  const setDialog = (next: Dialog) => (next ? startTransition(() => setDialogNow(next)) : setDialogNow(null));
  const d = t.referrer;
  useEffect(() => {
    if (!result) return;
    shopify.toast.show(result.message, { isError: !result.ok });
    setDialog(null);
  }, [result, shopify]);
  const active = referrer.status === "ACTIVE";
  const dialogs = {
    disable: { title: d.disableTitle, body: d.disableBody, confirm: d.disable, destructive: true },
    issue: { title: d.issueTitle, body: d.issueBody, confirm: d.issue, destructive: false },
    revoke: { title: d.revokeTitle, body: d.revokeBody, confirm: d.revoke, destructive: true },
  };
  const open = dialog ? dialogs[dialog.intent] : dialogs.issue;

  return (
    <Page
      title={referrer.name}
      subtitle={referrer.email ?? undefined}
      titleMetadata={<StatusBadge status={referrer.status} />}
      backAction={{ content: t.referrers.title, url: "/app/referrers" }}
      primaryAction={{ content: d.issue, onAction: () => setDialog({ intent: "issue" }), disabled: !active }}
      secondaryActions={[
        referrer.partnerId
          ? { content: t.partners.referrer.open, url: `/app/partners/${referrer.partnerId}` }
          : active
            ? { content: d.disable, destructive: true, onAction: () => setDialog({ intent: "disable" }) }
            : { content: d.enable, onAction: () => submit({ intent: "enable" }, { method: "post" }) },
        { content: t.referrals.title, url: `/app/referrals?referrerId=${referrer.id}` },
      ]}
    >
      <Layout>
        {referrer.partnerId ? (
          <Layout.Section>
            <Banner tone="info" action={{ content: t.partners.referrer.open, url: `/app/partners/${referrer.partnerId}` }}>
              <p>{t.partners.referrer.isPartner}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {referrer.leakFlaggedAt ? (
          <Layout.Section>
            <Banner tone="warning" title={d.leakTitle} action={{ content: t.nav.leaks, url: "/app/leaks" }}>
              <p>{d.leakBody(f.date(referrer.leakFlaggedAt))}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
              {[
                [t.referrers.referrals, f.number(stats.referrals)],
                [t.referrers.revenue, f.money(stats.revenue, currencyCode)],
                [t.referrers.clicks, f.number(stats.clicks)],
                [d.shares, f.number(stats.shares)],
              ].map(([label, value]) => (
                <FigureCard key={label} label={label} value={value} />
              ))}
            </InlineGrid>
            <SectionCard title={d.rewardsTitle} emptyText={rewards.length === 0 ? d.noRewards : null}>
              <IndexTable
                resourceName={{ singular: "reward", plural: "rewards" }}
                itemCount={rewards.length}
                selectable={false}
                headings={[{ title: t.referrals.date }, { title: t.referral.rewardCard }, { title: t.referrals.status }, { title: "" }]}
              >
                {rewards.map((r, i) => (
                  <IndexTable.Row id={r.id} key={r.id} position={i}>
                    <IndexTable.Cell>{f.date(r.createdAt)}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span">{`${t.rewardKind[r.kind] ?? r.kind}: ${r.amount}${r.code ? ` (${r.code})` : ""}`}</Text>
                      {r.reason ? (
                        <Text as="p" variant="bodySm" tone="subdued">
                          {r.reason}
                        </Text>
                      ) : null}
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <StatusBadge status={r.status} kind="reward" />
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      {["PENDING", "FAILED", "ISSUED", "PAID"].includes(r.status) ? (
                        <Button variant="plain" tone="critical" onClick={() => setDialog({ intent: "revoke", rewardId: r.id })} accessibilityLabel={`${d.revoke} ${r.code ?? r.amount}`}>
                          {d.revoke}
                        </Button>
                      ) : null}
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            </SectionCard>
            <SectionCard title={d.referralsTitle} emptyText={referrals.length === 0 ? d.noReferrals : null}>
              <IndexTable
                resourceName={t.referrals.resourceName}
                itemCount={referrals.length}
                selectable={false}
                headings={[{ title: t.referrals.order }, { title: t.referrals.date }, { title: t.referrals.status }, { title: t.referrals.total, alignment: "end" }]}
              >
                {referrals.map((r, i) => (
                  <IndexTable.Row id={r.id} key={r.id} position={i}>
                    <IndexTable.Cell>
                      <Link to={`/app/referrals/${r.id}`}>{r.orderName ?? r.id}</Link>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{f.date(r.createdAt)}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <StatusBadge status={r.status} />
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" alignment="end" numeric>
                        {f.money(r.totalAmount, r.currencyCode)}
                      </Text>
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            </SectionCard>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                {t.referrers.code}
              </Text>
              <Text as="p" fontWeight="semibold">
                {referrer.code}
              </Text>
              <Text as="h3" variant="headingSm">
                {d.link}
              </Text>
              <Text as="p" breakWord>
                {referrer.link}
              </Text>
              <Text as="p" tone="subdued">
                {t.referrers.source}: {t.referrers.sources[referrer.source] ?? referrer.source} · {f.date(referrer.createdAt)}
              </Text>
              {formerCodes.length ? (
                <BlockStack gap="100">
                  <Text as="h3" variant="headingSm">
                    {d.formerCodes}
                  </Text>
                  {formerCodes.map((c) => (
                    <Text as="p" key={c.code} tone="subdued">
                      {`${c.code}: ${c.removed ? d.formerRemoved(f.date(c.until)) : d.formerWorksUntil(f.date(c.until))}`}
                    </Text>
                  ))}
                </BlockStack>
              ) : null}
              {referrer.disabledReason ? (
                <Text as="p" tone="critical">
                  {referrer.disabledReason.startsWith("PARTNER_") ? (t.partners.detail.pause[referrer.disabledReason] ?? referrer.disabledReason) : referrer.disabledReason}
                </Text>
              ) : null}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
      <ReasonModal
        key={dialog ? `${dialog.intent}-${dialog.rewardId ?? ""}` : "closed"}
        open={Boolean(dialog)}
        title={open.title}
        body={open.body}
        confirm={open.confirm}
        destructive={open.destructive}
        loading={busy}
        onClose={() => setDialog(null)}
        onConfirm={(reason) => submit({ intent: dialog!.intent, reason, rewardId: dialog?.rewardId ?? "" }, { method: "post" })}
      />
    </Page>
  );
}

export const ErrorBoundary = RouteError;
