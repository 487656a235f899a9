// GET /metrics: Prometheus metrics (app/ops/metrics.server.ts), for a scraper
// holding METRICS_TOKEN (Authorization: Bearer <token>). Without METRICS_TOKEN
// set, the endpoint does not exist (404); a missing or wrong token is 401.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { timingSafeEqual } from "node:crypto";
import db from "~/db.server";
import { env } from "~/env.server";
import { registry, useMetricsDatabase } from "~/ops/metrics.server";

function tokenMatches(header: string | null, token: string): boolean {
  const given = Buffer.from(header?.startsWith("Bearer ") ? header.slice(7) : "");
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const token = env().METRICS_TOKEN;
  if (!token) return new Response("Not found", { status: 404 });
  if (!tokenMatches(request.headers.get("authorization"), token)) {
    return new Response("Unauthorized", { status: 401, headers: { "WWW-Authenticate": 'Bearer realm="metrics"' } });
  }
  useMetricsDatabase(db);
  return new Response(await registry.metrics(), { headers: { "Content-Type": registry.contentType, "Cache-Control": "no-store" } });
};
