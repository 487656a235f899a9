// A partner's link follows the agreement: invited -> paused until they accept;
// accepted -> their code on the friend discount in Shopify and orders attributed;
// a new version -> paused again (code off the discount, orders with it not
// attributed) until they accept it; ended -> stopped for good. Also the
// one-time sign-in links (once, before expiry, on their own shop only) and what
// retention deletes. Through the domain, the worker and fake Shopify.
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import { acceptAgreement, publishAgreement } from "~/partners/agreement.server";
import { approvePartner, applyAsPartner, declinePartner, endPartner, invitePartner, savePartnerTerms } from "~/partners/partners.server";
import { createSignInLink, portalSessionToken, readPortalSession, redeemSignIn, PORTAL_SESSION_MS } from "~/partners/sign-in.server";
import { applyRetention } from "~/jobs/retention.server";
import { orderPaidPayload } from "../../fake-shopify/payloads";
import { DAY, usePipeline } from "../helpers/pipeline";
import { testClock } from "../helpers/admin";

const { shopify, setupShop } = usePipeline();
type Shop = Awaited<ReturnType<typeof setupShop>>;

let nextId = 8_300_000_000_000;
const now = () => new Date(testClock.now());
const merchant = (p: Shop) => ({ db, shop: p.shop, cause: "merchant:1", now: now() });
const friendCodes = (p: Shop) => shopify.fake.discounts(p.shop).find((d) => d.id === p.program.discountId)!.codes.map((c) => c.code);

async function invited(p: Shop, email = `studio${++nextId}@example.com`) {
  const outcome = await invitePartner(merchant(p), { name: "Sam Stylist", businessName: "Sam's Studio", email, feeKind: "PERCENT", feeValue: "12" });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
  const partner = await db.partner.findUniqueOrThrow({ where: { id: outcome.partnerId }, include: { referrer: true } });
  return { partner, referrer: partner.referrer! };
}

async function orderWith(p: Shop, code: string) {
  const orderId = ++nextId;
  const customerId = ++nextId;
  await p.send("orders/paid", orderPaidPayload({ orderId, customerId, email: `client${customerId}@example.com`, discountCodes: [code], subtotal: "200.00", total: "200.00", currency: "USD", createdAt: now().toISOString() }));
  await p.drain();
  return db.referral.findUnique({ where: { shop_orderId: { shop: p.shop, orderId: `gid://shopify/Order/${orderId}` } } });
}

const referrerOf = (id: string) => db.referrer.findUniqueOrThrow({ where: { id } });

