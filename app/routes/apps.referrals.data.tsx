// GET /apps/referrals/data: what the referral block shows (via the app proxy).
import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { blockData } from "~/storefront/referrer-view.server";
import { privateJson, verifyProxy } from "~/storefront/proxy-http.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { ctx } = await verifyProxy(request);
  return privateJson(await blockData(db, ctx));
};
