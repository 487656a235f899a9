import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, ButtonGroup, Card, DataTable, EmptyState, InlineStack, Modal, Page, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { z } from "zod";
import db from "~/db.server";

import { useI18n } from "~/i18n/context";
import { payoutLedger } from "~/admin/payout-ledger.server";
import { listBatches } from "~/admin/payout-batches.server";
import { markPaid } from "~/referrals/payouts.server";
import { createBatch, markBatchPaid, voidBatch, type MarkBatchPaidOutcome } from "~/referrals/payout-batches.server";
import type { Messages } from "~/i18n/messages";
import { BATCH_RECIPIENTS, BatchStatus } from "~/referrals/payout-batch";
import { formatMoney } from "~/i18n/format";
import { notFound, requireAdmin } from "~/shopify/admin-request.server";
import { download, ExportButton } from "~/components/ExportButton";
import { RouteError } from "~/components/RouteError";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const [ledger, batches] = await Promise.all([payoutLedger(db, shop), listBatches(db, shop)]);
  return { ...ledger, batches };
};

type Result = { ok: boolean; message: string; field?: "reference" };

const reply = (result: Result, status = 200) => json(result, { status });
const whoSchema = z.enum(BATCH_RECIPIENTS);

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, cause, t, locale } = await requireAdmin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const reference = String(form.get("reference") ?? "").trim();
  const referenceMissing = () => reply({ ok: false, message: t.payouts.referenceRequired, field: "reference" }, 400);

  if (intent === "mark-paid") {
    if (!reference) return referenceMissing();
    // The fees shown on the page and their total: exactly what the merchant confirmed paying.
    const rewardIds = String(form.get("rewardIds") ?? "").split(",").filter(Boolean);
    const amount = String(form.get("amount") ?? "");
    const outcome = await markPaid({ db, shop, referrerId: String(form.get("referrerId") ?? ""), rewardIds, amount, reference, cause });
    if (outcome === null) notFound();
    if (outcome.kind === "changed") return reply({ ok: false, message: t.payouts.owedChanged }, 409);
    return reply({ ok: true, message: t.payouts.markedPaid(outcome.count) });
  }
  if (intent === "create") {
    const who = whoSchema.safeParse(form.get("who"));
    if (!who.success) throw new Response("Unknown recipients", { status: 400 });
    const outcome = await createBatch({ db, shop, cause, who: who.data });
    if (outcome.kind === "nothing-owed") return reply({ ok: false, message: t.payoutBatches.nothingOwed[who.data] }, 409);
    return reply({ ok: true, message: t.payoutBatches.created(outcome.batch.number, outcome.fees, formatMoney(outcome.total, outcome.currencyCode, locale)) });
  }
  if (intent === "pay-batch") {
    if (!reference) return referenceMissing();
    // The total the merchant was shown, and paid: the batch is paid only if it still adds up to it.
    const outcome = await markBatchPaid({ db, shop, batchId: String(form.get("batchId") ?? ""), reference, amount: String(form.get("amount") ?? ""), cause });
    if (outcome === null) notFound();
    return replyToPayment(t, outcome, reference);
  }
  if (intent === "void-batch") {
    const outcome = await voidBatch({ db, shop, batchId: String(form.get("batchId") ?? ""), cause });
    if (outcome === null) notFound();
    if (outcome.kind === "not-open") return reply({ ok: false, message: t.payoutBatches.notOpen(outcome.number) }, 409);
    return reply({ ok: true, message: t.payoutBatches.voided(outcome.number) });
  }
  throw new Response("Unknown intent", { status: 400 });
};

function replyToPayment(t: Messages, outcome: MarkBatchPaidOutcome, reference: string) {
  const b = t.payoutBatches;
  switch (outcome.kind) {
    case "paid":
      return reply({ ok: true, message: b.paid(outcome.number, outcome.count) });
    case "already-paid": {
      // A second submit of the same payment: done already. Another reference: the first payment stands.
      const same = outcome.reference === reference;
      return reply({ ok: same, message: b.alreadyPaid(outcome.number, outcome.reference ?? "") }, same ? 200 : 409);
    }
    case "void":
      return reply({ ok: false, message: b.wasVoided(outcome.number) }, 409);
    default:
      return reply({ ok: false, message: b.changed(outcome.number) }, 409);
  }
}

