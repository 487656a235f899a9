// The Emails page: each email's switch; its subject, heading and message per
// language with a live preview; a test send; the log of recent sends.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useFetcher, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, Card, Checkbox, DataTable, InlineStack, Layout, Page, Select, Text, TextField, type BadgeProps } from "@shopify/polaris";
import { useEffect, useState } from "react";
import db from "~/db.server";

import { useI18n } from "~/i18n/context";
import { EMAIL_KINDS, EMAIL_LOCALES, isEmailKind, isPartnerEmailKind, PARTNER_EMAIL_KINDS, type EmailKind, type EmailLocale } from "~/email/kinds";
import { editorTexts, emailsPage, resetTexts, saveTexts, sendTest, setEmailEnabled, type TextErrors } from "~/admin/emails.server";
import { ensureProgram } from "~/referrals/programs.server";
import { requireAdmin } from "~/shopify/admin-request.server";
import { RouteError } from "~/components/RouteError";

const localeOf = (v: unknown): EmailLocale => ((EMAIL_LOCALES as readonly string[]).includes(String(v)) ? (v as EmailLocale) : "en");
const kindOf = (v: unknown): EmailKind => (isEmailKind(v) ? v : "INVITATION");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, admin, cause } = await requireAdmin(request);
  const url = new URL(request.url);
  const kind = kindOf(url.searchParams.get("kind"));
  // `language`, not `locale`: Shopify's `locale` parameter is the admin's own language.
  const locale = localeOf(url.searchParams.get("language"));
  const program = await ensureProgram({ db, admin, shop, cause });
  const [page, texts] = await Promise.all([emailsPage(db, shop), editorTexts(db, shop, kind, locale)]);
  return { ...page, kind, locale, texts, testTo: program.shopEmail ?? "" };
};

type ActionResult =
  | { ok: true; intent: string; message: string }
  | { ok: false; intent: string; message: string; errors?: TextErrors & { to?: string } };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, cause, t } = await requireAdmin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const field = (name: string) => String(form.get(name) ?? "");
  const answer = (result: ActionResult, status = 200) => json(result, { status });
  if (intent === "toggle") {
    if (!isEmailKind(field("kind"))) return answer({ ok: false, intent, message: "Unknown email" }, 400);
    const enabled = field("enabled") === "true";
    await setEmailEnabled(db, { shop, kind: field("kind") as EmailKind, enabled, cause });
    return answer({ ok: true, intent, message: t.emails.switched(enabled) });
  }
  const kind = field("kind");
  if (!isEmailKind(kind)) return answer({ ok: false, intent, message: "Unknown email" }, 400);
  const locale = localeOf(field("locale"));
  if (intent === "save") {
    const errors = await saveTexts(db, { shop, kind, locale, cause, t, texts: { subject: field("subject"), heading: field("heading"), body: field("body") } });
    if (Object.keys(errors).length) return answer({ ok: false, intent, message: t.emails.invalid, errors }, 400);
    return answer({ ok: true, intent, message: t.emails.saved });
  }
  if (intent === "reset") {
    await resetTexts(db, { shop, kind, locale, cause });
    return answer({ ok: true, intent, message: t.emails.reset });
  }
  if (intent === "test") {
    const result = await sendTest(db, { shop, kind, locale, to: field("to"), t });
    if (!result.ok) return answer({ ok: false, intent, message: result.message, errors: result.field === "to" ? { to: result.message } : {} }, result.field === "to" ? 400 : 409);
    return answer({ ok: true, intent, message: t.emails.testQueued });
  }
  return answer({ ok: false, intent, message: "Unknown action" }, 400);
};

const STATUS_TONES: Record<string, BadgeProps["tone"]> = { sent: "success", retrying: "warning", queued: "info", sending: "info", failed: "critical", suppressed: undefined };

