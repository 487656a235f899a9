// Partners: the shop's partners by status (applications to review first),
// each with their fee, the agreement version they accepted and their figures,
// the totals, and inviting a business by email (refused field by field).
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigate, useNavigation, useSubmit } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Card, DataTable, FormLayout, Modal, Page, Select, Tabs, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import db from "~/db.server";
import { useI18n } from "~/i18n/context";
import { ADMIN_LOCALES } from "~/i18n/locales";
import { adminTitle } from "~/i18n/meta";
import { feeText, fieldErrorTexts, PARTNER_TABS, partnerTab } from "~/admin/partner-text";
import { listPartners } from "~/admin/partners.server";
import { invitePartner } from "~/partners/partners.server";
import { PARTNER_FIELD_LIMITS, PartnerStatus, type FieldErrors } from "~/partners/status";
import { requireAdmin } from "~/shopify/admin-request.server";
import { RouteError } from "~/components/RouteError";
import { PartnerStatusBadge } from "~/components/PartnerStatusBadge";

export const meta = adminTitle((t) => t.partners.title);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  return listPartners(db, shop, partnerTab(new URL(request.url).searchParams.get("status")));
};

type ActionResult = { ok: true; partnerId: string; email: string; emailed: boolean } | { ok: false; errors: FieldErrors };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, cause } = await requireAdmin(request);
  const form = Object.fromEntries(await request.formData());
  if (form.intent !== "invite") throw new Response("Unknown intent", { status: 400 });
  const outcome = await invitePartner({ db, shop, cause }, form);
  if (!outcome.ok) return json<ActionResult>({ ok: false, errors: outcome.errors }, { status: 400 });
  return json<ActionResult>({ ok: true, partnerId: outcome.partnerId, email: String(form.email ?? "").trim(), emailed: outcome.emailed });
};

const EMPTY = { name: "", businessName: "", email: "", website: "", locale: "", groupId: "", feeKind: "", feeValue: "" };

