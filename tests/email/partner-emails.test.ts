// The partner emails (app/email/partner-events.server.ts): each queued in the
// caller's transaction, sent by the shop's outbox job over a real SMTP
// conversation, in the partner's language or the shop's; the sign-in link in
// the HTML and the plain text with until when it works; the invitation
// honours an unsubscribe, the others do not; Klaviyo does not take them over;
// a link used, expired or erased before sending is not mailed; and the link
// (in the message's payload) is forgotten once the message is finished. Plus
// the Emails page: the kinds listed, named in every admin language,
// previewed, editable and test-sent.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import * as emails from "~/routes/app.emails";
import * as preview from "~/routes/app.emails.preview";
import { kickOutbox, runOutbox } from "~/email/outbox.server";
import { emailPartnerAgreementChanged, emailPartnerApproved, emailPartnerInvited, emailPartnerSignIn, type PartnerContact, type SignInLink } from "~/email/partner-events.server";
import { ESSENTIAL, PARTNER_EMAIL_KINDS, type PartnerEmailKind } from "~/email/kinds";
import { DEFAULT_TEXTS } from "~/email/texts";
import { suppress, UNSUBSCRIBED } from "~/email/unsubscribe.server";
import { MESSAGES as CATALOGUES } from "~/i18n/messages";
import { normaliseEmail } from "~/referrals/email";
import type { JobContext } from "~/queue/types";
import { seedReferrer } from "../../fake-shopify/seed";
import { useTestShopify } from "../helpers/admin";
import { act, installShop, load } from "../helpers/admin-request";
import { uniqueShop } from "../helpers/shops";
import { startTestSmtp, useSmtpEnv, type ReceivedMail, type TestSmtp } from "../helpers/smtp";

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

const MINUTE = 60_000;

function outboxCtx(shop: string, now = () => new Date()): JobContext {
  return { db, shop, cause: "test", kind: "email-outbox", key: "outbox", payload: null, now, admin: () => Promise.reject(new Error("no Admin API in this test")) };
}

/** An installed shop with its program (made by the Emails page, as in production), named and in a time zone. */
async function newShop(program: { primaryLocale?: string } = {}) {
  const shop = uniqueShop("partners");
  await installShop(shop);
  await load(emails.loader, shop, "/app/emails");
  await db.program.update({ where: { shop }, data: { shopName: "Casa Rita", timezone: "Europe/Malta", storefrontUrl: `https://${shop.split(".")[0]}.example`, ...program } });
  return shop;
}

/** A partner with no referrer row, and a sign-in link for them (as app/partners makes them: only the token's hash is kept). */
async function newPartner(shop: string, options: { locale?: string | null; status?: string; referrerId?: string | null; ttlMs?: number } = {}) {
  const email = `Owner-${randomBytes(3).toString("hex")}@Studio.example`;
  const row = await db.partner.create({
    data: {
      shop,
      status: options.status ?? "INVITED",
      name: "Marta Vella",
      businessName: "Studio <Vella> & Co",
      email,
      emailKey: normaliseEmail(email)!,
      locale: options.locale ?? null,
      referrerId: options.referrerId ?? null,
    },
  });
  const partner: PartnerContact = { id: row.id, shop, referrerId: row.referrerId, email: row.email, name: row.name, businessName: row.businessName, locale: row.locale };
  return { partner, link: await newLink(shop, row.id, options.ttlMs) };
}

async function newLink(shop: string, partnerId: string, ttlMs = 30 * MINUTE): Promise<SignInLink & { token: string }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + ttlMs);
  const row = await db.partnerSignIn.create({ data: { shop, partnerId, tokenHash: `hash-${token}`, expiresAt } });
  const origin = (await db.program.findUniqueOrThrow({ where: { shop } })).storefrontUrl;
  return { id: row.id, token, url: `${origin}/apps/referrals/partners/sign-in?token=${token}`, expiresAt };
}

const QUEUE: Record<PartnerEmailKind, (partner: PartnerContact, link: SignInLink) => ReturnType<typeof emailPartnerSignIn>> = {
  PARTNER_INVITED: (p, l) => emailPartnerInvited(db, p, l, new Date()),
  PARTNER_APPROVED: (p, l) => emailPartnerApproved(db, p, l, new Date()),
  PARTNER_SIGN_IN: (p, l) => emailPartnerSignIn(db, p, l, new Date()),
  PARTNER_AGREEMENT_CHANGED: (p, l) => emailPartnerAgreementChanged(db, p, l, 3, new Date()),
};

