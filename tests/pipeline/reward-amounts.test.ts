// Reward values go to Shopify as exact decimals: a percentage reward of 14.3
// is 0.143 of the order, not floating point's 0.14300000000000002.
import { describe, expect, it } from "vitest";
import { orderGid, orderPaidPayload } from "../../fake-shopify/payloads";
import { testClock } from "../helpers/admin";
import { usePipeline } from "../helpers/pipeline";

const { shopify, setupShop } = usePipeline();

describe("reward amounts", () => {
  it("a 14.3% reward code takes 0.143 of the order in Shopify", async () => {
    const p = await setupShop({ holdDays: 0, rewardKind: "CODE_PERCENTAGE", rewardValue: "14.3" });
    const orderId = 6_100_000_000_001;
    await p.send(
      "orders/paid",
      orderPaidPayload({ orderId, customerId: 6_100_000_000_002, email: "friend@example.com", discountCodes: [p.referrer.code], subtotal: "100.00", total: "100.00", currency: "USD", createdAt: new Date(testClock.now()).toISOString() }),
    );
    await p.drain();
    const referral = await p.referral(orderGid(orderId));
    expect(referral).toMatchObject({ status: "REWARDED", reward: { status: "ISSUED" } });
    const discount = shopify.fake.discounts(p.shop).find((d) => d.codes.some((c) => c.code === referral!.reward!.code));
    expect(discount?.customerGets).toMatchObject({ value: { percentage: 0.143 } });
  });
});
