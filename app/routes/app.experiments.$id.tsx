// One incentive experiment: its variants with their figures and verdicts
// (experimentReport), ending it with a chosen winner (confirmed first), and,
// once ended, moving its referrers' codes to the program's discount.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, InlineStack, Layout, Modal, Page, Select, Text } from "@shopify/polaris";
import { useEffect, useState } from "react";
import db from "~/db.server";
import { useI18n } from "~/i18n/context";
import type { Messages } from "~/i18n/messages";
import type { Formatter } from "~/i18n/format";
import { adminTitle } from "~/i18n/meta";
import { experimentCodes } from "~/admin/experiments.server";
import { endExperiment, moveVariantCodes } from "~/experiments/lifecycle.server";
import { experimentReport, type ExperimentReport } from "~/experiments/report.server";
import { notFound, requireAdmin } from "~/shopify/admin-request.server";
import { RouteError } from "~/components/RouteError";

export const meta = adminTitle((t) => t.experiments.title);

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const id = params.id ?? "";
  const report: ExperimentReport | null = await experimentReport(db, shop, id, new Date());
  if (!report) notFound();
  return { report, codes: await experimentCodes(db, shop, id) };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, cause, t } = await requireAdmin(request);
  const form = await request.formData();
  const intent = String(form.get("intent"));
  const args = { db, shop, by: cause, experimentId: params.id ?? "" };
  if (intent === "end") {
    const outcome = await endExperiment({ ...args, winnerVariantId: String(form.get("winnerVariantId") ?? "") });
    if (!outcome.ok && outcome.error === "not_found") notFound();
    if (!outcome.ok) return json({ ok: false as const, message: outcome.error === "winner" ? t.experiments.chooseWinner : t.experiments.notRunning }, { status: 409 });
    return json({ ok: true as const, message: t.experiments.ended });
  }
  if (intent === "move") {
    const outcome = await moveVariantCodes(args);
    if (!outcome.ok && outcome.error === "not_found") notFound();
    if (!outcome.ok) return json({ ok: false as const, message: t.experiments.notEnded }, { status: 409 });
    return json({ ok: true as const, message: t.experiments.moved });
  }
  throw new Response("Unknown intent", { status: 400 });
};

type Variant = ExperimentReport["variants"][number];

function offerOf(v: Pick<Variant, "friendOfferKind" | "friendOfferValue">, e: Messages["experiments"], f: Formatter, currencyCode: string) {
  if (v.friendOfferKind === "FREE_SHIPPING") return e.freeShipping;
  return v.friendOfferKind === "PERCENTAGE" ? f.percent(Number(v.friendOfferValue) / 100) : f.money(v.friendOfferValue, currencyCode);
}

function rewardOf(v: Pick<Variant, "rewardKind" | "rewardValue">, e: Messages["experiments"], f: Formatter, currencyCode: string) {
  const value = v.rewardKind === "CODE_PERCENTAGE" ? f.percent(Number(v.rewardValue) / 100) : f.money(v.rewardValue, currencyCode);
  return e.rewardText(v.rewardKind, value);
}

const VERDICT_TONE: Record<string, "success" | "critical" | "info" | undefined> = { WINNER: "success", LOSER: "critical", CONTROL: "info" };

