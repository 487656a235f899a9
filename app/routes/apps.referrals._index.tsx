// GET /apps/referrals: the program page, as Liquid so Shopify renders it in the shop's theme.
import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { programPageFor } from "~/storefront/program-page.server";
import { PRIVATE_HEADERS, verifyProxy } from "~/storefront/proxy-http.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { ctx, liquid } = await verifyProxy(request);
  return liquid(await programPageFor(db, ctx), { headers: PRIVATE_HEADERS });
};
