import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { SaveBar, useAppBridge } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, Card, Checkbox, FormLayout, InlineGrid, InlineStack, Page, Select, Text, TextField } from "@shopify/polaris";
import { useDeferredValue, useEffect, useMemo, useState } from "react";
import db from "~/db.server";
import { useI18n } from "~/i18n/context";
import { checkoutChecks } from "~/admin/checkout-checks";
import { fieldErrorsFromShopify, formValues, settingsFromForm } from "~/admin/settings-form";
import { parseProgramSettings, type FieldErrors } from "~/referrals/program-settings";
import { ensureProgram, saveProgram, settingsOf } from "~/referrals/programs.server";
import { requireAdmin } from "~/shopify/admin-request.server";
import { ShopifyApiError, ShopifyUserError } from "~/shopify/errors";
import { RouteError } from "~/components/RouteError";
import { SettingsPreview } from "~/components/SettingsPreview";
import { MilestonesCard } from "~/components/MilestonesCard";
import { defaultPreviewLanguage } from "~/admin/settings-preview.server";
import { milestoneFormRows, parseMilestones, readMilestoneForm, type MilestoneDraft, type MilestoneErrors } from "~/referrals/milestone-settings";
import { listMilestones, PRODUCT_SCOPE, resolveMilestoneProducts, saveMilestones, type ResolvedMilestone } from "~/referrals/milestones.server";
import { scopeGranted } from "~/shopify/scopes";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, admin, cause, t, locale, scope } = await requireAdmin(request);
  const program = await ensureProgram({ db, admin, shop, cause });
  const milestones = await listMilestones(db, shop);
  return {
    // The milestones travel as one JSON field of the form (MilestonesCard).
    values: { ...formValues(settingsOf(program)), milestones: JSON.stringify(milestoneFormRows(milestones)) },
    productAccess: scopeGranted(scope, PRODUCT_SCOPE),
    productScope: PRODUCT_SCOPE,
    currencyCode: program.currencyCode,
    checkout: checkoutChecks(program, t),
    previewLanguage: defaultPreviewLanguage(program.primaryLocale, locale),
    secondTier: { enabled: program.secondTierEnabled, value: program.secondTierValue.toString() },
  };
};

type Errors = FieldErrors & MilestoneErrors;

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, admin, cause, t, scope } = await requireAdmin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "save");
  const program = await ensureProgram({ db, admin, shop, cause });
  // Pause and resume keep every other setting as stored.
  const toggling = intent === "pause" || intent === "resume";
  const input = toggling ? { ...settingsOf(program), enabled: intent === "resume" } : settingsFromForm(form);
  const parsed = parseProgramSettings(input);
  const errors: Errors = parsed.ok ? {} : { ...parsed.errors };
  // Milestones: checked with the rest, saved after the program (a form without them keeps them).
  let drafts: MilestoneDraft[] | null = null;
  const milestonesField = form.get("milestones");
  if (!toggling && milestonesField !== null) {
    const rows = readMilestoneForm(String(milestonesField));
    const checked = rows ? parseMilestones(rows, t.milestones.errors) : null;
    if (!checked) errors.milestones = t.milestones.errors.unreadable;
    else if (!checked.ok) Object.assign(errors, checked.errors);
    else drafts = checked.milestones;
  }
  if (!parsed.ok || Object.keys(errors).length) return json({ ok: false as const, intent, errors }, { status: 400 });
  let milestones: ResolvedMilestone[] | null = null;
  if (drafts) {
    const resolved = await resolveMilestoneProducts(admin, { scope, drafts, texts: t.milestones.errors });
    if (!resolved.ok) return json({ ok: false as const, intent, errors: resolved.errors as Errors }, { status: 400 });
    milestones = resolved.milestones;
  }
  try {
    await saveProgram({ db, admin, shop, settings: parsed.settings, cause });
    if (milestones) await saveMilestones(db, { shop, milestones, cause });
  } catch (error) {
    if (error instanceof ShopifyUserError) {
      return json({ ok: false as const, intent, errors: fieldErrorsFromShopify(error.userErrors) as Errors }, { status: 422 });
    }
    if (error instanceof ShopifyApiError) {
      return json({ ok: false as const, intent, errors: { form: t.settings.shopifyUnavailable } as Errors }, { status: 503 });
    }
    throw error;
  }
  return json({ ok: true as const, intent, errors: {} as Errors });
};

type Values = ReturnType<typeof useLoaderData<typeof loader>>["values"];

