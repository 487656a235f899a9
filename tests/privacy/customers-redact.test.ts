// customers/redact: the customer is gone from every table of the shop, the
// shop's numbers are not, and other shops are not touched.
import { beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { customersRedact } from "~/jobs/handlers/compliance.server";
import { PermanentError } from "~/queue/types";
import { customersRedactPayload } from "../../fake-shopify/payloads";
import { deleteEveryRow, mentionsOf } from "./every-row";
import { ALICE, ALICE_NEEDLES, CAROL, anonymousTotals, seedShop, webhookContext } from "./seed";

const shop = "privacy-shop.myshopify.com";
const otherShop = "other-shop.myshopify.com";

function redact(payload = customersRedactPayload({ shop, customerId: ALICE.id, email: ALICE.requestEmail, ordersToRedact: [5000000000002] })) {
  return customersRedact(webhookContext(db, { shop, topic: "customers/redact", payload, webhookId: "redact-1" }));
}

let seeded: Awaited<ReturnType<typeof seedShop>>;
beforeEach(async () => {
  await deleteEveryRow(db);
  seeded = await seedShop(db, shop);
  await seedShop(db, otherShop);
});

describe("customers/redact", () => {
  it("the seed really puts the customer in many tables (the search below can find her)", async () => {
    const hits = await mentionsOf(db, shop, ALICE_NEEDLES);
    const tables = new Set(hits.map((h) => h.split(".")[0]));
    expect([...tables].sort()).toEqual(["AgreementAcceptance", "AuditEvent", "EmailMessage", "EmailSuppression", "Job", "Partner", "Referral", "Referrer", "Reward", "Session", "WebhookDelivery"]);
  });

  it("leaves no trace of the customer's email, id or name in any table of the shop", async () => {
    await redact();
    expect(await mentionsOf(db, shop, ALICE_NEEDLES)).toEqual([]);
  });

  it("keeps the shop's counts and amounts, and other customers' data", async () => {
    const before = await anonymousTotals(db, shop);
    await redact();
    expect(await anonymousTotals(db, shop)).toEqual(before);
    expect(await mentionsOf(db, shop, [CAROL.email, CAROL.gid, "bob@example.com"])).not.toEqual([]);
    const carolDelivery = await db.webhookDelivery.findFirstOrThrow({ where: { shop, webhookId: "paid-3" } });
    expect(carolDelivery).toMatchObject({ status: "PENDING" });
    expect(carolDelivery.payload).toContain(CAROL.email);
  });

  it("makes the referrer anonymous and disabled, keeping the code", async () => {
    await redact();
    const referrer = await db.referrer.findFirstOrThrow({ where: { shop, id: seeded.alice.id } });
    expect(referrer).toMatchObject({
      customerId: null,
      email: null,
      emailKey: null,
      firstName: null,
      lastName: null,
      status: "DISABLED",
      code: ALICE.code,
      redactedAt: new Date("2026-11-01T00:00:00.000Z"),
    });
    expect(await db.linkEvent.count({ where: { shop, referrerId: referrer.id } })).toBe(4);
  });

  it("erases her partner business's contact, signatures and sign-in links, keeping the shell and Bob's", async () => {
    await redact();
    const partner = await db.partner.findFirstOrThrow({ where: { shop, id: seeded.alicePartner.id } });
    expect(partner).toMatchObject({ name: "", businessName: "", email: "", website: null, pitch: null, payoutEmail: null, redactedAt: new Date("2026-11-01T00:00:00.000Z") });
    expect(await db.agreementAcceptance.findFirstOrThrow({ where: { shop, partnerId: partner.id } })).toMatchObject({ signature: "", ipHash: null, version: 1 });
    expect(await db.partnerSignIn.count({ where: { shop, partnerId: partner.id } })).toBe(0);
    expect(await db.partner.findFirstOrThrow({ where: { shop, id: seeded.bobPartner.id } })).toMatchObject({ name: "Bob Builder", businessName: "Bob's Bricks", redactedAt: null });
  });

  it("clears the friend details of the referral where she was the friend", async () => {
    await redact();
    expect(await db.referral.findFirstOrThrow({ where: { shop, id: seeded.bobReferral.id } })).toMatchObject({
      friendCustomerId: null,
      friendEmail: null,
      friendEmailKey: null,
      friendAddressHash: null,
      landingSite: null,
      referringSite: null,
      status: "APPROVED",
      reason: "Friend [redacted] passed the self-referral checks",
    });
  });

  it("parks a waiting delivery about her instead of running it later, and keeps JSON details parseable", async () => {
    await redact();
    expect(await db.webhookDelivery.findFirstOrThrow({ where: { shop, webhookId: "paid-4" } })).toMatchObject({
      status: "INVALID",
      payload: null,
    });
    const job = await db.job.findFirstOrThrow({ where: { shop, key: "bob-1" } });
    expect(JSON.parse(job.payload!)).toEqual({ rewardFor: "gid://shopify/Customer/1111111111111", friend: "gid://shopify/Customer/[redacted]" });
    const created = await db.auditEvent.findFirstOrThrow({ where: { shop, referralId: seeded.bobReferral.id } });
    expect(JSON.parse(created.detail!)).toEqual({ friend: { id: null, email: "[redacted]" }, code: "FRIEND-B2B2B2B2" });
  });

  it("records the erasure without saying whom it erased", async () => {
    await redact();
    const event = await db.auditEvent.findFirstOrThrow({ where: { shop, action: "privacy.customer_redact" } });
    expect(event.cause).toBe("webhook:redact-1");
    expect(JSON.parse(event.detail!)).toMatchObject({ referrers: 1, friendReferrals: 1 });
  });

  it("does not touch the same customer in another shop", async () => {
    const before = await mentionsOf(db, otherShop, ALICE_NEEDLES);
    await redact();
    expect(await mentionsOf(db, otherShop, ALICE_NEEDLES)).toEqual(before);
  });

  it("finds her by email alone, and by id alone", async () => {
    await redact(customersRedactPayload({ shop, customerId: null, email: "ALICE.LIDDELL+other@googlemail.com" }));
    expect(await mentionsOf(db, shop, ALICE_NEEDLES)).toEqual([]);

    await deleteEveryRow(db);
    await seedShop(db, shop);
    await redact(customersRedactPayload({ shop, customerId: ALICE.id, email: null }));
    // Her email is recognised through the rows her id matched.
    expect(await mentionsOf(db, shop, ALICE_NEEDLES)).toEqual([]);
  });

  it("is safe to run twice", async () => {
    await redact();
    await redact();
    expect(await mentionsOf(db, shop, ALICE_NEEDLES)).toEqual([]);
  });

  it("refuses a payload for another shop or without a customer, without retrying", async () => {
    await expect(redact(customersRedactPayload({ shop: otherShop, customerId: ALICE.id, email: ALICE.requestEmail }))).rejects.toBeInstanceOf(
      PermanentError,
    );
    await expect(redact(customersRedactPayload({ shop, customerId: null, email: null }))).rejects.toBeInstanceOf(PermanentError);
    expect(await db.referrer.count({ where: { shop, redactedAt: { not: null } } })).toBe(0);
  });
});
