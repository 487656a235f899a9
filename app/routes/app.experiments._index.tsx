// Incentive experiments: the shop's experiments, and a form to start one with
// two to four variants (the control prefilled with the program's offer and
// reward). Starting is refused, on the field at fault, while another runs.
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, DataTable, FormLayout, InlineGrid, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import db from "~/db.server";
import { useI18n } from "~/i18n/context";
import { adminTitle } from "~/i18n/meta";
import { listExperiments, variantsFromForm } from "~/admin/experiments.server";
import { startExperiment } from "~/experiments/lifecycle.server";
import { requireAdmin } from "~/shopify/admin-request.server";
import { RouteError } from "~/components/RouteError";

export const meta = adminTitle((t) => t.experiments.title);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  return listExperiments(db, shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, cause, t } = await requireAdmin(request);
  const form = await request.formData();
  if (String(form.get("intent")) !== "start") throw new Response("Unknown intent", { status: 400 });
  const result = await startExperiment({ db, shop, by: cause, input: { name: String(form.get("name") ?? ""), variants: variantsFromForm(form) } });
  if (!result.ok) {
    const errors = Object.fromEntries(Object.entries(result.errors).map(([field, code]) => [field, t.experiments.errors[code] ?? code]));
    return json({ ok: false as const, errors }, { status: result.errors.form === "already_running" ? 409 : 400 });
  }
  return redirect(`/app/experiments/${result.experiment.id}`);
};

interface VariantValues {
  name: string;
  friendOfferKind: string;
  friendOfferValue: string;
  rewardKind: string;
  rewardValue: string;
}

export default function Experiments() {
  const { t, f } = useI18n();
  const e = t.experiments;
  const { experiments, running, control, currencyCode } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Record<string, string> = result && !result.ok ? result.errors : {};
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";

  const variantName = (i: number) => (i === 0 ? e.controlName : String.fromCharCode(65 + i));
  const [name, setName] = useState("");
  const [variants, setVariants] = useState<VariantValues[]>(() => [0, 1, 2, 3].map((i) => ({ ...control, name: variantName(i) })));
  const [count, setCount] = useState(2);
  const set = (i: number, key: keyof VariantValues) => (value: string) => setVariants((vs) => vs.map((v, j) => (j === i ? { ...v, [key]: value } : v)));

  const start = () => {
    const data: Record<string, string> = { intent: "start", name, variantCount: String(count) };
    variants.slice(0, count).forEach((v, i) => {
      for (const [key, value] of Object.entries(v)) data[`variants.${i}.${key}`] = value;
    });
    submit(data, { method: "post" });
  };

  // The kinds as the Settings page names them (program-settings.ts holds the same lists, server side).
  const friendKinds = Object.entries(t.settings.friendKinds).map(([value, label]) => ({ label, value }));
  const rewardKinds = Object.entries(t.settings.rewardKinds).map(([value, label]) => ({ label, value }));
  const unit = (kind: string) => (kind === "PERCENTAGE" || kind === "CODE_PERCENTAGE" ? "%" : currencyCode);

  return (
    <Page title={e.title} backAction={{ content: t.nav.home, url: "/app" }}>
      <Layout>
        <Layout.Section>
          <Text as="p" tone="subdued">
            {e.intro}
          </Text>
        </Layout.Section>
        <Layout.Section>
          <Card padding={experiments.length ? "0" : undefined}>
            {experiments.length === 0 ? (
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {e.listTitle}
                </Text>
                <Text as="p" tone="subdued">
                  {e.empty}
                </Text>
              </BlockStack>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "numeric", "text", "text", "text"]}
                headings={e.headings}
                rows={experiments.map((x) => [
                  <Link key="n" to={`/app/experiments/${x.id}`}>
                    {x.name}
                  </Link>,
                  e.statuses[x.status] ?? x.status,
                  f.number(x.variants),
                  f.date(x.startedAt),
                  x.endedAt ? f.date(x.endedAt) : t.common.none,
                  x.winner ?? t.common.none,
                ])}
              />
            )}
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <Text as="h2" variant="headingMd">
                {e.startTitle}
              </Text>
              {running ? (
                <Banner tone="info">
                  <p>
                    {e.running(running.name)} <Link to={`/app/experiments/${running.id}`}>{running.name}</Link>
                  </p>
                </Banner>
              ) : null}
              {errors.form ? (
                <Banner tone="critical">
                  <p>{errors.form}</p>
                </Banner>
              ) : null}
              <FormLayout>
                <FormLayout.Group>
                  <TextField label={e.name} value={name} onChange={setName} helpText={e.nameHelp} error={errors.name} maxLength={80} autoComplete="off" />
                  <Select
                    label={e.variantCount}
                    options={["2", "3", "4"]}
                    value={String(count)}
                    onChange={(v) => setCount(Number(v))}
                    error={errors.variants}
                  />
                </FormLayout.Group>
              </FormLayout>
              <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
                {variants.slice(0, count).map((v, i) => {
                  const at = (key: string) => errors[`variants.${i}.${key}`];
                  return (
                    <Card key={i} background="bg-surface-secondary">
                      <BlockStack gap="300">
                        <Text as="h3" variant="headingSm">
                          {e.variantHeading(i + 1)}
                        </Text>
                        {i === 0 ? (
                          <Text as="p" tone="subdued">
                            {e.controlHelp}
                          </Text>
                        ) : null}
                        <TextField label={`${e.variantName} (${e.variantHeading(i + 1)})`} value={v.name} onChange={set(i, "name")} error={at("name")} maxLength={40} autoComplete="off" />
                        <Select label={`${t.settings.friendKind} (${e.variantHeading(i + 1)})`} options={friendKinds} value={v.friendOfferKind} onChange={set(i, "friendOfferKind")} error={at("friendOfferKind")} />
                        {v.friendOfferKind === "FREE_SHIPPING" ? null : (
                          <TextField
                            label={`${t.settings.friendValue} (${e.variantHeading(i + 1)})`}
                            value={v.friendOfferValue}
                            onChange={set(i, "friendOfferValue")}
                            suffix={unit(v.friendOfferKind)}
                            inputMode="decimal"
                            error={at("friendOfferValue")}
                            autoComplete="off"
                          />
                        )}
                        <Select label={`${t.settings.rewardKind} (${e.variantHeading(i + 1)})`} options={rewardKinds} value={v.rewardKind} onChange={set(i, "rewardKind")} error={at("rewardKind")} />
                        <TextField
                          label={`${t.settings.rewardValue} (${e.variantHeading(i + 1)})`}
                          value={v.rewardValue}
                          onChange={set(i, "rewardValue")}
                          suffix={unit(v.rewardKind)}
                          inputMode="decimal"
                          error={at("rewardValue")}
                          autoComplete="off"
                        />
                      </BlockStack>
                    </Card>
                  );
                })}
              </InlineGrid>
              <div>
                <Button variant="primary" onClick={start} loading={busy} disabled={Boolean(running)}>
                  {e.start}
                </Button>
              </div>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
