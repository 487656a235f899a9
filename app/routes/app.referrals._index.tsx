import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Badge, BlockStack, Button, Card, EmptyState, IndexTable, InlineStack, Page, Select, Tag, Text, TextField, useIndexResourceState } from "@shopify/polaris";
import { useEffect, useState } from "react";
import db from "~/db.server";
import { personName } from "~/i18n/format";
import { useI18n } from "~/i18n/context";
import { listReferrals, referralFiltersFrom, referrerBelongsTo } from "~/admin/referral-list.server";
import { approveReferrals, rejectReferrals } from "~/referrals/referral-decisions.server";
import { ReferralStatus } from "~/referrals/statuses";
import { notFound, requireAdmin } from "~/shopify/admin-request.server";
import { ExportButton } from "~/components/ExportButton";
import { Pager } from "~/components/Pager";
import { ReasonModal } from "~/components/ReasonModal";
import { RouteError } from "~/components/RouteError";
import { StatusBadge } from "~/components/StatusBadge";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const params = new URL(request.url).searchParams;
  const filters = await referralFiltersFrom(db, shop, params);
  if (filters.referrerId && !(await referrerBelongsTo(db, shop, filters.referrerId))) notFound();
  const page = await listReferrals(db, shop, filters, { after: params.get("after"), before: params.get("before") });
  const filtered = ["status", "referrerId", "q", "from", "to"].some((k) => params.get(k));
  return { ...page, filtered };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, cause, t } = await requireAdmin(request);
  const form = await request.formData();
  const intent = form.get("intent");
  const ids = form.getAll("ids").map(String);
  if (intent === "approve") {
    const result = await approveReferrals({ db, shop, ids, cause });
    if (!result) notFound();
    return json({ intent, done: result.approved, skipped: result.skipped });
  }
  if (intent === "reject") {
    const reason = String(form.get("reason") ?? "").trim();
    if (!reason) return json({ intent, error: t.referrer.reasonRequired }, { status: 400 });
    const result = await rejectReferrals({ db, shop, ids, cause, reason });
    if (!result) notFound();
    return json({ intent, done: result.rejected, skipped: result.skipped });
  }
  throw new Response("Unknown intent", { status: 400 });
};

export default function Referrals() {
  const { t, f } = useI18n();
  const { items, nextCursor, previousCursor, filtered } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const submit = useSubmit();
  const shopify = useAppBridge();
  const busy = useNavigation().state !== "idle";
  const [rejecting, setRejecting] = useState(false);
  const [search, setSearch] = useState(params.get("q") ?? "");
  const [status, setStatus] = useState(params.get("status") ?? "");
  const [from, setFrom] = useState(params.get("from") ?? "");
  const [to, setTo] = useState(params.get("to") ?? "");
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(items);
  const r = t.referrals;

  useEffect(() => {
    if (!result) return;
    if ("error" in result) return void shopify.toast.show(result.error ?? "", { isError: true });
    const message = result.intent === "approve" ? r.approved(result.done) : r.rejected(result.done);
    shopify.toast.show(result.skipped ? `${message}. ${r.onlyPending}` : message);
    clearSelection();
    setRejecting(false);
  }, [result]);

  const bulk = (intent: string, reason?: string) => {
    const form = new FormData();
    form.set("intent", intent);
    if (reason) form.set("reason", reason);
    for (const id of selectedResources) form.append("ids", id);
    submit(form, { method: "post" });
  };
  const referrerId = params.get("referrerId");
  const referrerName = referrerId ? (items[0] ? personName(items[0].referrer) : referrerId) : null;

  return (
    <Page
      title={r.title}
      backAction={{ content: t.nav.home, url: "/app" }}
      secondaryActions={<ExportButton url={`/app/referrals/export?${params}`} filename="referrals.csv" />}
    >
      <BlockStack gap="400">
        <Card>
          <Form method="get">
            {referrerId ? <input type="hidden" name="referrerId" value={referrerId} /> : null}
            <BlockStack gap="300">
              <InlineStack gap="300" blockAlign="end" wrap>
                <div style={{ minWidth: 260, flexGrow: 1 }}>
                  <TextField label={t.common.search} name="q" value={search} onChange={setSearch} placeholder={r.searchPlaceholder} autoComplete="off" clearButton onClearButtonClick={() => setSearch("")} />
                </div>
                <Select
                  label={r.filterStatus}
                  name="status"
                  value={status}
                  onChange={setStatus}
                  options={[{ label: t.common.all, value: "" }, ...Object.values(ReferralStatus).map((s) => ({ label: t.status[s], value: s }))]}
                />
                <TextField label={r.filterFrom} type="date" name="from" value={from} onChange={setFrom} autoComplete="off" />
                <TextField label={r.filterTo} type="date" name="to" value={to} onChange={setTo} autoComplete="off" />
                <Button submit>{t.common.apply}</Button>
              </InlineStack>
              {referrerId ? (
                <InlineStack gap="200">
                  <Tag url={`/app/referrers/${referrerId}`}>{`${r.filterReferrer}: ${referrerName}`}</Tag>
                  <Link to="/app/referrals">{t.common.all}</Link>
                </InlineStack>
              ) : null}
            </BlockStack>
          </Form>
        </Card>
        <Card padding="0">
          {items.length === 0 ? (
            <EmptyState heading={filtered ? r.emptyFiltered : r.emptyTitle} image="" action={filtered ? { content: t.common.all, url: "/app/referrals" } : { content: t.nav.invite, url: "/app/invite" }}>
              <p>{r.emptyBody}</p>
            </EmptyState>
          ) : (
            <IndexTable
              resourceName={r.resourceName}
              itemCount={items.length}
              selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
              onSelectionChange={handleSelectionChange}
              loading={busy}
              promotedBulkActions={[
                { content: r.approve, onAction: () => bulk("approve") },
                { content: r.reject, onAction: () => setRejecting(true) },
              ]}
              headings={[{ title: r.order }, { title: r.date }, { title: r.friend }, { title: r.referrer }, { title: r.status }, { title: r.total, alignment: "end" }]}
            >
              {items.map((item, index) => (
                <IndexTable.Row id={item.id} key={item.id} position={index} selected={selectedResources.includes(item.id)}>
                  <IndexTable.Cell>
                    <Link to={`/app/referrals/${item.id}`}>
                      <Text as="span" fontWeight="semibold">
                        {item.orderName ?? item.orderId.split("/").pop()}
                      </Text>
                    </Link>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{f.date(item.createdAt)}</IndexTable.Cell>
                  <IndexTable.Cell>{item.friendEmail ?? t.common.none}</IndexTable.Cell>
                  <IndexTable.Cell>{personName(item.referrer)}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <InlineStack gap="100">
                      <StatusBadge status={item.status} />
                      {item.needsReview ? <Badge tone="critical">{r.needsReview}</Badge> : null}
                    </InlineStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric>
                      {f.money(item.totalAmount, item.currencyCode)}
                    </Text>
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          )}
        </Card>
        <Pager nextCursor={nextCursor} previousCursor={previousCursor} />
      </BlockStack>
      <ReasonModal
        open={rejecting}
        title={r.reject}
        body={r.rejectReason}
        confirm={r.reject}
        destructive
        loading={busy}
        onClose={() => setRejecting(false)}
        onConfirm={(reason) => bulk("reject", reason)}
      />
    </Page>
  );
}

export const ErrorBoundary = RouteError;
