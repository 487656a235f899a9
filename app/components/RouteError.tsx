// The error boundary of every admin page: a message the merchant can act on
// (not a stack trace), and a way back.
import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Page, Text } from "@shopify/polaris";
import { useI18n } from "~/i18n/context";

export function RouteError() {
  const { t } = useI18n();
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  if (!notFound) console.warn("[admin] route error", error);
  return (
    <Page>
      <Card>
        <BlockStack gap="300">
          <Text as="h1" variant="headingLg">
            {notFound ? t.errors.notFoundTitle : t.errors.genericTitle}
          </Text>
          <Banner tone={notFound ? "warning" : "critical"}>
            <p>{notFound ? t.errors.notFound : t.errors.generic}</p>
          </Banner>
          <div>
            {notFound ? (
              <Button url="/app">{t.errors.goHome}</Button>
            ) : (
              <Button onClick={() => window.location.reload()}>{t.errors.reload}</Button>
            )}
          </div>
        </BlockStack>
      </Card>
    </Page>
  );
}
