import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { csvResponse } from "~/admin/csv.server";
import { referralsCsv } from "~/admin/exports.server";
import { referralFiltersFrom, referrerBelongsTo } from "~/admin/referral-list.server";
import { notFound, requireAdmin } from "~/shopify/admin-request.server";

// The list's filters, every matching row, streamed.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, t } = await requireAdmin(request);
  const filters = await referralFiltersFrom(db, shop, new URL(request.url).searchParams);
  if (filters.referrerId && !(await referrerBelongsTo(db, shop, filters.referrerId))) notFound();
  return csvResponse(referralsCsv(db, shop, filters, t), `referrals-${new Date().toISOString().slice(0, 10)}.csv`);
};
