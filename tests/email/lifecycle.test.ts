// The emails of a referral's life, through the real pipeline: signed webhooks
// into the inbox, the real worker, the outbox job, nodemailer holding a real
// SMTP conversation with smtp-server in this process, every message parsed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import { orderGid, orderPaidPayload, refundCreatePayload } from "../../fake-shopify/payloads";
import { DAY, pipelineWorker, usePipeline } from "../helpers/pipeline";
import { testClock } from "../helpers/admin";
import { startTestSmtp, useSmtpEnv, type TestSmtp } from "../helpers/smtp";

const { setupShop } = usePipeline();
let smtp: TestSmtp;

beforeAll(async () => {
  smtp = await startTestSmtp();
  useSmtpEnv(smtp);
});
afterAll(async () => {
  await smtp.close();
  useSmtpEnv(null);
});

let nextId = 7_000_000_000_000;
const newId = () => ++nextId;

function paidOrder(code: string, subtotal = "100.00") {
  const orderId = newId();
  const payload = orderPaidPayload({
    orderId,
    customerId: newId(),
    email: `friend${orderId}@example.com`,
    discountCodes: [code],
    subtotal,
    total: subtotal,
    currency: "USD",
    createdAt: new Date(testClock.now()).toISOString(),
  });
  return { orderId, payload };
}

const mailTo = (to: string, subject?: RegExp) =>
  smtp.received.filter((m) => m.envelopeTo.includes(to) && (!subject || subject.test(m.parsed.subject ?? "")));

async function setRitaTo(shop: string, data: { locale?: string | null; firstName?: string; email?: string }) {
  await db.referrer.updateMany({ where: { shop, source: "STOREFRONT" }, data });
}

/** A header as it went over the wire (mailparser folds List-* headers into one object). */
const rawHeader = (raw: string, name: string) => new RegExp(`^${name}: (.*)$`, "im").exec(raw.replace(/\r?\n[ \t]+/g, " "))?.[1];

