// GET /apps/referrals/partners: the public partner page (what the partner
// program is, the application with the agreement to sign, and "email me a
// sign-in link"), as Liquid so Shopify renders it in the shop's theme.
import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { partnerPageFor } from "~/storefront/partners/partner-page.server";
import { PRIVATE_HEADERS, verifyProxy } from "~/storefront/proxy-http.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { ctx, liquid } = await verifyProxy(request);
  return liquid(await partnerPageFor(db, ctx), { headers: PRIVATE_HEADERS });
};
