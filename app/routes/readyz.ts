// GET /readyz: 200 when this process can do its work, 503 with the failing
// checks otherwise (app/ops/health.server.ts), and 503 once the process is
// shutting down. Outside Shopify authentication:
// it says nothing about any shop.
import db from "~/db.server";
import { env } from "~/env.server";
import { readiness } from "~/ops/health.server";
import { isShuttingDown } from "~/ops/lifecycle.server";

export const loader = async () => {
  if (isShuttingDown()) {
    return new Response(JSON.stringify({ ready: false, stopping: true }), {
      status: 503,
      headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
    });
  }
  const result = await readiness(db, { maxQueueLagSeconds: env().READY_MAX_QUEUE_LAG_SECONDS });
  return new Response(JSON.stringify(result), {
    status: result.ready ? 200 : 503,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
  });
};
