// The bare Polaris page the admin's Web Vitals are measured against
// (bench/admin-vitals.ts): served by the same app, under the same layout
// (App Bridge, Polaris, the admin's language), with nothing of its own but a
// card, a line of text and a button. It is in no menu and changes nothing.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { BlockStack, Button, Card, Page, Text } from "@shopify/polaris";
import { useState } from "react";
import { useI18n } from "~/i18n/context";
import { adminTitle } from "~/i18n/meta";
import { requireAdmin } from "~/shopify/admin-request.server";
import { RouteError } from "~/components/RouteError";

export const meta = adminTitle((t) => t.baseline.title);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await requireAdmin(request);
  return null;
};

export default function VitalsBaseline() {
  const { t } = useI18n();
  // A state change on a click, so an interaction with this page does what one with the others does: a React update.
  const [pressed, setPressed] = useState(false);
  return (
    <Page title={t.baseline.title}>
      <Card>
        <BlockStack gap="300">
          <Text as="p">{t.baseline.body}</Text>
          <div>
            <Button pressed={pressed} onClick={() => setPressed((p) => !p)}>
              {t.baseline.button}
            </Button>
          </div>
        </BlockStack>
      </Card>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
