// One partner: who they are and how they refer customers, the merchant's
// decision (approve or decline an application, end an agreement), their terms
// (own fee, group, payout email), their link and code, every agreement
// version they accepted, their referred orders and fees, and downloads (the
// accepted agreement, their brochure and poster).
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Button, Card, DataTable, FormLayout, InlineGrid, InlineStack, Layout, Modal, Page, Select, Text, TextField } from "@shopify/polaris";
import { startTransition, useEffect, useState } from "react";
import db from "~/db.server";
import { useI18n } from "~/i18n/context";
import { adminTitle } from "~/i18n/meta";
import { feeText, fieldErrorTexts } from "~/admin/partner-text";
import { getPartner } from "~/admin/partners.server";
import { approvePartner, declinePartner, endPartner, savePartnerTerms, type DecisionOutcome } from "~/partners/partners.server";
import { PARTNER_FIELD_LIMITS, PartnerStatus, type FieldErrors } from "~/partners/status";
import type { Messages } from "~/i18n/messages";
import { notFound, requireAdmin } from "~/shopify/admin-request.server";
import { download } from "~/components/ExportButton";
import { PartnerStatusBadge } from "~/components/PartnerStatusBadge";
import { RouteError } from "~/components/RouteError";
import { FigureCard, SectionCard } from "~/components/SectionCard";
import { StatusBadge } from "~/components/StatusBadge";

export const meta = adminTitle((t) => t.partners.title);

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const found = await getPartner(db, shop, params.id ?? "");
  if (!found) notFound();
  return found;
};

type ActionResult = { ok: boolean; message: string } | { ok: false; errors: FieldErrors };

function decided(outcome: DecisionOutcome, t: Messages, message: string) {
  if (outcome.ok) return json<ActionResult>({ ok: true, message });
  if (outcome.reason === "not-found") notFound();
  return json<ActionResult>({ ok: false, message: t.partners.detail.notWaiting }, { status: 409 });
}

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, cause, t } = await requireAdmin(request);
  const form = Object.fromEntries(await request.formData());
  const id = params.id ?? "";
  const who = { db, shop, cause };
  const note = String(form.note ?? "");
  const d = t.partners.detail;
  switch (form.intent) {
    case "approve":
      return decided(await approvePartner(who, id), t, d.approved);
    case "decline":
      return decided(await declinePartner(who, id, note), t, d.declined);
    case "end":
      return decided(await endPartner(who, id, note), t, d.ended);
    case "terms": {
      const outcome = await savePartnerTerms(who, id, form);
      if (outcome.ok) return json<ActionResult>({ ok: true, message: d.termsSaved });
      if ("reason" in outcome) notFound();
      return json<ActionResult>({ ok: false, errors: outcome.errors }, { status: 400 });
    }
    default:
      throw new Response("Unknown intent", { status: 400 });
  }
};

type Dialog = "decline" | "end" | null;

