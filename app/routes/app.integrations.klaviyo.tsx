// The Klaviyo page: connect with a private API key (checked with Klaviyo,
// stored encrypted, never shown again), see whether Klaviyo still takes it,
// choose whether the app's own referral emails still go out, disconnect.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Button, Card, Checkbox, InlineStack, Layout, Page, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import db from "~/db.server";

import { useI18n } from "~/i18n/context";
import { connectKlaviyo, disconnectKlaviyo, klaviyoPage, setSendAppEmails } from "~/integrations/klaviyo/connection.server";
import { requireAdmin } from "~/shopify/admin-request.server";
import { RouteError } from "~/components/RouteError";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  return klaviyoPage(db, shop);
};

type ActionResult = { ok: true; intent: string; message: string } | { ok: false; intent: string; message: string; errors?: { apiKey?: string } };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, cause, t } = await requireAdmin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const answer = (result: ActionResult, status = 200) => json(result, { status });
  const k = t.klaviyo;
  if (intent === "connect") {
    const result = await connectKlaviyo(db, { shop, apiKey: String(form.get("apiKey") ?? ""), cause, t });
    if (result.ok) return answer({ ok: true, intent, message: k.connectedToast });
    return answer({ ok: false, intent, message: result.message, errors: result.field === "apiKey" ? { apiKey: result.message } : {} }, result.field === "apiKey" ? 400 : 409);
  }
  if (intent === "disconnect") {
    if (!(await disconnectKlaviyo(db, { shop, cause }))) return answer({ ok: false, intent, message: k.notConnected }, 409);
    return answer({ ok: true, intent, message: k.disconnected });
  }
  if (intent === "app-emails") {
    const enabled = form.get("enabled") === "true";
    if (!(await setSendAppEmails(db, { shop, enabled, cause }))) return answer({ ok: false, intent, message: k.notConnected }, 409);
    return answer({ ok: true, intent, message: k.appEmails(enabled) });
  }
  return answer({ ok: false, intent, message: "Unknown action" }, 400);
};

export default function Klaviyo() {
  const { t, f } = useI18n();
  const { canConnect, connection } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const navigation = useNavigation();
  const busy = (intent: string) => navigation.state !== "idle" && navigation.formData?.get("intent") === intent;
  const shopify = useAppBridge();
  const submit = useSubmit();
  const [apiKey, setApiKey] = useState("");
  const k = t.klaviyo;
  const keyError = result && !result.ok ? result.errors?.apiKey : undefined;
  const pendingEmails = navigation.formData?.get("intent") === "app-emails" ? navigation.formData.get("enabled") === "true" : null;

  useEffect(() => {
    if (!result) return;
    shopify.toast.show(result.message, { isError: !result.ok });
    // The key leaves the page once Klaviyo took it.
    if (result.ok && result.intent === "connect") setApiKey("");
  }, [result, shopify]);

  const connectForm = (
    <Form method="post">
      <BlockStack gap="300">
        <input type="hidden" name="intent" value="connect" />
        <TextField
          label={k.apiKey}
          name="apiKey"
          type="password"
          value={apiKey}
          onChange={setApiKey}
          helpText={k.apiKeyHelp}
          error={keyError}
          autoComplete="off"
        />
        <InlineStack>
          <Button submit variant="primary" loading={busy("connect")}>
            {connection ? k.reconnect : k.connect}
          </Button>
        </InlineStack>
      </BlockStack>
    </Form>
  );

  return (
    <Page title={k.title} backAction={{ content: t.nav.home, url: "/app" }}>
      <Layout>
        <Layout.Section>
          <Text as="p" tone="subdued">
            {k.intro}
          </Text>
        </Layout.Section>
        {!canConnect ? (
          <Layout.Section>
            <Banner tone="critical" title={k.title}>
              <p>{k.noEncryptionKey}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {connection?.broken ? (
          <Layout.Section>
            <Banner tone="critical" title={k.brokenTitle}>
              <p>
                {k.brokenBody} {connection.brokenReason}
              </p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            {connection ? (
              <BlockStack gap="400">
                <InlineStack align="space-between" blockAlign="center">
                  <BlockStack gap="050">
                    <Text as="h2" variant="headingMd">
                      {k.connected(connection.last4)}
                    </Text>
                    <Text as="p" tone="subdued">
                      {k.since(f.date(connection.connectedAt))}
                    </Text>
                  </BlockStack>
                  <Button tone="critical" loading={busy("disconnect")} onClick={() => submit({ intent: "disconnect" }, { method: "post" })}>
                    {k.disconnect}
                  </Button>
                </InlineStack>
                <Text as="p" tone="subdued">
                  {k.disconnectNote}
                </Text>
                <Checkbox
                  label={k.sendAppEmails}
                  helpText={k.sendAppEmailsHelp}
                  checked={pendingEmails ?? connection.sendAppEmails}
                  onChange={(on) => submit({ intent: "app-emails", enabled: String(on) }, { method: "post" })}
                />
                {connection.broken && canConnect ? connectForm : null}
              </BlockStack>
            ) : canConnect ? (
              connectForm
            ) : (
              <Text as="p">{k.notConnected}</Text>
            )}
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                {k.eventsTitle}
              </Text>
              <Text as="p">{k.events}</Text>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
