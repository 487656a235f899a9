// The Emails page and the email settings, through the real loaders and actions
// with a merchant's session token; test sends go through the outbox job to a
// real SMTP server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import * as emails from "~/routes/app.emails";
import * as preview from "~/routes/app.emails.preview";
import * as settings from "~/routes/app.settings";
import * as invite from "~/routes/app.invite";
import { runOutbox } from "~/email/outbox.server";
import { emailInvitation } from "~/email/events.server";
import type { JobContext } from "~/queue/types";
import { seedReferrer } from "../../fake-shopify/seed";
import { useTestShopify } from "../helpers/admin";
import { act, installShop, load } from "../helpers/admin-request";
import { uniqueShop } from "../helpers/shops";
import { startTestSmtp, useSmtpEnv, type TestSmtp } from "../helpers/smtp";

useTestShopify();
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startTestSmtp();
  useSmtpEnv(smtp);
});
afterAll(async () => {
  await smtp.close();
  useSmtpEnv(null);
});

async function newShop() {
  const shop = uniqueShop();
  await installShop(shop);
  await load(emails.loader, shop, "/app/emails"); // creates the program
  return shop;
}

function outboxCtx(shop: string): JobContext {
  return { db, shop, cause: "test", kind: "email-outbox", key: "outbox", payload: null, now: () => new Date(), admin: () => Promise.reject(new Error("no Admin API in this test")) };
}

