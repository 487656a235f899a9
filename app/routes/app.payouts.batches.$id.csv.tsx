import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { batchLines } from "~/admin/payout-batches.server";
import { batchCsv, fileResponse } from "~/admin/payout-files.server";
import { notFound, requireAdmin } from "~/shopify/admin-request.server";

// A payout batch's lines for the merchant's records: every recipient, with or without an email.
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, t } = await requireAdmin(request);
  const batch = await db.payoutBatch.findFirst({ where: { id: params.id ?? "", shop } });
  if (!batch) notFound();
  const lines = await batchLines(db, shop, batch);
  return fileResponse(batchCsv(lines, t.payoutBatches.csvHeadings, t.csv), `payout-batch-${batch.number}.csv`);
};