describe("emails of a referral", () => {
  it("a friend ordered, your reward (with its code), reward taken back: once each, however Shopify repeats itself", async () => {
    const p = await setupShop({ holdDays: 14, rewardExpiryDays: 60 });
    const to = `rita+${p.shop}@example.com`;
    await setRitaTo(p.shop, { email: to });
    const before = smtp.received.length;
    const { orderId, payload } = paidOrder(p.referrer.code);
    const webhookId = await p.send("orders/paid", payload);
    await p.send("orders/paid", payload, webhookId); // the same delivery again
    await p.send("orders/paid", payload); // the same order under a new webhook id
    await p.drain();
    await p.drain();

    const ordered = mailTo(to, /friend just ordered/);
    expect(ordered).toHaveLength(1);
    const mail = ordered[0].parsed;
    expect(mail.from?.value[0]).toMatchObject({ address: "referrals@app.test" });
    expect(mail.text).toContain("Rita");
    const holdUntil = (await p.referral(orderGid(orderId)))!.holdUntil!;
    const date = new Intl.DateTimeFormat("en", { dateStyle: "long", timeZone: "America/New_York" }).format(holdUntil);
    expect(mail.text).toContain(date);
    // Not essential: one-click unsubscribe (RFC 8058), an https link signed for this shop and address.
    expect(rawHeader(ordered[0].raw, "List-Unsubscribe")).toMatch(/^<https:\/\/referrals\.test\/email\/unsubscribe\/[\w-]+\?lang=en>$/);
    expect(rawHeader(ordered[0].raw, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    expect(mail.html).toContain(`${p.referrer.code}`);

    p.advance(15 * DAY);
    await p.drain();
    await p.drain();
    const referral = await p.referral(orderGid(orderId));
    expect(referral?.reward?.status).toBe("ISSUED");
    const rewardMails = mailTo(to, /reward is here/);
    expect(rewardMails).toHaveLength(1);
    const reward = rewardMails[0].parsed;
    expect(reward.text).toContain(referral!.reward!.code!);
    expect(reward.text).toContain("10% off your next order");
    expect(reward.text).toContain("Enter the code at checkout");
    expect(reward.text).toMatch(/Valid until \w+ \d+, \d{4}/);
    // Transactional: no unsubscribe.
    expect(rawHeader(rewardMails[0].raw, "List-Unsubscribe")).toBeUndefined();

    await p.send("refunds/create", refundCreatePayload({ orderId, refundId: newId(), amount: "100.00", currency: "USD" }));
    await p.drain();
    await p.drain();
    const revoked = mailTo(to, /About your/);
    expect(revoked).toHaveLength(1);
    expect(revoked[0].parsed.text).toContain("has been cancelled");
    expect(rawHeader(revoked[0].raw, "List-Unsubscribe")).toBeUndefined();

    expect(smtp.received.length - before).toBe(3);
    const log = await db.emailMessage.findMany({ where: { shop: p.shop }, orderBy: { kind: "asc" } });
    expect(log.map((m) => [m.kind, m.status]).sort()).toEqual([
      ["FRIEND_ORDERED", "SENT"],
      ["REWARD_ISSUED", "SENT"],
      // The reminder was queued with the reward, for later; the reward is gone, so it will not go.
      ["REWARD_REMINDER", "QUEUED"],
      ["REWARD_REVOKED", "SENT"],
    ].sort());
  });

  it("reminds about an unused reward code before it expires, and not about a used one", async () => {
    const p = await setupShop({ holdDays: 0, rewardExpiryDays: 30, rewardReminderDays: 7 });
    const to = `rita+${p.shop}@example.com`;
    await setRitaTo(p.shop, { email: to });
    await p.send("orders/paid", paidOrder(p.referrer.code).payload);
    await p.drain();
    await p.drain();
    expect(mailTo(to, /reward is here/)).toHaveLength(1);
    p.advance(22 * DAY);
    await p.drain();
    expect(mailTo(to, /expires on/)).toHaveLength(0);
    p.advance(1 * DAY + 60_000);
    await p.drain();
    const reminder = mailTo(to, /expires on/);
    expect(reminder).toHaveLength(1);
    expect(rawHeader(reminder[0].raw, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");

    // A second reward whose code is used at checkout: its reminder does not go.
    const second = paidOrder(p.referrer.code);
    await p.send("orders/paid", second.payload);
    await p.drain();
    await p.drain();
    const code = (await p.referral(orderGid(second.orderId)))!.reward!.code!;
    await p.send("orders/paid", orderPaidPayload({ orderId: newId(), customerId: newId(), email: to, discountCodes: [code], subtotal: "50.00", total: "45.00", currency: "USD", createdAt: new Date(testClock.now()).toISOString() }));
    await p.drain();
    p.advance(24 * DAY);
    await p.drain();
    await p.drain();
    expect(mailTo(to, /expires on/)).toHaveLength(1);
    const suppressed = await db.emailMessage.findFirst({ where: { shop: p.shop, kind: "REWARD_REMINDER", status: "SUPPRESSED" } });
    expect(suppressed?.reason).toBe("The reward code was used");
  });

  it("writes in the referrer's language, falling back to the shop's primary locale, then English", async () => {
    const p = await setupShop({ holdDays: 14 });
    const to = `rita+${p.shop}@example.com`;
    await setRitaTo(p.shop, { email: to, locale: "fr-CA" });
    await p.send("orders/paid", paidOrder(p.referrer.code).payload);
    await p.drain();
    const [fr] = smtp.received.filter((m) => m.envelopeTo.includes(to));
    expect(fr.parsed.html).toContain('lang="fr"');
    expect(fr.parsed.text).toContain("Rita");
    expect(fr.parsed.subject).not.toMatch(/friend just ordered/);

    await setRitaTo(p.shop, { locale: null });
    await db.program.update({ where: { shop: p.shop }, data: { primaryLocale: "de" } });
    await p.send("orders/paid", paidOrder(p.referrer.code).payload);
    await p.drain();
    const de = smtp.received.filter((m) => m.envelopeTo.includes(to))[1];
    expect(de.parsed.html).toContain('lang="de"');

    await db.program.update({ where: { shop: p.shop }, data: { primaryLocale: "pt-BR" } });
    await p.send("orders/paid", paidOrder(p.referrer.code).payload);
    await p.drain();
    const en = smtp.received.filter((m) => m.envelopeTo.includes(to))[2];
    expect(en.parsed.subject).toMatch(/friend just ordered/);
  });

  it("escapes a hostile name in the HTML and keeps it verbatim in the text part", async () => {
    const p = await setupShop({ holdDays: 14 });
    const to = `rita+${p.shop}@example.com`;
    const hostile = `<img src=x onerror=alert(1)>"{link}'&`;
    await setRitaTo(p.shop, { email: to, firstName: hostile });
    await p.send("orders/paid", paidOrder(p.referrer.code).payload);
    await p.drain();
    const [mail] = mailTo(to);
    expect(mail.raw).not.toContain("<img src=x");
    expect(mail.parsed.html).toContain("&lt;img src=x onerror=alert(1)&gt;&quot;{link}&#39;&amp;");
    // The value's own "{link}" is not filled in again.
    expect(mail.parsed.text).toContain(`${hostile}: a friend`);
  });
});

describe("delivery", () => {
  it("an address the server refuses for good (550) is marked undeliverable: no more mail goes to it", async () => {
    const p = await setupShop({ holdDays: 14 });
    const to = `gone+${p.shop}@example.com`;
    await setRitaTo(p.shop, { email: to });
    smtp.rejectForGood.add(to.toLowerCase());
    await p.send("orders/paid", paidOrder(p.referrer.code).payload);
    await p.drain();
    const failed = await db.emailMessage.findFirst({ where: { shop: p.shop, kind: "FRIEND_ORDERED" } });
    expect(failed).toMatchObject({ status: "FAILED", attempts: 1 });
    expect(failed!.reason).toMatch(/550|User unknown/);
    expect(await db.emailSuppression.findMany({ where: { shop: p.shop } })).toMatchObject([{ reason: "UNDELIVERABLE" }]);

    const attemptsBefore = smtp.received.length;
    await p.send("orders/paid", paidOrder(p.referrer.code).payload);
    await p.drain();
    const second = await db.emailMessage.findMany({ where: { shop: p.shop, kind: "FRIEND_ORDERED" }, orderBy: { createdAt: "asc" } });
    expect(second[1]).toMatchObject({ status: "SUPPRESSED", attempts: 1 });
    expect(second[1].reason).toMatch(/Undeliverable/);
    expect(smtp.received.length).toBe(attemptsBefore);
  });

  it("a server refusing the sender (530 to MAIL FROM: a login is missing) is the app's configuration, not the recipient: retried, nobody blocked", async () => {
    const p = await setupShop({ holdDays: 14 });
    const to = `config+${p.shop}@example.com`;
    await setRitaTo(p.shop, { email: to });
    smtp.refuseSender = { code: 530, message: "5.7.0 Authentication required" };
    try {
      await p.send("orders/paid", paidOrder(p.referrer.code).payload);
      await p.drain();
      const row = await db.emailMessage.findFirst({ where: { shop: p.shop, kind: "FRIEND_ORDERED" } });
      expect(row).toMatchObject({ status: "QUEUED", attempts: 1 });
      expect(row!.reason).toMatch(/Authentication required/);
      expect(await db.emailSuppression.count({ where: { shop: p.shop } })).toBe(0);
    } finally {
      smtp.refuseSender = null;
    }
    p.advance(60_000);
    await p.drain();
    expect(await db.emailMessage.findFirst({ where: { shop: p.shop, kind: "FRIEND_ORDERED" } })).toMatchObject({ status: "SENT", attempts: 2 });
    expect(mailTo(to)).toHaveLength(1);
  });

  it("a busy server (451) is tried again with backoff, and the email goes once", async () => {
    const p = await setupShop({ holdDays: 14 });
    const to = `busy+${p.shop}@example.com`;
    await setRitaTo(p.shop, { email: to });
    smtp.rejectForNow.set(to.toLowerCase(), 2);
    await p.send("orders/paid", paidOrder(p.referrer.code).payload);
    await p.drain();
    let row = await db.emailMessage.findFirst({ where: { shop: p.shop, kind: "FRIEND_ORDERED" } });
    expect(row).toMatchObject({ status: "QUEUED", attempts: 1 });
    expect(row!.reason).toMatch(/451|try again/);
    expect(row!.availableAt.getTime()).toBeGreaterThan(testClock.now());
    p.advance(60_000);
    await p.drain();
    p.advance(5 * 60_000);
    await p.drain();
    row = await db.emailMessage.findFirst({ where: { shop: p.shop, kind: "FRIEND_ORDERED" } });
    expect(row).toMatchObject({ status: "SENT", attempts: 3, reason: null });
    expect(mailTo(to)).toHaveLength(1);
  });

  it("two workers draining at once send each email exactly once", async () => {
    const p = await setupShop({ holdDays: 14 });
    const before = smtp.received.length;
    const orders = Array.from({ length: 12 }, () => paidOrder(p.referrer.code));
    for (const o of orders) await p.send("orders/paid", o.payload);
    const a = pipelineWorker({ workerId: "a" });
    const b = pipelineWorker({ workerId: "b" });
    await Promise.all([p.drain(a), p.drain(b)]);
    await Promise.all([p.drain(a), p.drain(b)]);
    expect(await db.emailMessage.count({ where: { shop: p.shop, kind: "FRIEND_ORDERED", status: "SENT" } })).toBe(12);
    expect(smtp.received.length - before).toBe(12);
  });
});