describe("the partner agreement and the partner's link", () => {
  it("needs a published agreement before anyone is invited", async () => {
    const p = await setupShop();
    const outcome = await invitePartner(merchant(p), { name: "Sam", businessName: "Studio", email: "sam@example.com" });
    expect(outcome).toEqual({ ok: false, errors: { agreement: "none" } });
  });

  it("pauses an invited partner's link until they accept, then puts the code in Shopify and attributes their orders", async () => {
    const p = await setupShop();
    expect(await publishAgreement(merchant(p), { body: "Version one", basedOn: 0 })).toEqual({ ok: true, version: 1, paused: 0 });
    const { partner, referrer } = await invited(p);
    expect(partner.status).toBe("INVITED");
    expect(referrer).toMatchObject({ kind: "PARTNER", status: "DISABLED", disabledReason: "PARTNER_AGREEMENT", source: "PARTNER" });
    await p.drain();
    expect(friendCodes(p)).not.toContain(referrer.code);
    // An order with the paused code earns nothing (recorded as refused, as for any disabled referrer).
    expect(await orderWith(p, referrer.code)).toMatchObject({ status: "REJECTED", reason: "The referrer is disabled" });

    // Accepting a version that is not the current one is refused; the current one works, once.
    expect(await acceptAgreement(db, { shop: p.shop, partnerId: partner.id, version: "2", signature: "Sam Stylist", accepted: true, ipHash: "h", now: now() })).toEqual({ ok: false, errors: { agreement: "changed" } });
    expect(await acceptAgreement(db, { shop: p.shop, partnerId: partner.id, version: "1", signature: " ", accepted: false, ipHash: "h", now: now() })).toEqual({ ok: false, errors: { signature: "required", accepted: "required" } });
    expect(await acceptAgreement(db, { shop: p.shop, partnerId: partner.id, version: "1", signature: "Sam Stylist", accepted: true, ipHash: "h", now: now() })).toEqual({ ok: true, version: 1 });
    expect(await acceptAgreement(db, { shop: p.shop, partnerId: partner.id, version: "1", signature: "Sam Stylist", accepted: true, ipHash: "h", now: now() })).toEqual({ ok: true, version: 1 });
    expect(await db.agreementAcceptance.count({ where: { shop: p.shop, partnerId: partner.id } })).toBe(1);
    expect(await db.partner.findUniqueOrThrow({ where: { id: partner.id } })).toMatchObject({ status: "APPROVED" });
    expect(await referrerOf(referrer.id)).toMatchObject({ status: "ACTIVE", disabledReason: null });
    await p.drain();
    expect(friendCodes(p)).toContain(referrer.code);
    expect(await orderWith(p, referrer.code)).toMatchObject({ referrerId: referrer.id, status: "PENDING" });

    // A new version pauses the link (the code leaves the discount) until they accept it.
    expect(await publishAgreement(merchant(p), { body: "Version one", basedOn: 0 })).toEqual({ ok: false, errors: { body: "changed" } });
    expect(await publishAgreement(merchant(p), { body: "Version two", basedOn: 1 })).toEqual({ ok: true, version: 2, paused: 1 });
    expect(await referrerOf(referrer.id)).toMatchObject({ status: "DISABLED", disabledReason: "PARTNER_AGREEMENT" });
    await p.drain();
    expect(friendCodes(p)).not.toContain(referrer.code);
    expect(await orderWith(p, referrer.code)).toMatchObject({ status: "REJECTED", reason: "The referrer is disabled" });
    expect(await acceptAgreement(db, { shop: p.shop, partnerId: partner.id, version: "2", signature: "Sam Stylist", accepted: true, ipHash: "h", now: now() })).toEqual({ ok: true, version: 2 });
    await p.drain();
    expect(friendCodes(p)).toContain(referrer.code);
    expect((await db.agreementAcceptance.findMany({ where: { shop: p.shop, partnerId: partner.id }, orderBy: { version: "asc" } })).map((a) => a.version)).toEqual([1, 2]);

    // Ended: stopped for good; accepting again changes nothing.
    expect(await endPartner(merchant(p), partner.id, "Closed their studio")).toEqual({ ok: true, status: "ENDED" });
    expect(await referrerOf(referrer.id)).toMatchObject({ status: "DISABLED", disabledReason: "PARTNER_ENDED" });
    expect(await acceptAgreement(db, { shop: p.shop, partnerId: partner.id, version: "2", signature: "Sam", accepted: true, ipHash: null, now: now() })).toEqual({ ok: false, errors: { agreement: "none" } });
    await p.drain();
    expect(friendCodes(p)).not.toContain(referrer.code);
  });

  it("approves an application whose accepted version is current with a working link, and pauses one that accepted an older version", async () => {
    const p = await setupShop();
    await publishAgreement(merchant(p), { body: "Version one", basedOn: 0 });
    const apply = (email: string, version: string) =>
      applyAsPartner(db, { shop: p.shop, input: { name: "Ana", businessName: `Shop of ${email}`, email, signature: "Ana Lopez", accepted: "on", agreementVersion: version }, ipHash: "iphash", locale: "es", now: now() });
    expect(await apply("ana@example.com", "1")).toEqual({ ok: true });
    expect(await apply("ana@example.com", "1")).toEqual({ ok: true }); // the same answer; one application
    expect(await db.partner.count({ where: { shop: p.shop, emailKey: "ana@example.com" } })).toBe(1);
    expect(await apply("old@example.com", "1")).toEqual({ ok: true });
    expect(await apply("no@example.com", "1")).toEqual({ ok: true });
    const ana = await db.partner.findFirstOrThrow({ where: { shop: p.shop, emailKey: "ana@example.com" } });
    expect(await approvePartner(merchant(p), ana.id)).toEqual({ ok: true, status: "APPROVED" });
    expect(await approvePartner(merchant(p), ana.id)).toEqual({ ok: false, reason: "not-waiting" });
    const anaNow = await db.partner.findUniqueOrThrow({ where: { id: ana.id }, include: { referrer: true } });
    expect(anaNow.referrer).toMatchObject({ status: "ACTIVE", kind: "PARTNER", locale: "es" });

    await publishAgreement(merchant(p), { body: "Version two", basedOn: 1 });
    expect(await apply("late@example.com", "1")).toEqual({ ok: false, errors: { agreement: "changed" } });
    expect((await db.referrer.findUniqueOrThrow({ where: { id: anaNow.referrerId! } })).status).toBe("DISABLED");
    // Accepted version 1 only: approved, with the link paused until version 2 is accepted.
    const old = await db.partner.findFirstOrThrow({ where: { shop: p.shop, emailKey: "old@example.com" } });
    // An applicant cannot accept their way in: still waiting for the merchant.
    expect(await acceptAgreement(db, { shop: p.shop, partnerId: old.id, version: "2", signature: "Old", accepted: true, ipHash: null, now: now() })).toEqual({ ok: false, errors: { agreement: "none" } });
    expect(await approvePartner(merchant(p), old.id)).toEqual({ ok: true, status: "APPROVED" });
    const oldNow = await db.partner.findUniqueOrThrow({ where: { id: old.id }, include: { referrer: true } });
    expect(oldNow.referrer).toMatchObject({ status: "DISABLED", disabledReason: "PARTNER_AGREEMENT" });
    await acceptAgreement(db, { shop: p.shop, partnerId: old.id, version: "2", signature: "Old", accepted: true, ipHash: null, now: now() });
    expect((await db.referrer.findUniqueOrThrow({ where: { id: oldNow.referrerId! } })).status).toBe("ACTIVE");

    const no = await db.partner.findFirstOrThrow({ where: { shop: p.shop, emailKey: "no@example.com" } });
    expect(await declinePartner(merchant(p), no.id, "Not a fit")).toEqual({ ok: true, status: "DECLINED" });
    expect(await declinePartner(merchant(p), no.id, "Again")).toEqual({ ok: false, reason: "not-waiting" });
    // Declined applications are deleted by retention after 90 days; approved partners stay.
    p.advance(91 * DAY);
    const counts = await applyRetention(db, now());
    expect(counts.declinedPartners).toBeGreaterThanOrEqual(1);
    expect(await db.partner.findUnique({ where: { id: no.id } })).toBeNull();
    expect(await db.agreementAcceptance.count({ where: { partnerId: no.id } })).toBe(0);
    expect(await db.partner.findUnique({ where: { id: ana.id } })).not.toBeNull();
  });

  it("makes a customer referrer with the same email the partner, keeping their code", async () => {
    const p = await setupShop();
    await publishAgreement(merchant(p), { body: "Version one", basedOn: 0 });
    const { partner, referrer } = await invited(p, "rita@example.com");
    expect(referrer.id).toBe(p.referrer.id);
    expect(referrer).toMatchObject({ code: p.referrer.code, kind: "PARTNER", status: "DISABLED" });
    expect(partner.referrerId).toBe(p.referrer.id);
  });

  it("an application never takes over a customer referrer with the same email; an invitation does, keeping a merchant's block and the customer reward of earlier referrals", async () => {
    const p = await setupShop({ holdDays: 14 });
    await publishAgreement(merchant(p), { body: "Version one", basedOn: 0 });
    // Someone applies with Rita's address (nobody has shown it is theirs) and is approved: a new code of their own.
    expect(await applyAsPartner(db, { shop: p.shop, input: { name: "Not Rita", businessName: "Impostor Ltd", email: "rita@example.com", payoutEmail: "impostor@example.com", signature: "Not Rita", accepted: "on", agreementVersion: "1" }, ipHash: null, locale: null, now: now() })).toEqual({ ok: true });
    const applicant = await db.partner.findFirstOrThrow({ where: { shop: p.shop, emailKey: "rita@example.com" } });
    expect(await approvePartner(merchant(p), applicant.id)).toEqual({ ok: true, status: "APPROVED" });
    const approved = await db.partner.findUniqueOrThrow({ where: { id: applicant.id }, include: { referrer: true } });
    expect(approved.referrerId).not.toBe(p.referrer.id);
    expect(approved.referrer).toMatchObject({ kind: "PARTNER", emailKey: null });
    expect(await referrerOf(p.referrer.id)).toMatchObject({ kind: "CUSTOMER", status: "ACTIVE", code: p.referrer.code });

    // An invitation of a customer referrer the merchant blocked: they become the partner, still blocked after accepting.
    const other = await setupShop({ holdDays: 14 });
    await publishAgreement(merchant(other), { body: "Version one", basedOn: 0 });
    // A referral Rita made as a customer, still in its hold when she becomes a partner.
    const before = await orderWith(other, other.referrer.code);
    expect(before).toMatchObject({ status: "PENDING" });
    await db.referrer.updateMany({ where: { id: other.referrer.id }, data: { status: "DISABLED", disabledReason: "Fraud: self-referrals" } });
    other.advance(60_000);
    const { partner } = await invited(other, "rita@example.com");
    expect(partner.referrerId).toBe(other.referrer.id);
    await acceptAgreement(db, { shop: other.shop, partnerId: partner.id, version: "1", signature: "Rita", accepted: true, ipHash: null, now: now() });
    expect(await referrerOf(other.referrer.id)).toMatchObject({ kind: "PARTNER", status: "DISABLED", disabledReason: "Fraud: self-referrals" });
    // Unblocked by the merchant (through the database here: the referrer page refuses partners), her later orders earn the fee.
    await db.referrer.updateMany({ where: { id: other.referrer.id }, data: { status: "ACTIVE", disabledReason: null } });
    await other.drain();
    const after = await orderWith(other, other.referrer.code);
    other.advance(15 * DAY);
    await other.drain();
    // The referral from before she was a partner keeps the customer reward; the one after earns the partner fee.
    expect(await db.reward.findFirstOrThrow({ where: { shop: other.shop, referralId: before!.id } })).toMatchObject({ source: "REFERRAL", kind: "CODE" });
    expect(await db.reward.findFirstOrThrow({ where: { shop: other.shop, referralId: after!.id } })).toMatchObject({ source: "PARTNER_FEE", kind: "CASH" });
  });

  it("an acceptance racing the end of the agreement never leaves an ended partner's link working", async () => {
    const p = await setupShop();
    await publishAgreement(merchant(p), { body: "Version one", basedOn: 0 });
    for (let round = 0; round < 8; round++) {
      const { partner, referrer } = await invited(p);
      const [accepted, ended] = await Promise.all([
        acceptAgreement(db, { shop: p.shop, partnerId: partner.id, version: "1", signature: "Sam", accepted: true, ipHash: null, now: now() }),
        endPartner(merchant(p), partner.id, "race"),
      ]);
      const after = await db.partner.findUniqueOrThrow({ where: { id: partner.id } });
      expect(ended).toEqual({ ok: true, status: "ENDED" });
      expect(after.status).toBe("ENDED");
      expect(await referrerOf(referrer.id)).toMatchObject({ status: "DISABLED", disabledReason: "PARTNER_ENDED" });
      expect(typeof accepted.ok).toBe("boolean");
    }
  });

  it("an erased partner's shell is not approved or given new data", async () => {
    const p = await setupShop();
    await publishAgreement(merchant(p), { body: "Version one", basedOn: 0 });
    await applyAsPartner(db, { shop: p.shop, input: { name: "Eve", businessName: "Eve's", email: "eve@example.com", signature: "Eve", accepted: "on", agreementVersion: "1" }, ipHash: null, locale: null, now: now() });
    const eve = await db.partner.findFirstOrThrow({ where: { shop: p.shop, emailKey: "eve@example.com" } });
    await db.partner.updateMany({ where: { id: eve.id }, data: { redactedAt: now(), name: "", email: "", emailKey: `erased:${eve.id}` } });
    expect(await approvePartner(merchant(p), eve.id)).toEqual({ ok: false, reason: "not-waiting" });
    expect(await savePartnerTerms(merchant(p), eve.id, { payoutEmail: "eve@example.com" })).toEqual({ ok: false, reason: "not-found" });
    expect(await db.partner.findUniqueOrThrow({ where: { id: eve.id } })).toMatchObject({ status: "APPLIED", referrerId: null, payoutEmail: null });
  });

  it("signs a partner in with a link once, before it expires, on its own shop", async () => {
    const p = await setupShop();
    const other = await setupShop();
    await publishAgreement(merchant(p), { body: "Version one", basedOn: 0 });
    const { partner } = await invited(p);
    const link = (ttlMs: number) => createSignInLink(db, { shop: p.shop, partnerId: partner.id, storefrontOrigin: `https://${p.shop}`, ttlMs, now: now() });
    const first = await link(30 * 60_000);
    expect(first.url).toBe(`https://${p.shop}/apps/referrals/partners/sign-in?token=${first.token}`);
    expect(await db.partnerSignIn.findUniqueOrThrow({ where: { id: first.id } })).not.toHaveProperty("token");
    expect(JSON.stringify(await db.partnerSignIn.findUniqueOrThrow({ where: { id: first.id } }))).not.toContain(first.token);
    expect(await redeemSignIn(db, { shop: other.shop, token: first.token, now: now() })).toEqual({ ok: false, reason: "invalid" });
    const [a, b] = await Promise.all([redeemSignIn(db, { shop: p.shop, token: first.token, now: now() }), redeemSignIn(db, { shop: p.shop, token: first.token, now: now() })]);
    expect([a, b].filter((r) => r.ok)).toEqual([{ ok: true, partnerId: partner.id }]);
    expect(await redeemSignIn(db, { shop: p.shop, token: first.token, now: now() })).toEqual({ ok: false, reason: "used" });
    const late = await link(30 * 60_000);
    p.advance(31 * 60_000);
    expect(await redeemSignIn(db, { shop: p.shop, token: late.token, now: now() })).toEqual({ ok: false, reason: "expired" });
    expect(await redeemSignIn(db, { shop: p.shop, token: "made-up-token-made-up-token", now: now() })).toEqual({ ok: false, reason: "invalid" });
    // An ended partner's unused link no longer signs in.
    const unused = await link(60 * 60_000);
    await endPartner(merchant(p), partner.id, "");
    expect(await redeemSignIn(db, { shop: p.shop, token: unused.token, now: now() })).toEqual({ ok: false, reason: "invalid" });
    // Retention deletes links past their expiry.
    expect((await applyRetention(db, new Date(now().getTime() + 8 * DAY))).partnerSignIns).toBeGreaterThanOrEqual(3);
    expect(await db.partnerSignIn.count({ where: { shop: p.shop } })).toBe(0);
  });

  it("keeps a portal session to its shop and its lifetime, and refuses a forged one", async () => {
    const secret = "test-secret";
    const token = portalSessionToken(secret, { shop: "a.myshopify.com", partnerId: "p1", now: new Date(0) });
    expect(readPortalSession(secret, token, { shop: "a.myshopify.com", now: new Date(1000) })).toEqual({ ok: true, session: { shop: "a.myshopify.com", partnerId: "p1", expiresAt: new Date(PORTAL_SESSION_MS) } });
    expect(readPortalSession(secret, token, { shop: "b.myshopify.com", now: new Date(1000) })).toEqual({ ok: false, reason: "invalid" });
    expect(readPortalSession(secret, token, { shop: "a.myshopify.com", now: new Date(PORTAL_SESSION_MS) })).toEqual({ ok: false, reason: "expired" });
    expect(readPortalSession("other-secret", token, { shop: "a.myshopify.com", now: new Date(1000) })).toEqual({ ok: false, reason: "invalid" });
    const [body, sig] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ s: "a.myshopify.com", p: "p2", e: PORTAL_SESSION_MS })).toString("base64url");
    expect(readPortalSession(secret, `${forged}.${sig}`, { shop: "a.myshopify.com", now: new Date(1000) })).toEqual({ ok: false, reason: "invalid" });
    expect(readPortalSession(secret, `${body}.${sig}.x`, { shop: "a.myshopify.com", now: new Date(1000) })).toEqual({ ok: false, reason: "invalid" });
  });
});