export default function Settings() {
  const { t, f } = useI18n();
  const { values: saved, currencyCode, checkout, previewLanguage, productAccess, productScope, secondTier } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const shopify = useAppBridge();
  const submit = useSubmit();
  const navigation = useNavigation();
  const [values, setValues] = useState<Values>(saved);
  const saving = navigation.state === "submitting";
  const dirty = useMemo(() => JSON.stringify(values) !== JSON.stringify(saved), [values, saved]);
  const errors: Errors = result?.errors ?? {};
  // The preview follows the typing at a lower priority: a keystroke is painted before the preview re-renders.
  const previewValues = useDeferredValue(values);

  // After a save the loader revalidates: adopt what was stored (e.g. the
  // normalised prefix). Keyed on the content, so a refused save, after which
  // the same values come back, keeps what the merchant typed.
  const savedKey = JSON.stringify(saved);
  useEffect(() => setValues(JSON.parse(savedKey)), [savedKey]);
  useEffect(() => {
    if (result?.ok) shopify.toast.show(t.settings.saved);
    else if (result) shopify.toast.show(errors.form ?? t.settings.invalid, { isError: true });
  }, [result]);

  const set = (key: keyof Values) => (value: string | boolean) => setValues((v) => ({ ...v, [key]: String(value) }));
  /** A form field's value, change handler and error (on the field it belongs to). */
  const field = (key: keyof Values) => ({ value: values[key], onChange: set(key), error: errors[key] });
  const save = () => submit({ ...values, intent: "save" }, { method: "post" });
  const toggle = () => submit({ intent: values.enabled === "true" ? "pause" : "resume" }, { method: "post" });
  const on = saved.enabled === "true";
  const percentFriend = values.friendOfferKind === "PERCENTAGE";
  const percentReward = values.rewardKind === "CODE_PERCENTAGE";
  const s = t.settings;
  const labels: Partial<Record<keyof Values, string>> = {
    friendOfferKind: s.friendKind,
    friendOfferValue: s.friendValue,
    rewardKind: s.rewardKind,
    rewardValue: s.rewardValue,
    rewardExpiryDays: s.rewardExpiryDays,
    minimumOrderAmount: s.minimumOrder,
    holdDays: s.holdDays,
    maxRewardsPerReferrer: s.maxRewards,
    codePrefix: s.codePrefix,
    terms: s.terms,
    shareMessage: s.shareMessage,
    emailSenderName: s.emailSenderName,
    emailReplyTo: s.emailReplyTo,
    emailLogoUrl: s.emailLogoUrl,
    emailAccentColor: s.emailAccentColor,
    rewardReminderDays: s.rewardReminderDays,
    leakMinOrders: s.leakMinOrders,
    leakThresholdPercent: s.leakThresholdPercent,
    leakGraceDays: s.leakGraceDays,
    friendCodeMode: s.friendCodeMode,
    friendCodesPerDay: s.friendCodesPerDay,
    friendCodeDays: s.friendCodeDays,
  };

  return (
    <Page title={s.title} backAction={{ content: t.nav.home, url: "/app" }}>
      <SaveBar id="program-settings-save-bar" open={dirty}>
        <button variant="primary" onClick={save} loading={saving ? "" : undefined} disabled={saving}>
          {t.common.save}
        </button>
        <button onClick={() => setValues(saved)}>{t.common.discard}</button>
      </SaveBar>
      <BlockStack gap="400">
        {errors.form ? (
          <Banner tone="critical" title={s.shopifyRefused}>
            <p>{errors.form}</p>
          </Banner>
        ) : null}
        {/* The preview beside the form on a wide screen (below it on a narrow one). Grid cells
            stretch to the row's height, so the panel can stay in view while the form scrolls. */}
        <InlineGrid columns={{ xs: 1, md: ["twoThirds", "oneThird"] }} gap="400">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              save();
            }}
          >
            <BlockStack gap="400">
              <Card>
                <InlineStack align="space-between" blockAlign="center">
                  <BlockStack gap="100">
                    <Text as="h2" variant="headingMd">
                      {s.status}
                    </Text>
                    <Text as="p" tone="subdued">
                      {on ? s.statusOn : s.statusPaused}
                    </Text>
                  </BlockStack>
                  <Button onClick={toggle} disabled={saving || dirty} tone={on ? "critical" : undefined} variant={on ? "secondary" : "primary"}>
                    {on ? s.pause : s.resume}
                  </Button>
                </InlineStack>
              </Card>
              <Card>
                <FormLayout>
                  <Text as="h2" variant="headingMd">
                    {s.friendTitle}
                  </Text>
                  <FormLayout.Group>
                    <Select
                      label={s.friendKind}
                      options={Object.entries(s.friendKinds).map(([value, label]) => ({ label, value }))}
                      {...field("friendOfferKind")}
                    />
                    {values.friendOfferKind !== "FREE_SHIPPING" ? (
                      <TextField
                        label={s.friendValue}
                        type="number"
                        {...field("friendOfferValue")}
                        suffix={percentFriend ? s.percentSuffix : currencyCode}
                        autoComplete="off"
                      />
                    ) : null}
                  </FormLayout.Group>
                  <Checkbox label={s.firstOrderOnly} checked={values.firstOrderOnly === "true"} onChange={set("firstOrderOnly")} />
                </FormLayout>
              </Card>
              <Card>
                <BlockStack gap="200">
                  <InlineStack gap="200" blockAlign="center">
                    <Text as="h2" variant="headingMd">
                      {s.checkout.title}
                    </Text>
                    <Badge tone={checkout.on ? "success" : undefined}>{checkout.on ? s.checkout.on : s.checkout.off}</Badge>
                  </InlineStack>
                  <Text as="p" tone="subdued">
                    {checkout.message}
                  </Text>
                </BlockStack>
              </Card>
              <Card>
                <FormLayout>
                  <Text as="h2" variant="headingMd">
                    {s.rewardTitle}
                  </Text>
                  <FormLayout.Group>
                    <Select
                      label={s.rewardKind}
                      options={Object.entries(s.rewardKinds).map(([value, label]) => ({ label, value }))}
                      {...field("rewardKind")}
                    />
                    <TextField
                      label={s.rewardValue}
                      type="number"
                      {...field("rewardValue")}
                      suffix={percentReward ? s.percentSuffix : currencyCode}
                      autoComplete="off"
                    />
                  </FormLayout.Group>
                  <TextField
                    label={s.rewardExpiryDays}
                    type="number"
                    {...field("rewardExpiryDays")}
                    helpText={s.rewardExpiryHelp}
                    autoComplete="off"
                  />
                </FormLayout>
              </Card>
              <MilestonesCard
                value={values.milestones}
                onChange={set("milestones")}
                errors={errors}
                currencyCode={currencyCode}
                productAccess={productAccess}
                productScope={productScope}
              />
              <Card>
                <FormLayout>
                  <Text as="h2" variant="headingMd">
                    {s.rulesTitle}
                  </Text>
                  <FormLayout.Group>
                    <TextField
                      label={s.minimumOrder}
                      type="number"
                      {...field("minimumOrderAmount")}
                      suffix={currencyCode}
                      helpText={s.minimumOrderHelp}
                      autoComplete="off"
                    />
                    <TextField
                      label={s.holdDays}
                      type="number"
                      {...field("holdDays")}
                      suffix={s.daysSuffix}
                      helpText={s.holdDaysHelp}
                      autoComplete="off"
                    />
                  </FormLayout.Group>
                  <FormLayout.Group>
                    <TextField
                      label={s.maxRewards}
                      type="number"
                      {...field("maxRewardsPerReferrer")}
                      helpText={s.maxRewardsHelp}
                      autoComplete="off"
                    />
                    <TextField
                      label={s.codePrefix}
                      {...field("codePrefix")}
                      helpText={s.codePrefixHelp}
                      autoComplete="off"
                    />
                  </FormLayout.Group>
                  <BlockStack gap="100">
                    <Text as="h3" variant="headingSm">
                      {s.combinesTitle}
                    </Text>
                    <Checkbox label={s.combinesProduct} checked={values.combinesWithProduct === "true"} onChange={set("combinesWithProduct")} />
                    <Checkbox
                      label={s.combinesOrder}
                      checked={values.combinesWithOrder === "true"}
                      onChange={set("combinesWithOrder")}
                      error={errors.combinesWithOrder}
                    />
                    <Checkbox label={s.combinesShipping} checked={values.combinesWithShipping === "true"} onChange={set("combinesWithShipping")} />
                  </BlockStack>
                </FormLayout>
              </Card>
              <Card>
                <FormLayout>
                  <Text as="h2" variant="headingMd">
                    {s.leakTitle}
                  </Text>
                  <Text as="p" tone="subdued">
                    {s.leakIntro}
                  </Text>
                  <FormLayout.Group>
                    <TextField label={s.leakMinOrders} type="number" {...field("leakMinOrders")} helpText={s.leakMinOrdersHelp} autoComplete="off" />
                    <TextField
                      label={s.leakThresholdPercent}
                      type="number"
                      {...field("leakThresholdPercent")}
                      suffix={s.percentSuffix}
                      helpText={s.leakThresholdPercentHelp}
                      autoComplete="off"
                    />
                  </FormLayout.Group>
                  <TextField
                    label={s.leakGraceDays}
                    type="number"
                    {...field("leakGraceDays")}
                    suffix={s.daysSuffix}
                    helpText={s.leakGraceDaysHelp}
                    autoComplete="off"
                  />
                  <Checkbox label={s.leakAutoRotate} helpText={s.leakAutoRotateHelp} checked={values.leakAutoRotate === "true"} onChange={set("leakAutoRotate")} />
                </FormLayout>
              </Card>
              <Card>
                <FormLayout>
                  <Text as="h2" variant="headingMd">
                    {s.friendCodeTitle}
                  </Text>
                  <Select
                    label={s.friendCodeMode}
                    options={[
                      { label: s.friendCodeShared, value: "SHARED" },
                      { label: s.friendCodeSingleUse, value: "SINGLE_USE" },
                    ]}
                    {...field("friendCodeMode")}
                    helpText={s.friendCodeModeHelp}
                  />
                  {values.friendCodeMode === "SINGLE_USE" ? (
                    <FormLayout.Group>
                      <TextField label={s.friendCodesPerDay} type="number" {...field("friendCodesPerDay")} helpText={s.friendCodesPerDayHelp} autoComplete="off" />
                      <TextField label={s.friendCodeDays} type="number" {...field("friendCodeDays")} suffix={s.daysSuffix} helpText={s.friendCodeDaysHelp} autoComplete="off" />
                    </FormLayout.Group>
                  ) : null}
                </FormLayout>
              </Card>
              <Card>
                <FormLayout>
                  <Text as="h2" variant="headingMd">
                    {s.textsTitle}
                  </Text>
                  <TextField label={s.terms} {...field("terms")} multiline={4} helpText={s.termsHelp} autoComplete="off" />
                  <TextField label={s.shareMessage} {...field("shareMessage")} autoComplete="off" />
                </FormLayout>
              </Card>
              <Card>
                <FormLayout>
                  <Text as="h2" variant="headingMd">
                    {s.emailTitle}
                  </Text>
                  <FormLayout.Group>
                    <TextField label={s.emailSenderName} {...field("emailSenderName")} helpText={s.emailSenderNameHelp} autoComplete="off" />
                    <TextField label={s.emailReplyTo} type="email" {...field("emailReplyTo")} helpText={s.emailReplyToHelp} autoComplete="email" />
                  </FormLayout.Group>
                  <FormLayout.Group>
                    <TextField label={s.emailLogoUrl} type="url" {...field("emailLogoUrl")} helpText={s.emailLogoUrlHelp} autoComplete="off" />
                    <TextField label={s.emailAccentColor} {...field("emailAccentColor")} helpText={s.emailAccentColorHelp} autoComplete="off" />
                  </FormLayout.Group>
                  <TextField
                    label={s.rewardReminderDays}
                    type="number"
                    {...field("rewardReminderDays")}
                    suffix={s.daysSuffix}
                    helpText={s.rewardReminderDaysHelp}
                    autoComplete="off"
                  />
                </FormLayout>
              </Card>
              <InlineStack align="end">
                <Button submit variant="primary" loading={saving} disabled={!dirty}>
                  {t.common.save}
                </Button>
              </InlineStack>
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    {t.secondTier.title}
                  </Text>
                  <Text as="p" tone="subdued">
                    {secondTier.enabled ? t.secondTier.cardOn(f.money(secondTier.value, currencyCode)) : t.secondTier.cardOff}
                  </Text>
                  <InlineStack>
                    <Button url="/app/second-tier">{t.secondTier.open}</Button>
                  </InlineStack>
                </BlockStack>
              </Card>
            </BlockStack>
          </form>
          <div>
            <div style={{ position: "sticky", top: "1rem", maxHeight: "calc(100vh - 2rem)", overflowY: "auto" }}>
              <SettingsPreview values={previewValues} initialLanguage={previewLanguage} labels={labels} />
            </div>
          </div>
        </InlineGrid>
      </BlockStack>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
