// Realistic admin data through the real order pipeline: referrers enrolled by
// the domain, friends' orders sent as signed Shopify webhooks, holds released
// by the worker, a cancellation reversing one referral, and link events.
import db from "~/db.server";
import { rebuildDailyStats } from "~/referrals/daily-stats.server";
import { enrolReferrer } from "~/referrals/referrers.server";
import type { ProgramSettingsInput } from "~/referrals/program-settings";
import { orderCancelledPayload, orderPaidPayload } from "../../fake-shopify/payloads";
import { testClock } from "./admin";
import { installShop } from "./admin-request";
import { DAY, type usePipeline } from "./pipeline";
import { recountLinkEvents } from "~/storefront/link-events.server";

type Pipeline = ReturnType<typeof usePipeline>;
type Shop = Awaited<ReturnType<Pipeline["setupShop"]>>;

let nextId = 7_100_000_000_000 + Math.floor(Math.random() * 1e9);
const newId = () => ++nextId;
let orderNumber = 1000;

export async function sendOrder(p: Shop, code: string, o: { email: string; subtotal: string; firstName?: string }) {
  const orderId = newId();
  const payload = orderPaidPayload({
    orderId,
    customerId: newId(),
    email: o.email,
    firstName: o.firstName,
    discountCodes: [code],
    subtotal: o.subtotal,
    total: o.subtotal,
    currency: "USD",
    name: `#${++orderNumber}`,
    createdAt: new Date(testClock.now()).toISOString(),
  });
  await p.send("orders/paid", payload);
  return { orderId, payload };
}

/**
 * Two referrers (Rita from setupShop, Sam), seven referred orders: four
 * rewarded after their hold, one of which (Sam's) is then cancelled (reversed,
 * its reward clawed back), three still on hold; plus shares and clicks on
 * several channels. Returns the pipeline's shop handle and Sam.
 */
export async function seedShopActivity(pipeline: Pipeline, settings: ProgramSettingsInput = {}) {
  const p = await pipeline.setupShop({ holdDays: 30, ...settings });
  await installShop(p.shop);
  const now = () => new Date(testClock.now());
  const samCustomer = pipeline.shopify.fake.seedCustomer(p.shop, { firstName: "Sam", lastName: "Lee", email: "sam@example.com" });
  const { referrer: sam } = await enrolReferrer(db, { shop: p.shop, customerId: samCustomer.id, email: "sam@example.com", firstName: "Sam", lastName: "Lee", source: "INVITE", cause: "test", now: now() });
  await p.drain();

  const friends = ["ana@example.com", "ben@example.com", "cleo@example.com"];
  for (const [i, email] of friends.entries()) await sendOrder(p, p.referrer.code, { email, subtotal: `${80 + i * 20}.00` });
  const cancelled = await sendOrder(p, sam.code, { email: "dan@example.com", subtotal: "60.00" });
  await p.drain();
  p.advance(31 * DAY);
  await p.drain(); // the first three are rewarded
  await p.send(
    "orders/cancelled",
    orderCancelledPayload({ orderId: cancelled.orderId, discountCodes: [sam.code], subtotal: "60.00", total: "60.00", currency: "USD", email: "dan@example.com" }),
  );
  for (const [i, email] of ["eve@example.com", "finn@example.com", "gus@example.com"].entries()) {
    await sendOrder(p, i === 0 ? p.referrer.code : sam.code, { email, subtotal: `${45 + i * 10}.00` });
  }
  await p.drain();

  const events = [
    ...["whatsapp", "whatsapp", "email", "copy", "x"].map((channel) => ({ type: "SHARE", channel })),
    ...["whatsapp", "whatsapp", "whatsapp", "email", "direct", "x", "whatsapp", "email"].map((channel) => ({ type: "CLICK", channel })),
  ];
  await db.linkEvent.createMany({
    data: events.map((e, i) => ({ shop: p.shop, referrerId: i % 2 ? sam.id : p.referrer.id, ...e, createdAt: new Date(Date.now() - (i % 5) * DAY) })),
  });
  // Backdated events are written as rows: their dashboard totals come from the backfill.
  await recountLinkEvents(db, p.shop);
  await rebuildDailyStats(db, p.shop);
  return { ...p, sam };
}
