// A partner's whole journey through the real entry points only: the merchant
// publishes the agreement and invites a business in the admin; the invitation
// arrives over SMTP with a one-time link; the partner opens it on the
// storefront (app proxy), signs in with the button, accepts the agreement in
// the portal; their code reaches Shopify's friend discount; a client's order
// arrives as a webhook, its fee is decided when the return window ends, a
// partial refund lowers it; the merchant batches it, downloads the PayPal
// file and marks the batch paid; the partner's portal shows the fee paid with
// the reference. Then the merchant publishes a new version: the link pauses
// until the partner signs in again and accepts it. On both databases.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import db from "~/db.server";
import * as agreement from "~/routes/app.partners.agreement";
import * as list from "~/routes/app.partners._index";
import * as payouts from "~/routes/app.payouts";
import * as paypal from "~/routes/app.payouts.batches.$id.paypal";
import { orderPaidPayload, refundCreatePayload } from "../../fake-shopify/payloads";
import { act, adminRequest, installShop, load } from "../helpers/admin-request";
import { en } from "~/i18n/en";
import { testClock } from "../helpers/admin";
import { sendProxy } from "../helpers/app-proxy";
import { renderProxyLiquid } from "../helpers/liquid";
import { DAY, usePipeline } from "../helpers/pipeline";
import { startTestSmtp, useSmtpEnv, type TestSmtp } from "../helpers/smtp";

const { shopify, setupShop } = usePipeline();
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startTestSmtp();
  useSmtpEnv(smtp);
});
afterAll(async () => {
  await smtp.close();
  useSmtpEnv(null);
});
afterEach(() => vi.useRealTimers());

const PARTNER_EMAIL = "owner@harbour-hiking.example";
let nextId = 8_400_000_000_000;

/** The one-time link in the `count`th email the SMTP server received (its plain-text part), sent to the partner. */
async function linkInMail(count: number, kind: string) {
  const mail = (await smtp.waitFor(count))[count - 1];
  expect(mail.envelopeTo).toEqual([PARTNER_EMAIL]);
  expect(mail.parsed.headers.get("x-referral-email")).toBe(kind);
  const url = (mail.parsed.text ?? "").match(/https?:\/\/\S+\/apps\/referrals\/partners\/sign-in\?token=[A-Za-z0-9_-]+/)?.[0];
  expect(url).toBeTruthy();
  return new URL(url!);
}

