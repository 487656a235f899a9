// Integrations > Webhooks: the merchant's endpoints (URL, events, on or off,
// failures in a row), adding one (its signing secret shown once, in the
// answer to the add, and never again), and an endpoint's latest deliveries.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, Card, Checkbox, DataTable, InlineStack, Layout, Modal, Page, Text, TextField, type BadgeProps } from "@shopify/polaris";
import { useEffect, useState } from "react";
import db from "~/db.server";
import { useI18n } from "~/i18n/context";
import { adminTitle } from "~/i18n/meta";
import { EVENT_TYPES } from "~/events/types";
import { addEndpoint, deleteEndpoint, deliveryLog, endpointsSwitchedOff, listEndpoints, MAX_ENDPOINTS, setEndpointEnabled } from "~/integrations/webhooks/endpoints.server";
import { defaultNetwork } from "~/integrations/webhooks/network.server";
import { notFound, requireAdmin } from "~/shopify/admin-request.server";
import { RouteError } from "~/components/RouteError";

export const meta = adminTitle((t) => t.webhooks.title);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const selected = new URL(request.url).searchParams.get("endpoint");
  const [endpoints, switchedOff, log] = await Promise.all([listEndpoints(db, shop), endpointsSwitchedOff(db, shop), selected ? deliveryLog(db, shop, selected) : null]);
  if (selected && !log) notFound();
  return { endpoints, switchedOff, log };
};

type ActionResult =
  | { ok: true; intent: string; message: string; secret?: string }
  | { ok: false; intent: string; message: string; errors?: { url?: string; events?: string } };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, cause, t } = await requireAdmin(request);
  const w = t.webhooks;
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const answer = (result: ActionResult, status = 200) => json(result, { status });
  if (intent === "add") {
    const result = await addEndpoint(db, { shop, url: String(form.get("url") ?? ""), events: form.getAll("events").map(String), cause, network: defaultNetwork() });
    if (!result.ok) {
      const { url, events } = result.errors;
      const errors = { url: url === "TOO_MANY" ? w.errors.tooMany(MAX_ENDPOINTS) : url ? w.errors[url] : undefined, events: events ? w.errors.noEvents : undefined };
      return answer({ ok: false, intent, message: w.invalid, errors }, 400);
    }
    return answer({ ok: true, intent, message: w.added, secret: result.secret });
  }
  const id = String(form.get("id") ?? "");
  if (intent === "enable" || intent === "disable") {
    if (!(await setEndpointEnabled(db, { shop, id, enabled: intent === "enable", cause }))) notFound();
    return answer({ ok: true, intent, message: w.switched(intent === "enable") });
  }
  if (intent === "delete") {
    if (!(await deleteEndpoint(db, { shop, id, cause }))) notFound();
    return answer({ ok: true, intent, message: w.deleted });
  }
  throw new Response("Unknown intent", { status: 400 });
};

const DELIVERY_TONES: Record<string, BadgeProps["tone"]> = { SENT: "success", QUEUED: "warning", SENDING: "info", FAILED: "critical", SKIPPED: undefined };