export default function Partners() {
  const { t, f, locale } = useI18n();
  const p = t.partners;
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const navigate = useNavigate();
  const submit = useSubmit();
  const shopify = useAppBridge();
  const busy = useNavigation().state !== "idle";
  const [inviting, setInviting] = useState(false);
  const [values, setValues] = useState(EMPTY);
  const set = (key: keyof typeof EMPTY) => (value: string) => setValues((v) => ({ ...v, [key]: value }));
  const errors = result && !result.ok ? fieldErrorTexts(t, result.errors, values.feeKind) : {};

  useEffect(() => {
    if (!result?.ok) return;
    shopify.toast.show(result.emailed ? p.invited(result.email) : p.invitedNotEmailed, { isError: !result.emailed });
    setInviting(false);
    setValues(EMPTY);
  }, [result, shopify, p]);

  const fee = (x: { kind: string; value: string }) => feeText(x, data.currencyCode, locale);
  const tabs = PARTNER_TABS.map((tab) => ({ id: `partners-${tab.toLowerCase()}`, content: p.tabs[tab], badge: tab === PartnerStatus.APPLIED && data.counts.APPLIED ? String(data.counts.APPLIED) : undefined }));
  const agreementOf = (item: (typeof data.items)[number]) => {
    const paused = (item.status === PartnerStatus.APPROVED || item.status === PartnerStatus.INVITED) && !item.linkLive;
    if (!item.accepted) return paused ? `${p.notAccepted}: ${p.linkPaused}` : p.notAccepted;
    const version = item.accepted.version === null ? p.notAccepted : p.version(item.accepted.version);
    if (item.accepted.current) return version;
    return paused ? `${version} (${p.notCurrent}): ${p.linkPaused}` : `${version} (${p.notCurrent})`;
  };
  const money = (amount: string) => f.money(amount, data.currencyCode);

  return (
    <Page
      title={p.title}
      backAction={{ content: t.nav.home, url: "/app" }}
      primaryAction={{ content: p.invite, onAction: () => setInviting(true) }}
      secondaryActions={[
        { content: p.agreement, url: "/app/partners/agreement" },
        { content: p.settings, url: "/app/partners/settings" },
      ]}
    >
      <BlockStack gap="400">
        <Text as="p" tone="subdued">
          {p.intro}
        </Text>
        {data.agreementVersion === null ? (
          <Banner tone="warning" title={p.noAgreementTitle} action={{ content: p.writeAgreement, url: "/app/partners/agreement" }}>
            <p>{p.noAgreementBody}</p>
          </Banner>
        ) : null}
        <Card padding="0">
          <Tabs tabs={tabs} selected={PARTNER_TABS.indexOf(data.tab)} onSelect={(i) => navigate(PARTNER_TABS[i] === "ALL" ? "/app/partners" : `/app/partners?status=${PARTNER_TABS[i]}`)}>
            {data.items.length === 0 ? (
              <div style={{ padding: "var(--p-space-400)" }}>
                <Text as="p" tone="subdued">
                  {data.counts.ALL === 0 ? p.emptyAll : p.empty}
                </Text>
              </div>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "text", "text", "text", "numeric", "numeric", "numeric", "numeric"]}
                headings={[p.columns.business, p.columns.status, p.columns.group, p.columns.fee, p.columns.agreement, p.columns.orders, p.columns.revenue, p.columns.feesEarned, p.columns.feesPaid]}
                rows={data.items.map((item) => [
                  <BlockStack key="b" gap="050">
                    <Link to={`/app/partners/${item.id}`}>
                      <Text as="span" fontWeight="semibold">
                        {item.businessName || p.erased}
                      </Text>
                    </Link>
                    <Text as="span" variant="bodySm" tone="subdued">
                      {item.email ? `${item.name} · ${item.email}` : t.common.none}
                    </Text>
                  </BlockStack>,
                  <PartnerStatusBadge key="s" status={item.status} />,
                  item.group ?? t.common.none,
                  <BlockStack key="f" gap="050">
                    <Text as="span">{fee(item.fee)}</Text>
                    <Text as="span" variant="bodySm" tone="subdued">
                      {p.feeSources[item.fee.source]}
                    </Text>
                  </BlockStack>,
                  agreementOf(item),
                  f.number(item.orders),
                  money(item.revenue),
                  money(item.feesEarned),
                  money(item.feesPaid),
                ])}
                totals={["", "", "", "", "", f.number(data.totals.orders), money(data.totals.revenue), money(data.totals.feesEarned), money(data.totals.feesPaid)]}
                totalsName={{ singular: p.totals, plural: p.totals }}
                showTotalsInFooter
              />
            )}
            {data.truncated ? (
              <div style={{ padding: "var(--p-space-400)" }}>
                <Text as="p" tone="subdued">
                  {p.truncated(data.items.length)}
                </Text>
              </div>
            ) : null}
          </Tabs>
        </Card>
      </BlockStack>
      <Modal
        open={inviting}
        onClose={() => setInviting(false)}
        title={p.inviteTitle}
        primaryAction={{ content: p.send, loading: busy, onAction: () => submit({ intent: "invite", ...values }, { method: "post" }) }}
        secondaryActions={[{ content: t.common.cancel, onAction: () => setInviting(false) }]}
      >
        <Modal.Section>
          <BlockStack gap="300">
            <Text as="p">{p.inviteBody}</Text>
            {errors.agreement ? (
              <Banner tone="critical" action={{ content: p.writeAgreement, url: "/app/partners/agreement" }}>
                <p>{errors.agreement}</p>
              </Banner>
            ) : null}
            <FormLayout>
              <FormLayout.Group>
                <TextField label={p.fields.businessName} value={values.businessName} onChange={set("businessName")} error={errors.businessName} maxLength={PARTNER_FIELD_LIMITS.businessName} autoComplete="organization" />
                <TextField label={p.fields.name} value={values.name} onChange={set("name")} error={errors.name} maxLength={PARTNER_FIELD_LIMITS.name} autoComplete="name" />
              </FormLayout.Group>
              <FormLayout.Group>
                <TextField label={p.fields.email} type="email" value={values.email} onChange={set("email")} error={errors.email} maxLength={PARTNER_FIELD_LIMITS.email} autoComplete="email" />
                <TextField label={p.fields.website} value={values.website} onChange={set("website")} error={errors.website} maxLength={PARTNER_FIELD_LIMITS.website} helpText={p.fields.optional} autoComplete="url" />
              </FormLayout.Group>
              <Select
                label={p.inviteLanguage}
                options={[{ label: p.inviteLanguageDefault, value: "" }, ...ADMIN_LOCALES.map((l) => ({ label: t.emails.languages[l], value: l }))]}
                value={values.locale}
                onChange={set("locale")}
              />
              <Select
                label={p.fields.group}
                options={[{ label: p.noGroup, value: "" }, ...data.groups.map((g) => ({ label: `${g.name} (${fee(g.fee)})`, value: g.id }))]}
                value={values.groupId}
                onChange={set("groupId")}
                error={errors.groupId}
              />
              <FormLayout.Group>
                <Select
                  label={p.fields.feeKind}
                  options={[
                    { label: `${p.feeKinds.INHERIT} (${fee(data.groups.find((g) => g.id === values.groupId)?.fee ?? data.programFee)})`, value: "" },
                    { label: p.feeKinds.PERCENT, value: "PERCENT" },
                    { label: p.feeKinds.FIXED, value: "FIXED" },
                  ]}
                  value={values.feeKind}
                  onChange={(kind) => setValues((v) => ({ ...v, feeKind: kind, feeValue: kind ? v.feeValue : "" }))}
                  error={errors.feeKind}
                />
                {values.feeKind || errors.feeValue ? (
                  <TextField
                    label={p.fields.feeValue(values.feeKind === "FIXED" ? data.currencyCode : "%")}
                    value={values.feeValue}
                    onChange={set("feeValue")}
                    error={errors.feeValue}
                    inputMode="decimal"
                    autoComplete="off"
                  />
                ) : null}
              </FormLayout.Group>
            </FormLayout>
          </BlockStack>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
