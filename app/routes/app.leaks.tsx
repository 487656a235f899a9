import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, Card, IndexTable, InlineStack, Layout, Modal, Page, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import db from "~/db.server";
import { personName } from "~/i18n/format";
import { useI18n } from "~/i18n/context";
import { adminTitle } from "~/i18n/meta";
import { dismissFormSchema, fieldErrorsOf, possibleLeaks, rotateFormSchema } from "~/admin/leaks.server";
import { rotateReferrerCode } from "~/referrals/code-rotation.server";
import { dismissLeak } from "~/referrals/leaks.server";
import { programTimezone } from "~/referrals/programs.server";
import { notFound, requireAdmin } from "~/shopify/admin-request.server";
import { ReasonModal } from "~/components/ReasonModal";
import { RouteError } from "~/components/RouteError";
import { SectionCard } from "~/components/SectionCard";

export const meta = adminTitle((t) => t.leaks.title);

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, admin } = await requireAdmin(request);
  const { program, referrers, rotations } = await possibleLeaks(db, shop);
  return {
    // Times in the shop's time zone, as on the dashboard.
    timezone: await programTimezone({ db, admin, shop }),
    settings: program ?? { leakMinOrders: 10, leakThresholdPercent: 80, leakGraceDays: 14, leakAutoRotate: false },
    referrers: referrers.map((r) => ({
      id: r.id,
      name: personName(r),
      code: r.code,
      status: r.status,
      flaggedAt: iso(r.leakFlaggedAt),
      counts: r.counts,
      share: r.share,
      evidence: r.evidence.map((e) => ({
        id: e.id,
        orderName: e.orderName ?? e.orderId,
        placedAt: iso(e.orderCreatedAt ?? e.createdAt),
        code: e.codeUsed,
        landingSite: e.landingSite,
        referringSite: e.referringSite,
        couponSite: e.couponSite,
      })),
    })),
    rotations: rotations.map((c) => ({
      id: c.id,
      referrerId: c.referrer.id,
      name: personName(c.referrer),
      oldCode: c.code,
      newCode: c.referrer.code,
      retireAt: c.retireAt.toISOString(),
    })),
  };
};

type ActionResult = { ok: boolean; message: string; errors?: Record<string, string> };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, cause, t } = await requireAdmin(request);
  const form = Object.fromEntries(await request.formData());
  const intent = String(form.intent ?? "");
  if (intent === "rotate") {
    const parsed = rotateFormSchema.safeParse(form);
    if (!parsed.success) return json<ActionResult>({ ok: false, message: t.settings.invalid, errors: fieldErrorsOf(parsed.error) }, { status: 400 });
    const { referrerId, code, graceDays } = parsed.data;
    const outcome = await rotateReferrerCode({ db, shop, referrerId, expectedCode: code, graceDays, cause, reason: "Rotated from the Possible leaks page." });
    if (outcome.kind === "not-found") notFound();
    if (outcome.kind === "stale") return json<ActionResult>({ ok: false, message: t.leaks.stale }, { status: 409 });
    if (outcome.kind === "disabled") return json<ActionResult>({ ok: false, message: t.leaks.disabled }, { status: 409 });
    return json<ActionResult>({ ok: true, message: t.leaks.rotated(outcome.code) });
  }
  if (intent === "dismiss") {
    const parsed = dismissFormSchema.safeParse(form);
    if (!parsed.success) return json<ActionResult>({ ok: false, message: t.referrer.reasonRequired, errors: fieldErrorsOf(parsed.error) }, { status: 400 });
    const outcome = await dismissLeak({ db, shop, referrerId: parsed.data.referrerId, cause, reason: parsed.data.reason });
    if (outcome === "not-found") notFound();
    if (outcome === "not-flagged") return json<ActionResult>({ ok: false, message: t.leaks.notFlagged }, { status: 409 });
    return json<ActionResult>({ ok: true, message: t.leaks.dismissed });
  }
  throw new Response("Unknown intent", { status: 400 });
};

type Dialog = { intent: "rotate" | "dismiss"; referrerId: string; code: string } | null;

