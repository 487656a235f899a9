import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, InlineStack, Layout, Page, ProgressBar, Text } from "@shopify/polaris";
import { ThemeAccess, ThemeSource } from "~/components/ThemeAccess";
import db from "~/db.server";
import { env } from "~/env.server";
import { useI18n } from "~/i18n/context";
import { checklist, themeEditorLinks } from "~/admin/home.server";
import { THEME_SCOPE, themeSetup } from "~/admin/theme-setup.server";
import { reviewCount } from "~/admin/review-queue.server";
import { emailOffReason } from "~/email/config.server";
import { endpointsSwitchedOff } from "~/integrations/webhooks/endpoints.server";
import { ensureProgram } from "~/referrals/programs.server";
import { PartnerStatus } from "~/partners/status";
import { requireAdmin } from "~/shopify/admin-request.server";
import { ShopifyApiError, ShopifyUserError } from "~/shopify/errors";
import { RouteError } from "~/components/RouteError";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, admin, cause, scope } = await requireAdmin(request);
  let setupError: string | null = null;
  let enabled = false;
  try {
    // First run: the program with its defaults and its Shopify discount.
    enabled = (await ensureProgram({ db, admin, shop, cause })).enabled;
  } catch (error) {
    if (!(error instanceof ShopifyUserError || error instanceof ShopifyApiError)) throw error;
    setupError = error.message;
  }
  const { blockAdded, embedEnabled, ...counts } = await checklist(db, shop);
  // Read from the live theme once the merchant granted read_themes; else (or when the read fails) inferred.
  const theme = await themeSetup({ admin, shop, scope, inferred: { embedOn: embedEnabled, blockPlaced: blockAdded } });
  const editor = themeEditorLinks(shop, env().SHOPIFY_API_KEY);
  const links = { addBlock: editor.addBlock, enableEmbed: editor.enableEmbed, blockTemplate: theme.editorTemplate ? editor.template(theme.editorTemplate) : null };
  return { shop, enabled, setupError, emailOff: emailOffReason() !== null, links, theme, themeScope: THEME_SCOPE, toReview: await reviewCount(db, shop), partnerApplications: await db.partner.count({ where: { shop, status: PartnerStatus.APPLIED } }), webhooksOff: await endpointsSwitchedOff(db, shop), ...counts };
};

export default function Index() {
  const { t, f } = useI18n();
  const data = useLoaderData<typeof loader>();
  const s = t.home.steps;
  const { theme } = data;
  const read = theme.source === "THEME";
  const steps = [
    { key: "program", done: data.enabled && !data.setupError, ...s.program, url: "/app/settings", external: false },
    {
      key: "block",
      done: theme.blockPlaced,
      ...s.block,
      why: read ? `${t.home.theme.blockWhy}${theme.templates.length ? ` ${t.home.theme.placedIn(f.list(theme.templates))}` : ""}` : s.block.why,
      // Once the theme holds the block, the link opens the template that does (adding it again would place a second one).
      ...(read && data.links.blockTemplate ? { action: t.home.theme.openBlock, url: data.links.blockTemplate } : { url: data.links.addBlock }),
      external: true,
      source: true,
    },
    { key: "embed", done: theme.embedOn, ...s.embed, why: read ? t.home.theme.embedWhy : s.embed.why, url: data.links.enableEmbed, external: true, source: true },
    { key: "emails", done: !data.emailOff, ...s.emails, why: data.emailOff ? t.emails.smtpOff : s.emails.why, url: "/app/emails", external: false },
    { key: "first", done: data.firstReferral, ...s.firstReferral, url: "/app/invite", external: false },
  ];
  const done = steps.filter((x) => x.done).length;
  return (
    <Page title={t.home.title} primaryAction={{ content: t.home.openDashboard, url: "/app/dashboard" }}>
      <Layout>
        {data.setupError ? (
          <Layout.Section>
            <Banner tone="critical" title={t.settings.shopifyRefused}>
              <p>{data.setupError}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {data.toReview > 0 ? (
          <Layout.Section>
            <Banner tone="warning" title={t.home.toReview(data.toReview)} action={{ content: t.home.openReview, url: "/app/review" }}>
              <p>{t.home.toReviewWhy}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {data.partnerApplications > 0 ? (
          <Layout.Section>
            <Banner tone="info" title={t.partners.home.toReview(data.partnerApplications)} action={{ content: t.partners.home.open, url: "/app/partners?status=APPLIED" }}>
              <p>{t.partners.home.toReviewWhy}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {data.webhooksOff > 0 ? (
          <Layout.Section>
            <Banner tone="critical" title={t.webhooks.switchedOffTitle(data.webhooksOff)} action={{ content: t.webhooks.open, url: "/app/integrations/webhooks" }}>
              <p>{t.webhooks.switchedOffBody}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <InlineStack gap="200" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  {data.enabled ? t.home.programOn : t.home.programPaused}
                </Text>
                <Badge tone={data.enabled ? "success" : "attention"}>{data.enabled ? t.status.ACTIVE : t.settings.statusPaused.split(":")[0]}</Badge>
              </InlineStack>
              <Text as="p">{t.home.summary(data.referrers, data.referrals)}</Text>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <BlockStack gap="100">
                <Text as="h2" variant="headingMd">
                  {t.home.checklistTitle}
                </Text>
                <Text as="p" tone="subdued">
                  {t.home.checklistIntro}
                </Text>
              </BlockStack>
              <BlockStack gap="100">
                <Text as="p" variant="bodySm" id="checklist-progress">
                  {t.home.progress(done, steps.length)}
                </Text>
                <ProgressBar progress={(done / steps.length) * 100} size="small" tone="primary" ariaLabelledBy="checklist-progress" />
              </BlockStack>
              {theme.source === "INFERRED" && theme.reason === "NO_SCOPE" ? <ThemeAccess scope={data.themeScope} /> : null}
              <BlockStack gap="300" as="ol">
                {steps.map((step) => (
                  <Box as="li" key={step.key} padding="300" borderWidth="025" borderColor="border" borderRadius="200">
                    <InlineStack align="space-between" blockAlign="center" gap="300" wrap={false}>
                      <BlockStack gap="100">
                        <InlineStack gap="200" blockAlign="center">
                          <Text as="h3" variant="headingSm">
                            {step.title}
                          </Text>
                          <Badge tone={step.done ? "success" : undefined}>{step.done ? t.home.done : t.home.todo}</Badge>
                        </InlineStack>
                        <Text as="p" tone="subdued">
                          {step.why}
                        </Text>
                        {"source" in step ? <ThemeSource setup={theme} /> : null}
                      </BlockStack>
                      <Button url={step.url} target={step.external ? "_top" : undefined} variant={step.done ? "tertiary" : "primary"}>
                        {step.action}
                      </Button>
                    </InlineStack>
                  </Box>
                ))}
              </BlockStack>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
