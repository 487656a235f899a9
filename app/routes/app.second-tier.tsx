// The second-tier referral fee: off by default; turning it on asks the
// merchant to read a plain legal warning and confirm it (recorded with the
// warning's version, when and who, and listed in the page's history).
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Button, Card, Checkbox, FormLayout, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import db from "~/db.server";
import { useI18n } from "~/i18n/context";
import type { Messages } from "~/i18n/en";
import { formatMoney } from "~/i18n/format";
import { saveSecondTier, SecondTierError, secondTierFormSchema, secondTierPage } from "~/referrals/second-tier.server";
import { SECOND_TIER_KINDS, type SecondTierField } from "~/referrals/second-tier";
import { requireAdmin } from "~/shopify/admin-request.server";
import { RouteError } from "~/components/RouteError";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const page = await secondTierPage(db, shop);
  if (!page) throw new Response("Not found", { status: 404, statusText: "Not Found" });
  return page;
};

type Errors = Partial<Record<SecondTierField, string>>;
type ActionResult = { ok: true } | { ok: false; errors: Errors };

function refusal(t: Messages, locale: string, error: SecondTierError): string {
  const e = t.secondTier.errors;
  if (error.problem === "tooLarge" && error.bound) return e.tooLarge(formatMoney(error.bound.amount, error.bound.currencyCode, locale));
  return e[error.problem as Exclude<typeof error.problem, "tooLarge">];
}

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, cause, t, locale } = await requireAdmin(request);
  const form = await request.formData();
  const parsed = secondTierFormSchema.safeParse({
    enabled: form.get("enabled") === "true",
    kind: String(form.get("kind") ?? ""),
    value: String(form.get("value") ?? ""),
    acknowledged: form.get("acknowledged") === "true",
    warningVersion: String(form.get("warningVersion") ?? ""),
  });
  if (!parsed.success) {
    const errors: Errors = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (field === "kind") errors.kind = t.secondTier.errors.kind;
      else if (field === "value") errors.value = t.secondTier.errors.value;
      else errors.acknowledged = t.secondTier.errors.staleWarning;
    }
    return json<ActionResult>({ ok: false, errors }, { status: 400 });
  }
  try {
    await saveSecondTier(db, { shop, form: parsed.data, cause });
  } catch (error) {
    if (!(error instanceof SecondTierError)) throw error;
    return json<ActionResult>({ ok: false, errors: { [error.field]: refusal(t, locale, error) } }, { status: 400 });
  }
  return json<ActionResult>({ ok: true });
};

export default function SecondTier() {
  const { t, f } = useI18n();
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const navigation = useNavigation();
  const submit = useSubmit();
  const shopify = useAppBridge();
  const s = t.secondTier;
  const [enabled, setEnabled] = useState(page.enabled);
  const [kind, setKind] = useState(page.kind);
  const [value, setValue] = useState(page.value === "0" ? "" : page.value);
  const [acknowledged, setAcknowledged] = useState(false);
  const errors = result && !result.ok ? result.errors : {};
  // The acknowledgement is asked each time the fee is turned on from off.
  const needsAcknowledgement = enabled && !page.enabled;

  useEffect(() => {
    if (result?.ok) {
      shopify.toast.show(s.saved);
      setAcknowledged(false);
    }
  }, [result, shopify, s.saved]);
  // A save reloads the page's data: the switch follows what was stored.
  useEffect(() => setEnabled(page.enabled), [page.enabled]);

  const save = () => submit({ enabled: String(enabled), kind, value, acknowledged: String(acknowledged), warningVersion: page.warningVersion }, { method: "post" });

  return (
    <Page title={s.title} backAction={{ content: t.nav.settings, url: "/app/settings" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Text as="p" tone="subdued">
              {s.intro}
            </Text>
            <Banner tone="warning" title={s.warningTitle}>
              <p>{s.warning}</p>
            </Banner>
            <Card>
              <FormLayout>
                <Checkbox label={s.enabled} helpText={s.enabledHelp} checked={enabled} onChange={setEnabled} error={errors.enabled} />
                <Select
                  label={s.kind}
                  options={SECOND_TIER_KINDS.map((k) => ({ label: s.kinds[k], value: k }))}
                  value={kind}
                  onChange={setKind}
                  error={errors.kind}
                />
                <TextField
                  label={s.value(page.currencyCode)}
                  type="text"
                  inputMode="decimal"
                  value={value}
                  onChange={setValue}
                  helpText={s.valueHelp}
                  error={errors.value}
                  autoComplete="off"
                />
                {needsAcknowledgement ? (
                  <Checkbox label={s.acknowledge} checked={acknowledged} onChange={setAcknowledged} error={errors.acknowledged} />
                ) : null}
                {page.acknowledgement ? (
                  <Text as="p" tone="subdued">
                    {s.acknowledgedOn(f.dateTime(page.acknowledgement.at), t.audit.cause(page.acknowledgement.by), page.acknowledgement.version ?? "")}
                  </Text>
                ) : null}
                <InlineStack>
                  <Button variant="primary" onClick={save} loading={navigation.state !== "idle"}>
                    {t.common.save}
                  </Button>
                </InlineStack>
              </FormLayout>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {s.history}
                </Text>
                {page.history.length === 0 ? (
                  <Text as="p" tone="subdued">
                    {s.historyEmpty}
                  </Text>
                ) : (
                  <ul aria-label={s.history}>
                    {page.history.map((e) => (
                      <li key={e.id}>
                        <Text as="span">
                          {f.dateTime(e.createdAt)} — {s.actions[e.action] ?? e.action} — {t.audit.cause(e.cause)}
                          {e.fee ? ` — ${s.kinds[e.fee.kind]} ${f.money(e.fee.value, e.fee.currencyCode)}` : e.detail ? ` — ${s.version(e.detail)}` : ""}
                        </Text>
                      </li>
                    ))}
                  </ul>
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