export default function PossibleLeaks() {
  const { t, f } = useI18n();
  const { settings, referrers, rotations, timezone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const shopify = useAppBridge();
  const busy = useNavigation().state !== "idle";
  const [dialog, setDialog] = useState<Dialog>(null);
  const [graceDays, setGraceDays] = useState(String(settings.leakGraceDays));
  const l = t.leaks;

  useEffect(() => {
    if (!result) return;
    shopify.toast.show(result.message, { isError: !result.ok });
    if (result.ok || !result.errors) setDialog(null);
  }, [result, shopify]);

  const openRotate = (referrerId: string, code: string) => {
    setGraceDays(String(settings.leakGraceDays));
    setDialog({ intent: "rotate", referrerId, code });
  };

  return (
    <Page title={l.title} backAction={{ content: t.nav.home, url: "/app" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Banner tone="info">
              <BlockStack gap="200">
                <p>{l.intro(settings.leakMinOrders, settings.leakThresholdPercent)}</p>
                {settings.leakAutoRotate ? <p>{l.autoRotateOn}</p> : null}
                <Link to="/app/settings">{l.settingsLink}</Link>
              </BlockStack>
            </Banner>
            {referrers.length === 0 ? (
              <SectionCard title={l.emptyTitle}>
                <Text as="p" tone="subdued">
                  {l.emptyBody}
                </Text>
              </SectionCard>
            ) : (
              <BlockStack gap="400">
                <Text as="h2" variant="headingLg">
                  {l.flaggedTitle}
                </Text>
                {referrers.map((r) => (
                  <Card key={r.id}>
                    <BlockStack gap="300">
                      <InlineStack align="space-between" blockAlign="center" gap="200">
                        <BlockStack gap="100">
                          <InlineStack gap="200" blockAlign="center">
                            <Text as="h3" variant="headingMd">
                              <Link to={`/app/referrers/${r.id}`}>{r.name}</Link>
                            </Text>
                            <Badge tone="warning">{r.code}</Badge>
                          </InlineStack>
                          <Text as="p">{l.share(r.counts.typedWithoutLink, r.counts.orders, r.share)}</Text>
                          <Text as="p" tone="subdued">
                            {l.flaggedOn(f.date(r.flaggedAt, timezone))}
                          </Text>
                        </BlockStack>
                        <InlineStack gap="200">
                          <Button onClick={() => setDialog({ intent: "dismiss", referrerId: r.id, code: r.code })} accessibilityLabel={`${l.dismiss} ${r.code}`}>
                            {l.dismiss}
                          </Button>
                          <Button variant="primary" onClick={() => openRotate(r.id, r.code)} disabled={r.status !== "ACTIVE"} accessibilityLabel={`${l.rotate} ${r.code}`}>
                            {l.rotate}
                          </Button>
                        </InlineStack>
                      </InlineStack>
                      <IndexTable
                        resourceName={t.referrals.resourceName}
                        itemCount={r.evidence.length}
                        selectable={false}
                        headings={l.evidenceHeadings.map((title) => ({ title })) as [{ title: string }, ...{ title: string }[]]}
                      >
                        {r.evidence.map((e, i) => (
                          <IndexTable.Row id={e.id} key={e.id} position={i}>
                            <IndexTable.Cell>
                              <Link to={`/app/referrals/${e.id}`}>{e.orderName}</Link>
                            </IndexTable.Cell>
                            <IndexTable.Cell>{f.dateTime(e.placedAt, timezone)}</IndexTable.Cell>
                            <IndexTable.Cell>{e.code ?? t.common.none}</IndexTable.Cell>
                            <IndexTable.Cell>
                              <Text as="span" breakWord>
                                {e.landingSite ?? l.unknownSite}
                              </Text>
                            </IndexTable.Cell>
                            <IndexTable.Cell>
                              <BlockStack gap="100" inlineAlign="start">
                                <Text as="span" breakWord>
                                  {e.referringSite ?? l.direct}
                                </Text>
                                {e.couponSite ? <Badge tone="critical">{l.couponSite(e.couponSite)}</Badge> : null}
                              </BlockStack>
                            </IndexTable.Cell>
                          </IndexTable.Row>
                        ))}
                      </IndexTable>
                    </BlockStack>
                  </Card>
                ))}
              </BlockStack>
            )}
            <SectionCard title={l.graceTitle} emptyText={rotations.length === 0 ? l.graceEmpty : null}>
              <IndexTable
                resourceName={{ singular: "code", plural: "codes" }}
                itemCount={rotations.length}
                selectable={false}
                headings={l.graceHeadings.map((title) => ({ title })) as [{ title: string }, ...{ title: string }[]]}
              >
                {rotations.map((c, i) => (
                  <IndexTable.Row id={c.id} key={c.id} position={i}>
                    <IndexTable.Cell>
                      <Link to={`/app/referrers/${c.referrerId}`}>{c.name}</Link>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{c.oldCode}</IndexTable.Cell>
                    <IndexTable.Cell>{c.newCode}</IndexTable.Cell>
                    <IndexTable.Cell>{f.dateTime(c.retireAt, timezone)}</IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            </SectionCard>
          </BlockStack>
        </Layout.Section>
      </Layout>
      <Modal
        open={dialog?.intent === "rotate"}
        onClose={() => setDialog(null)}
        title={l.rotateTitle(dialog?.code ?? "")}
        primaryAction={{
          content: l.rotate,
          loading: busy,
          onAction: () => submit({ intent: "rotate", referrerId: dialog!.referrerId, code: dialog!.code, graceDays }, { method: "post" }),
        }}
        secondaryActions={[{ content: t.common.cancel, onAction: () => setDialog(null) }]}
      >
        <Modal.Section>
          <BlockStack gap="300">
            <p>{l.rotateBody}</p>
            <TextField
              label={l.graceDays}
              type="number"
              min={0}
              max={90}
              value={graceDays}
              onChange={setGraceDays}
              helpText={l.graceHelp}
              error={result && !result.ok ? result.errors?.graceDays : undefined}
              suffix={t.settings.daysSuffix}
              autoComplete="off"
            />
          </BlockStack>
        </Modal.Section>
      </Modal>
      <ReasonModal
        key={dialog?.intent === "dismiss" ? `dismiss-${dialog.referrerId}` : "closed"}
        open={dialog?.intent === "dismiss"}
        title={l.dismissTitle}
        body={l.dismissBody}
        confirm={l.dismiss}
        loading={busy}
        onClose={() => setDialog(null)}
        onConfirm={(reason) => submit({ intent: "dismiss", referrerId: dialog!.referrerId, reason }, { method: "post" })}
      />
    </Page>
  );
}

export const ErrorBoundary = RouteError;
