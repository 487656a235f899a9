// /metrics through its route: off without METRICS_TOKEN, 401 without the
// token, and the figures: the queue read from the database, this process's
// Admin API calls and cost.
import { afterEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { reloadEnv } from "~/env.server";
import * as metrics from "~/routes/metrics";
import { SHOP_INFO } from "~/shopify/documents";
import { seedInstalledShop } from "../../fake-shopify/seed";
import { testAdminClient, useTestShopify } from "../helpers/admin";
import { uniqueShop } from "../helpers/shops";

useTestShopify();
const TOKEN = "metrics-token-0123456789";

async function scrape(authorization?: string) {
  const headers = new Headers(authorization ? { Authorization: authorization } : {});
  const response = (await metrics.loader({ request: new Request("https://app.test/metrics", { headers }), params: {}, context: {} })) as Response;
  return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
}

function value(text: string, metric: string, labels: Record<string, string> = {}): number | null {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${metric}{`) && !line.startsWith(`${metric} `)) continue;
    if (wanted.every((w) => line.includes(w))) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return null;
}

afterEach(() => {
  delete process.env.METRICS_TOKEN;
  reloadEnv();
});

describe("/metrics", () => {
  it("does not exist without METRICS_TOKEN, and refuses a missing or wrong token", async () => {
    expect((await scrape(`Bearer ${TOKEN}`)).status).toBe(404);
    process.env.METRICS_TOKEN = TOKEN;
    reloadEnv();
    expect((await scrape()).status).toBe(401);
    expect((await scrape("Bearer not-the-token-0000000")).status).toBe(401);
    expect((await scrape(TOKEN)).status).toBe(401);
    const ok = await scrape(`Bearer ${TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.type).toContain("text/plain");
  });

  it("reports the queue from the database and this process's Admin API calls and cost, with no shop in any label", async () => {
    process.env.METRICS_TOKEN = TOKEN;
    reloadEnv();
    const shop = uniqueShop("metrics");
    await seedInstalledShop(db, shop);
    await db.job.create({ data: { shop, kind: "metrics-probe", key: "a", status: "PENDING", availableAt: new Date(Date.now() - 120_000) } });
    await db.job.create({ data: { shop, kind: "metrics-probe", key: "b", status: "DEAD", availableAt: new Date() } });
    const before = await scrape(`Bearer ${TOKEN}`);
    const callsBefore = value(before.text, "referrals_shopify_admin_calls_total", { type: "query", outcome: "ok" }) ?? 0;
    const costBefore = value(before.text, "referrals_shopify_admin_cost_points_total") ?? 0;

    await (await testAdminClient(shop)).query(SHOP_INFO);
    const after = await scrape(`Bearer ${TOKEN}`);
    expect(value(after.text, "referrals_jobs", { kind: "metrics-probe", status: "PENDING" })).toBe(1);
    expect(value(after.text, "referrals_jobs", { kind: "metrics-probe", status: "DEAD" })).toBe(1);
    expect(value(after.text, "referrals_queue_oldest_due_seconds", { queue: "job", kind: "metrics-probe" })).toBeGreaterThanOrEqual(120);
    expect(value(after.text, "referrals_shopify_admin_calls_total", { type: "query", outcome: "ok" })).toBe(callsBefore + 1);
    expect(value(after.text, "referrals_shopify_admin_cost_points_total")).toBeGreaterThan(costBefore);
    expect(after.text).toContain("referrals_process_");
    expect(after.text).not.toContain(shop);
    await db.job.deleteMany({ where: { shop } });
  });
});
