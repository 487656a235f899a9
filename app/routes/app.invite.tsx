import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Button, Card, DataTable, InlineStack, Layout, Page, ProgressBar, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import db from "~/db.server";

import { useI18n } from "~/i18n/context";
import { InviteStatus } from "~/referrals/invite-status";
import { inviteEmailProgress, recentInvites, startInvite } from "~/referrals/invites.server";
import { emailOffReason } from "~/email/config.server";
import { requireAdmin } from "~/shopify/admin-request.server";
import { RouteError } from "~/components/RouteError";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const runs = await recentInvites(db, shop);
  const latestEmails = runs[0] ? await inviteEmailProgress(db, shop, runs[0].id) : {};
  return {
    emailOff: emailOffReason() !== null,
    latestEmails,
    runs: runs.map((r) => ({
      id: r.id,
      tag: r.tag,
      status: r.status,
      total: r.totalCustomers,
      processed: r.processedLines,
      enrolled: r.enrolled,
      skipped: r.skipped,
      emailed: r.emailed,
      notEmailed: r.notEmailed,
      reasons: Object.entries(JSON.parse(r.skipReasons) as Record<string, number>),
      error: r.error,
      createdAt: r.createdAt.toISOString(),
    })),
  };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, cause, t } = await requireAdmin(request);
  const form = await request.formData();
  const tag = String(form.get("tag") ?? "").trim().slice(0, 255) || null;
  const run = await startInvite(db, { shop, tag, cause });
  if (!run) return json({ ok: false, message: t.invite.alreadyRunning }, { status: 409 });
  return json({ ok: true, message: t.invite.started });
};

const running = (status: string) => status !== InviteStatus.DONE && status !== InviteStatus.FAILED;

export default function Invite() {
  const { t, f } = useI18n();
  const { runs, emailOff, latestEmails } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const shopify = useAppBridge();
  const revalidator = useRevalidator();
  const busy = useNavigation().state === "submitting";
  const [tag, setTag] = useState("");
  const i = t.invite;
  const [latest, ...earlier] = runs;
  const emailsWaiting = (latestEmails.QUEUED ?? 0) + (latestEmails.SENDING ?? 0);
  const emailTotal = Object.values(latestEmails).reduce((a, b) => a + b, 0);
  const active = latest && (running(latest.status) || emailsWaiting > 0);

  useEffect(() => {
    if (result) shopify.toast.show(result.message, { isError: !result.ok });
  }, [result, shopify]);
  // While a run is going, poll for its progress.
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 2000);
    return () => clearInterval(timer);
  }, [active, revalidator]);

  const progress = latest?.total ? Math.min(100, (latest.processed / latest.total) * 100) : latest?.status === InviteStatus.DONE ? 100 : 0;

  return (
    <Page title={i.title} backAction={{ content: t.nav.home, url: "/app" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <Form method="post">
                <BlockStack gap="300">
                  <Text as="p">{i.intro}</Text>
                  {emailOff ? (
                    <Banner tone="warning">
                      <p>
                        {i.emailsOff} {t.emails.smtpOff}
                      </p>
                    </Banner>
                  ) : (
                    <Text as="p" tone="subdued">
                      {i.consentNote}
                    </Text>
                  )}
                  <TextField label={i.tag} name="tag" value={tag} onChange={setTag} helpText={i.tagHelp} autoComplete="off" disabled={active} />
                  <InlineStack>
                    <Button submit variant="primary" loading={busy} disabled={active}>
                      {i.start}
                    </Button>
                  </InlineStack>
                </BlockStack>
              </Form>
            </Card>
            {latest ? (
              <Card>
                <BlockStack gap="300">
                  <InlineStack align="space-between">
                    <Text as="h2" variant="headingMd" id="invite-progress">
                      {i.status[latest.status] ?? latest.status}
                    </Text>
                    <Text as="span" tone="subdued">
                      {latest.tag ? i.withTag(latest.tag) : i.everyone} · {f.dateTime(latest.createdAt)}
                    </Text>
                  </InlineStack>
                  <ProgressBar progress={progress} tone={latest.status === InviteStatus.FAILED ? "critical" : "highlight"} ariaLabelledBy="invite-progress" animated={Boolean(active)} />
                  <Text as="p">{i.progress(latest.processed, latest.total)}</Text>
                  {latest.error ? (
                    <Banner tone="critical">
                      <p>{latest.error}</p>
                    </Banner>
                  ) : null}
                  <InlineStack gap="600">
                    <Text as="p">
                      {i.enrolled}: <strong>{f.number(latest.enrolled)}</strong>
                    </Text>
                    <Text as="p">
                      {i.skipped}: <strong>{f.number(latest.skipped)}</strong>
                    </Text>
                  </InlineStack>
                  {!emailOff ? (
                    <InlineStack gap="600">
                      <Text as="p">
                        {i.emailed}: <strong>{f.number(latest.emailed)}</strong>
                      </Text>
                      <Text as="p">
                        {i.notEmailed}: <strong>{f.number(latest.notEmailed)}</strong>
                      </Text>
                    </InlineStack>
                  ) : null}
                  {emailTotal > 0 ? (
                    <BlockStack gap="100">
                      <Text as="p" id="invite-email-progress">
                        {i.emailProgress(latestEmails.SENT ?? 0, emailTotal)}
                      </Text>
                      <ProgressBar progress={((emailTotal - emailsWaiting) / emailTotal) * 100} ariaLabelledBy="invite-email-progress" tone="success" />
                      <Text as="p" tone="subdued">
                        {Object.entries(latestEmails)
                          .map(([status, n]) => `${t.emails.status[status.toLowerCase()] ?? status}: ${f.number(n)}`)
                          .join(" · ")}
                      </Text>
                    </BlockStack>
                  ) : null}
                  {latest.reasons.length ? (
                    <DataTable columnContentTypes={["text", "numeric"]} headings={[i.reasons, i.skipped]} rows={latest.reasons.map(([reason, n]) => [reason, f.number(n)])} />
                  ) : null}
                  {active ? (
                    <Text as="p" tone="subdued">
                      {i.resumeNote}
                    </Text>
                  ) : null}
                </BlockStack>
              </Card>
            ) : (
              <Card>
                <Text as="p" tone="subdued">
                  {i.none}
                </Text>
              </Card>
            )}
            {earlier.length ? (
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    {i.history}
                  </Text>
                  <DataTable
                    columnContentTypes={["text", "text", "text", "numeric", "numeric"]}
                    headings={[t.referrals.date, i.tag, t.referrals.status, i.enrolled, i.skipped]}
                    rows={earlier.map((r) => [f.dateTime(r.createdAt), r.tag ?? i.everyone, i.status[r.status] ?? r.status, f.number(r.enrolled), f.number(r.skipped)])}
                  />
                </BlockStack>
              </Card>
            ) : null}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
