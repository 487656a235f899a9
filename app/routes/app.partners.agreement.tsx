// The partner agreement: written here and published as versions, never
// edited. The text starts from the current version, or (none yet) from a
// template filled in with the program's facts. Publishing says first how many
// approved partners' links pause until they accept it; a version published by
// someone else meanwhile is refused (the form carries the version it edited).
// Every version stays readable (?version=N).
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigate, useNavigation, useRevalidator, useSubmit } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, InlineStack, Layout, Modal, Page, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import db from "~/db.server";
import { useI18n } from "~/i18n/context";
import { adminTitle } from "~/i18n/meta";
import { FIELD_LIMITS, fieldErrorTexts } from "~/admin/partner-text";
import { agreementPage } from "~/admin/partners.server";
import { agreementStarter } from "~/admin/partner-agreement.server";
import { publishAgreement } from "~/partners/agreement.server";
import type { FieldErrors } from "~/partners/status";
import { requireAdmin } from "~/shopify/admin-request.server";
import { RouteError } from "~/components/RouteError";

export const meta = adminTitle((t) => t.partners.agreementPage.title);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, locale } = await requireAdmin(request);
  const asked = Number.parseInt(new URL(request.url).searchParams.get("version") ?? "", 10);
  const page = await agreementPage(db, shop, Number.isSafeInteger(asked) && asked > 0 ? asked : null);
  return { ...page, starter: page.current ? null : await agreementStarter(db, shop, locale) };
};

type ActionResult = { ok: true; version: number; paused: number; unchanged: boolean } | { ok: false; errors: FieldErrors };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, cause } = await requireAdmin(request);
  const form = await request.formData();
  if (form.get("intent") !== "publish") throw new Response("Unknown intent", { status: 400 });
  const basedOn = Number.parseInt(String(form.get("basedOn") ?? ""), 10);
  // A malformed base is a stale one: nothing is published over what the form did not show.
  const outcome = await publishAgreement({ db, shop, cause }, { body: String(form.get("body") ?? ""), basedOn: Number.isSafeInteger(basedOn) ? basedOn : -1 });
  if (!outcome.ok) return json<ActionResult>({ ok: false, errors: outcome.errors }, { status: outcome.errors.body === "changed" ? 409 : 400 });
  return json<ActionResult>({ ok: true, version: outcome.version, paused: outcome.paused, unchanged: outcome.version === basedOn });
};

export default function Agreement() {
  const { t, f } = useI18n();
  const a = t.partners.agreementPage;
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const submit = useSubmit();
  const navigate = useNavigate();
  const revalidator = useRevalidator();
  const shopify = useAppBridge();
  const busy = useNavigation().state !== "idle";
  const basedOn = data.current?.version ?? 0;
  const [body, setBody] = useState(data.current?.body ?? data.starter ?? "");
  const [confirming, setConfirming] = useState(false);
  const errors = result && !result.ok ? fieldErrorTexts(t, result.errors) : {};
  const stale = result && !result.ok && result.errors.body === "changed";

  useEffect(() => {
    if (!result) return;
    setConfirming(false);
    if (result.ok) shopify.toast.show(result.unchanged ? a.unchanged : a.published(result.version));
  }, [result, shopify, a]);
  // A newer version (published here or, after a reload, by someone else): the text is that version's.
  useEffect(() => {
    if (data.current) setBody(data.current.body);
  }, [data.current?.version]);

  return (
    <Page
      title={a.title}
      backAction={{ content: t.partners.title, url: "/app/partners" }}
      secondaryActions={[{ content: t.partners.settings, url: "/app/partners/settings" }]}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Text as="p" tone="subdued">
              {a.intro}
            </Text>
            {data.current ? null : (
              <Banner tone="info">
                <p>{a.templateNote}</p>
              </Banner>
            )}
            {stale ? (
              <Banner tone="critical" action={{ content: a.reload, onAction: () => revalidator.revalidate() }}>
                <p>{errors.body}</p>
              </Banner>
            ) : null}
            <Card>
              <BlockStack gap="300">
                <TextField
                  label={a.text}
                  value={body}
                  onChange={setBody}
                  multiline={20}
                  maxLength={FIELD_LIMITS.body}
                  error={stale ? undefined : errors.body}
                  autoComplete="off"
                />
                <InlineStack>
                  <Button variant="primary" onClick={() => setConfirming(true)} loading={busy}>
                    {a.publish(basedOn + 1)}
                  </Button>
                </InlineStack>
              </BlockStack>
            </Card>
            <Card padding={data.versions.length ? "0" : undefined}>
              {data.versions.length === 0 ? (
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    {a.versionsTitle}
                  </Text>
                  <Text as="p" tone="subdued">
                    {a.noVersions}
                  </Text>
                </BlockStack>
              ) : (
                <BlockStack gap="0">
                  <div style={{ padding: "var(--p-space-400) var(--p-space-400) 0" }}>
                    <Text as="h2" variant="headingMd">
                      {a.versionsTitle}
                    </Text>
                  </div>
                  <DataTable
                    columnContentTypes={["text", "text", "text", "numeric", "text"]}
                    headings={a.versionColumns}
                    rows={data.versions.map((v) => [
                      <InlineStack key="v" gap="200" blockAlign="center">
                        <Text as="span">{t.partners.version(v.version)}</Text>
                        {v.version === basedOn ? <Badge tone="success">{a.current}</Badge> : null}
                      </InlineStack>,
                      f.dateTime(v.publishedAt, data.timezone),
                      t.audit.cause(v.publishedBy),
                      f.number(v.acceptances),
                      <Link key="r" to={`?version=${v.version}`} preventScrollReset aria-label={`${a.view}: ${t.partners.version(v.version)}`}>
                        {a.view}
                      </Link>,
                    ])}
                  />
                </BlockStack>
              )}
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
      <Modal
        open={confirming}
        onClose={() => setConfirming(false)}
        title={a.confirmTitle(basedOn + 1)}
        primaryAction={{ content: a.publish(basedOn + 1), loading: busy, onAction: () => submit({ intent: "publish", body, basedOn: String(basedOn) }, { method: "post" }) }}
        secondaryActions={[{ content: t.common.cancel, onAction: () => setConfirming(false) }]}
      >
        <Modal.Section>
          <p>{data.approvedPartners > 0 ? a.confirmPauses(data.approvedPartners) : a.confirmNone}</p>
        </Modal.Section>
      </Modal>
      <Modal
        size="large"
        open={Boolean(data.viewing)}
        onClose={() => navigate("/app/partners/agreement", { preventScrollReset: true })}
        title={data.viewing ? a.viewTitle(data.viewing.version) : ""}
        secondaryActions={[{ content: a.close, onAction: () => navigate("/app/partners/agreement", { preventScrollReset: true }) }]}
      >
        {data.viewing ? (
          <Modal.Section>
            {/* Focusable: a long text scrolls, and the keyboard must be able to scroll it. */}
            <div role="region" aria-label={a.viewTitle(data.viewing.version)} tabIndex={0}>
              <BlockStack gap="300">
                <Text as="p" tone="subdued">
                  {a.publishedOn(f.dateTime(data.viewing.publishedAt, data.timezone))}
                </Text>
                <Text as="p" breakWord>
                  <span style={{ whiteSpace: "pre-wrap" }}>{data.viewing.body}</span>
                </Text>
              </BlockStack>
            </div>
          </Modal.Section>
        ) : null}
      </Modal>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
