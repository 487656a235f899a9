// A request for an optional access scope through App Bridge's Scopes API
// (https://shopify.dev/docs/api/app-home/apis/scopes):
// Shopify shows the merchant its grant dialog; this banner says beforehand why
// the app asks, since the API takes no reason of its own. Shopify then sends
// app/scopes_update, which stores the grant (app/jobs/handlers/app-scopes-update.server.ts);
// the page reloads its data until its loader sees it. Used by the home (theme
// access) and the Settings page (product access, for free-product milestones).
import { useRevalidator } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Button, Text } from "@shopify/polaris";
import { useEffect, useState } from "react";

/** How often, and how many times, the page reloads its data after a grant while the webhook is on its way. */
const RECHECK_MS = 1_500;
const RECHECKS = 10;

export interface ScopeRequestTexts {
  title: string;
  why: string;
  action: string;
  granted: string;
  declined: string;
  failed: string;
}

type AccessState = "idle" | "asking" | "granted" | "declined" | "failed";

export function ScopeRequest({ scope, texts }: { scope: string; texts: ScopeRequestTexts }) {
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

  const status = { granted: texts.granted, declined: texts.declined, failed: texts.failed }[state as "granted" | "declined" | "failed"];
  return (
    <Banner tone="info" title={texts.title}>
      <BlockStack gap="200" inlineAlign="start">
        <Text as="p">{texts.why}</Text>
        <Button onClick={ask} loading={state === "asking" || state === "granted"} disabled={state === "granted"}>
          {texts.action}
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