const hidden = (html: string, name: string) => html.match(new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`))?.[1]?.replace(/&#([0-9]+);/g, (_, n) => String.fromCharCode(Number(n))) ?? null;

/** The routes stamp jobs with the real clock: the worker's test clock catches up before it runs them. */
async function catchUp(p: { drain(): Promise<void> }) {
  testClock.ms = Math.max(testClock.ms, Date.now());
  await p.drain();
}

async function liquidPage(response: Response) {
  expect(response.headers.get("Cache-Control")).toBe("private, no-store");
  return renderProxyLiquid(await response.text());
}

describe("a partner's journey", () => {
  it("invite -> sign in by link -> accept -> order -> fee -> refund -> batch paid -> portal; a new version pauses the link until accepted again", async () => {
    const p = await setupShop({ holdDays: 14 });
    await installShop(p.shop);
    const proxy = (path: string, fields?: Record<string, string>) => sendProxy({ shop: p.shop, ip: "203.0.113.9", path, ...(fields ? { body: new URLSearchParams(fields) } : {}) });

    // The merchant publishes the agreement from the template and invites the business.
    const draft = (await load(agreement.loader, p.shop, "/app/partners/agreement")).starter!;
    expect(draft).toContain("14");
    expect((await act(agreement.action, p.shop, "/app/partners/agreement", { intent: "publish", body: draft, basedOn: "0" })).data).toMatchObject({ ok: true, version: 1 });
    const invited = await act(list.action, p.shop, "/app/partners", { intent: "invite", name: "Lina Vella", businessName: "Harbour Hiking", email: PARTNER_EMAIL, feeKind: "", feeValue: "" });
    expect(invited.data).toMatchObject({ ok: true });
    expect(await db.emailMessage.count({ where: { shop: p.shop, kind: "PARTNER_INVITED" } })).toBe(1);
    await catchUp(p); // the outbox sends the invitation

    // The link from the email: opening it does not sign in (a mail scanner cannot use it up); the button does, once.
    const link = await linkInMail(1, "PARTNER_INVITED");
    const token = link.searchParams.get("token")!;
    const opened = await proxy(`/partners/sign-in?token=${encodeURIComponent(token)}`);
    expect(opened.status).toBe(200);
    expect(await db.partnerSignIn.count({ where: { shop: p.shop, usedAt: { not: null } } })).toBe(0);
    const signedIn = await proxy("/partners/sign-in", { token });
    expect(signedIn.status).toBe(200);
    let html = await liquidPage(signedIn);
    const session = hidden(html, "session")!;
    expect(session).toBeTruthy();
    expect((await proxy("/partners/sign-in", { token })).status).toBe(410);

    // The portal asks for the agreement first; the partner accepts it by typing their name.
    expect(html).toContain("Harbour Hiking");
    const partner = await db.partner.findFirstOrThrow({ where: { shop: p.shop, emailKey: PARTNER_EMAIL }, include: { referrer: true } });
    expect(partner.referrer).toMatchObject({ status: "DISABLED" });
    const accepted = await proxy("/partners/portal", { session, intent: "accept", signature: "Lina Vella", accepted: "on", agreementVersion: "1" });
    expect(accepted.status).toBe(200);
    const acceptance = await db.agreementAcceptance.findFirstOrThrow({ where: { shop: p.shop, partnerId: partner.id } });
    expect(acceptance).toMatchObject({ version: 1, signature: "Lina Vella" });
    expect(acceptance.ipHash).not.toContain("203.0.113.9");
    const code = partner.referrer!.code;
    expect(await db.referrer.findUniqueOrThrow({ where: { id: partner.referrerId! } })).toMatchObject({ status: "ACTIVE" });
    await catchUp(p);
    const discount = shopify.fake.discounts(p.shop).find((d) => d.id === p.program.discountId)!;
    expect(discount.codes.map((c) => c.code)).toContain(code);

    // A client orders with the partner's code; the fee (the program's 10% partner fee) is decided after the return window.
    const orderId = ++nextId;
    await p.send("orders/paid", orderPaidPayload({ orderId, customerId: ++nextId, email: "client@example.com", discountCodes: [code], subtotal: "240.00", total: "250.00", currency: "USD", createdAt: new Date(testClock.now()).toISOString() }));
    await p.drain();
    p.advance(15 * DAY);
    // From here the routes (which read the system clock) and the worker (the test clock) agree on the date again.
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    vi.setSystemTime(testClock.now());
    await p.drain();
    const fee = await db.reward.findFirstOrThrow({ where: { shop: p.shop, referrerId: partner.referrerId!, source: "PARTNER_FEE" } });
    expect(fee).toMatchObject({ kind: "CASH", status: "ISSUED" });
    expect(fee.value.toString()).toBe("24");
    // A partial refund before payment lowers it: 10% of 240 - 40.
    await p.send("refunds/create", refundCreatePayload({ orderId, refundId: ++nextId, amount: "40.00", currency: "USD" }));
    await p.drain();
    expect((await db.reward.findUniqueOrThrow({ where: { id: fee.id } })).value.toString()).toBe("20");

    // The merchant batches the partners' fees, downloads PayPal's file, and marks the batch paid.
    expect((await act(payouts.action, p.shop, "/app/payouts", { intent: "create", who: "partners" })).data).toMatchObject({ ok: true });
    const batch = await db.payoutBatch.findFirstOrThrow({ where: { shop: p.shop } });
    const file = (await paypal.loader({ request: adminRequest(p.shop, `/app/payouts/batches/${batch.id}/paypal`), params: { id: batch.id }, context: {} })) as Response;
    const program = await db.program.findUniqueOrThrow({ where: { shop: p.shop } });
    const note = en.payoutBatches.paypalNote(program.shopName || p.shop, batch.number);
    expect((await file.text()).trim().split(/\r?\n/).map((line) => line.split(","))).toEqual([[PARTNER_EMAIL, "20.00", "USD", `B${batch.number}-1`, note, "PAYPAL"]]);
    expect((await act(payouts.action, p.shop, "/app/payouts", { intent: "pay-batch", batchId: batch.id, amount: "20.00", reference: "PAYPAL-7781" })).data).toMatchObject({ ok: true });
    expect(await db.reward.findUniqueOrThrow({ where: { id: fee.id } })).toMatchObject({ status: "PAID", payoutReference: "PAYPAL-7781" });

    // Two weeks later the first session has long ended: the partner asks for a new link on the partner page.
    expect((await proxy("/partners/portal", { session, intent: "view" })).status).toBe(401);
    expect((await proxy("/partners/link", { email: PARTNER_EMAIL })).status).toBe(200);
    await catchUp(p);
    const fresh = await linkInMail(2, "PARTNER_SIGN_IN");
    html = await liquidPage(await proxy("/partners/sign-in", { token: fresh.searchParams.get("token")! }));
    // The partner sees the same figures: the order, and the fee paid with the reference.
    expect(html).toContain("PAYPAL-7781");
    expect(html).toContain("$20.00");
    expect(html).not.toContain("client@example.com");

    // A new version: the link pauses at once, the partner is emailed a link, signs in and accepts again.
    const v2 = `${draft}\n\n9. Fees are paid every two weeks.`;
    expect((await act(agreement.action, p.shop, "/app/partners/agreement", { intent: "publish", body: v2, basedOn: "1" })).data).toMatchObject({ ok: true, version: 2 });
    expect(await db.referrer.findUniqueOrThrow({ where: { id: partner.referrerId! } })).toMatchObject({ status: "DISABLED", disabledReason: "PARTNER_AGREEMENT" });
    await catchUp(p);
    expect(shopify.fake.discounts(p.shop).find((d) => d.id === p.program.discountId)!.codes.map((c) => c.code)).not.toContain(code);
    const second = await linkInMail(3, "PARTNER_AGREEMENT_CHANGED");
    const again = await liquidPage(await proxy("/partners/sign-in", { token: second.searchParams.get("token")! }));
    expect(again).toContain("Fees are paid every two weeks.");
    const session2 = hidden(again, "session")!;
    expect((await proxy("/partners/portal", { session: session2, intent: "accept", signature: "Lina Vella", accepted: "on", agreementVersion: "2" })).status).toBe(200);
    expect(await db.referrer.findUniqueOrThrow({ where: { id: partner.referrerId! } })).toMatchObject({ status: "ACTIVE" });
    expect((await db.agreementAcceptance.findMany({ where: { shop: p.shop, partnerId: partner.id }, orderBy: { version: "asc" } })).map((a) => a.version)).toEqual([1, 2]);
    await catchUp(p);
    expect(shopify.fake.discounts(p.shop).find((d) => d.id === p.program.discountId)!.codes.map((c) => c.code)).toContain(code);

    // The partner was never sent the customer program's emails ("a friend ordered", "your reward"): only partner mail.
    const sent = await db.emailMessage.findMany({ where: { shop: p.shop, recipient: PARTNER_EMAIL, status: "SENT" }, orderBy: { createdAt: "asc" } });
    expect(sent.map((m) => m.kind)).toEqual(["PARTNER_INVITED", "PARTNER_SIGN_IN", "PARTNER_AGREEMENT_CHANGED"]);
    expect(smtp.received.map((m) => m.parsed.headers.get("x-referral-email"))).toEqual(["PARTNER_INVITED", "PARTNER_SIGN_IN", "PARTNER_AGREEMENT_CHANGED"]);
  });
});
