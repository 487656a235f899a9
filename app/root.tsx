import { Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteLoaderData } from "@remix-run/react";
import { resolveAdminLocale } from "~/i18n/locales";

export default function App() {
  // The admin's language (its layout's loader), which its fetches also carry (app/i18n/client-locale.ts).
  const admin = useRouteLoaderData<{ locale?: string }>("routes/app");
  return (
    <html lang={resolveAdminLocale(admin?.locale)}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <link rel="preconnect" href="https://cdn.shopify.com/" />
        <Meta />
        <Links />
      </head>
      <body>
        <Outlet />
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}
