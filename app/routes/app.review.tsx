// The review queue: referrals a fraud rule held, with why, approved or
// rejected by the merchant (app/referrals/review.server.ts).
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { BlockStack, Badge, Card, EmptyState, IndexTable, InlineStack, Page, Text, useIndexResourceState } from "@shopify/polaris";
import { useEffect, useState } from "react";
import db from "~/db.server";
import { personName } from "~/i18n/format";
import { useI18n } from "~/i18n/context";
import { adminTitle } from "~/i18n/meta";
import { reviewQueue } from "~/admin/review-queue.server";
import { clearReview, rejectReferrals } from "~/referrals/referral-decisions.server";
import { programTimezone } from "~/referrals/programs.server";
import { notFound, requireAdmin } from "~/shopify/admin-request.server";
import { ReasonModal } from "~/components/ReasonModal";
import { RouteError } from "~/components/RouteError";

export const meta = adminTitle((t) => t.review.title);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, admin } = await requireAdmin(request);
  // Times in the shop's time zone, as on the dashboard.
  return {
    ...(await reviewQueue(db, shop)),
    timezone: await programTimezone({ db, admin, shop }),
  };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, cause, t } = await requireAdmin(request);
  const form = await request.formData();
  const intent = form.get("intent");
  const ids = form.getAll("ids").map(String);
  if (intent === "approve") {
    const result = await clearReview({ db, shop, ids, cause });
    if (!result) notFound();
    return json({ intent, done: result.cleared, skipped: result.skipped });
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

export default function Review() {
  const { t, f } = useI18n();
  const { items, total, timezone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const shopify = useAppBridge();
  const busy = useNavigation().state !== "idle";
  const [rejecting, setRejecting] = useState(false);
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(items);
  const r = t.review;

  useEffect(() => {
    if (!result) return;
    if ("error" in result) return void shopify.toast.show(result.error ?? "", { isError: true });
    const message = result.intent === "approve" ? r.approved(result.done) : r.rejected(result.done);
    shopify.toast.show(result.skipped ? `${message}. ${r.onlyWaiting}` : message);
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

  return (
    <Page title={r.title} backAction={{ content: t.nav.home, url: "/app" }}>
      <BlockStack gap="400">
        <Text as="p" tone="subdued">
          {r.intro}
        </Text>
        <Card padding="0">
          {items.length === 0 ? (
            <EmptyState heading={r.emptyTitle} image="">
              <p>{r.emptyBody}</p>
            </EmptyState>
          ) : (
            <IndexTable
              resourceName={{ singular: "referral", plural: "referrals" }}
              itemCount={items.length}
              selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
              onSelectionChange={handleSelectionChange}
              promotedBulkActions={[
                { content: r.approve, onAction: () => bulk("approve") },
                { content: r.reject, onAction: () => setRejecting(true) },
              ]}
              headings={[
                { title: r.order },
                { title: r.referrer },
                { title: r.friend },
                { title: r.total, alignment: "end" },
                { title: r.why },
                { title: r.holdEnds },
              ]}
            >
              {items.map((item, index) => (
                <IndexTable.Row id={item.id} key={item.id} position={index} selected={selectedResources.includes(item.id)}>
                  <IndexTable.Cell>
                    <Link to={`/app/referrals/${item.id}`}>{item.orderName ?? item.id}</Link>
                    <Text as="p" tone="subdued" variant="bodySm">
                      {f.dateTime(item.createdAt, timezone)}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Link to={`/app/referrers/${item.referrer.id}`}>{personName(item.referrer)}</Link>
                    <Text as="p" tone="subdued" variant="bodySm">
                      {item.codeUsed ? r.code(item.codeUsed, item.attributedBy) : null}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{item.friendEmail ?? t.common.none}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric>
                      {f.money(item.totalAmount, item.currencyCode)}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    {/* Index table cells do not wrap; the evidence is sentences. */}
                    <div
                      style={{
                        whiteSpace: "normal",
                        minWidth: 220,
                        maxWidth: 360,
                      }}
                    >
                      <BlockStack gap="100">
                        {item.flags.map((flag) => (
                          <BlockStack gap="050" key={flag.rule}>
                            <InlineStack gap="100">
                              <Badge tone="warning">{r.rules[flag.rule] ?? flag.rule}</Badge>
                            </InlineStack>
                            <Text as="p" variant="bodySm" breakWord>
                              {flag.summary}
                            </Text>
                            {flag.orders.length ? (
                              <Text as="p" variant="bodySm" tone="subdued" breakWord>
                                {flag.orders.map((o) => `${o.order ?? "?"} (${f.dateTime(o.at, timezone)})`).join(", ")}
                              </Text>
                            ) : null}
                          </BlockStack>
                        ))}
                      </BlockStack>
                    </div>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{f.date(item.holdUntil, timezone)}</IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          )}
        </Card>
        {total > items.length ? (
          <Text as="p" tone="subdued">
            {r.showing(items.length, total)}
          </Text>
        ) : null}
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
