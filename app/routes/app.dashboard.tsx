import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useNavigation } from "@remix-run/react";
import { BlockStack, Box, Button, Card, DataTable, EmptyState, InlineGrid, Layout, Page, ProgressBar, SkeletonBodyText, Text } from "@shopify/polaris";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { lazy, Suspense } from "react";
import db from "~/db.server";
import { useI18n } from "~/i18n/context";
import type { Formatter } from "~/i18n/format";
import { dashboardData } from "~/admin/dashboard.server";
import { shopTotals, type ShopTotals } from "~/admin/shop-totals.server";
import { parseDateRange, previousRange } from "~/admin/date-range";
import { programTimezone } from "~/referrals/programs.server";
import { requireAdmin } from "~/shopify/admin-request.server";
import { ClientOnly } from "~/components/ClientOnly";
import { DateRangeForm } from "~/components/DateRangeForm";
import { RouteError } from "~/components/RouteError";
import { FigureCard, SectionCard } from "~/components/SectionCard";
import { SeriesTable } from "~/components/SeriesTable";

const TimeSeriesChart = lazy(() => import("~/components/TimeSeriesChart.client"));

export const links = () => [{ rel: "stylesheet", href: vizStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, admin } = await requireAdmin(request);
  const timezone = await programTimezone({ db, admin, shop });
  const range = parseDateRange(new URL(request.url).searchParams, new Date(), timezone);
  const before = previousRange(range);
  const [data, previous] = await Promise.all([dashboardData(db, shop, range), dashboardData(db, shop, before)]);
  // The shop's own paid orders and revenue (the Admin API, kept per day): the program's share of them.
  const now = new Date();
  const shopNow = await shopTotals(db, admin, shop, range, now, data.currencyCode);
  const shopBefore = shopNow.status === "OK" ? await shopTotals(db, admin, shop, before, now, data.currencyCode) : shopNow;
  return {
    range: { from: range.fromDay, to: range.toDay, days: range.days },
    data,
    // The same number of days just before: the headline figures' change.
    previous: {
      from: before.fromDay,
      to: before.toDay,
      referrers: previous.referrers,
      clicks: previous.clicks,
      orders: previous.orders,
      revenue: previous.revenue,
      rewardsIssued: previous.rewardsIssued,
    },
    share: {
      now: shareOf(data, shopNow),
      before: shareOf(previous, shopBefore),
      status: shopNow.status,
      firstVisibleDay: shopNow.status === "OK" ? shopNow.firstVisibleDay : null,
    },
  };
};

/** The referred orders and revenue as a share of the shop's (null when the shop's are unknown or none). */
function shareOf(program: { orders: number; revenue: string }, shopWide: ShopTotals) {
  if (shopWide.status !== "OK") return null;
  return {
    orders: program.orders,
    shopOrders: shopWide.orders,
    revenue: program.revenue,
    shopRevenue: shopWide.revenue,
    orderShare: shopWide.orders > 0 ? Math.min(1, program.orders / shopWide.orders) : null,
    revenueShare: Number(shopWide.revenue) > 0 ? Math.min(1, Number(program.revenue) / Number(shopWide.revenue)) : null,
  };
}

/** "+25%" or "−10%" (before is not 0). */
function changeText(f: Formatter, now: number, before: number): string {
  const ratio = (now - before) / before;
  return `${ratio > 0 ? "+" : "−"}${f.percent(Math.abs(ratio))}`;
}

