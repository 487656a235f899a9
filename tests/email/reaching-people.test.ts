// The emails that bring people in: invitations to existing customers (only
// those with email marketing consent), "your link" after joining from the
// storefront, and a guest's link by email (the same answer for every address).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import * as invite from "~/routes/app.invite";
import { act, installShop, load } from "../helpers/admin-request";
import { usePipeline } from "../helpers/pipeline";
import { startTestSmtp, useSmtpEnv, type TestSmtp } from "../helpers/smtp";
import { sendProxy } from "../helpers/app-proxy";

let ipCounter = 0;
const nextIp = () => `203.0.113.${++ipCounter}`;

const pipeline = usePipeline();
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startTestSmtp();
  useSmtpEnv(smtp);
});
afterAll(async () => {
  await smtp.close();
  useSmtpEnv(null);
});

const mailTo = (to: string) => smtp.received.filter((m) => m.envelopeTo.map((a) => a.toLowerCase()).includes(to.toLowerCase()));

describe("invitations", () => {
  it("emails the invited customers with email marketing consent, in their language, enrols the rest, and shows both counts and the sending progress", async () => {
    const p = await pipeline.setupShop();
    await installShop(p.shop);
    const fake = pipeline.shopify.fake;
    fake.seedCustomer(p.shop, { firstName: "Ana", email: `ana+${p.shop}@example.com`, marketingState: "SUBSCRIBED", locale: "es" });
    fake.seedCustomer(p.shop, { firstName: "Ben", email: `ben+${p.shop}@example.com`, marketingState: "SUBSCRIBED", locale: "en" });
    fake.seedCustomer(p.shop, { firstName: "Cy", email: `cy+${p.shop}@example.com`, marketingState: "NOT_SUBSCRIBED" });
    fake.seedCustomer(p.shop, { firstName: "Di", email: `di+${p.shop}@example.com`, marketingState: "UNSUBSCRIBED" });
    await act(invite.action, p.shop, "/app/invite", {});
    for (let i = 0; i < 6; i++) {
      p.advance(5_000);
      await p.drain();
    }
    const page = await load(invite.loader, p.shop, "/app/invite");
    expect(page.runs[0]).toMatchObject({ status: "DONE", enrolled: 4, emailed: 2, notEmailed: 2 });
    expect(page.latestEmails).toEqual({ SENT: 2 });
    expect(page.emailOff).toBe(false);

    const ana = mailTo(`ana+${p.shop}@example.com`);
    expect(ana).toHaveLength(1);
    expect(ana[0].parsed.html).toContain('lang="es"');
    const code = (await db.referrer.findFirstOrThrow({ where: { shop: p.shop, firstName: "Ana" } })).code;
    expect(ana[0].parsed.text).toContain(`?ref=${code}&ch=email`);
    expect(ana[0].raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
    expect(mailTo(`ben+${p.shop}@example.com`)[0].parsed.subject).toMatch(/^Ben, share/);
    expect(mailTo(`cy+${p.shop}@example.com`)).toHaveLength(0);
    expect(mailTo(`di+${p.shop}@example.com`)).toHaveLength(0);

    // Inviting again: already enrolled, nobody is emailed twice.
    await act(invite.action, p.shop, "/app/invite", {});
    for (let i = 0; i < 6; i++) {
      p.advance(5_000);
      await p.drain();
    }
    expect(mailTo(`ana+${p.shop}@example.com`)).toHaveLength(1);
  });
});

describe("joining from the storefront", () => {
  it("a signed-in customer who joins gets their link by email once, in the storefront's language, at the email Shopify verified", async () => {
    const p = await pipeline.setupShop();
    const customer = pipeline.shopify.fake.seedCustomer(p.shop, { firstName: "Eve", email: `Eve+${p.shop}@example.com` });
    const id = customer.id.split("/").pop()!;
    const join = () => sendProxy({ shop: p.shop, path: "/enrol", method: "POST", customerId: id, ip: nextIp(), query: { locale: "fr" }, body: { terms: true } });
    expect((await join()).status).toBe(201);
    expect((await join()).status).toBe(200);
    await p.drain();
    const mail = mailTo(`eve+${p.shop}@example.com`);
    expect(mail).toHaveLength(1);
    expect(mail[0].parsed.html).toContain('lang="fr"');
    const referrer = await db.referrer.findFirstOrThrow({ where: { shop: p.shop, customerId: customer.id } });
    expect(referrer).toMatchObject({ email: `Eve+${p.shop}@example.com`, emailKey: "eve@example.com", locale: "fr" });
    expect(mail[0].parsed.text).toContain(referrer.code);
    expect(mail[0].parsed.text).toContain("Eve");
    expect(referrer.firstName).toBe("Eve");
    // Essential (they asked for it): no unsubscribe header.
    expect(mail[0].raw).not.toMatch(/^List-Unsubscribe:/m);
  });

  it("a guest gets the same answer for a new, an enrolled and a disabled address; the link goes by email to the active ones", async () => {
    const p = await pipeline.setupShop();
    const disabled = `gone+${p.shop}@example.com`;
    await db.referrer.create({ data: { shop: p.shop, email: disabled, emailKey: "gone@example.com", code: "FRIEND-GONE0001", source: "GUEST", status: "DISABLED" } });
    const answers: { status: number; body: string }[] = [];
    for (const email of [`new+${p.shop}@example.com`, "rita@example.com", disabled]) {
      const response = await sendProxy({ shop: p.shop, path: "/enrol", method: "POST", ip: nextIp(), query: { locale: "de" }, body: { email, terms: true } });
      answers.push({ status: response.status, body: await response.text() });
    }
    expect(answers.every((a) => a.status === 202 && a.body === JSON.stringify({ state: "check_email" }))).toBe(true);
    await p.drain();
    const newcomer = mailTo(`new+${p.shop}@example.com`);
    expect(newcomer).toHaveLength(1);
    expect(newcomer[0].parsed.html).toContain('lang="de"');
    const code = (await db.referrer.findFirstOrThrow({ where: { shop: p.shop, email: `new+${p.shop}@example.com` } })).code;
    expect(newcomer[0].parsed.text).toContain(code);
    // Rita (enrolled, signed up with the storefront earlier) is sent her link again: she asked.
    expect(mailTo("rita@example.com")).toHaveLength(1);
    expect(mailTo(disabled)).toHaveLength(0);
    // The same address asking again the same day: no second email.
    await sendProxy({ shop: p.shop, path: "/enrol", method: "POST", ip: nextIp(), body: { email: `new+${p.shop}@example.com`, terms: true } });
    await p.drain();
    expect(mailTo(`new+${p.shop}@example.com`)).toHaveLength(1);
  });

  it("the program page's form tells a guest to check their inbox", async () => {
    const p = await pipeline.setupShop();
    const response = await sendProxy({ shop: p.shop, path: "/join", method: "POST", ip: nextIp(), body: new URLSearchParams({ email: `page+${p.shop}@example.com`, terms: "on" }) });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("emailed the link");
    await p.drain();
    expect(mailTo(`page+${p.shop}@example.com`)).toHaveLength(1);
  });
});