export default function Experiment() {
  const { t, f } = useI18n();
  const e = t.experiments;
  const { report, codes } = useLoaderData<typeof loader>();
  const { experiment, variants, currencyCode, progress } = report;
  const result = useActionData<typeof action>();
  const shopify = useAppBridge();
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const [winner, setWinner] = useState(variants[0]?.id ?? "");
  const [confirm, setConfirm] = useState<"end" | "move" | null>(null);
  const running = experiment.status === "RUNNING";
  const winnerName = variants.find((v) => v.id === experiment.winnerVariantId)?.name ?? null;

  useEffect(() => {
    if (!result) return;
    shopify.toast.show(result.message, { isError: !result.ok });
    setConfirm(null);
  }, [result, shopify]);

  // One column per variant (at most four), one row per figure: the table fits the page without scrolling.
  const figure = (label: string, cell: (v: Variant) => React.ReactNode) => [label, ...variants.map((v) => cell(v))];
  const rows = [
    figure(e.friendOffer, (v) => offerOf(v, e, f, currencyCode)),
    figure(e.reward, (v) => rewardOf(v, e, f, currencyCode)),
    figure(e.columns.referrers, (v) => f.number(v.referrers)),
    figure(e.columns.shares, (v) => f.number(v.shares)),
    figure(e.columns.clicks, (v) => f.number(v.clicks)),
    figure(e.columns.orders, (v) => f.number(v.orders)),
    figure(e.columns.conversion, (v) => (v.conversion === null ? t.common.none : f.percent(v.conversion))),
    figure(e.columns.revenuePerReferrer, (v) => (v.revenuePerReferrer === null ? t.common.none : f.money(v.revenuePerReferrer, currencyCode))),
    figure(e.columns.rewardCost, (v) => f.money(v.rewardCost, currencyCode)),
    figure(e.columns.roi, (v) => (v.roi === null ? t.common.none : e.roiTimes(f.number(Math.round(v.roi * 10) / 10)))),
    figure(e.columns.verdict, (v) => (
      <Badge key={v.id} tone={VERDICT_TONE[v.verdict]}>
        {e.verdicts[v.verdict] ?? v.verdict}
      </Badge>
    )),
  ];

  return (
    <Page
      title={experiment.name}
      titleMetadata={<Badge tone={running ? "attention" : undefined}>{e.statuses[experiment.status] ?? experiment.status}</Badge>}
      subtitle={winnerName ? e.winnerIs(winnerName) : undefined}
      backAction={{ content: e.back, url: "/app/experiments" }}
    >
      <Layout>
        {codes.discountsPending && running ? (
          <Layout.Section>
            <Banner tone="info">
              <p>{e.discountsPending}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card padding="0">
            <BlockStack gap="0">
              <div style={{ padding: "var(--p-space-400)" }}>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    {e.resultsTitle}
                  </Text>
                  <Text as="p" tone="subdued">
                    {[
                      e.alphaNote(f.percent(experiment.alpha)),
                      progress.clicksPerVariant ? e.powerNote(f.number(progress.clicksPerVariant), f.percent(progress.relativeLift), f.percent(progress.power)) : "",
                      progress.clicksToGo ? e.clicksToGo(progress.clicksToGo) : "", progress.daysToGo ? e.daysToGo(progress.daysToGo) : ""].filter(Boolean).join(" ")}
                  </Text>
                </BlockStack>
              </div>
              <DataTable
                columnContentTypes={["text", ...variants.map(() => "numeric" as const)]}
                headings={[e.columns.variant, ...variants.map((v) => (v.control && v.name !== e.control ? `${v.name} (${e.control})` : v.name))]}
                rows={rows}
              />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          {running ? (
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {e.endTitle}
                </Text>
                <Text as="p">{e.endBody}</Text>
                <InlineStack gap="300" blockAlign="end">
                  <Select label={e.winner} options={variants.map((v) => ({ label: v.name, value: v.id }))} value={winner} onChange={setWinner} />
                  <Button variant="primary" onClick={() => setConfirm("end")}>
                    {e.end}
                  </Button>
                </InlineStack>
              </BlockStack>
            </Card>
          ) : (
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {e.moveTitle}
                </Text>
                {experiment.endedAt ? (
                  <Text as="p" tone="subdued">
                    {e.endedOn(f.date(new Date(experiment.endedAt).toISOString()))}
                  </Text>
                ) : null}
                {codes.unmoved > 0 ? (
                  <>
                    <Text as="p">{e.moveBody(codes.unmoved)}</Text>
                    <div>
                      <Button onClick={() => setConfirm("move")}>{e.move}</Button>
                    </div>
                  </>
                ) : (
                  <Text as="p">{e.allMoved}</Text>
                )}
              </BlockStack>
            </Card>
          )}
        </Layout.Section>
      </Layout>
      <Modal
        open={confirm !== null}
        onClose={() => setConfirm(null)}
        title={confirm === "end" ? e.endConfirmTitle : e.moveConfirmTitle}
        primaryAction={{
          content: confirm === "end" ? e.end : e.move,
          loading: busy,
          onAction: () => submit(confirm === "end" ? { intent: "end", winnerVariantId: winner } : { intent: "move" }, { method: "post" }),
        }}
        secondaryActions={[{ content: t.common.cancel, onAction: () => setConfirm(null) }]}
      >
        <Modal.Section>
          <p>{confirm === "end" ? e.endConfirmBody(variants.find((v) => v.id === winner)?.name ?? "") : e.moveConfirmBody}</p>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