export default function Dashboard() {
  const { t, f } = useI18n();
  const { range, data, previous, share } = useLoaderData<typeof loader>();
  const change = (now: number, before: number) =>
    now === before ? d.noChange(range.days) : before === 0 ? d.newSince(range.days) : d.change(changeText(f, now, before), range.days);
  const loading = useNavigation().state === "loading";
  const d = t.dashboard;
  const pd = t.payoutBatches.dashboard;
  const money = (amount: string) => f.money(amount, data.currencyCode);
  // Each step a share of the one before it, so every rate is at most 100%:
  // shares seen -> clicks on links -> orders that came by a link; and of all
  // referred orders (typed codes too), those rewarded.
  const funnel = [
    ...(data.shares > 0 ? [{ label: d.funnelSteps.shares, n: data.shares, of: null as number | null }] : []),
    { label: d.funnelSteps.clicks, n: data.clicks, of: data.shares > 0 ? data.shares : null },
    { label: d.funnelSteps.linkOrders, n: data.linkOrders, of: data.clicks },
    { label: d.funnelSteps.orders, n: data.orders, of: null },
    { label: d.funnelSteps.rewarded, n: data.rewarded, of: data.orders },
  ];
  const widest = Math.max(1, ...funnel.map((step) => step.n));
  const series = [
    { name: d.seriesOrders, data: data.series.map((p) => ({ key: p.day, value: p.orders })) },
    { name: d.seriesClicks, data: data.series.map((p) => ({ key: p.day, value: p.clicks })) },
  ];
  const empty = data.clicks === 0 && data.orders === 0 && data.referrers === 0;

  return (
    <Page title={d.title} backAction={{ content: t.nav.home, url: "/app" }}>
      <BlockStack gap="400">
        <Card>
          <BlockStack gap="200">
            <DateRangeForm from={range.from} to={range.to} />
            <Text as="p" variant="bodySm" tone="subdued">
              {d.timezoneNote(data.timezone)}
            </Text>
          </BlockStack>
        </Card>
        {loading ? (
          <Card>
            <SkeletonBodyText lines={6} />
          </Card>
        ) : empty ? (
          <Card>
            <EmptyState heading={d.empty} action={{ content: d.emptyAction, url: "/app/invite" }} image="">
              <p>{t.referrals.emptyBody}</p>
            </EmptyState>
          </Card>
        ) : (
          <Layout>
            <Layout.Section>
              <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
                <FigureCard label={d.referrers} value={f.number(data.referrers)} help={change(data.referrers, previous.referrers)} />
                <FigureCard label={d.clicks} value={f.number(data.clicks)} help={change(data.clicks, previous.clicks)} />
                <FigureCard label={d.orders} value={f.number(data.orders)} help={change(data.orders, previous.orders)} />
                <FigureCard label={d.revenue} value={money(data.revenue)} help={change(Number(data.revenue), Number(previous.revenue))} />
                <FigureCard label={d.rewardsIssued} value={f.number(data.rewardsIssued)} help={change(data.rewardsIssued, previous.rewardsIssued)} />
                <FigureCard label={d.rewardsCost} value={money(data.rewardsCost)} help={data.percentCostBasis ? d.costNote(money(data.percentCostBasis)) : undefined} />
                <FigureCard label={d.roi} value={data.roi === null ? t.common.none : `${data.roi.toFixed(1)}×`} help={d.roiHelp} />
                <FigureCard label={d.loopReferrers} value={f.number(data.loop.referrers)} help={d.loopReferrersHelp} />
                <FigureCard label={d.loopReferrals} value={f.number(data.loop.referrals)} help={d.loopReferralsHelp} />
              </InlineGrid>
            </Layout.Section>
            <Layout.Section>
              <SectionCard title={d.shareTitle}>
                {share.now ? (
                  <BlockStack gap="100">
                    <Text as="p">
                      {d.shareOrders(f.number(share.now.orders), f.number(share.now.shopOrders), share.now.orderShare === null ? t.common.none : f.percent(share.now.orderShare))}
                    </Text>
                    <Text as="p">
                      {d.shareRevenue(money(share.now.revenue), money(share.now.shopRevenue), share.now.revenueShare === null ? t.common.none : f.percent(share.now.revenueShare))}
                    </Text>
                    {share.before ? (
                      <Text as="p" variant="bodySm" tone="subdued">
                        {d.sharePrevious(
                          share.before.orderShare === null ? t.common.none : f.percent(share.before.orderShare),
                          share.before.revenueShare === null ? t.common.none : f.percent(share.before.revenueShare),
                          range.days,
                        )}
                      </Text>
                    ) : null}
                    {share.firstVisibleDay ? (
                      <Text as="p" variant="bodySm" tone="subdued">
                        {d.shareHistory(f.date(`${share.firstVisibleDay}T12:00:00Z`))}
                      </Text>
                    ) : null}
                  </BlockStack>
                ) : (
                  <Text as="p" tone="subdued">
                    {share.status === "TOO_MANY_ORDERS" ? d.shareTooMany : d.shareUnavailable}
                  </Text>
                )}
              </SectionCard>
            </Layout.Section>
            <Layout.Section>
              <SectionCard title={d.overTime}>
                <ClientOnly fallback={<div style={{ height: 280 }} />}>
                  {() => (
                    <Suspense fallback={<div style={{ height: 280 }} />}>
                      <TimeSeriesChart series={series} />
                    </Suspense>
                  )}
                </ClientOnly>
                <SeriesTable
                  caption={d.chartLabel(range.from, range.to)}
                  columns={[d.seriesOrders, d.seriesClicks]}
                  rows={data.series.map((p) => ({ key: p.day, values: [p.orders, p.clicks] }))}
                />
              </SectionCard>
            </Layout.Section>
            <Layout.Section variant="oneHalf">
              <SectionCard title={d.funnel}>
                {funnel.map((step, i) => (
                  <BlockStack gap="100" key={step.label}>
                    <Text as="p" id={`funnel-step-${i}`}>
                      {step.label}: <strong>{f.number(step.n)}</strong>
                      {step.of ? ` (${d.funnelRate(f.percent(Math.min(1, step.n / step.of)))})` : ""}
                    </Text>
                    <ProgressBar progress={(step.n / widest) * 100} size="small" ariaLabelledBy={`funnel-step-${i}`} />
                  </BlockStack>
                ))}
              </SectionCard>
            </Layout.Section>
            <Layout.Section variant="oneHalf">
              <SectionCard title={d.channels}>
                <DataTable
                  columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric"]}
                  headings={[d.channel, d.shares, t.referrers.clicks, d.channelOrders, d.channelRevenue, d.conversion]}
                  rows={data.channels.map((c) => [
                    c.channel === "" ? d.typedCode : c.channel,
                    f.number(c.shares),
                    f.number(c.clicks),
                    f.number(c.orders),
                    money(c.revenue),
                    c.conversion === null ? t.common.none : f.percent(c.conversion),
                  ])}
                />
                <Text as="p" variant="bodySm" tone="subdued">
                  {d.conversionHelp}
                </Text>
              </SectionCard>
            </Layout.Section>
            {data.partners ? (
              <Layout.Section>
                <SectionCard title={pd.title}>
                  <Text as="p" variant="bodySm" tone="subdued">
                    {pd.help}
                  </Text>
                  <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
                    <FigureCard label={pd.active} value={f.number(data.partners.active)} help={pd.activeHelp(data.partners.approved)} />
                    <FigureCard label={pd.orders} value={f.number(data.partners.orders)} />
                    <FigureCard label={pd.revenue} value={money(data.partners.revenue)} />
                    <FigureCard label={pd.fees} value={money(data.partners.fees)} help={pd.feesHelp} />
                  </InlineGrid>
                </SectionCard>
              </Layout.Section>
            ) : null}
            <Layout.Section>
              <SectionCard title={d.topReferrers}>
                <Text as="p" variant="bodySm" tone="subdued">
                  {d.topReferrersHelp}
                  {data.partners ? ` ${pd.topReferrersNote}` : ""}
                </Text>
                <DataTable
                  columnContentTypes={["text", "text", "numeric", "numeric"]}
                  headings={[d.referrer, t.referrers.code, d.orders, d.revenue]}
                  rows={data.topReferrers.map((r) => [
                    <Link key={r.id} to={`/app/referrers/${r.id}`}>
                      {r.name}
                    </Link>,
                    r.code,
                    f.number(r.orders),
                    money(r.revenue),
                  ])}
                />
                <Box>
                  <Button url="/app/referrers" variant="plain">
                    {t.nav.referrers}
                  </Button>
                </Box>
              </SectionCard>
            </Layout.Section>
          </Layout>
        )}
      </BlockStack>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