describe("Emails page", () => {
  it("lists every email with its switch; switching one off keeps it from going", async () => {
    const shop = await newShop();
    const page = await load(emails.loader, shop, "/app/emails");
    expect(page.emailOff).toBe(false);
    expect(page.kinds.map((k) => [k.kind, k.enabled])).toEqual([
      ["INVITATION", true],
      ["YOUR_LINK", true],
      ["FRIEND_ORDERED", true],
      ["REWARD_ISSUED", true],
      ["REWARD_REMINDER", true],
      ["REWARD_REVOKED", true],
      ["CODE_CHANGED", true],
      ["MERCHANT_DIGEST", false],
      ["PARTNER_INVITED", true],
      ["PARTNER_APPROVED", true],
      ["PARTNER_SIGN_IN", true],
      ["PARTNER_AGREEMENT_CHANGED", true],
    ]);
    expect(await act(emails.action, shop, "/app/emails", { intent: "toggle", kind: "INVITATION", enabled: "false" })).toMatchObject({ status: 200 });
    const after = await load(emails.loader, shop, "/app/emails");
    expect(after.kinds.find((k) => k.kind === "INVITATION")?.enabled).toBe(false);

    const referrer = await seedReferrer(db, shop, { email: `off+${shop}@example.com`, firstName: "Ann" });
    await emailInvitation(db, { ...referrer }, "run-1");
    const before = smtp.received.length;
    await runOutbox(outboxCtx(shop));
    expect(smtp.received.length).toBe(before);
    expect(await db.emailMessage.findFirst({ where: { shop, kind: "INVITATION" } })).toMatchObject({ status: "SUPPRESSED", reason: "Switched off on the Emails page" });
    const log = await load(emails.loader, shop, "/app/emails");
    expect(log.log[0]).toMatchObject({ kind: "INVITATION", status: "suppressed", reason: "Switched off on the Emails page" });
  });

  it("refuses an unknown placeholder on the field it is in, and saves valid texts per language", async () => {
    const shop = await newShop();
    const bad = await act(emails.action, shop, "/app/emails", { intent: "save", kind: "YOUR_LINK", locale: "es", subject: "Hola {first_name}", heading: "", body: "Tu enlace: {link}" });
    expect(bad.status).toBe(400);
    expect(bad.data.errors.subject).toContain("{first_name}");
    expect(bad.data.errors.heading).toBeTruthy();
    expect(bad.data.errors.body).toBeUndefined();
    expect(await db.emailText.count({ where: { shop } })).toBe(0);

    // A known placeholder this email cannot fill in is refused too.
    const elsewhere = await act(emails.action, shop, "/app/emails", { intent: "save", kind: "YOUR_LINK", locale: "es", subject: "Hasta {expires_on}", heading: "Hola", body: "{link}" });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.data.errors.subject).toMatch(/\{expires_on\}.*this email can use/);

    const good = await act(emails.action, shop, "/app/emails", {
      intent: "save",
      kind: "YOUR_LINK",
      locale: "es",
      subject: "{referrer_first_name}, tu enlace de {shop_name}",
      heading: "¡Ya estás dentro!",
      body: "Comparte {link} y tus amigos tendrán {friend_offer}.",
    });
    expect(good).toMatchObject({ status: 200, data: { ok: true } });
    const es = await load(emails.loader, shop, "/app/emails?kind=YOUR_LINK&language=es");
    expect(es.texts).toMatchObject({ heading: "¡Ya estás dentro!", edited: true });
    expect(es.kinds.find((k) => k.kind === "YOUR_LINK")?.editedLocales).toEqual(["es"]);
    // Other languages keep their defaults.
    const fr = await load(emails.loader, shop, "/app/emails?kind=YOUR_LINK&language=fr");
    expect(fr.texts.edited).toBe(false);

    await act(emails.action, shop, "/app/emails", { intent: "reset", kind: "YOUR_LINK", locale: "es" });
    expect(await db.emailText.count({ where: { shop } })).toBe(0);
  });

  it("previews the text being typed, escaped, with sample values, in the language chosen", async () => {
    const shop = await newShop();
    const result = await act(preview.action, shop, "/app/emails/preview", {
      kind: "INVITATION",
      locale: "de",
      subject: "Hallo {referrer_first_name}",
      heading: "<b>Bold</b> & {shop_name}",
      body: "Dein Link: {link}\n\nZweiter Absatz",
    });
    expect(result.status).toBe(200);
    expect(result.data.subject).toBe("Hallo Rita");
    expect(result.data.html).toContain('lang="de"');
    expect(result.data.html).toContain("&lt;b&gt;Bold&lt;/b&gt; &amp; ");
    expect(result.data.html).toMatch(/<a href="https:\/\/[^"]+\?ref=FRIEND-SAMPLE&amp;ch=email"/);
    expect(result.data.html).toContain("Zweiter Absatz");
    const refused = await act(preview.action, shop, "/app/emails/preview", { kind: "NOPE", locale: "de" });
    expect(refused.status).toBe(400);
  });

  it("sends a test of the email in the chosen language, and logs it", async () => {
    const shop = await newShop();
    const to = `merchant+${shop}@example.com`;
    const badTo = await act(emails.action, shop, "/app/emails", { intent: "test", kind: "REWARD_ISSUED", locale: "hi", to: "not-an-email" });
    expect(badTo).toMatchObject({ status: 400, data: { errors: { to: expect.any(String) } } });
    const ok = await act(emails.action, shop, "/app/emails", { intent: "test", kind: "REWARD_ISSUED", locale: "hi", to });
    expect(ok).toMatchObject({ status: 200, data: { ok: true } });
    await runOutbox(outboxCtx(shop));
    const mail = smtp.received.find((m) => m.envelopeTo.includes(to))!;
    expect(mail.parsed.html).toContain('lang="hi"');
    expect(mail.parsed.text).toContain("FRIEND-SAMPLE");
    const page = await load(emails.loader, shop, "/app/emails");
    expect(page.log[0]).toMatchObject({ kind: "REWARD_ISSUED", test: true, status: "sent", recipient: to });
  });

  it("limits test sends to 20 an hour per shop", async () => {
    const shop = await newShop();
    for (let i = 0; i < 20; i++) expect((await act(emails.action, shop, "/app/emails", { intent: "test", kind: "INVITATION", locale: "en", to: `t${i}@example.com` })).status).toBe(200);
    const refused = await act(emails.action, shop, "/app/emails", { intent: "test", kind: "INVITATION", locale: "en", to: "t21@example.com" });
    expect(refused).toMatchObject({ status: 409, data: { message: expect.stringMatching(/20 test emails an hour/) } });
  });

  it("uses the sender name, reply-to, logo and accent colour from Settings", async () => {
    const shop = await newShop();
    const { values } = await load(settings.loader, shop, "/app/settings");
    const refused = await act(settings.action, shop, "/app/settings", { ...values, intent: "save", emailReplyTo: "nope", emailAccentColor: "blue", emailLogoUrl: "http://x.test/logo.png" });
    expect(refused.status).toBe(400);
    expect(Object.keys(refused.data.errors).sort()).toEqual(["emailAccentColor", "emailLogoUrl", "emailReplyTo"]);
    const saved = await act(settings.action, shop, "/app/settings", {
      ...values,
      intent: "save",
      emailSenderName: "Casa Rita",
      emailReplyTo: "help@casa.test",
      emailLogoUrl: "https://cdn.casa.test/logo.png",
      emailAccentColor: "#ffcc00",
    });
    expect(saved.status).toBe(200);
    const to = `look+${shop}@example.com`;
    await act(emails.action, shop, "/app/emails", { intent: "test", kind: "INVITATION", locale: "en", to });
    await runOutbox(outboxCtx(shop));
    const mail = smtp.received.find((m) => m.envelopeTo.includes(to))!;
    expect(mail.parsed.from?.value[0]).toEqual({ name: "Casa Rita", address: "referrals@app.test" });
    expect(mail.parsed.replyTo?.value[0].address).toBe("help@casa.test");
    expect(mail.parsed.html).toContain('src="https://cdn.casa.test/logo.png"');
    // A light accent gets dark button text.
    expect(mail.parsed.html).toMatch(/background-color:#ffcc00;color:#111111/);
  });
});

describe("with email off", () => {
  it("says so and why, refuses test sends, and queues nothing", async () => {
    useSmtpEnv(null);
    try {
      const shop = await newShop();
      const page = await load(emails.loader, shop, "/app/emails");
      expect(page.emailOff).toBe(true);
      const test = await act(emails.action, shop, "/app/emails", { intent: "test", kind: "INVITATION", locale: "en", to: "m@example.com" });
      expect(test.status).toBe(409);
      expect(test.data.message).toMatch(/SMTP_URL is not set/);
      const referrer = await seedReferrer(db, shop, { email: `nobody+${shop}@example.com` });
      expect(await emailInvitation(db, referrer, "run-x")).toBe("off");
      expect(await db.emailMessage.count({ where: { shop } })).toBe(0);
      const invitePage = await load(invite.loader, shop, "/app/invite");
      expect(invitePage.emailOff).toBe(true);
    } finally {
      useSmtpEnv(smtp);
    }
  });
});
