// The admin home's theme pieces: where a checklist step's state comes from
// (the live theme, or an inference from storefront activity and why), and the
// request for theme read access (an optional scope) through App Bridge's Scopes
// API (https://shopify.dev/docs/api/app-home/apis/scopes): Shopify shows the
// merchant its grant dialog; this card says beforehand why the app asks, since
// the API takes no reason of its own. Shopify then sends app/scopes_update,
// which stores the grant (app/jobs/handlers/app-scopes-update.server.ts); the
// page reloads its data until the home reads the theme.
import { useRevalidator } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Button, Text } from "@shopify/polaris";
import { useEffect, useState } from "react";
import type { ThemeSetup } from "~/admin/theme-setup.server";
import { useI18n } from "~/i18n/context";

/** How often, and how many times, the page reloads its data after a grant while the webhook is on its way. */
const RECHECK_MS = 1_500;
const RECHECKS = 10;

export function ThemeSource({ setup }: { setup: ThemeSetup }) {
  const { t } = useI18n();
  const text =
    setup.source === "THEME"
      ? t.home.theme.fromTheme(setup.themeName)
      : setup.reason === "NO_SCOPE"
        ? t.home.theme.inferred
        : setup.reason === "NO_THEME"
          ? t.home.theme.inferredNoTheme
          : t.home.theme.inferredUnread;
  return (
    <Text as="p" variant="bodySm" tone={setup.source === "THEME" ? "success" : "caution"}>
      {text}
    </Text>
  );
}

type AccessState = "idle" | "asking" | "granted" | "declined" | "failed";

export function ThemeAccess({ scope }: { scope: string }) {
  const { t } = useI18n();
  const shopify = useAppBridge();
  const revalidator = useRevalidator();
  const [state, setState] = useState<AccessState>("idle");

  useEffect(() => {
    if (state !== "granted") return;
    let left = RECHECKS;
    const timer = setInterval(() => {
      if (left-- <= 0) return clearInterval(timer);
      revalidator.revalidate();
    }, RECHECK_MS);
    return () => clearInterval(timer);
    // Not on the revalidator, which changes on every revalidation: the interval runs once per grant.
  }, [state]);

  const ask = async () => {
    setState("asking");
    try {
      const response = await shopify.scopes.request([scope]);
      setState(response.result === "granted-all" ? "granted" : "declined");
    } catch {
      setState("failed");
    }
  };

  const status = { granted: t.home.theme.accessGranted, declined: t.home.theme.accessDeclined, failed: t.home.theme.accessFailed }[state as "granted" | "declined" | "failed"];
  return (
    <Banner tone="info" title={t.home.theme.accessTitle}>
      <BlockStack gap="200" inlineAlign="start">
        <Text as="p">{t.home.theme.accessWhy}</Text>
        <Button onClick={ask} loading={state === "asking" || state === "granted"} disabled={state === "granted"}>
          {t.home.theme.accessAction}
        </Button>
        <div role="status">
          {status ? (
            <Text as="p" tone={state === "granted" ? "success" : "critical"}>
              {status}
            </Text>
          ) : null}
        </div>
      </BlockStack>
    </Banner>
  );
}
