// customers/data_request: the merchant gets everything the app holds about the
// customer, and nothing about anyone else.
import { beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import { customersDataRequest } from "~/jobs/handlers/compliance.server";
import { customerDataReport, type CustomerDataReport } from "~/referrals/privacy.server";
import { customersDataRequestPayload } from "../../fake-shopify/payloads";
import { ALICE, BOB, CAROL, seedShop, webhookContext } from "./seed";

const shop = "privacy-shop.myshopify.com";
const otherShop = "other-shop.myshopify.com";

let seeded: Awaited<ReturnType<typeof seedShop>>;
beforeAll(async () => {
  seeded = await seedShop(db, shop);
  await seedShop(db, otherShop);
});

async function request(webhookId = "data-1") {
  const payload = customersDataRequestPayload({ shop, customerId: ALICE.id, email: ALICE.requestEmail, dataRequestId: 77 });
  await customersDataRequest(webhookContext(db, { shop, topic: "customers/data_request", payload, webhookId }));
}

describe("customers/data_request", () => {
  it("stores the report for the merchant as an audit event, once per delivery", async () => {
    await request();
    await request();
    const events = await db.auditEvent.findMany({ where: { shop, action: "privacy.data_request" } });
    expect(events).toHaveLength(1);
    expect(events[0].cause).toBe("webhook:data-1");
    const report = JSON.parse(events[0].detail!) as CustomerDataReport;
    expect(report.request).toEqual({ customerId: ALICE.gid, email: ALICE.requestEmail });
    expect(report.asReferrer[0].referrals.map((r) => r.referralId)).toEqual([seeded.aliceReferral.id]);
    expect(await db.auditEvent.count({ where: { shop: otherShop, action: "privacy.data_request" } })).toBe(0);
  });

  it("holds her profile, the referrals she made, her rewards and her link activity", async () => {
    const report = await customerDataReport(db, { shop, customerId: ALICE.id, email: ALICE.requestEmail });
    expect(report.asReferrer).toHaveLength(1);
    expect(report.asReferrer[0]).toMatchObject({
      referrerId: seeded.alice.id,
      customerId: ALICE.gid,
      email: ALICE.referrerEmail,
      firstName: "Alice",
      lastName: "Liddell",
      code: ALICE.code,
      formerCodes: [{ code: "FRIEND-OLDA1ICE", replacedAt: "2026-10-01T12:00:00.000Z", worksUntil: "2026-10-15T00:00:00.000Z" }],
      referrals: [{ orderId: "gid://shopify/Order/5000000000001", status: "REWARDED", subtotalAmount: "100", totalAmount: "110", currencyCode: "USD" }],
      rewards: [{ kind: "CASH", value: "10", currencyCode: "USD", status: "PAID", payoutReference: "PayPal to Alice.Liddell@gmail.com" }],
      linkEvents: { clicks: 3, shares: 1 },
    });
  });

  it("holds her partner business: the application and the agreements she signed", async () => {
    const report = await customerDataReport(db, { shop, customerId: ALICE.id, email: ALICE.requestEmail });
    expect(report.asPartner).toEqual([
      expect.objectContaining({
        partnerId: seeded.alicePartner.id,
        name: "Alice Liddell",
        businessName: "Liddell Looking-Glass Repairs",
        email: ALICE.referrerEmail,
        payoutEmail: "alice.payouts@example.com",
        acceptances: [{ version: 1, signedName: "Alice Liddell", acceptedAt: "2026-10-01T12:00:00.000Z", addressHashHeld: true }],
      }),
    ]);
    // Bob's business is not hers.
    expect(JSON.stringify(report)).not.toContain("Bob's Bricks");
  });

  it("holds the emails the app sent her or meant to, and her opt-out", async () => {
    const report = await customerDataReport(db, { shop, customerId: ALICE.id, email: ALICE.requestEmail });
    expect(report.emails.map((e) => [e.kind, e.status, e.to]).sort()).toEqual([
      ["REWARD_REMINDER", "FAILED", ALICE.referrerEmail],
      ["YOUR_LINK", "SENT", ALICE.referrerEmail],
    ]);
    expect(report.emailOptOuts).toEqual([{ reason: "UNSUBSCRIBED", since: expect.any(String) }]);
    expect(JSON.stringify(report)).not.toContain("bob@example.com");
  });

  it("holds the referral where she was the friend", async () => {
    const report = await customerDataReport(db, { shop, customerId: ALICE.id, email: ALICE.requestEmail });
    expect(report.asFriend).toEqual([
      expect.objectContaining({
        referralId: seeded.bobReferral.id,
        customerId: ALICE.gid,
        email: ALICE.friendEmail,
        addressFingerprintHeld: true,
        referredWithCode: BOB.code,
        landingSite: expect.stringContaining("subscriber="),
        referringSite: "https://mail.example.net/u/alice.liddell/inbox",
        totalAmount: "55",
      }),
    ]);
  });

  it("says nothing about the friends she referred or the referrer who referred her", () =>
    customerDataReport(db, { shop, customerId: ALICE.id, email: null }).then((report) => {
      const text = JSON.stringify(report);
      for (const other of [CAROL.email, CAROL.gid, BOB.email, BOB.gid, "Bob", "Builder"]) expect(text).not.toContain(other);
    }));

  it("finds her by any spelling of her email when the id is unknown", async () => {
    const report = await customerDataReport(db, { shop, email: "A.L.I.C.E.LIDDELL+x@GoogleMail.com" });
    expect(report.asReferrer.map((r) => r.referrerId)).toEqual([seeded.alice.id]);
    expect(report.asFriend.map((r) => r.referralId)).toEqual([seeded.bobReferral.id]);
  });

  it("reports an unknown customer as holding nothing", async () => {
    const report = await customerDataReport(db, { shop, customerId: 42, email: "nobody@example.com" });
    expect(report).toMatchObject({ asReferrer: [], asFriend: [] });
  });
});
