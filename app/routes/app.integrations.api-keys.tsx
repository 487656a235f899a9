// The read API's keys: create one (its full value is shown once, in the
// action's answer, and never stored), see when each was last used, revoke it.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, EmptyState, InlineStack, Layout, Modal, Page, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import db from "~/db.server";

import { useI18n } from "~/i18n/context";
import { adminTitle } from "~/i18n/meta";
import { createApiKey, listApiKeys, revokeApiKey } from "~/api/keys.server";
import { MAX_KEY_NAME_LENGTH } from "~/api/key-rules";
import { notFound, requireAdmin } from "~/shopify/admin-request.server";
import { RouteError } from "~/components/RouteError";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const meta = adminTitle((t) => t.apiKeys.title);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const keys = await listApiKeys(db, shop);
  return {
    keys: keys.map((k) => ({ id: k.id, name: k.name, prefix: k.prefix, createdAt: iso(k.createdAt)!, lastUsedAt: iso(k.lastUsedAt), revokedAt: iso(k.revokedAt) })),
  };
};

type ActionResult =
  | { ok: true; intent: "create"; message: string; key: string; name: string }
  | { ok: true; intent: "revoke"; message: string }
  | { ok: false; intent: string; message: string; errors: { name?: string } };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, cause, t } = await requireAdmin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const answer = (result: ActionResult, status = 200) => json(result, { status });
  if (intent === "create") {
    const name = String(form.get("name") ?? "").trim();
    const error = !name ? t.apiKeys.nameRequired : name.length > MAX_KEY_NAME_LENGTH ? t.apiKeys.nameTooLong(MAX_KEY_NAME_LENGTH) : null;
    if (error) return answer({ ok: false, intent, message: error, errors: { name: error } }, 400);
    const { key } = await createApiKey(db, { shop, name, cause });
    return answer({ ok: true, intent, message: t.apiKeys.createdTitle(name), key, name });
  }
  if (intent === "revoke") {
    const revoked = await revokeApiKey(db, { shop, id: String(form.get("id") ?? ""), cause });
    if (!revoked) notFound();
    return answer({ ok: true, intent, message: t.apiKeys.revoked });
  }
  throw new Response("Unknown intent", { status: 400 });
};

export default function ApiKeys() {
  const { t, f } = useI18n();
  const a = t.apiKeys;
  const { keys } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const shopify = useAppBridge();
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const [name, setName] = useState("");
  const [revoking, setRevoking] = useState<{ id: string; name: string } | null>(null);
  const nameError = result && !result.ok ? result.errors.name : undefined;
  const created = result?.ok && result.intent === "create" ? result : null;

  useEffect(() => {
    if (!result?.ok) return;
    shopify.toast.show(result.message);
    if (result.intent === "create") setName("");
    if (result.intent === "revoke") setRevoking(null);
  }, [result, shopify]);

  const copy = async (key: string) => {
    await navigator.clipboard.writeText(key);
    shopify.toast.show(a.copied);
  };

  return (
    <Page title={a.title} backAction={{ content: t.nav.home, url: "/app" }} secondaryActions={[{ content: a.docs, url: "/api/v1/openapi.json", target: "_blank" }]}>
      <Layout>
        <Layout.Section>
          <Text as="p" tone="subdued">
            {a.intro}
          </Text>
        </Layout.Section>
        {created && (
          <Layout.Section>
            <Banner tone="success" title={a.createdTitle(created.name)}>
              <BlockStack gap="200">
                <p>{a.copyHint}</p>
                <InlineStack gap="200" blockAlign="end" wrap={false}>
                  <div style={{ flexGrow: 1 }}>
                    <TextField label={created.name} labelHidden value={created.key} readOnly selectTextOnFocus monospaced autoComplete="off" />
                  </div>
                  <Button onClick={() => copy(created.key)}>{a.copy}</Button>
                </InlineStack>
              </BlockStack>
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <Card>
            <Form method="post">
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {a.createTitle}
                </Text>
                <input type="hidden" name="intent" value="create" />
                <TextField
                  label={a.name}
                  name="name"
                  value={name}
                  onChange={setName}
                  helpText={a.nameHelp}
                  error={nameError}
                  maxLength={MAX_KEY_NAME_LENGTH}
                  autoComplete="off"
                />
                <InlineStack>
                  <Button submit variant="primary" loading={busy}>
                    {a.create}
                  </Button>
                </InlineStack>
              </BlockStack>
            </Form>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card padding={keys.length ? "0" : undefined}>
            {keys.length === 0 ? (
              <EmptyState heading={a.emptyTitle} image="">
                <p>{a.emptyBody}</p>
              </EmptyState>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "text", "text", "text", "text"]}
                headings={a.headings}
                rows={keys.map((k) => [
                  k.name,
                  <Text key="p" as="span" fontWeight="medium">
                    <code>{k.prefix}…</code>
                  </Text>,
                  f.dateTime(k.createdAt),
                  k.lastUsedAt ? f.dateTime(k.lastUsedAt) : a.never,
                  k.revokedAt ? <Badge key="s">{a.revokedOn(f.date(k.revokedAt))}</Badge> : <Badge key="s" tone="success">{a.active}</Badge>,
                  k.revokedAt ? (
                    ""
                  ) : (
                    <Button key="r" size="slim" tone="critical" onClick={() => setRevoking({ id: k.id, name: k.name })} accessibilityLabel={`${a.revoke}: ${k.name}`}>
                      {a.revoke}
                    </Button>
                  ),
                ])}
              />
            )}
          </Card>
        </Layout.Section>
      </Layout>
      <Modal
        open={Boolean(revoking)}
        onClose={() => setRevoking(null)}
        title={revoking ? a.revokeTitle(revoking.name) : ""}
        primaryAction={{ content: a.revoke, destructive: true, loading: busy, onAction: () => submit({ intent: "revoke", id: revoking!.id }, { method: "post" }) }}
        secondaryActions={[{ content: t.common.cancel, onAction: () => setRevoking(null) }]}
      >
        <Modal.Section>
          <Text as="p">{a.revokeBody}</Text>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
