// The settings page's live preview: the storefront block, the launcher or an
// email as shoppers get them with the form's unsaved values, in a chosen
// language. The page comes from POST /app/settings/preview (the extension's
// own Liquid, CSS and script) and is shown in a sandboxed iframe, apart from
// the admin's CSS and origin. Updated 300 ms after the last edit.
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Card, InlineStack, Link, List, Select, Spinner, Tabs, Text } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { EMAIL_KINDS, EMAIL_LOCALES } from "~/email/kinds";
import { useI18n } from "~/i18n/context";

const VIEWS = ["block", "launcher", "email"] as const;
const SHOPPERS = ["guest", "customer", "referrer"] as const;

type Answer = { ok: true; view: string; subject: string | null; html: string } | { ok: false; errors: Record<string, string> };

export interface SettingsPreviewProps {
  /** The form's values, unsaved. */
  values: Record<string, string>;
  /** The language it opens in: the shop's primary language, else the merchant's. */
  initialLanguage: string;
  /** The form's field labels, to name a value the preview refused. */
  labels: Partial<Record<string, string>>;
}

export function SettingsPreview({ values, initialLanguage, labels }: SettingsPreviewProps) {
  const { t } = useI18n();
  const p = t.settings.preview;
  const fetcher = useFetcher<Answer>();
  const [view, setView] = useState<(typeof VIEWS)[number]>("block");
  const [language, setLanguage] = useState(initialLanguage);
  const [shopper, setShopper] = useState<(typeof SHOPPERS)[number]>("guest");
  const [kind, setKind] = useState<string>("INVITATION");
  const [shown, setShown] = useState<{ view: string; subject: string | null; html: string } | null>(null);

  const request = JSON.stringify({ ...values, view, language, shopper, kind });
  useEffect(() => {
    const timer = setTimeout(() => fetcher.submit(JSON.parse(request), { method: "post", action: "/app/settings/preview" }), 300);
    return () => clearTimeout(timer);
  }, [request]);
  // A refused value keeps the last page drawn; the panel says what to fix.
  useEffect(() => {
    if (fetcher.data?.ok) setShown(fetcher.data);
  }, [fetcher.data]);

  const errors = fetcher.data && !fetcher.data.ok ? Object.entries(fetcher.data.errors) : [];
  const busy = fetcher.state !== "idle";
  const storefront = shown && shown.view !== "email";

  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {p.title}
          </Text>
          {busy ? <Spinner size="small" accessibilityLabel={p.updating} /> : null}
        </InlineStack>
        <Text as="p" variant="bodySm" tone="subdued">
          {p.intro}
        </Text>
        <Tabs
          fitted
          tabs={VIEWS.map((v) => ({ id: `settings-preview-${v}`, content: p.views[v], panelID: "settings-preview-panel" }))}
          selected={VIEWS.indexOf(view)}
          onSelect={(index) => setView(VIEWS[index])}
        />
        <Select
          label={p.language}
          options={EMAIL_LOCALES.map((l) => ({ label: t.emails.languages[l] ?? l, value: l }))}
          value={language}
          onChange={setLanguage}
        />
        {view === "email" ? (
          <Select
            label={p.email}
            options={EMAIL_KINDS.map((k) => ({ label: (t.emails.kinds[k] ?? t.partnerEmails.kinds[k])?.[0] ?? k, value: k }))}
            value={kind}
            onChange={setKind}
          />
        ) : (
          <Select
            label={p.shopper}
            options={SHOPPERS.map((s) => ({ label: p.shoppers[s], value: s }))}
            value={shopper}
            onChange={(s) => setShopper(s as (typeof SHOPPERS)[number])}
          />
        )}
        {values.enabled === "false" && view !== "email" ? (
          <Text as="p" tone="caution">
            {p.paused}
          </Text>
        ) : null}
        {errors.length ? (
          <Banner tone="warning">
            <BlockStack gap="100">
              <p>{p.invalid}</p>
              <List>
                {errors.map(([field, message]) => (
                  <List.Item key={field}>{labels[field] ? `${labels[field]}: ${message}` : message}</List.Item>
                ))}
              </List>
            </BlockStack>
          </Banner>
        ) : null}
        {shown?.subject ? (
          <Text as="p">
            <strong>{t.emails.subject}:</strong> {shown.subject}
          </Text>
        ) : null}
        <div id="settings-preview-panel">
          <iframe
            title={p.frameTitle}
            data-settings-preview={shown?.view ?? ""}
            // The storefront's own script runs (it fills in the offer); without
            // allow-same-origin the page has no origin: it cannot reach the admin.
            sandbox={storefront ? "allow-scripts" : ""}
            srcDoc={shown?.html ?? ""}
            // As tall as the admin's frame leaves beside the panel's controls: the launcher sits at the page's bottom.
            style={{ display: "block", width: "100%", height: "clamp(300px, calc(100vh - 500px), 600px)", border: "1px solid #e3e3e3", borderRadius: "8px", background: "#fff" }}
          />
        </div>
        {view === "email" ? (
          <Link url={`/app/emails?kind=${encodeURIComponent(kind)}&language=${encodeURIComponent(language)}`}>{p.editEmail}</Link>
        ) : null}
      </BlockStack>
    </Card>
  );
}