export default function Emails() {
  const { t, f } = useI18n();
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const shopify = useAppBridge();
  const submit = useSubmit();
  const [, setParams] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const preview = useFetcher<{ subject: string; html: string }>();
  const [texts, setTexts] = useState(data.texts);
  const [to, setTo] = useState(data.testTo);
  const e = t.emails;
  const errors: TextErrors & { to?: string } = (result && !result.ok && result.errors) || {};

  const textsKey = `${data.kind}|${data.locale}|${JSON.stringify(data.texts)}`;
  useEffect(() => setTexts(data.texts), [textsKey]);
  useEffect(() => {
    if (result) shopify.toast.show(result.message, { isError: !result.ok });
  }, [result, shopify]);
  // The preview follows the texts as they are typed (not saved yet).
  useEffect(() => {
    const timer = setTimeout(() => preview.submit({ kind: data.kind, locale: data.locale, ...texts }, { method: "post", action: "/app/emails/preview" }), 300);
    return () => clearTimeout(timer);
  }, [texts.subject, texts.heading, texts.body, data.kind, data.locale]);

  const choose = (kind: string, language: string) => setParams({ kind, language }, { preventScrollReset: true });
  const current = data.kinds.find((k) => k.kind === data.kind)!;
  // The partner emails' names and descriptions are in their own block of the catalogues.
  const about = (kind: string) => e.kinds[kind] ?? t.partnerEmails.kinds[kind];
  const name = (kind: string) => about(kind)?.[0] ?? kind;
  const shopperKinds = EMAIL_KINDS.filter((kind) => !isPartnerEmailKind(kind));
  const row = (kind: EmailKind) => {
    const k = data.kinds.find((x) => x.kind === kind)!;
    return (
      <InlineStack key={kind} align="space-between" blockAlign="center" wrap={false} gap="400">
        <BlockStack gap="050">
          <Text as="h3" variant="headingSm">
            {name(kind)}
          </Text>
          <Text as="p" tone="subdued">
            {about(kind)?.[1]} {k.essential ? e.essential : e.optional}.
          </Text>
          {k.editedLocales.length ? (
            <Text as="p" tone="subdued">
              {e.edited(k.editedLocales)}
            </Text>
          ) : null}
        </BlockStack>
        <InlineStack gap="300" blockAlign="center" wrap={false}>
          <EmailSwitch kind={kind} label={`${e.enabled}: ${name(kind)}`} enabled={k.enabled} />
          <Button onClick={() => choose(kind, data.locale)} pressed={kind === data.kind} accessibilityLabel={`${e.edit}: ${name(kind)}`}>
            {e.edit}
          </Button>
        </InlineStack>
      </InlineStack>
    );
  };

  return (
    <Page title={e.title} backAction={{ content: t.nav.home, url: "/app" }}>
      <Layout>
        {data.emailOff ? (
          <Layout.Section>
            <Banner tone="critical" title={e.offTitle}>
              <p>{e.smtpOff}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {data.fromKlaviyo ? (
          <Layout.Section>
            <Banner tone="info" title={e.fromKlaviyoTitle} action={{ content: t.nav.integrations, url: "/app/integrations/klaviyo" }}>
              <p>{e.fromKlaviyo}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {e.listTitle}
              </Text>
              {!data.emailOff ? <Text as="p" tone="subdued">{e.onNote}</Text> : null}
              {shopperKinds.map(row)}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t.partnerEmails.listTitle}
              </Text>
              <Text as="p" tone="subdued">
                {t.partnerEmails.listNote}
              </Text>
              {PARTNER_EMAIL_KINDS.map(row)}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <Card>
            <Form method="post" preventScrollReset>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {e.editorTitle(name(current.kind))}
                </Text>
                <input type="hidden" name="intent" value="save" />
                <input type="hidden" name="kind" value={data.kind} />
                <input type="hidden" name="locale" value={data.locale} />
                <Select
                  label={e.language}
                  options={EMAIL_LOCALES.map((l) => ({ label: e.languages[l] ?? l, value: l }))}
                  value={data.locale}
                  onChange={(locale) => choose(data.kind, locale)}
                />
                <TextField label={e.subject} name="subject" value={texts.subject} onChange={(v) => setTexts((x) => ({ ...x, subject: v }))} error={errors.subject} autoComplete="off" />
                <TextField label={e.heading} name="heading" value={texts.heading} onChange={(v) => setTexts((x) => ({ ...x, heading: v }))} error={errors.heading} autoComplete="off" />
                <TextField
                  label={e.body}
                  name="body"
                  value={texts.body}
                  onChange={(v) => setTexts((x) => ({ ...x, body: v }))}
                  error={errors.body}
                  multiline={8}
                  helpText={`${e.bodyHelp} ${isPartnerEmailKind(data.kind) ? t.partnerEmails.placeholders : e.placeholders}`}
                  autoComplete="off"
                />
                <InlineStack gap="200">
                  <Button submit variant="primary" loading={busy}>
                    {e.saveText}
                  </Button>
                  <Button onClick={() => submit({ intent: "reset", kind: data.kind, locale: data.locale }, { method: "post", preventScrollReset: true })} disabled={!data.texts.edited}>
                    {e.resetText}
                  </Button>
                </InlineStack>
              </BlockStack>
            </Form>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                {e.preview}
              </Text>
              <Text as="p" tone="subdued">
                {e.previewNote}
              </Text>
              <Text as="p">
                <strong>{e.subject}:</strong> {preview.data?.subject ?? ""}
              </Text>
              <iframe
                title={e.preview}
                sandbox=""
                srcDoc={preview.data?.html ?? ""}
                style={{ width: "100%", height: "560px", border: "1px solid #e3e3e3", borderRadius: "8px", background: "#f4f4f5" }}
              />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <Form method="post" preventScrollReset>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {e.testTitle}
                </Text>
                <input type="hidden" name="intent" value="test" />
                <input type="hidden" name="kind" value={data.kind} />
                <input type="hidden" name="locale" value={data.locale} />
                <InlineStack gap="300" blockAlign="end">
                  <div style={{ minWidth: "320px" }}>
                    <TextField label={e.testTo} name="to" type="email" value={to} onChange={setTo} error={errors.to} autoComplete="email" />
                  </div>
                  <Button submit disabled={data.emailOff}>
                    {`${e.testSend}: ${name(data.kind)} (${e.languages[data.locale]})`}
                  </Button>
                </InlineStack>
              </BlockStack>
            </Form>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <InlineStack align="space-between">
                <Text as="h2" variant="headingMd">
                  {e.logTitle}
                </Text>
                <Text as="p" tone="subdued">
                  {e.suppressedCounts(data.suppressed.UNSUBSCRIBED ?? 0, data.suppressed.UNDELIVERABLE ?? 0)}
                </Text>
              </InlineStack>
              {data.log.length ? (
                <DataTable
                  columnContentTypes={["text", "text", "text", "text", "text"]}
                  headings={e.logHeadings}
                  rows={data.log.map((m) => [
                    f.dateTime(m.sentAt ?? m.createdAt),
                    m.recipient,
                    `${name(m.kind)}${m.test ? ` (${e.test})` : ""}`,
                    m.locale ?? "",
                    <BlockStack key={m.id} gap="050">
                      <span>
                        <Badge tone={STATUS_TONES[m.status]}>{e.status[m.status] ?? m.status}</Badge>
                      </span>
                      {m.reason ? (
                        <Text as="span" tone={m.status === "failed" ? "critical" : "subdued"} breakWord>
                          {m.reason}
                        </Text>
                      ) : null}
                    </BlockStack>,
                  ])}
                />
              ) : (
                <Text as="p" tone="subdued">
                  {e.logEmpty}
                </Text>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

/** One email's switch: shows the change at once, and the answer as a toast. */
function EmailSwitch({ kind, label, enabled }: { kind: string; label: string; enabled: boolean }) {
  const fetcher = useFetcher<ActionResult>();
  const shopify = useAppBridge();
  const pending = fetcher.formData?.get("enabled");
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data) shopify.toast.show(fetcher.data.message, { isError: !fetcher.data.ok });
  }, [fetcher.state, fetcher.data, shopify]);
  return (
    <Checkbox
      label={label}
      labelHidden
      checked={pending === undefined || pending === null ? enabled : pending === "true"}
      onChange={(on) => fetcher.submit({ intent: "toggle", kind, enabled: String(on) }, { method: "post" })}
    />
  );
}

export const ErrorBoundary = RouteError;
