import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { authenticate } from "~/shopify.server";
import { env } from "~/env.server";
import { setLogShop } from "~/ops/logger.server";
import { t } from "~/i18n/en";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

// Pages without their own title inherit this one.
export const meta = () => [{ title: t.nav.home }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  setLogShop(session.shop);
  const { SHOPIFY_API_KEY, APP_BRIDGE_URL } = env();
  return { apiKey: SHOPIFY_API_KEY, appBridgeUrl: APP_BRIDGE_URL };
};

export default function App() {
  const { apiKey, appBridgeUrl } = useLoaderData<typeof loader>();
  return (
    // AppProvider renders the App Bridge <script>; its URL is configuration (APP_BRIDGE_URL).
    <AppProvider isEmbeddedApp apiKey={apiKey} __APP_BRIDGE_URL={appBridgeUrl}>
      <NavMenu>
        <Link to="/app" rel="home">
          {t.nav.home}
        </Link>
        <Link to="/app/dashboard">{t.nav.dashboard}</Link>
        <Link to="/app/referrals">{t.nav.referrals}</Link>
        <Link to="/app/review">{t.nav.review}</Link>
        <Link to="/app/referrers">{t.nav.referrers}</Link>
        <Link to="/app/payouts">{t.nav.payouts}</Link>
        <Link to="/app/invite">{t.nav.invite}</Link>
        <Link to="/app/emails">{t.nav.emails}</Link>
        <Link to="/app/leaks">{t.nav.leaks}</Link>
        <Link to="/app/settings">{t.nav.settings}</Link>
        <Link to="/app/delivery-problems">{t.nav.problems}</Link>
      </NavMenu>
      <Outlet />
    </AppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses so its headers get through.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
