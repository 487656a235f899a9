// Partners apart on the dashboard, through its loader with orders from the
// real pipeline: the partners' figures for the period (active partners, their
// referred orders and revenue after refunds, the fees they earned), and the
// top referrers made of customers only.
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import * as dashboard from "~/routes/app.dashboard";
import { orderPaidPayload, refundCreatePayload } from "../../fake-shopify/payloads";
import { installShop, load } from "../helpers/admin-request";
import { testClock } from "../helpers/admin";
import { usePipeline } from "../helpers/pipeline";
import { addPartner } from "../helpers/partner-rows";

const { setupShop } = usePipeline();
type Shop = Awaited<ReturnType<typeof setupShop>>;
let nextId = 8_500_000_000_000 + Math.floor(Math.random() * 1e9);

async function sale(p: Shop, code: string, subtotal: string) {
  const orderId = ++nextId;
  await p.send("orders/paid", orderPaidPayload({ orderId, customerId: ++nextId, email: `friend${nextId}@example.com`, discountCodes: [code], subtotal, total: subtotal, currency: "USD", createdAt: new Date(testClock.now()).toISOString() }));
  await p.drain();
  return orderId;
}

describe("partners on the dashboard", () => {
  it("have their own figures for the period, and are left out of the top referrers", async () => {
    const p = await setupShop({ holdDays: 0, rewardKind: "CASH", rewardValue: "5" });
    await installShop(p.shop);
    const busy = await addPartner(p.shop, { businessName: "Busy Bikes" });
    const quiet = await addPartner(p.shop, { businessName: "Quiet Cafe" });
    await addPartner(p.shop, { businessName: "Idle Inn" });
    for (const subtotal of ["100.00", "50.00"]) await sale(p, busy.referrer.code, subtotal);
    const refunded = await sale(p, busy.referrer.code, "80.00");
    await p.send("refunds/create", refundCreatePayload({ orderId: refunded, refundId: ++nextId, amount: "30.00", currency: "USD" }));
    await p.drain();
    await sale(p, quiet.referrer.code, "40.00");
    await sale(p, p.referrer.code, "60.00");

    const { data } = await load(dashboard.loader, p.shop, "/app/dashboard");
    // 100 + 50 + (80 - 30) + 40 = 240.00; fees 10% of each, the refunded one lowered to 5.00.
    expect(data.partners).toEqual({ approved: 3, active: 2, orders: 4, revenue: "240.00", fees: "24.00" });
    expect(data.topReferrers.map((r) => r.id)).toEqual([p.referrer.id]);
    // The program's own figures count every referred order, partners' too.
    expect(data).toMatchObject({ orders: 5, revenue: "300.00" });
    expect(await db.referrer.findUniqueOrThrow({ where: { id: busy.referrer.id } })).toMatchObject({ referralCount: 3 });

    // A period before any of it: the partners, none active.
    const { data: before } = await load(dashboard.loader, p.shop, "/app/dashboard?from=2024-01-01&to=2024-01-31");
    expect(before.partners).toEqual({ approved: 3, active: 0, orders: 0, revenue: "0.00", fees: "0.00" });
  });

  it("a shop with no partners shows no partner figures", async () => {
    const p = await setupShop({ holdDays: 0, rewardKind: "CASH", rewardValue: "5" });
    await installShop(p.shop);
    await sale(p, p.referrer.code, "60.00");
    const { data } = await load(dashboard.loader, p.shop, "/app/dashboard");
    expect(data.partners).toBeNull();
    expect(data.topReferrers.map((r) => r.id)).toEqual([p.referrer.id]);
  });
});
