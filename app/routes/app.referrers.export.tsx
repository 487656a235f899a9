import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { csvResponse } from "~/admin/csv.server";
import { referrersCsv } from "~/admin/exports.server";
import { requireAdmin } from "~/shopify/admin-request.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, t } = await requireAdmin(request);
  const params = new URL(request.url).searchParams;
  return csvResponse(referrersCsv(db, shop, { search: params.get("q"), status: params.get("status") }, t), `referrers-${new Date().toISOString().slice(0, 10)}.csv`);
};