type Paying = { kind: "referrer"; id: string; title: string; rewardIds: string[]; amount: string } | { kind: "batch"; id: string; title: string; amount: string };

export default function Payouts() {
  const { t, f } = useI18n();
  const { rows, totals, batches } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const shopify = useAppBridge();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const busyIntent = navigation.formData?.get("intent");
  const [paying, setPaying] = useState<Paying | null>(null);
  const [voiding, setVoiding] = useState<{ id: string; number: number } | null>(null);
  const [reference, setReference] = useState("");
  const [error, setError] = useState<string>();
  const [who, setWho] = useState("all");
  const p = t.payouts;
  const b = t.payoutBatches;
  useEffect(() => {
    if (!result) return;
    if (result.field === "reference") return setError(result.message);
    shopify.toast.show(result.message, { isError: !result.ok });
    if (result.ok) {
      setPaying(null);
      setVoiding(null);
    }
  }, [result, shopify]);
  const money = (a: string, currencyCode = totals.currencyCode) => f.money(a, currencyCode);
  const openPayment = (payment: Paying) => {
    setPaying(payment);
    setReference("");
    setError(undefined);
  };
  const confirm = () => {
    if (!paying) return;
    if (!reference.trim()) return setError(p.referenceRequired);
    if (paying.kind === "referrer") submit({ intent: "mark-paid", referrerId: paying.id, rewardIds: paying.rewardIds.join(","), amount: paying.amount, reference }, { method: "post" });
    else submit({ intent: "pay-batch", batchId: paying.id, amount: paying.amount, reference }, { method: "post" });
  };
  const missingEmails = batches.filter((batch) => batch.status === BatchStatus.OPEN && batch.withoutEmail > 0);

  return (
    <Page title={p.title} backAction={{ content: t.nav.home, url: "/app" }} secondaryActions={<ExportButton url="/app/payouts/export" filename="payouts.csv" />}>
      <BlockStack gap="400">
        <Text as="p" tone="subdued">
          {p.intro}
        </Text>
        <Card padding={rows.length ? "0" : undefined}>
          {rows.length === 0 ? (
            <EmptyState heading={p.emptyTitle} image="" action={{ content: t.nav.settings, url: "/app/settings" }}>
              <p>{p.emptyBody}</p>
            </EmptyState>
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "numeric", "text"]}
              headings={[t.referrers.name, t.referrers.code, p.earned, p.approved, b.inBatch, p.paid, ""]}
              totals={["", "", money(totals.earned), money(totals.approved), money(totals.inBatch), money(totals.paid), ""]}
              showTotalsInFooter
              totalsName={{ singular: p.totals, plural: p.totals }}
              rows={rows.map((r) => [
                <InlineStack key="n" gap="200" blockAlign="center" wrap={false}>
                  <Link to={`/app/referrers/${r.referrerId}`}>{r.name}</Link>
                  {r.partner ? <Badge tone="info">{b.partner}</Badge> : null}
                </InlineStack>,
                r.code,
                money(r.earned),
                money(r.approved),
                money(r.inBatch),
                money(r.paid),
                r.owedRewardIds.length > 0 ? (
                  <Button
                    key="b"
                    size="slim"
                    onClick={() => openPayment({ kind: "referrer", id: r.referrerId, title: p.markPaidTitle(r.name, money(r.payable)), rewardIds: r.owedRewardIds, amount: r.payable })}
                    accessibilityLabel={`${p.markPaid}: ${r.name}`}
                  >
                    {p.markPaid}
                  </Button>
                ) : (
                  ""
                ),
              ])}
            />
          )}
        </Card>
        {Number(totals.inBatch) > 0 ? (
          <Text as="p" variant="bodySm" tone="subdued">
            {b.inBatchHelp}
          </Text>
        ) : null}
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              {b.title}
            </Text>
            <Text as="p" tone="subdued">
              {b.intro}
            </Text>
            <InlineStack gap="200" blockAlign="end">
              <Select label={b.who} options={BATCH_RECIPIENTS.map((value) => ({ value, label: b.whoOptions[value] }))} value={who} onChange={setWho} />
              <Button variant="primary" loading={busy && busyIntent === "create"} onClick={() => submit({ intent: "create", who }, { method: "post" })}>
                {b.create}
              </Button>
            </InlineStack>
            {missingEmails.map((batch) => (
              <Banner key={batch.id} tone="warning">
                <p>{b.withoutEmail(batch.number, batch.withoutEmail)}</p>
              </Banner>
            ))}
            {batches.length === 0 ? (
              <Text as="p" tone="subdued">
                {b.empty}
              </Text>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "numeric", "numeric", "text", "text", "text"]}
                headings={[b.number, b.createdAt, b.fees, b.total, b.status, b.reference, b.actions]}
                rows={batches.map((batch) => [
                  b.numbered(batch.number),
                  f.date(batch.createdAt),
                  f.number(batch.fees),
                  money(batch.total, batch.currencyCode),
                  <Badge key="s" tone={batch.status === BatchStatus.PAID ? "success" : batch.status === BatchStatus.OPEN ? "attention" : undefined}>
                    {b.statuses[batch.status] ?? batch.status}
                  </Badge>,
                  batch.reference ?? "",
                  <ButtonGroup key="a">
                    <Button size="slim" onClick={() => void download(`/app/payouts/batches/${batch.id}/csv`, `payout-batch-${batch.number}.csv`)} accessibilityLabel={b.actionLabel(b.csv, batch.number)}>
                      {b.csv}
                    </Button>
                    {batch.status === BatchStatus.OPEN ? (
                      <>
                        <Button size="slim" onClick={() => void download(`/app/payouts/batches/${batch.id}/paypal`, `paypal-payout-batch-${batch.number}.csv`)} accessibilityLabel={b.actionLabel(b.paypal, batch.number)}>
                          {b.paypal}
                        </Button>
                        <Button
                          size="slim"
                          variant="primary"
                          onClick={() => openPayment({ kind: "batch", id: batch.id, title: b.markPaidTitle(batch.number, money(batch.total, batch.currencyCode)), amount: batch.total })}
                          accessibilityLabel={b.actionLabel(b.markPaid, batch.number)}
                        >
                          {b.markPaid}
                        </Button>
                        <Button size="slim" tone="critical" onClick={() => setVoiding({ id: batch.id, number: batch.number })} accessibilityLabel={b.actionLabel(b.void, batch.number)}>
                          {b.void}
                        </Button>
                      </>
                    ) : null}
                  </ButtonGroup>,
                ])}
              />
            )}
          </BlockStack>
        </Card>
      </BlockStack>
      <Modal
        open={Boolean(paying)}
        onClose={() => setPaying(null)}
        title={paying?.title ?? ""}
        primaryAction={{ content: p.markPaid, loading: busy, onAction: confirm }}
        secondaryActions={[{ content: t.common.cancel, onAction: () => setPaying(null) }]}
      >
        <Modal.Section>
          <BlockStack gap="300">
            {paying?.kind === "batch" ? <Text as="p">{b.markPaidBody}</Text> : null}
            <TextField label={p.reference} helpText={p.referenceHelp} value={reference} onChange={(v) => (setReference(v), setError(undefined))} error={error} autoComplete="off" />
          </BlockStack>
        </Modal.Section>
      </Modal>
      <Modal
        open={Boolean(voiding)}
        onClose={() => setVoiding(null)}
        title={voiding ? b.voidTitle(voiding.number) : ""}
        primaryAction={{ content: b.void, destructive: true, loading: busy, onAction: () => voiding && submit({ intent: "void-batch", batchId: voiding.id }, { method: "post" }) }}
        secondaryActions={[{ content: t.common.cancel, onAction: () => setVoiding(null) }]}
      >
        <Modal.Section>
          <Text as="p">{b.voidBody}</Text>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
