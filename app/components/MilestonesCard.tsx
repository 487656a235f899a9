// The Settings page's milestone rewards: up to five rows (at N successful
// referrals, an extra reward), edited as part of the page's form. The rows
// travel as one JSON field (`milestones`), so the save bar's dirty check and
// Discard cover them like any other setting; errors come back per field
// ("milestones.1.rewardValue") and are shown on that field.
import { BlockStack, Button, Card, FormLayout, InlineError, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { useI18n } from "~/i18n/context";
import { MAX_MILESTONES, MILESTONE_KINDS, milestoneField, readMilestoneForm, type MilestoneFormRow } from "~/referrals/milestone-settings";
import { ScopeRequest } from "./ScopeRequest";

interface MilestonesCardProps {
  /** The form's `milestones` field: a JSON list of rows. */
  value: string;
  onChange: (value: string) => void;
  errors: Record<string, string | undefined>;
  currencyCode: string;
  /** Whether the app may read products (a free-product milestone needs it), and the scope to ask for. */
  productAccess: boolean;
  productScope: string;
}

export function MilestonesCard({ value, onChange, errors, currencyCode, productAccess, productScope }: MilestonesCardProps) {
  const { t } = useI18n();
  const m = t.milestones;
  const rows = readMilestoneForm(value) ?? [];
  const write = (next: MilestoneFormRow[]) => onChange(JSON.stringify(next));
  const change = (index: number, patch: Partial<MilestoneFormRow>) => write(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  const add = () => {
    const highest = rows.reduce((n, row) => Math.max(n, Number(row.referrals) || 0), 0);
    write([
      ...rows,
      {
        referrals: String(highest + 5),
        rewardKind: "STORE_CREDIT",
        rewardValue: "",
        product: "",
        productTitle: "",
      },
    ]);
  };
  const remove = (index: number) => write(rows.filter((_, i) => i !== index));
  const needsAccess = !productAccess && rows.some((row) => row.rewardKind === "FREE_PRODUCT");

  return (
    <Card>
      {/* A named region: the section is found (and announced) by its heading. */}
      <section aria-labelledby="milestones-title">
        <BlockStack gap="400">
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd" id="milestones-title">
              {m.title}
            </Text>
            <Text as="p" tone="subdued">
              {m.intro}
            </Text>
          </BlockStack>
          {errors.milestones ? <InlineError message={errors.milestones} fieldID="milestones-add" /> : null}
          {needsAccess ? (
            <ScopeRequest
              scope={productScope}
              texts={{
                title: m.access.title,
                why: m.access.why,
                action: m.access.action,
                granted: m.access.granted,
                declined: m.access.declined,
                failed: m.access.failed,
              }}
            />
          ) : null}
          {rows.length === 0 ? <Text as="p">{m.none}</Text> : null}
          {rows.map((row, index) => {
            const error = (column: keyof MilestoneFormRow) => errors[milestoneField(index, column)];
            const free = row.rewardKind === "FREE_PRODUCT";
            return (
              // A fieldset and its legend: each row's fields are read as "Milestone 2, Successful referrals".
              <fieldset key={index} style={{ border: 0, margin: 0, padding: 0, minWidth: 0 }}>
                <legend style={{ padding: 0, marginBottom: "var(--p-space-200)" }}>
                  <Text as="span" variant="headingSm">
                    {m.legend(index + 1)}
                  </Text>
                </legend>
                <FormLayout>
                  <FormLayout.Group>
                    <TextField
                      label={m.referrals}
                      type="number"
                      min={1}
                      max={1000}
                      value={row.referrals}
                      onChange={(v) => change(index, { referrals: v })}
                      error={error("referrals")}
                      helpText={m.referralsHelp}
                      autoComplete="off"
                    />
                    <Select
                      label={m.kind}
                      options={MILESTONE_KINDS.map((kind) => ({
                        label: m.kinds[kind],
                        value: kind,
                      }))}
                      value={row.rewardKind}
                      onChange={(v) => change(index, { rewardKind: v })}
                      error={error("rewardKind")}
                    />
                    {free ? (
                      <TextField
                        label={m.product}
                        value={row.product}
                        // A new product is looked up on save: the title shown is the saved one's.
                        onChange={(v) => change(index, { product: v, productTitle: "" })}
                        error={error("product")}
                        helpText={row.productTitle ? m.productChosen(row.productTitle) : m.productHelp}
                        autoComplete="off"
                      />
                    ) : (
                      <TextField
                        label={m.value}
                        type="number"
                        value={row.rewardValue}
                        onChange={(v) => change(index, { rewardValue: v })}
                        error={error("rewardValue")}
                        suffix={row.rewardKind === "CODE_PERCENTAGE" ? t.settings.percentSuffix : currencyCode}
                        autoComplete="off"
                      />
                    )}
                  </FormLayout.Group>
                  <InlineStack align="end">
                    <Button variant="plain" tone="critical" onClick={() => remove(index)} accessibilityLabel={m.remove(index + 1)}>
                      {m.removeShort}
                    </Button>
                  </InlineStack>
                </FormLayout>
              </fieldset>
            );
          })}
          <InlineStack gap="300" blockAlign="center">
            <Button id="milestones-add" onClick={add} disabled={rows.length >= MAX_MILESTONES}>
              {m.add}
            </Button>
            {rows.length >= MAX_MILESTONES ? (
              <Text as="p" tone="subdued">
                {m.limit}
              </Text>
            ) : null}
          </InlineStack>
          <Text as="p" variant="bodySm" tone="subdued">
            {m.once}
          </Text>
        </BlockStack>
      </section>
    </Card>
  );
}
