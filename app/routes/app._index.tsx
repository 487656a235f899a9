import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, Layout, Page, Text } from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import db from "../db.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const [program, referrers, referrals] = await Promise.all([
    db.program.findUnique({ where: { shop }, select: { enabled: true, codePrefix: true } }),
    db.referrer.count({ where: { shop } }),
    db.referral.count({ where: { shop } }),
  ]);
  return { shop, program, referrers, referrals };
};

export default function Index() {
  const { program, referrers, referrals } = useLoaderData<typeof loader>();
  return (
    <Page title="Referral program">
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                {program ? (program.enabled ? "Your program is on" : "Your program is paused") : "Set up your program"}
              </Text>
              <Text as="p">
                {referrers} referrers, {referrals} referred orders.
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
