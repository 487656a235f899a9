import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Badge, BlockStack, Button, Card, DataTable, EmptyState, Page, Text } from "@shopify/polaris";
import { useEffect } from "react";
import db from "~/db.server";
import { env } from "~/env.server";

import { useI18n } from "~/i18n/context";
import { adminTitle } from "~/i18n/meta";
import { deliveryProblems, retryProblem } from "~/admin/delivery-problems.server";
import type { QueueName } from "~/queue/queue.server";
import { notFound, requireAdmin } from "~/shopify/admin-request.server";
import { RouteError } from "~/components/RouteError";

export const meta = adminTitle((t) => t.problems.title);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  return { ...(await deliveryProblems(db, shop)), keptDays: env().RETENTION_PROBLEM_DAYS };
};

// What each retry button's form asks for, by the queue its row is in.
const DELIVERIES: QueueName = "webhook";
const JOBS: QueueName = "job";
const queueFor = (intent: unknown) => (intent === "retry-delivery" ? DELIVERIES : intent === "retry-job" ? JOBS : null);

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, cause, t } = await requireAdmin(request);
  const form = await request.formData();
  const queue = queueFor(form.get("intent"));
  if (!queue) throw new Response("Unknown intent", { status: 400 });
  const outcome = await retryProblem({ db, shop, queue, id: String(form.get("id") ?? ""), cause });
  if (outcome === "not-found") notFound();
  const ok = outcome === "retried";
  return json({ ok, message: ok ? t.problems.retried : t.problems.notRetryable }, { status: ok ? 200 : 409 });
};

export default function DeliveryProblems() {
  const { t, f } = useI18n();
  const { deliveries, deliveryCount, jobs, jobCount, keptDays } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const shopify = useAppBridge();
  const busy = useNavigation().state !== "idle";
  const p = t.problems;
  useEffect(() => {
    if (result) shopify.toast.show(result.message, { isError: !result.ok });
  }, [result, shopify]);
  const retryButton = (intent: string, id: string, label: string) => (
    <Button key="retry" size="slim" disabled={busy} onClick={() => submit({ intent, id }, { method: "post" })} accessibilityLabel={`${p.retry}: ${label}`}>
      {p.retry}
    </Button>
  );
  const reason = (text: string | null) => (
    <Text as="span" breakWord>
      {text ?? t.common.none}
    </Text>
  );

  return (
    <Page title={p.title} backAction={{ content: t.nav.home, url: "/app" }}>
      <BlockStack gap="400">
        <Text as="p" tone="subdued">
          {p.intro(keptDays)}
        </Text>
        {deliveryCount + jobCount === 0 ? (
          <Card>
            <EmptyState heading={p.emptyTitle} image="">
              <p>{p.emptyBody}</p>
            </EmptyState>
          </Card>
        ) : null}
        {deliveryCount > 0 ? (
          <Card padding="0">
            <BlockStack gap="200">
              <div style={{ padding: "16px 16px 0" }}>
                <Text as="h2" variant="headingMd">
                  {p.deliveries}
                </Text>
                {deliveryCount > deliveries.length ? <Text as="p" tone="subdued">{p.showing(deliveries.length, deliveryCount)}</Text> : null}
              </div>
              <DataTable
                columnContentTypes={["text", "text", "text", "numeric", "text", "text"]}
                headings={[p.failedAt, p.topic, p.status, p.attempts, p.reason, ""]}
                verticalAlign="middle"
                rows={deliveries.map((d) => {
                  const topic = p.topics[d.topic] ?? d.topic;
                  return [
                    f.dateTime(d.failedAt),
                    topic,
                    <Badge key="s" tone={d.status === "DEAD" ? "critical" : "warning"}>
                      {p.statuses[d.status] ?? d.status}
                    </Badge>,
                    d.attempts,
                    reason(d.lastError),
                    d.retryable ? retryButton("retry-delivery", d.id, topic) : "",
                  ];
                })}
              />
            </BlockStack>
          </Card>
        ) : null}
        {jobCount > 0 ? (
          <Card padding="0">
            <BlockStack gap="200">
              <div style={{ padding: "16px 16px 0" }}>
                <Text as="h2" variant="headingMd">
                  {p.jobs}
                </Text>
                {jobCount > jobs.length ? <Text as="p" tone="subdued">{p.showing(jobs.length, jobCount)}</Text> : null}
              </div>
              <DataTable
                columnContentTypes={["text", "text", "numeric", "text", "text"]}
                headings={[p.failedAt, p.kind, p.attempts, p.reason, ""]}
                verticalAlign="middle"
                rows={jobs.map((j) => {
                  const kind = p.kinds[j.kind] ?? j.kind;
                  return [f.dateTime(j.failedAt), kind, j.attempts, reason(j.lastError), retryButton("retry-job", j.id, kind)];
                })}
              />
            </BlockStack>
          </Card>
        ) : null}
      </BlockStack>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
