// Regression (found by the soak, soak/soak.ts): orders/cancelled and orders/paid
// for one order processed at the same moment by two workers. The cancellation
// looked the referral up, found none (the paid order's referral was not
// committed yet), then tried to record the order as a cancelled referral and
// lost the race on the (shop, orderId) key: it returned as if done, and the
// paid order's referral stayed live and was rewarded for a cancelled order.
import { describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import db from "~/db.server";
import { parseOrder } from "~/jobs/handlers/orders-paid.server";
import { cancelOrder } from "~/referrals/cancellation.server";
import { orderCancelledPayload, orderGid, orderPaidPayload } from "../../fake-shopify/payloads";
import { testAdminClient, testClock } from "../helpers/admin";
import { DAY, usePipeline } from "../helpers/pipeline";

const { setupShop } = usePipeline();

/** The database as the cancellation saw it: its first referral lookup ran before the paid order's referral existed. */
function staleFirstLookup(real: Db): Db {
  let stale = true;
  const referral = new Proxy(real.referral, {
    get(target, property, receiver) {
      if (property === "findUnique" && stale) {
        return async () => {
          stale = false;
          return null;
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
  return new Proxy(real, { get: (target, property, receiver) => (property === "referral" ? referral : Reflect.get(target, property, receiver)) });
}

describe("a cancellation racing its paid order", () => {
  it("still reverses the referral the paid order created meanwhile, and nothing is rewarded", async () => {
    const p = await setupShop({ holdDays: 30 });
    const orderId = 5_900_000_000_001;
    const order = {
      orderId,
      customerId: 5_900_000_000_002,
      email: "friend-race@example.com",
      discountCodes: [p.referrer.code],
      subtotal: "100.00",
      total: "100.00",
      currency: "USD",
      createdAt: new Date(testClock.now()).toISOString(),
    };
    await p.send("orders/paid", orderPaidPayload(order));
    await p.drain();
    expect(await p.referral(orderGid(orderId))).toMatchObject({ status: "PENDING" });

    const status = await cancelOrder(
      {
        db: staleFirstLookup(db),
        shop: p.shop,
        cause: "webhook:race-test",
        now: () => new Date(testClock.now()),
        admin: () => testAdminClient(p.shop),
      },
      parseOrder(orderCancelledPayload(order)),
    );

    expect(status).toBe("REVERSED");
    expect(await p.referral(orderGid(orderId))).toMatchObject({ status: "REVERSED", reason: "The order was cancelled" });
    p.advance(31 * DAY);
    await p.drain();
    expect(await p.referral(orderGid(orderId))).toMatchObject({ status: "REVERSED", reward: null });
  });
});
