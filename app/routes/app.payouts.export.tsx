import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { csvLine, csvResponse } from "~/admin/csv.server";
import { payoutLedger } from "~/admin/payout-ledger.server";
import { requireAdmin } from "~/shopify/admin-request.server";

// What to pay whom: one line per referrer (a few thousand at most), so one string.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, t } = await requireAdmin(request);
  const { rows } = await payoutLedger(db, shop);
  const body = [
    csvLine(t.csv.payouts),
    ...rows.map((r) => csvLine([r.referrerId, r.name, r.email, r.code, r.approved, r.earned, r.paid, r.currencyCode])),
  ].join("");
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(`\uFEFF${body}`));
      controller.close();
    },
  });
  return csvResponse(stream, `payouts-${new Date().toISOString().slice(0, 10)}.csv`);
};