/** Queues one email of the kind, runs the shop's outbox, and returns what the SMTP server got. */
async function sendOne(kind: PartnerEmailKind, shop: string, partner: PartnerContact, link: SignInLink): Promise<ReceivedMail> {
  expect(await QUEUE[kind](partner, link)).toBe("queued");
  const before = smtp.received.length;
  await runOutbox(outboxCtx(shop));
  await smtp.waitFor(before + 1);
  return smtp.received.find((m, i) => i >= before && sentTo(m, partner.email))!;
}

/** Whether the mail went to the address (the envelope may spell it in another case). */
const sentTo = (mail: ReceivedMail, address: string) => mail.envelopeTo.some((a) => a.toLowerCase() === address.toLowerCase());

const subjectOf = (kind: PartnerEmailKind, language: keyof typeof DEFAULT_TEXTS, values: Record<string, string>) =>
  DEFAULT_TEXTS[language].kinds[kind].subject.replace(/\{(\w+)\}/g, (_, name: string) => values[name]);

describe("partner emails over SMTP", () => {
  for (const [language, partnerLocale] of [
    ["en", null],
    ["hi", "hi-IN"],
  ] as const) {
    it.each(PARTNER_EMAIL_KINDS)(`%s in ${language}: the sign-in link in the HTML and the text, until when it works, the shop; the payload is forgotten once sent`, async (kind) => {
      const shop = await newShop();
      const { partner, link } = await newPartner(shop, { locale: partnerLocale });
      const mail = await sendOne(kind, shop, partner, link);
      const texts = DEFAULT_TEXTS[language];
      const html = String(mail.parsed.html);
      const text = mail.parsed.text ?? "";

      expect(mail.parsed.subject).toBe(subjectOf(kind, language, { shop_name: "Casa Rita", business_name: "Studio <Vella> & Co", agreement_version: "3" }));
      expect(html).toContain(`lang="${language}"`);
      expect(mail.parsed.headers.get("x-referral-email")).toBe(kind);
      // The button and the running text both go to the one-time link.
      expect(html).toContain(`href="${link.url}"`);
      expect(html.match(new RegExp(`href="${link.url.replace(/[.?]/g, "\\$&")}"`, "g"))?.length).toBe(2);
      expect(html).toContain(texts.kinds[kind].button);
      expect(text).toContain(link.url);
      // Names come from the payload, escaped in the HTML.
      expect(html).toContain("Marta Vella");
      expect(html).toContain("Studio &lt;Vella&gt; &amp; Co");
      expect(html).not.toContain("<Vella>");
      expect(text).toContain("Studio <Vella> & Co");
      expect(html).toContain("Casa Rita");
      // Until when the link works: date and time in the shop's time zone, in the partner's language.
      const until = new Intl.DateTimeFormat(language, { year: "numeric", month: "long", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short", timeZone: "Europe/Malta" }).format(link.expiresAt);
      const validity = texts.partners.link_valid.replace("{expires_at}", until);
      expect(text.replace(/\s+/g, " ")).toContain(validity.replace(/\s+/g, " "));
      expect(text).toContain(texts.partners.footer.replace("{shop_name}", "Casa Rita"));
      if (kind === "PARTNER_AGREEMENT_CHANGED") expect(text).toContain(texts.kinds[kind].heading);
      // The invitation carries a one-click unsubscribe; the others are essential.
      const unsubscribable = kind === "PARTNER_INVITED";
      expect(ESSENTIAL.has(kind)).toBe(!unsubscribable);
      expect(/^List-Unsubscribe:/m.test(mail.raw)).toBe(unsubscribable);
      expect(text.includes(texts.common.unsubscribe)).toBe(unsubscribable);
      // No placeholder left unfilled, no referrer needed.
      expect(`${mail.parsed.subject} ${text}`).not.toMatch(/\{[a-z_]+\}/);

      const row = await db.emailMessage.findFirstOrThrow({ where: { shop, kind } });
      expect(row).toMatchObject({ status: "SENT", locale: language, referrerId: null, payload: null });
      expect(row.key).toMatch(new RegExp(`:${link.id}:`));
    });
  }

  it("without a language of their own, a partner gets the shop's primary language; a referrer row's language does not count", async () => {
    const shop = await newShop({ primaryLocale: "fr" });
    const referrer = await seedReferrer(db, shop, { email: "other@example.com", locale: "es" });
    const { partner, link } = await newPartner(shop, { locale: null, referrerId: referrer.id });
    const mail = await sendOne("PARTNER_APPROVED", shop, partner, link);
    expect(String(mail.parsed.html)).toContain('lang="fr"');
    expect(mail.parsed.subject).toBe("Bienvenue dans le programme partenaires de Casa Rita");
    expect(await db.emailMessage.findFirstOrThrow({ where: { shop, kind: "PARTNER_APPROVED" } })).toMatchObject({ referrerId: referrer.id, locale: "fr" });
  });

  it("an unsubscribed partner gets no invitation, and still gets their sign-in link, their approval and a new agreement", async () => {
    const shop = await newShop();
    const { partner } = await newPartner(shop);
    await suppress(db, { shop, emailKey: normaliseEmail(partner.email)!, reason: UNSUBSCRIBED });
    for (const kind of PARTNER_EMAIL_KINDS) await QUEUE[kind](partner, await newLink(shop, partner.id));
    const before = smtp.received.length;
    await runOutbox(outboxCtx(shop));
    await smtp.waitFor(before + 3);
    const rows = await db.emailMessage.findMany({ where: { shop }, select: { kind: true, status: true, reason: true, payload: true } });
    expect(Object.fromEntries(rows.map((r) => [r.kind, [r.status, r.reason]]))).toEqual({
      PARTNER_INVITED: ["SUPPRESSED", "Unsubscribed"],
      PARTNER_APPROVED: ["SENT", null],
      PARTNER_SIGN_IN: ["SENT", null],
      PARTNER_AGREEMENT_CHANGED: ["SENT", null],
    });
    // The invitation that did not go forgets its link too.
    expect(rows.map((r) => r.payload)).toEqual([null, null, null, null]);
    expect(smtp.received.slice(before).filter((m) => sentTo(m, partner.email))).toHaveLength(3);
  });

  it("partner emails go from the app even when Klaviyo sends the shopper emails", async () => {
    const shop = await newShop();
    await db.klaviyoConnection.create({ data: { shop, keyCiphertext: "sealed", keyLast4: "abcd", sendAppEmails: false } });
    const referrer = await seedReferrer(db, shop, { email: `shopper+${shop}@example.com` });
    await db.emailMessage.create({ data: { shop, kind: "YOUR_LINK", key: `link:${referrer.id}`, recipient: referrer.email!, emailKey: normaliseEmail(referrer.email!)!, referrerId: referrer.id } });
    const { partner, link } = await newPartner(shop);
    const mail = await sendOne("PARTNER_SIGN_IN", shop, partner, link);
    expect(mail.parsed.text).toContain(link.url);
    expect(await db.emailMessage.findFirstOrThrow({ where: { shop, kind: "YOUR_LINK" } })).toMatchObject({ status: "SUPPRESSED", reason: expect.stringContaining("Klaviyo") });
  });

  it("queued in the caller's transaction: once per link, nothing when the transaction rolls back, sent after the kick", async () => {
    const shop = await newShop();
    const { partner, link } = await newPartner(shop);
    await expect(
      db.$transaction(async (tx) => {
        expect(await emailPartnerInvited(tx, partner, link, new Date())).toBe("queued");
        throw new Error("the invitation failed after queueing");
      }),
    ).rejects.toThrow("the invitation failed");
    expect(await db.emailMessage.count({ where: { shop } })).toBe(0);

    const outcomes = await db.$transaction(async (tx) => [await emailPartnerInvited(tx, partner, link, new Date()), await emailPartnerInvited(tx, partner, link, new Date())]);
    expect(outcomes).toEqual(["queued", "exists"]);
    await kickOutbox(db, shop);
    expect(await db.job.findFirst({ where: { shop, kind: "email-outbox" } })).toBeTruthy();
    // A second version's email for the same link is another email.
    expect(await emailPartnerAgreementChanged(db, partner, link, 2, new Date())).toBe("queued");
    expect(await emailPartnerAgreementChanged(db, partner, link, 2, new Date())).toBe("exists");
    expect(await emailPartnerAgreementChanged(db, partner, link, 3, new Date())).toBe("queued");
    expect(await emailPartnerSignIn(db, { ...partner, email: "  " }, link, new Date())).toBe("no-address");
  });

  it("a link used, expired or gone before the email could go is not mailed, and an erased partner's email is deleted", async () => {
    const shop = await newShop();
    const { partner, link } = await newPartner(shop);
    const used = await newLink(shop, partner.id);
    const expiring = await newLink(shop, partner.id, 5 * MINUTE);
    const gone = await newLink(shop, partner.id);
    await emailPartnerSignIn(db, partner, used, new Date());
    await emailPartnerApproved(db, partner, expiring, new Date());
    await emailPartnerInvited(db, partner, gone, new Date());
    await db.partnerSignIn.update({ where: { id: used.id }, data: { usedAt: new Date() } });
    await db.partnerSignIn.delete({ where: { id: gone.id } });
    const before = smtp.received.length;
    // The outbox runs ten minutes later (an SMTP outage in between).
    await runOutbox(outboxCtx(shop, () => new Date(Date.now() + 10 * MINUTE)));
    expect(smtp.received.length).toBe(before);
    const rows = await db.emailMessage.findMany({ where: { shop }, select: { kind: true, status: true, reason: true, payload: true } });
    expect(Object.fromEntries(rows.map((r) => [r.kind, [r.status, r.reason, r.payload]]))).toEqual({
      PARTNER_SIGN_IN: ["SUPPRESSED", "The sign-in link was used already", null],
      PARTNER_APPROVED: ["SUPPRESSED", "The sign-in link expired before it could be sent", null],
      PARTNER_INVITED: ["SUPPRESSED", "The sign-in link no longer exists", null],
    });

    await emailPartnerAgreementChanged(db, partner, link, 2, new Date());
    await db.partner.update({ where: { id: partner.id }, data: { redactedAt: new Date() } });
    await runOutbox(outboxCtx(shop));
    expect(await db.emailMessage.count({ where: { shop, kind: "PARTNER_AGREEMENT_CHANGED" } })).toBe(0);
    expect(smtp.received.length).toBe(before);
  });

  it("a refusal for good fails the email and forgets the link; a refusal for now keeps it for the retry", async () => {
    const shop = await newShop();
    const { partner, link } = await newPartner(shop);
    const other = await newPartner(shop);
    smtp.rejectForGood.add(partner.email.toLowerCase());
    smtp.rejectForNow.set(other.partner.email.toLowerCase(), 1);
    try {
      await emailPartnerSignIn(db, partner, link, new Date());
      await emailPartnerSignIn(db, other.partner, other.link, new Date());
      await runOutbox(outboxCtx(shop));
    } finally {
      smtp.rejectForGood.delete(partner.email.toLowerCase());
    }
    const failed = await db.emailMessage.findFirstOrThrow({ where: { shop, recipient: partner.email } });
    expect(failed).toMatchObject({ status: "FAILED", payload: null });
    const retrying = await db.emailMessage.findFirstOrThrow({ where: { shop, recipient: other.partner.email } });
    expect(retrying.status).toBe("QUEUED");
    expect(JSON.parse(retrying.payload!)).toMatchObject({ signInId: other.link.id, url: other.link.url });

    const before = smtp.received.length;
    await runOutbox(outboxCtx(shop, () => new Date(Date.now() + 5 * MINUTE)));
    await smtp.waitFor(before + 1);
    expect(smtp.received.at(-1)!.parsed.text).toContain(other.link.url);
    expect(await db.emailMessage.findUniqueOrThrow({ where: { id: retrying.id } })).toMatchObject({ status: "SENT", payload: null });
  });
});

describe("partner emails on the Emails page", () => {
  it("lists the four partner emails with their switches, and which are essential", async () => {
    const shop = await newShop();
    const page = await load(emails.loader, shop, "/app/emails");
    expect(page.kinds.filter((k) => k.kind.startsWith("PARTNER_"))).toEqual([
      { kind: "PARTNER_INVITED", enabled: true, essential: false, editedLocales: [] },
      { kind: "PARTNER_APPROVED", enabled: true, essential: true, editedLocales: [] },
      { kind: "PARTNER_SIGN_IN", enabled: true, essential: true, editedLocales: [] },
      { kind: "PARTNER_AGREEMENT_CHANGED", enabled: true, essential: true, editedLocales: [] },
    ]);
    // Switched off, the invitation is not sent.
    await act(emails.action, shop, "/app/emails", { intent: "toggle", kind: "PARTNER_INVITED", enabled: "false" });
    const { partner, link } = await newPartner(shop);
    await emailPartnerInvited(db, partner, link, new Date());
    await runOutbox(outboxCtx(shop));
    expect(await db.emailMessage.findFirstOrThrow({ where: { shop } })).toMatchObject({ status: "SUPPRESSED", reason: "Switched off on the Emails page", payload: null });
    const log = await load(emails.loader, shop, "/app/emails");
    expect(log.log[0]).toMatchObject({ kind: "PARTNER_INVITED", status: "suppressed" });
  });

  it("names and describes each partner email in every admin language", () => {
    for (const [language, t] of Object.entries(CATALOGUES)) {
      for (const kind of PARTNER_EMAIL_KINDS) {
        const [name, description] = t.partnerEmails.kinds[kind] ?? [];
        expect(name?.trim(), `${language} ${kind}`).toBeTruthy();
        expect(description?.trim(), `${language} ${kind}`).toBeTruthy();
        if (language !== "en") expect(description, `${language} ${kind}`).not.toBe(CATALOGUES.en.partnerEmails.kinds[kind][1]);
      }
      for (const placeholder of ["{partner_name}", "{business_name}", "{link}", "{expires_at}", "{shop_name}", "{agreement_version}"]) {
        expect(t.partnerEmails.placeholders, language).toContain(placeholder);
      }
    }
  });

  it("previews a partner email with a sample sign-in link and its validity, and edits its texts with the partner placeholders", async () => {
    const shop = await newShop();
    const texts = DEFAULT_TEXTS.mt.kinds.PARTNER_AGREEMENT_CHANGED;
    const shown = await act(preview.action, shop, "/app/emails/preview", { kind: "PARTNER_AGREEMENT_CHANGED", locale: "mt", subject: texts.subject, heading: texts.heading, body: texts.body });
    expect(shown.status).toBe(200);
    expect(shown.data.subject).toBe("Casa Rita għandu ftehim ġdid għas-sħab (verżjoni 2)");
    expect(shown.data.html).toContain('lang="mt"');
    expect(shown.data.html).toMatch(/href="https:\/\/[^"]+\/apps\/referrals\/partners\/sign-in\?token=SAMPLE"/);
    expect(shown.data.html).toContain("Dan il-link jaħdem darba biss, sa ");
    expect(shown.data.html).not.toContain("{expires_at}");

    const refused = await act(emails.action, shop, "/app/emails", { intent: "save", kind: "PARTNER_SIGN_IN", locale: "en", subject: "Version {agreement_version}", heading: "Hi", body: "{link}" });
    expect(refused.status).toBe(400);
    expect(refused.data.errors.subject).toContain("{agreement_version}");
    const saved = await act(emails.action, shop, "/app/emails", {
      intent: "save",
      kind: "PARTNER_SIGN_IN",
      locale: "en",
      subject: "{business_name}: your way in to {shop_name}",
      heading: "Hello {partner_name}",
      body: "Open {link} before {expires_at}.",
    });
    expect(saved).toMatchObject({ status: 200, data: { ok: true } });
    const { partner, link } = await newPartner(shop, { status: "APPROVED" });
    const mail = await sendOne("PARTNER_SIGN_IN", shop, partner, link);
    expect(mail.parsed.subject).toBe("Studio <Vella> & Co: your way in to Casa Rita");
    expect(mail.parsed.text).toContain(`Open ${link.url} before `);
  });

  it("sends a test of a partner email with sample values", async () => {
    const shop = await newShop();
    const to = `merchant+${shop}@example.com`;
    expect(await act(emails.action, shop, "/app/emails", { intent: "test", kind: "PARTNER_INVITED", locale: "de", to })).toMatchObject({ status: 200, data: { ok: true } });
    const before = smtp.received.length;
    await runOutbox(outboxCtx(shop));
    await smtp.waitFor(before + 1);
    const mail = smtp.received.find((m) => m.envelopeTo.includes(to))!;
    expect(mail.parsed.subject).toBe("Casa Rita lädt Sample Studio in sein Partnerprogramm ein");
    expect(mail.parsed.text).toContain("/apps/referrals/partners/sign-in?token=SAMPLE");
    expect(mail.parsed.text).toContain("Dieser Link funktioniert nur einmal, bis ");
    const page = await load(emails.loader, shop, "/app/emails");
    expect(page.log[0]).toMatchObject({ kind: "PARTNER_INVITED", test: true, status: "sent" });
  });
});
