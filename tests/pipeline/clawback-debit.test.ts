// Regression (found by the full soak, soak/soak.ts): taking back store credit
// when the debit call fails ambiguously (5xx, timeout). The check "did my debit
// happen after all?" looked for any debit of the same amount from the last
// minute, so it found the debit of the referrer's PREVIOUS clawback (same reward
// value) and marked this reward REVOKED without debiting: the referrer kept the
// credit of a reversed referral.
import { describe, expect, it } from "vitest";
import { orderGid, orderPaidPayload, refundCreatePayload } from "../fixtures/shopify-payloads";
import { testClock } from "../helpers/admin";
import { usePipeline } from "../helpers/pipeline";

const { shopify, setupShop } = usePipeline();

let nextId = 5_700_000_000_000;
function paidOrder(code: string) {
  const orderId = ++nextId;
  const customerId = ++nextId;
  return {
    orderId,
    payload: orderPaidPayload({
      orderId,
      customerId,
      email: `friend${customerId}@example.com`,
      discountCodes: [code],
      subtotal: "100.00",
      total: "100.00",
      currency: "USD",
      createdAt: new Date(testClock.now()).toISOString(),
    }),
  };
}

describe("store credit clawback after an ambiguous debit failure", () => {
  it("does not take an earlier clawback's debit for its own: both rewards are debited", async () => {
    const p = await setupShop({ holdDays: 0, rewardKind: "STORE_CREDIT", rewardValue: "5" });
    const first = paidOrder(p.referrer.code);
    const second = paidOrder(p.referrer.code);
    await p.send("orders/paid", first.payload);
    await p.send("orders/paid", second.payload);
    await p.drain();
    expect(Number(shopify.fake.storeCreditBalance(p.shop, p.referrerCustomer.id, "USD"))).toBe(10);

    await p.send("refunds/create", refundCreatePayload({ orderId: first.orderId, refundId: ++nextId, amount: "100.00", currency: "USD" }));
    await p.drain();
    expect(Number(shopify.fake.storeCreditBalance(p.shop, p.referrerCustomer.id, "USD"))).toBe(5);

    // Shopify answers 503 to the second debit, without running it.
    shopify.fake.faults.queue("StoreCreditDebit", { kind: "http5xx", status: 503 });
    await p.send("refunds/create", refundCreatePayload({ orderId: second.orderId, refundId: ++nextId, amount: "100.00", currency: "USD" }));
    await p.drain();

    expect(await p.referral(orderGid(second.orderId))).toMatchObject({ status: "REVERSED", reward: { status: "REVOKED" } });
    const debits = shopify.fake.storeCreditTransactions(p.shop).filter((t) => t.typename === "StoreCreditAccountDebitTransaction");
    expect(debits).toHaveLength(2);
    expect(Number(shopify.fake.storeCreditBalance(p.shop, p.referrerCustomer.id, "USD"))).toBe(0);
  });
});
