import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { BlockStack, Button, Card, EmptyState, IndexTable, InlineStack, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import db from "~/db.server";
import { personName } from "~/i18n/format";
import { useI18n } from "~/i18n/context";
import { listReferrers } from "~/admin/referrer-list.server";
import { requireAdmin } from "~/shopify/admin-request.server";
import { ExportButton } from "~/components/ExportButton";
import { Pager } from "~/components/Pager";
import { RouteError } from "~/components/RouteError";
import { StatusBadge } from "~/components/StatusBadge";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const params = new URL(request.url).searchParams;
  const filters = { search: params.get("q"), status: params.get("status") };
  const [page, program] = await Promise.all([
    listReferrers(db, shop, filters, { after: params.get("after"), before: params.get("before") }),
    db.program.findUnique({ where: { shop }, select: { currencyCode: true } }),
  ]);
  return { ...page, currencyCode: program?.currencyCode ?? "USD", filtered: Boolean(filters.search || filters.status) };
};

export default function Referrers() {
  const { t, f } = useI18n();
  const { items, nextCursor, previousCursor, currencyCode, filtered } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "loading";
  const [search, setSearch] = useState(params.get("q") ?? "");
  const [status, setStatus] = useState(params.get("status") ?? "");
  const r = t.referrers;
  return (
    <Page title={r.title} backAction={{ content: t.nav.home, url: "/app" }} secondaryActions={<ExportButton url={`/app/referrers/export?${params}`} filename="referrers.csv" />}>
      <BlockStack gap="400">
        <Card>
          <Form method="get">
            <InlineStack gap="300" blockAlign="end" wrap>
              <div style={{ minWidth: 260, flexGrow: 1 }}>
                <TextField label={t.common.search} name="q" value={search} onChange={setSearch} placeholder={r.searchPlaceholder} autoComplete="off" />
              </div>
              <Select
                label={r.status}
                name="status"
                value={status}
                onChange={setStatus}
                options={[{ label: t.common.all, value: "" }, { label: t.status.ACTIVE, value: "ACTIVE" }, { label: t.status.DISABLED, value: "DISABLED" }]}
              />
              <Button submit>{t.common.apply}</Button>
            </InlineStack>
          </Form>
        </Card>
        <Card padding="0">
          {items.length === 0 ? (
            <EmptyState heading={filtered ? r.emptyFiltered : r.emptyTitle} image="" action={{ content: t.nav.invite, url: "/app/invite" }}>
              <p>{r.emptyBody}</p>
            </EmptyState>
          ) : (
            <IndexTable
              resourceName={r.resourceName}
              itemCount={items.length}
              selectable={false}
              loading={busy}
              headings={[
                { title: r.name },
                { title: r.code },
                { title: r.source },
                { title: r.status },
                { title: r.referrals, alignment: "end" },
                { title: r.revenue, alignment: "end" },
                { title: r.clicks, alignment: "end" },
                { title: r.joined },
              ]}
            >
              {items.map((item, index) => (
                <IndexTable.Row id={item.id} key={item.id} position={index}>
                  <IndexTable.Cell>
                    <Link to={`/app/referrers/${item.id}`}>
                      <Text as="span" fontWeight="semibold">
                        {personName(item)}
                      </Text>
                    </Link>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{item.code}</IndexTable.Cell>
                  <IndexTable.Cell>{r.sources[item.source] ?? item.source}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <StatusBadge status={item.status} />
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric>
                      {f.number(item.referrals)}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric>
                      {f.money(item.revenue, currencyCode)}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric>
                      {f.number(item.clicks)}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{f.date(item.createdAt)}</IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          )}
        </Card>
        <Pager nextCursor={nextCursor} previousCursor={previousCursor} />
      </BlockStack>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