export default function PartnerDetail() {
  const { t, f, locale } = useI18n();
  const p = t.partners;
  const d = p.detail;
  const data = useLoaderData<typeof loader>();
  const { partner, referrer, figures, currencyCode, timezone } = data;
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const submit = useSubmit();
  const shopify = useAppBridge();
  const busy = useNavigation().state !== "idle";
  const [dialog, setDialogNow] = useState<Dialog>(null);
  const setDialog = (next: Dialog) => (next ? startTransition(() => setDialogNow(next)) : setDialogNow(null));
  const [note, setNote] = useState("");
  const [terms, setTerms] = useState({ feeKind: partner.ownFee?.kind ?? "", feeValue: partner.ownFee?.value ?? "", groupId: partner.groupId ?? "", payoutEmail: partner.payoutEmail ?? "" });
  const set = (key: keyof typeof terms) => (value: string) => setTerms((v) => ({ ...v, [key]: value }));
  const errors = result && "errors" in result ? fieldErrorTexts(t, result.errors, terms.feeKind) : {};
  const fee = (x: { kind: string; value: string }) => feeText(x, currencyCode, locale);
  const money = (amount: string, code = currencyCode) => f.money(amount, code);

  useEffect(() => {
    if (!result || !("message" in result)) return;
    shopify.toast.show(result.message, { isError: !result.ok });
    setDialog(null);
    setNote("");
  }, [result, shopify]);

  const canDecide = partner.status === PartnerStatus.APPLIED || partner.status === PartnerStatus.DECLINED;
  const canEnd = partner.status === PartnerStatus.APPROVED || partner.status === PartnerStatus.INVITED;
  const linkState = referrer ? (referrer.status === "ACTIVE" ? "LIVE" : (referrer.disabledReason ?? "PARTNER_AGREEMENT")) : null;
  const dialogText = dialog === "decline" ? { title: d.declineTitle, body: d.declineBody, confirm: d.decline } : { title: d.endTitle, body: d.endBody, confirm: d.end };
  const [downloadFailed, setDownloadFailed] = useState(false);
  const get = (url: string, name: string) => {
    setDownloadFailed(false);
    download(url, name).catch(() => setDownloadFailed(true));
  };

  return (
    <Page
      title={partner.businessName || p.erased}
      subtitle={partner.redacted ? undefined : `${partner.name} · ${partner.email}`}
      titleMetadata={<PartnerStatusBadge status={partner.status} />}
      backAction={{ content: p.title, url: "/app/partners" }}
      primaryAction={canDecide ? { content: d.approve, loading: busy, onAction: () => submit({ intent: "approve" }, { method: "post" }) } : undefined}
      secondaryActions={[
        ...(partner.status === PartnerStatus.APPLIED ? [{ content: d.decline, destructive: true, onAction: () => setDialog("decline") }] : []),
        ...(canEnd ? [{ content: d.end, destructive: true, onAction: () => setDialog("end") }] : []),
      ]}
    >
      <Layout>
        {partner.redacted ? (
          <Layout.Section>
            <Banner tone="info">
              <p>{d.redacted}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
              {[
                [p.columns.orders, f.number(figures.orders)],
                [p.columns.revenue, money(figures.revenue)],
                [p.columns.feesEarned, money(figures.feesEarned)],
                [p.columns.feesPaid, money(figures.feesPaid)],
              ].map(([label, value]) => (
                <FigureCard key={label} label={label} value={value} />
              ))}
            </InlineGrid>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {d.about}
                </Text>
                <InlineGrid columns={{ xs: 1, md: 2 }} gap="300">
                  <BlockStack gap="100">
                    <Text as="h3" variant="headingSm">
                      {d.contact}
                    </Text>
                    <Text as="p">{partner.name}</Text>
                    <Text as="p" breakWord>
                      {partner.email}
                    </Text>
                  </BlockStack>
                  <BlockStack gap="100">
                    <Text as="h3" variant="headingSm">
                      {d.website}
                    </Text>
                    {partner.website ? (
                      <Text as="p" breakWord>
                        <a href={partner.website} target="_blank" rel="noopener noreferrer nofollow">
                          {partner.website}
                        </a>
                      </Text>
                    ) : (
                      <Text as="p" tone="subdued">
                        {t.common.none}
                      </Text>
                    )}
                  </BlockStack>
                </InlineGrid>
                <BlockStack gap="100">
                  <Text as="h3" variant="headingSm">
                    {d.pitch}
                  </Text>
                  {/* Typed by the business on a public page: shown as text (React escapes it), line breaks kept. */}
                  <Text as="p" tone={partner.pitch ? undefined : "subdued"} breakWord>
                    <span style={{ whiteSpace: "pre-wrap" }}>{partner.pitch ?? d.noPitch}</span>
                  </Text>
                </BlockStack>
                <Text as="p" tone="subdued">
                  {[
                    d.added(f.date(partner.createdAt, timezone)),
                    partner.decidedAt ? d.decided(f.dateTime(partner.decidedAt, timezone), t.audit.cause(partner.decidedBy ?? "")) : null,
                    partner.decisionNote ? d.decisionNote(partner.decisionNote) : null,
                  ]
                    .filter(Boolean)
                    .join(" · ")}
                </Text>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {d.termsTitle}
                </Text>
                <Text as="p" tone="subdued">
                  {d.feeNow(fee(partner.fee), p.feeSources[partner.fee.source])}
                </Text>
                <FormLayout>
                  <Select
                    label={p.fields.group}
                    options={[{ label: p.noGroup, value: "" }, ...data.groups.map((g) => ({ label: `${g.name} (${fee(g.fee)})`, value: g.id }))]}
                    value={terms.groupId}
                    onChange={set("groupId")}
                    error={errors.groupId}
                  />
                  <FormLayout.Group>
                    <Select
                      label={p.fields.feeKind}
                      options={[
                        { label: `${p.feeKinds.INHERIT} (${fee(data.groups.find((g) => g.id === terms.groupId)?.fee ?? data.programFee)})`, value: "" },
                        { label: p.feeKinds.PERCENT, value: "PERCENT" },
                        { label: p.feeKinds.FIXED, value: "FIXED" },
                      ]}
                      value={terms.feeKind}
                      onChange={(kind) => setTerms((v) => ({ ...v, feeKind: kind, feeValue: kind ? v.feeValue : "" }))}
                      error={errors.feeKind}
                    />
                    {terms.feeKind || errors.feeValue ? (
                      <TextField
                        label={p.fields.feeValue(terms.feeKind === "FIXED" ? currencyCode : "%")}
                        value={terms.feeValue}
                        onChange={set("feeValue")}
                        error={errors.feeValue}
                        inputMode="decimal"
                        autoComplete="off"
                      />
                    ) : null}
                  </FormLayout.Group>
                  <TextField
                    label={p.fields.payoutEmail}
                    type="email"
                    value={terms.payoutEmail}
                    onChange={set("payoutEmail")}
                    error={errors.payoutEmail}
                    helpText={p.fields.payoutEmailHelp}
                    maxLength={PARTNER_FIELD_LIMITS.payoutEmail}
                    autoComplete="off"
                  />
                  <InlineStack>
                    <Button variant="primary" loading={busy} onClick={() => submit({ intent: "terms", ...terms }, { method: "post" })}>
                      {t.common.save}
                    </Button>
                  </InlineStack>
                </FormLayout>
              </BlockStack>
            </Card>
            <SectionCard title={d.acceptancesTitle} emptyText={data.acceptances.length === 0 ? d.noAcceptances : null}>
              <DataTable
                columnContentTypes={["text", "text", "text", "text"]}
                headings={d.acceptanceColumns}
                rows={data.acceptances.map((a) => [
                  <InlineStack key="v" gap="200" blockAlign="center">
                    <Text as="span">{p.version(a.version)}</Text>
                    <Button variant="plain" accessibilityLabel={`${d.pdf}: ${p.version(a.version)}`} onClick={() => get(`/app/partners/${partner.id}/agreement?version=${a.version}`, "agreement.pdf")}>
                      {d.pdf}
                    </Button>
                  </InlineStack>,
                  f.dateTime(a.acceptedAt, timezone),
                  a.signature || t.common.none,
                  a.addressHash ?? t.common.none,
                ])}
              />
            </SectionCard>
            <SectionCard title={d.ordersTitle} emptyText={data.referrals.length === 0 ? d.noOrders : null}>
              <DataTable
                columnContentTypes={["text", "text", "numeric", "text"]}
                headings={d.orderColumns}
                rows={data.referrals.map((r) => [
                  <Link key="o" to={`/app/referrals/${r.id}`}>
                    {r.orderName ?? r.id}
                  </Link>,
                  f.date(r.createdAt, timezone),
                  money(r.subtotal, r.currencyCode),
                  <StatusBadge key="s" status={r.status} />,
                ])}
              />
            </SectionCard>
            <SectionCard title={d.feesTitle} emptyText={data.fees.length === 0 ? d.noFees : null}>
              <DataTable
                columnContentTypes={["text", "numeric", "text", "text", "text"]}
                headings={d.feeColumns}
                rows={data.fees.map((x) => [
                  x.orderName ?? t.common.none,
                  money(x.amount, x.currencyCode),
                  d.feeStatuses[x.status] ?? x.status,
                  f.date(x.releaseAt, timezone),
                  x.reference ?? (x.batch !== null ? d.batch(x.batch) : t.common.none),
                ])}
              />
            </SectionCard>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {d.linkTitle}
                </Text>
                {referrer ? (
                  <>
                    <Text as="h3" variant="headingSm">
                      {d.code}
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
                    <Text as="p" tone={linkState === "LIVE" ? "success" : "critical"}>
                      {d.pause[linkState ?? "PARTNER_AGREEMENT"] ?? linkState}
                    </Text>
                    <Link to={`/app/referrers/${referrer.id}`}>{d.asReferrer}</Link>
                  </>
                ) : (
                  <Text as="p" tone="subdued">
                    {d.noLink}
                  </Text>
                )}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {d.downloads}
                </Text>
                {partner.accepted ? (
                  <InlineStack>
                    <Button variant="plain" onClick={() => get(`/app/partners/${partner.id}/agreement`, "agreement.pdf")}>
                      {d.agreementPdf}
                    </Button>
                  </InlineStack>
                ) : null}
                {linkState === "LIVE" ? (
                  <>
                    <InlineStack>
                      <Button variant="plain" onClick={() => get(`/app/partners/${partner.id}/printable?kind=brochure`, "brochure.pdf")}>
                        {d.brochure}
                      </Button>
                    </InlineStack>
                    <InlineStack>
                      <Button variant="plain" onClick={() => get(`/app/partners/${partner.id}/printable?kind=poster`, "poster.pdf")}>
                        {d.poster}
                      </Button>
                    </InlineStack>
                  </>
                ) : (
                  <Text as="p" tone="subdued">
                    {d.printablesPaused}
                  </Text>
                )}
                {downloadFailed ? (
                  <Text as="p" tone="critical">
                    {d.downloadFailed}
                  </Text>
                ) : null}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
      <Modal
        open={dialog !== null}
        onClose={() => setDialog(null)}
        title={dialogText.title}
        primaryAction={{ content: dialogText.confirm, destructive: true, loading: busy, onAction: () => submit({ intent: dialog ?? "", note }, { method: "post" }) }}
        secondaryActions={[{ content: t.common.cancel, onAction: () => setDialog(null) }]}
      >
        <Modal.Section>
          <BlockStack gap="300">
            <p>{dialogText.body}</p>
            <TextField label={d.note} value={note} onChange={setNote} maxLength={500} multiline={2} autoComplete="off" />
          </BlockStack>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
