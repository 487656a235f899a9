import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { batchLines } from "~/admin/payout-batches.server";
import { fileResponse, PAYPAL_MAX_ROWS, paypalFile } from "~/admin/payout-files.server";
import { BatchStatus } from "~/referrals/payout-batches.server";
import { notFound, requireAdmin } from "~/shopify/admin-request.server";

// PayPal's mass payment file of an open payout batch (app/admin/payout-files.server.ts has the format).
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, t } = await requireAdmin(request);
  const batch = await db.payoutBatch.findFirst({ where: { id: params.id ?? "", shop } });
  if (!batch) notFound();
  // A paid or voided batch uploaded again would pay its recipients twice.
  if (batch.status !== BatchStatus.OPEN) return text(t.payoutBatches.paypalNotOpen, 409);
  const program = await db.program.findUnique({ where: { shop }, select: { shopName: true } });
  const file = paypalFile(await batchLines(db, shop, batch), t.payoutBatches.paypalNote(program?.shopName || shop, batch.number));
  if (file.rows > PAYPAL_MAX_ROWS) return text(t.payoutBatches.paypalTooMany(PAYPAL_MAX_ROWS), 422);
  return fileResponse(file.body, `paypal-payout-batch-${batch.number}.csv`);
};

function text(message: string, status: number) {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
}
