import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { authenticate } from "~/shopify.server";
import { env } from "~/env.server";
import polarisDe from "@shopify/polaris/locales/de.json";
import polarisEn from "@shopify/polaris/locales/en.json";
import polarisEs from "@shopify/polaris/locales/es.json";
import polarisFr from "@shopify/polaris/locales/fr.json";
import { installLocaleHeader } from "~/i18n/client-locale";
import { I18nProvider } from "~/i18n/context";
import { requestLocale, type AdminLocale } from "~/i18n/locales";
import { messages } from "~/i18n/messages";
import { adminTitle } from "~/i18n/meta";

import { setLogShop } from "~/ops/logger.server";

installLocaleHeader();

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

// Polaris's own words (its pagination, selection, "Loading"…) where Polaris has
// the language; English for Hindi and Maltese, which it does not ship.
const POLARIS: Partial<Record<AdminLocale, typeof polarisEn>> = { de: polarisDe, es: polarisEs, fr: polarisFr };

// Pages without their own title inherit this one.
export const meta = adminTitle((t) => t.nav.home);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  setLogShop(session.shop);
  const { SHOPIFY_API_KEY, APP_BRIDGE_URL } = env();
  return { apiKey: SHOPIFY_API_KEY, appBridgeUrl: APP_BRIDGE_URL, locale: requestLocale(request) };
};

export default function App() {
  const { apiKey, appBridgeUrl, locale } = useLoaderData<typeof loader>();
  const t = messages(locale);
  return (
    // AppProvider renders the App Bridge <script>; its URL is configuration (APP_BRIDGE_URL).
    <AppProvider isEmbeddedApp apiKey={apiKey} __APP_BRIDGE_URL={appBridgeUrl} i18n={POLARIS[locale] ?? polarisEn}>
      <I18nProvider locale={locale}>
        <NavMenu>
          <Link to="/app" rel="home">
            {t.nav.home}
          </Link>
          <Link to="/app/dashboard">{t.nav.dashboard}</Link>
          <Link to="/app/referrals">{t.nav.referrals}</Link>
          <Link to="/app/review">{t.nav.review}</Link>
          <Link to="/app/referrers">{t.nav.referrers}</Link>
          <Link to="/app/partners">{t.partners.nav}</Link>
          <Link to="/app/payouts">{t.nav.payouts}</Link>
          <Link to="/app/invite">{t.nav.invite}</Link>
          <Link to="/app/emails">{t.nav.emails}</Link>
          <Link to="/app/integrations">{t.nav.integrations}</Link>
          <Link to="/app/leaks">{t.nav.leaks}</Link>
          <Link to="/app/experiments">{t.experiments.nav}</Link>
          <Link to="/app/settings">{t.nav.settings}</Link>
          <Link to="/app/delivery-problems">{t.nav.problems}</Link>
        </NavMenu>
        <Outlet />
      </I18nProvider>
    </AppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses so its headers get through.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
