import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, DataTable, InlineGrid, InlineStack, Page, Text } from "@shopify/polaris";
import db from "~/db.server";
import { useI18n } from "~/i18n/context";
import { adminTitle } from "~/i18n/meta";
import { integrationsOverview } from "~/admin/integrations.server";
import { requireAdmin } from "~/shopify/admin-request.server";
import { RouteError } from "~/components/RouteError";

export const meta = adminTitle((t) => t.integrations.title);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  return integrationsOverview(db, shop, new Date());
};

/** The target's status code and what it said, cut to a line or two (the full text is in the delivery's log). */
function answerOf(d: { responseStatus: number | null; lastError: string | null }): string {
  const text = [d.responseStatus, d.lastError].filter((x) => x !== null && x !== "").join(" ");
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}

const STATUS_TONE: Record<string, "success" | "critical" | "attention" | undefined> = { SENT: "success", FAILED: "critical", QUEUED: "attention", SENDING: "attention" };

export default function Integrations() {
  const { t, f } = useI18n();
  const { recent, week, klaviyo, webhookEndpoints, apiKeys } = useLoaderData<typeof loader>();
  const i = t.integrations;
  const totals = (kind: string) => (week[kind] ? <Text as="p" tone="subdued">{i.last7Days(week[kind].sent, week[kind].failed)}</Text> : null);
  const card = (title: string, body: string, status: React.ReactNode, kind: string, url?: string) => (
    <Card>
      <BlockStack gap="200">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {title}
          </Text>
          {status}
        </InlineStack>
        <Text as="p">{body}</Text>
        {totals(kind)}
        {url ? (
          <InlineStack>
            <Button url={url} accessibilityLabel={`${i.manage}: ${title}`}>
              {i.manage}
            </Button>
          </InlineStack>
        ) : null}
      </BlockStack>
    </Card>
  );
  const klaviyoBadge =
    klaviyo === "ACTIVE" ? <Badge tone="success">{i.connected}</Badge> : klaviyo === "BROKEN" ? <Badge tone="critical">{i.broken}</Badge> : <Badge>{i.notConnected}</Badge>;

  return (
    <Page title={i.title} backAction={{ content: t.nav.home, url: "/app" }}>
      <BlockStack gap="400">
        <Text as="p" tone="subdued">
          {i.intro}
        </Text>
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          {card(i.flowTitle, i.flowBody, null, "flow")}
          {card(i.klaviyoTitle, i.klaviyoBody, klaviyoBadge, "klaviyo", "/app/integrations/klaviyo")}
          {card(i.webhooksTitle, i.webhooksBody, <Badge>{i.endpoints(webhookEndpoints)}</Badge>, "webhook", "/app/integrations/webhooks")}
          {card(i.apiTitle, i.apiBody, <Badge>{i.keys(apiKeys)}</Badge>, "api", "/app/integrations/api-keys")}
        </InlineGrid>
        <Card padding="0">
          <BlockStack gap="200">
            <div style={{ padding: "16px 16px 0" }}>
              <Text as="h2" variant="headingMd">
                {i.recentTitle}
              </Text>
            </div>
            {recent.length === 0 ? (
              <div style={{ padding: "0 16px 16px" }}>
                <Text as="p" tone="subdued">
                  {i.recentEmpty}
                </Text>
              </div>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "text", "text", "numeric", "text"]}
                headings={[i.occurredAt, i.event, i.target, i.status, i.attempts, i.answer]}
                verticalAlign="middle"
                rows={recent.map((d) => [
                  f.dateTime(d.occurredAt),
                  i.events[d.type] ?? d.type,
                  i.targets[d.targetKind] ?? d.targetKind,
                  <Badge key="s" tone={STATUS_TONE[d.status]}>
                    {i.statuses[d.status] ?? d.status}
                  </Badge>,
                  d.attempts,
                  // Wraps within the card: a receiver's answer can be long.
                  <div key="a" style={{ whiteSpace: "normal", maxWidth: "22rem", overflowWrap: "anywhere" }}>
                    <Text as="span">{answerOf(d) || t.common.none}</Text>
                  </div>,
                ])}
              />
            )}
          </BlockStack>
        </Card>
      </BlockStack>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
