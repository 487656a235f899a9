import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { BlockStack, Button, Card, DataTable, EmptyState, Modal, Page, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import db from "~/db.server";

import { useI18n } from "~/i18n/context";
import { payoutLedger } from "~/admin/payout-ledger.server";
import { markPaid } from "~/referrals/payouts.server";
import { notFound, requireAdmin } from "~/shopify/admin-request.server";
import { ExportButton } from "~/components/ExportButton";
import { RouteError } from "~/components/RouteError";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  return payoutLedger(db, shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, cause, t } = await requireAdmin(request);
  const form = await request.formData();
  if (form.get("intent") !== "mark-paid") throw new Response("Unknown intent", { status: 400 });
  const reference = String(form.get("reference") ?? "").trim();
  if (!reference) return json({ ok: false, message: t.payouts.referenceRequired }, { status: 400 });
  // The fees shown on the page and their total: exactly what the merchant confirmed paying.
  const rewardIds = String(form.get("rewardIds") ?? "").split(",").filter(Boolean);
  const amount = String(form.get("amount") ?? "");
  const outcome = await markPaid({ db, shop, referrerId: String(form.get("referrerId") ?? ""), rewardIds, amount, reference, cause });
  if (outcome === null) notFound();
  if (outcome.kind === "changed") return json({ ok: false, message: t.payouts.owedChanged }, { status: 409 });
  return json({ ok: true, message: t.payouts.markedPaid(outcome.count) });
};

export default function Payouts() {
  const { t, f } = useI18n();
  const { rows, totals } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const shopify = useAppBridge();
  const busy = useNavigation().state !== "idle";
  const [paying, setPaying] = useState<{ id: string; name: string; rewardIds: string[]; amount: string } | null>(null);
  const [reference, setReference] = useState("");
  const [error, setError] = useState<string>();
  const p = t.payouts;
  useEffect(() => {
    if (!result) return;
    shopify.toast.show(result.message, { isError: !result.ok });
    if (result.ok) setPaying(null);
  }, [result, shopify]);
  const money = (a: string) => f.money(a, totals.currencyCode);
  const confirm = () => {
    if (!reference.trim()) return setError(p.referenceRequired);
    submit({ intent: "mark-paid", referrerId: paying!.id, rewardIds: paying!.rewardIds.join(","), amount: paying!.amount, reference }, { method: "post" });
  };

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
              columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "text"]}
              headings={[t.referrers.name, t.referrers.code, p.earned, p.approved, p.paid, ""]}
              totals={["", "", money(totals.earned), money(totals.approved), money(totals.paid), ""]}
              showTotalsInFooter
              totalsName={{ singular: p.totals, plural: p.totals }}
              rows={rows.map((r) => [
                <Link key="l" to={`/app/referrers/${r.referrerId}`}>
                  {r.name}
                </Link>,
                r.code,
                money(r.earned),
                money(r.approved),
                money(r.paid),
                r.owedRewardIds.length > 0 ? (
                  <Button
                    key="b"
                    size="slim"
                    onClick={() => (setPaying({ id: r.referrerId, name: r.name, rewardIds: r.owedRewardIds, amount: r.approved }), setReference(""), setError(undefined))}
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
      </BlockStack>
      <Modal
        open={Boolean(paying)}
        onClose={() => setPaying(null)}
        title={paying ? p.markPaidTitle(paying.name, money(paying.amount)) : ""}
        primaryAction={{ content: p.markPaid, loading: busy, onAction: confirm }}
        secondaryActions={[{ content: t.common.cancel, onAction: () => setPaying(null) }]}
      >
        <Modal.Section>
          <TextField label={p.reference} helpText={p.referenceHelp} value={reference} onChange={(v) => (setReference(v), setError(undefined))} error={error} autoComplete="off" />
        </Modal.Section>
      </Modal>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