export default function Webhooks() {
  const { t, f } = useI18n();
  const { endpoints, switchedOff, log } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const submit = useSubmit();
  const shopify = useAppBridge();
  const [params, setParams] = useSearchParams();
  const busy = useNavigation().state !== "idle";
  const w = t.webhooks;
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<string[]>([]);
  const [secret, setSecret] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<{ id: string; url: string } | null>(null);
  const errors = (result && !result.ok && result.errors) || {};

  useEffect(() => {
    if (!result) return;
    shopify.toast.show(result.message, { isError: !result.ok });
    if (result.ok && result.intent === "add") {
      setSecret(result.secret ?? null);
      setUrl("");
      setEvents([]);
    }
    if (result.ok && result.intent === "delete") setDeleting(null);
  }, [result, shopify]);

  const add = () => {
    const form = new FormData();
    form.set("intent", "add");
    form.set("url", url);
    for (const type of events) form.append("events", type);
    submit(form, { method: "post", preventScrollReset: true });
  };
  const act = (intent: string, id: string) => submit({ intent, id }, { method: "post", preventScrollReset: true });
  const eventName = (type: string) => w.eventNames[type] ?? type;

  return (
    <Page title={w.title} backAction={{ content: t.nav.home, url: "/app" }}>
      <Layout>
        {switchedOff > 0 ? (
          <Layout.Section>
            <Banner tone="critical" title={w.switchedOffTitle(switchedOff)}>
              <p>{w.switchedOffBody}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Text as="p" tone="subdued">
            {w.intro}
          </Text>
        </Layout.Section>
        <Layout.Section>
          <Card padding={endpoints.length ? "0" : undefined}>
            {endpoints.length === 0 ? (
              <Text as="p" tone="subdued">
                {w.empty}
              </Text>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "text", "numeric", "text"]}
                headings={w.headings}
                rows={endpoints.map((e) => [
                  <Text key="u" as="span" breakWord>
                    {e.url}
                  </Text>,
                  e.events.map(eventName).join(", "),
                  <BlockStack key="s" gap="050">
                    <span>
                      <Badge tone={e.enabled ? "success" : "critical"}>{e.enabled ? w.on : w.off}</Badge>
                    </span>
                    {!e.enabled && e.disabledReason ? (
                      <Text as="span" tone="subdued">
                        {w.reasons[e.disabledReason] ?? e.disabledReason}
                      </Text>
                    ) : null}
                  </BlockStack>,
                  e.consecutiveFailures,
                  <InlineStack key="a" gap="200" wrap={false}>
                    <Button size="slim" pressed={params.get("endpoint") === e.id} onClick={() => setParams({ endpoint: e.id }, { preventScrollReset: true })} accessibilityLabel={`${w.showLog}: ${e.url}`}>
                      {w.showLog}
                    </Button>
                    <Button size="slim" disabled={busy} onClick={() => act(e.enabled ? "disable" : "enable", e.id)} accessibilityLabel={`${e.enabled ? w.disable : w.enable}: ${e.url}`}>
                      {e.enabled ? w.disable : w.enable}
                    </Button>
                    <Button size="slim" tone="critical" disabled={busy} onClick={() => setDeleting({ id: e.id, url: e.url })} accessibilityLabel={`${w.delete}: ${e.url}`}>
                      {w.delete}
                    </Button>
                  </InlineStack>,
                ])}
              />
            )}
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {w.addTitle}
              </Text>
              <TextField label={w.url} name="url" type="url" value={url} onChange={setUrl} helpText={w.urlHelp} error={errors.url} autoComplete="off" placeholder="https://example.com/referral-events" />
              <BlockStack gap="100">
                <Text as="p">{w.events}</Text>
                {EVENT_TYPES.map((type) => (
                  <Checkbox
                    key={type}
                    label={eventName(type)}
                    helpText={type}
                    checked={events.includes(type)}
                    onChange={(on) => setEvents((list) => (on ? [...list, type] : list.filter((x) => x !== type)))}
                  />
                ))}
                {errors.events ? (
                  <Text as="p" tone="critical">
                    {`${w.events}: ${errors.events}`}
                  </Text>
                ) : null}
              </BlockStack>
              <InlineStack>
                <Button variant="primary" onClick={add} loading={busy}>
                  {w.add}
                </Button>
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.Section>
        {log ? (
          <Layout.Section>
            <Card padding={log.deliveries.length ? "0" : undefined}>
              <BlockStack gap="200">
                <div style={log.deliveries.length ? { padding: "16px 16px 0" } : undefined}>
                  <Text as="h2" variant="headingMd" breakWord>
                    {w.logTitle(log.endpoint.url)}
                  </Text>
                </div>
                {log.deliveries.length === 0 ? (
                  <Text as="p" tone="subdued">
                    {w.logEmpty}
                  </Text>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "text", "text", "numeric", "numeric", "text", "numeric"]}
                    headings={w.logHeadings}
                    rows={log.deliveries.map((d) => [
                      eventName(d.type),
                      f.dateTime(d.sentAt ?? d.createdAt),
                      <Badge key="s" tone={DELIVERY_TONES[d.status]}>
                        {w.deliveryStatus[d.status] ?? d.status}
                      </Badge>,
                      d.attempts,
                      d.responseStatus ?? "",
                      <Text key="e" as="span" breakWord>
                        {d.lastError ?? ""}
                      </Text>,
                      d.durationMs === null ? "" : w.duration(d.durationMs),
                    ])}
                  />
                )}
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
      </Layout>
      <Modal open={secret !== null} onClose={() => setSecret(null)} title={w.secretTitle} primaryAction={{ content: w.secretDone, onAction: () => setSecret(null) }}>
        <Modal.Section>
          <BlockStack gap="300">
            <Text as="p">{w.secretBody}</Text>
            <TextField label={w.secretLabel} value={secret ?? ""} readOnly autoComplete="off" monospaced selectTextOnFocus />
          </BlockStack>
        </Modal.Section>
      </Modal>
      <Modal
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title={w.deleteTitle}
        primaryAction={{ content: w.delete, destructive: true, loading: busy, onAction: () => deleting && act("delete", deleting.id) }}
        secondaryActions={[{ content: t.common.cancel, onAction: () => setDeleting(null) }]}
      >
        <Modal.Section>
          <Text as="p" breakWord>
            {w.deleteBody(deleting?.url ?? "")}
          </Text>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
