// The storefront's partner pages through the real app proxy routes, signed as
// Shopify signs them: the public page and the application, "email me a
// sign-in link", the one-time link (a GET never redeems it), and the portal
// whose session rides in the forms' hidden fields. What must hold: errors by
// field, the same answer whoever asks for a link, a link works once on its own
// shop, a session shows only its own partner and never a referred customer.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import db from "~/db.server";
import { publishAgreement } from "~/partners/agreement.server";
import { approvePartner, declinePartner, endPartner, invitePartner } from "~/partners/partners.server";
import { PARTNER_FEE_SOURCE } from "~/partners/kinds";
import { agreementTitle } from "~/printables/agreement.server";
import { createSignInLink, hashToken, portalSessionToken, PORTAL_SESSION_MS, SIGN_IN_LINK_MS } from "~/partners/sign-in.server";
import { PartnerLinkPause } from "~/partners/status";
import { deviceHashes } from "~/referrals/device";
import { translator } from "~/storefront/i18n";
import { escapeLiquidHtml } from "~/storefront/liquid-escape";
import { STOREFRONT_LIMITS } from "~/storefront/rate-limit.server";
import { seedInstalledShop } from "../../fake-shopify/seed";
import { sendProxy, type ProxyRequestInput } from "../helpers/app-proxy";
import { renderProxyLiquid } from "../helpers/liquid";
import { decodeQr, decodeSvgQr, readPdf, readPdfPages, squash } from "../helpers/pdf";
import { uniqueShop } from "../helpers/shops";
import { seedProgram, uniqueIp } from "../helpers/storefront";

const SECRET = () => process.env.SHOPIFY_API_SECRET!;
const AGREEMENT_V1 = "Partner agreement.\n\nThe partner refers customers honestly.\nNo spam, no coupon sites.\n\nFees are paid monthly.";
const AGREEMENT_V2 = "Partner agreement, revised.\n\nThe partner refers customers honestly.\n\nFees are paid every two weeks.";
const t = translator("en");
const merchant = (shop: string) => ({ db, shop, cause: "merchant:1" });

let shop = "";
let ip = "";
beforeEach(async () => {
  shop = uniqueShop("partners");
  ip = uniqueIp();
  await seedInstalledShop(db, shop);
  await seedProgram(shop, {
    currencyCode: "EUR",
    holdDays: 14,
    partnerFeeKind: "PERCENT",
    partnerFeeValue: 12.5,
    friendOfferKind: "PERCENTAGE",
    friendOfferValue: 15,
    shopName: "Ħanut Żgħir",
    storefrontUrl: "https://boutique.example",
  });
  expect((await publishAgreement(merchant(shop), { body: AGREEMENT_V1, basedOn: 0 })).ok).toBe(true);
});
afterEach(() => vi.useRealTimers());

const send = (input: Omit<ProxyRequestInput, "shop" | "ip"> & { shop?: string; ip?: string }) => sendProxy({ shop, ip, ...input });
const post = (path: string, fields: Record<string, string>, extra: Omit<ProxyRequestInput, "shop" | "ip" | "path" | "body"> & { shop?: string; ip?: string } = {}) =>
  send({ path: `/partners${path}`, body: new URLSearchParams(fields), ...extra });

/** The Liquid answer, checked to render as Shopify would (no Liquid left, nothing missing). */
async function pageOf(response: Response) {
  expect(response.headers.get("Content-Type")).toBe("application/liquid");
  expect(response.headers.get("Cache-Control")).toBe("private, no-store");
  const liquid = await response.text();
  const html = await renderProxyLiquid(liquid);
  expect(html).not.toMatch(/\{\{|\{%|partners\.[a-z_]+\.[a-z_]+/);
  return html;
}

const esc = escapeLiquidHtml;
const hiddenValue = (html: string, name: string) => html.match(new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`))?.[1] ?? null;

function application(overrides: Record<string, string> = {}) {
  return {
    name: "Maria Borg",
    businessName: "Borg Cycling Club",
    email: `maria.${Math.random().toString(36).slice(2)}@club.example`,
    website: "club.example",
    pitch: "We ride every Sunday and recommend your jackets.",
    payoutEmail: "",
    signature: "Maria Borg",
    accepted: "on",
    agreementVersion: "1",
    ...overrides,
  };
}

/** A partner who applied on the page and was approved: their link works. */
async function approvedPartner(overrides: Record<string, string> = {}) {
  const fields = application(overrides);
  expect((await post("/apply", fields)).status).toBe(200);
  const partner = await db.partner.findFirstOrThrow({ where: { shop, email: fields.email } });
  expect(await approvePartner(merchant(shop), partner.id)).toEqual({ ok: true, status: "APPROVED" });
  return db.partner.findFirstOrThrow({ where: { id: partner.id }, include: { referrer: true } });
}

async function linkFor(partnerId: string, { onShop = shop, now = new Date(), ttlMs = SIGN_IN_LINK_MS } = {}) {
  return createSignInLink(db, { shop: onShop, partnerId, storefrontOrigin: "https://boutique.example", ttlMs, now });
}

/** Signs in with a fresh link; the portal's HTML and its session. */
async function signIn(partnerId: string) {
  const { token } = await linkFor(partnerId);
  const response = await post("/sign-in", { token });
  expect(response.status).toBe(200);
  const html = await pageOf(response);
  const session = hiddenValue(html, "session");
  expect(session).toBeTruthy();
  return { html, session: session!.replace(/&#([0-9]+);/g, (_, n) => String.fromCharCode(Number(n))) };
}

const portal = (session: string, fields: Record<string, string> = {}, extra: Parameters<typeof post>[2] = {}) => post("/portal", { session, ...fields }, extra);

describe("GET /apps/referrals/partners: the public partner page", () => {
  it("says what the program pays and when, and offers the application with the agreement to sign, in the shopper's language", async () => {
    const response = await send({ path: "/partners" });
    expect(response.status).toBe(200);
    const html = await pageOf(response);
    expect(html).toContain(`<h1>${esc(t("partners.page.title", { shop: "Ħanut Żgħir" }))}</h1>`);
    expect(html).toContain(esc(t("partners.page.step_fee", { fee: "12.5% of the order's subtotal", days: "14 days" })));
    // Every field labelled, the optional ones said so, limits as the domain has them.
    for (const [field, id] of [["name", "name"], ["businessName", "businessName"], ["email", "email"], ["website", "website"], ["pitch", "pitch"], ["payoutEmail", "payoutEmail"], ["signature", "signature"]]) {
      expect(html).toContain(`<label for="rfl-p-${id}">${esc(t(`partners.field.${field}`))}`);
    }
    expect(html).toContain(`<input id="rfl-p-email" name="email" class="rfl-input" maxlength="254" autocomplete="email" required type="email" value="">`);
    expect(html).toMatch(/<label for="rfl-p-website">Website <span class="rfl-optional">\(optional\)<\/span><\/label>/);
    // The agreement's current version, readable and scrollable by keyboard, and the version signed with the form.
    expect(html).toContain(`<h3 id="rfl-p-agreement-heading">${t("partners.agreement.heading", { version: "1" })}</h3>`);
    expect(html).toContain(`<div id="rfl-p-agreement" class="rfl-agreement" role="region" tabindex="0" aria-labelledby="rfl-p-agreement-heading"><p>Partner agreement.</p><p>The partner refers customers honestly.<br>No spam, no coupon sites.</p><p>Fees are paid monthly.</p></div>`);
    expect(hiddenValue(html, "agreementVersion")).toBe("1");
    expect(html).toContain(`<input id="rfl-p-accepted" type="checkbox" name="accepted" value="on" required>`);
    // The forms post to the proxy paths (the trailing slash Shopify's proxy needs), in this language.
    expect(html).toContain(`action="/apps/referrals/partners/apply/?locale=en"`);
    expect(html).toContain(`action="/apps/referrals/partners/link/?locale=en"`);
    expect(html).toContain(`<h2 id="rfl-p-link-heading">${esc(t("partners.link.heading"))}</h2>`);

    const fr = await pageOf(await send({ path: "/partners", query: { locale: "fr" } }));
    const tf = translator("fr");
    expect(fr).toContain(esc(tf("partners.page.step_fee", { fee: tf("partners.page.fee_percent", { value: "12,5\u00a0%" }), days: "14 jours" })));
    expect(fr).toContain('lang="fr"');
    expect(fr).toContain(`action="/apps/referrals/partners/apply/?locale=fr"`);
  });

  it("states a fixed fee in the shop's currency, and a one-day window in the singular", async () => {
    await db.program.update({ where: { shop }, data: { partnerFeeKind: "FIXED", partnerFeeValue: 7.5, holdDays: 1 } });
    const de = await pageOf(await send({ path: "/partners", query: { locale: "de" } }));
    const td = translator("de");
    expect(de).toContain(esc(td("partners.page.step_fee", { fee: td("partners.page.fee_fixed", { value: "7,50\u00a0€" }), days: td("partners.days.one", { count: "1" }) })));
  });

  it("says applications are closed when the shop closed them or has no agreement, and still offers the sign-in link", async () => {
    await db.program.update({ where: { shop }, data: { partnerApplicationsOpen: false } });
    const closed = await pageOf(await send({ path: "/partners" }));
    expect(closed).toContain(`<p>${esc(t("partners.page.closed"))}</p>`);
    expect(closed).not.toContain('name="signature"');
    expect(closed).toContain(`action="/apps/referrals/partners/link/?locale=en"`);

    const other = uniqueShop("no-agreement");
    await seedProgram(other);
    const none = await pageOf(await send({ shop: other, path: "/partners" }));
    expect(none).toContain(`<p>${esc(t("partners.page.closed"))}</p>`);
    expect(none).not.toContain("<form method=\"post\" action=\"/apps/referrals/partners/apply");
  });
});

describe("POST /apps/referrals/partners/apply", () => {
  it("names each missing field, ties the error to it, refills what was typed and stores nothing", async () => {
    const response = await post("/apply", { name: "", businessName: "", email: "", website: "club.example", pitch: "Sunday rides <b>", signature: "", agreementVersion: "1" });
    expect(response.status).toBe(422);
    const html = await pageOf(response);
    for (const field of ["name", "businessName", "email", "signature"]) {
      const message = esc(t("partners.error.required", { field: t(`partners.field.${field}`) }));
      expect(html).toContain(`<p id="rfl-p-${field}-error" class="rfl-error">${message}</p>`);
      expect(html).toMatch(new RegExp(`<(input|textarea) id="rfl-p-${field}"[^>]* aria-invalid="true" aria-describedby="[^"]*rfl-p-${field}-error"`));
      // The summary at the top links to the field.
      expect(html).toContain(`<li><a href="#rfl-p-${field}">${message}</a></li>`);
    }
    expect(html).toContain(`<p id="rfl-p-accepted-error" class="rfl-error">${esc(t("partners.error.accepted"))}</p>`);
    expect(html).toMatch(/<input id="rfl-p-accepted" type="checkbox" name="accepted" value="on" required aria-invalid="true" aria-describedby="rfl-p-accepted-error">/);
    // The summary comes first (it takes the focus), in the form's order.
    const summary = html.indexOf('class="rfl-errors" role="alert" tabindex="-1" autofocus');
    expect(summary).toBeGreaterThan(-1);
    expect(summary).toBeLessThan(html.indexOf("<form"));
    const order = ["name", "businessName", "email", "signature", "accepted"].map((f) => html.indexOf(`<li><a href="#rfl-p-${f}">`));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // Refilled, and inert.
    expect(html).toContain('id="rfl-p-website" name="website"');
    expect(html).toMatch(/id="rfl-p-website"[^>]*value="club.example"/);
    expect(html).toContain("Sunday rides &lt;b&gt;</textarea>");
    expect(html).not.toContain('aria-describedby="rfl-p-website-hint rfl-p-website-error"');
    expect(await db.partner.count({ where: { shop } })).toBe(0);
  });

  it("says which email and web address are malformed and which field is too long", async () => {
    const response = await post("/apply", application({ email: "maria@", website: "not a site", payoutEmail: "paypal", businessName: "B".repeat(161) }));
    expect(response.status).toBe(422);
    const html = await pageOf(response);
    expect(html).toContain(esc(t("partners.error.invalid_email", { field: t("partners.field.email") })));
    expect(html).toContain(esc(t("partners.error.invalid_email", { field: t("partners.field.payoutEmail") })));
    expect(html).toContain(esc(t("partners.error.invalid_url", { field: t("partners.field.website") })));
    expect(html).toContain(esc(t("partners.error.too_long", { field: t("partners.field.businessName"), max: "160" })));
    expect(html).toMatch(/id="rfl-p-website"[^>]*aria-describedby="rfl-p-website-hint rfl-p-website-error"/);
  });

  it("records the application and the signed agreement version, with a keyed hash of the address and never the address", async () => {
    const fields = application({ payoutEmail: "pay@club.example" });
    const response = await post("/apply", fields, { query: { locale: "mt-MT" } });
    expect(response.status).toBe(200);
    const html = await pageOf(response);
    expect(html).toContain(`<p role="status">${esc(translator("mt")("partners.page.applied"))}</p>`);
    expect(html).not.toContain('name="signature"');
    const partner = await db.partner.findFirstOrThrow({ where: { shop }, include: { acceptances: true } });
    expect(partner).toMatchObject({ status: "APPLIED", name: "Maria Borg", businessName: "Borg Cycling Club", email: fields.email, website: "https://club.example/", payoutEmail: "pay@club.example", locale: "mt-MT", referrerId: null });
    expect(partner.acceptances).toHaveLength(1);
    const [acceptance] = partner.acceptances;
    expect(acceptance).toMatchObject({ shop, version: 1, signature: "Maria Borg" });
    expect(acceptance.ipHash).toBe(deviceHashes(shop, { ip, userAgent: null }).ipHash);
    expect(acceptance.ipHash).not.toContain(ip);
    expect(JSON.stringify(await db.agreementAcceptance.findMany({ where: { shop } }))).not.toContain(ip);
  });

  it("refuses a signature of an agreement version that is no longer current, and shows the new one to sign", async () => {
    expect((await publishAgreement(merchant(shop), { body: AGREEMENT_V2, basedOn: 1 })).ok).toBe(true);
    const response = await post("/apply", application());
    expect(response.status).toBe(422);
    const html = await pageOf(response);
    const changed = esc(t("partners.error.changed", { version: "2" }));
    expect(html).toContain(`<p id="rfl-p-agreement-error" class="rfl-error">${changed}</p>`);
    expect(html).toContain(`<li><a href="#rfl-p-agreement">${changed}</a></li>`);
    expect(html).toContain("Fees are paid every two weeks.");
    expect(html).not.toContain("Fees are paid monthly.");
    expect(hiddenValue(html, "agreementVersion")).toBe("2");
    // The typed fields are kept; the box is to be ticked again.
    expect(html).toMatch(/id="rfl-p-businessName"[^>]*value="Borg Cycling Club"/);
    expect(await db.partner.count({ where: { shop } })).toBe(0);
  });

  it("answers an address that already applied or is a partner exactly as a new one, and changes nothing", async () => {
    const first = application();
    const a = await post("/apply", first);
    const b = await post("/apply", { ...first, email: first.email.toUpperCase(), businessName: "Someone Else Ltd" });
    expect(b.status).toBe(a.status);
    expect(await b.text()).toBe(await a.text());
    const rows = await db.partner.findMany({ where: { shop } });
    expect(rows).toHaveLength(1);
    expect(rows[0].businessName).toBe("Borg Cycling Club");
    expect(await db.agreementAcceptance.count({ where: { shop } })).toBe(1);
  });

  it("takes no application while applications are closed", async () => {
    await db.program.update({ where: { shop }, data: { partnerApplicationsOpen: false } });
    const response = await post("/apply", application());
    expect(response.status).toBe(422);
    expect(await pageOf(response)).toContain(`<p>${esc(t("partners.page.closed"))}</p>`);
    expect(await db.partner.count({ where: { shop } })).toBe(0);
  });

  it("limits applications per shopper (429 with Retry-After, the page saying so)", async () => {
    const { limit } = STOREFRONT_LIMITS.partner_apply.perIp;
    for (let i = 0; i < limit; i++) expect((await post("/apply", { name: "" })).status).toBe(422);
    const refused = await post("/apply", application());
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await pageOf(refused)).toContain(esc(t("partners.error.rate")));
    expect(await db.partner.count({ where: { shop } })).toBe(0);
  });

  it("sends a GET (a reload of the answer) back to the partner page", async () => {
    const response = await send({ path: "/partners/apply" });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/apps/referrals/partners");
  });
});

describe("sign-in links", () => {
  it("answers every valid address the same, and only a partner who may sign in gets a link", async () => {
    const partner = await approvedPartner();
    const applicant = application();
    await post("/apply", applicant);
    const answers: string[] = [];
    for (const email of [partner.email, ` ${partner.email.toUpperCase()} `, applicant.email, "nobody@example.com"]) {
      const response = await post("/link", { email });
      answers.push(`${response.status} ${await response.text()}`);
    }
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toMatch(/^200 /);
    expect(answers[0]).toContain(esc(t("partners.link.sent")));
    const links = await db.partnerSignIn.findMany({ where: { shop } });
    // The approval's own welcome link, then one per request of the partner's address.
    expect(links.map((l) => l.partnerId)).toEqual([partner.id, partner.id, partner.id]);
    const requested = links.filter((l) => l.expiresAt.getTime() - l.createdAt.getTime() === SIGN_IN_LINK_MS);
    expect(requested).toHaveLength(2);
  });

  it("names a missing or malformed address", async () => {
    const response = await post("/link", { email: "maria@" });
    expect(response.status).toBe(422);
    const html = await pageOf(response);
    expect(html).toContain(`<p id="rfl-p-link-email-error" class="rfl-error" role="alert">${esc(t("partners.error.invalid_email", { field: t("partners.field.email") }))}</p>`);
    expect(html).toMatch(/id="rfl-p-link-email"[^>]*value="maria@" aria-invalid="true" aria-describedby="rfl-p-link-email-error"/);
    expect(await db.partnerSignIn.count({ where: { shop } })).toBe(0);
  });

  it("limits link requests per shopper and per shop", async () => {
    const { perIp, perShop } = STOREFRONT_LIMITS.partner_link;
    for (let i = 0; i < perIp.limit; i++) expect((await post("/link", { email: "nobody@example.com" })).status).toBe(200);
    const refused = await post("/link", { email: "nobody@example.com" });
    expect(refused.status).toBe(429);
    expect(await pageOf(refused)).toContain(esc(t("partners.error.rate")));
    // Other shoppers fill the shop's window.
    const start = await db.rateLimit.findFirst({ where: { key: `partner_link:shop:${shop}` } });
    await db.rateLimit.update({ where: { key: `partner_link:shop:${shop}` }, data: { count: perShop.limit } });
    expect(start).not.toBeNull();
    expect((await post("/link", { email: "nobody@example.com" }, { ip: uniqueIp() })).status).toBe(429);
  });

  it("GET shows one Sign in button carrying the token and redeems nothing (a mail scanner cannot use it up)", async () => {
    const partner = await approvedPartner();
    const { token, id } = await linkFor(partner.id);
    for (let i = 0; i < 3; i++) {
      const response = await send({ path: "/partners/sign-in", query: { token } });
      expect(response.status).toBe(200);
      expect(response.headers.get("X-Robots-Tag")).toBe("noindex, nofollow");
      const html = await pageOf(response);
      expect(html).toContain('<meta name="robots" content="noindex, nofollow">');
      expect(html).toContain(`<form method="post" action="/apps/referrals/partners/sign-in/?locale=en">`);
      expect(hiddenValue(html, "token")).toBe(token);
      expect(html).toContain(`<button type="submit" class="button">${t("partners.sign_in.button")}</button>`);
      expect(html).not.toContain(partner.businessName);
    }
    expect((await db.partnerSignIn.findUniqueOrThrow({ where: { id } })).usedAt).toBeNull();
    const broken = await send({ path: "/partners/sign-in", query: { token: "<script>" } });
    expect(broken.status).toBe(400);
    expect(await pageOf(broken)).toContain(esc(t("partners.sign_in.invalid")));
  });

  it("POST redeems a link once: the portal, then 'already used' with the form for a new link", async () => {
    const partner = await approvedPartner();
    const { token, id } = await linkFor(partner.id);
    const first = await post("/sign-in", { token });
    expect(first.status).toBe(200);
    expect(first.headers.get("X-Robots-Tag")).toBe("noindex, nofollow");
    expect(await pageOf(first)).toContain(`<h1>${esc(t("partners.portal.title", { business: "Borg Cycling Club" }))}</h1>`);
    expect((await db.partnerSignIn.findUniqueOrThrow({ where: { id } })).usedAt).not.toBeNull();
    const again = await post("/sign-in", { token });
    expect(again.status).toBe(410);
    const html = await pageOf(again);
    expect(html).toContain(esc(t("partners.sign_in.used")));
    expect(html).toContain(`action="/apps/referrals/partners/link/?locale=en"`);
    expect(html).not.toContain("Borg Cycling Club");
  });

  it("refuses an expired link, a made-up one and another shop's, each with its own words", async () => {
    const partner = await approvedPartner();
    const expired = await linkFor(partner.id, { now: new Date(Date.now() - SIGN_IN_LINK_MS - 60_000) });
    const old = await post("/sign-in", { token: expired.token });
    expect(old.status).toBe(410);
    expect(await pageOf(old)).toContain(esc(t("partners.sign_in.expired")));

    const madeUp = await post("/sign-in", { token: "A".repeat(43) });
    expect(madeUp.status).toBe(400);
    expect(await pageOf(madeUp)).toContain(esc(t("partners.sign_in.invalid")));

    // Shop A's link, in a request Shopify signed for shop B: refused as made up, and still unused on A.
    const shopB = uniqueShop("partners-b");
    await seedProgram(shopB);
    const link = await linkFor(partner.id);
    const foreign = await post("/sign-in", { token: link.token }, { shop: shopB });
    expect(foreign.status).toBe(400);
    const html = await pageOf(foreign);
    expect(html).toContain(esc(t("partners.sign_in.invalid")));
    expect(html).not.toContain("Borg Cycling Club");
    expect((await db.partnerSignIn.findUniqueOrThrow({ where: { tokenHash: hashToken(link.token) } })).usedAt).toBeNull();
    expect((await post("/sign-in", { token: link.token })).status).toBe(200);
  });

  it("refuses the link of a declined or ended partner", async () => {
    const ended = await approvedPartner();
    const endedLink = await linkFor(ended.id);
    expect((await endPartner(merchant(shop), ended.id, "")).ok).toBe(true);
    const refused = await post("/sign-in", { token: endedLink.token });
    expect(refused.status).toBe(400);
    expect(await pageOf(refused)).not.toContain(ended.businessName);

    const applicant = application({ businessName: "Declined Bakery" });
    await post("/apply", applicant);
    const declined = await db.partner.findFirstOrThrow({ where: { shop, email: applicant.email } });
    const declinedLink = await linkFor(declined.id);
    expect((await declinePartner(merchant(shop), declined.id, "not a fit")).ok).toBe(true);
    const html = await pageOf(await post("/sign-in", { token: declinedLink.token }));
    expect(html).toContain(esc(t("partners.sign_in.invalid")));
    expect(html).not.toContain("Declined Bakery");
  });
});

describe("the portal", () => {
  const gid = (n: number) => `gid://shopify/Order/${n}`;

  /** Referred orders in every state, with their fees, and a referred customer's personal data that must never show. */
  async function seedActivity(referrerId: string, prefix: string) {
    const day = 86_400_000;
    const now = Date.now();
    const referral = (n: number, status: string, extra: Record<string, unknown> = {}) =>
      db.referral.create({
        data: {
          shop,
          referrerId,
          orderId: gid(Math.floor(Math.random() * 1e12)),
          orderName: `${prefix}${n}`,
          friendEmail: `friend.secret.${prefix}${n}@example.com`,
          friendEmailKey: `friend.secret.${prefix}${n}@example.com`,
          friendCustomerId: `gid://shopify/Customer/77${n}`,
          landingSite: `/?ref=SECRET-LANDING-${n}`,
          referringSite: `https://secret-referrer-${n}.example/`,
          attributedBy: "LINK",
          subtotalAmount: 80 + n,
          totalAmount: 90 + n,
          currencyCode: "EUR",
          status,
          orderCreatedAt: new Date(now - (30 - n) * day),
          ...extra,
        },
      });
    const fee = (referralId: string, status: string, value: number, extra: Record<string, unknown> = {}) =>
      db.reward.create({ data: { shop, referrerId, referralId, source: PARTNER_FEE_SOURCE, kind: "CASH", valueType: "FIXED_AMOUNT", value, currencyCode: "EUR", status, feeRate: 12.5, ...extra } });
    await referral(1, "PENDING", { holdUntil: new Date(Date.UTC(2030, 0, 15, 12)) });
    const approved = await referral(2, "REWARDED", { holdUntil: new Date(now - 2 * day) });
    await fee(approved.id, "ISSUED", 10.25, { issuedAt: new Date(Date.UTC(2026, 2, 3, 12)) });
    const paid = await referral(3, "REWARDED", { holdUntil: new Date(now - 20 * day) });
    await fee(paid.id, "PAID", 10.38, { issuedAt: new Date(now - 19 * day), paidAt: new Date(Date.UTC(2026, 1, 27, 12)), payoutReference: `PAYPAL-${prefix}-991` });
    await referral(4, "REJECTED", { reason: "self-referral" });
    const reversed = await referral(5, "REVERSED");
    await fee(reversed.id, "REVOKED", 10.63);
  }

  it("shows the partner's link, code and QR code, their orders and fees, and nothing of the customers they referred", async () => {
    const partner = await approvedPartner();
    const other = await approvedPartner({ businessName: "Other Partner Co" });
    await seedActivity(partner.referrerId!, "#PA-");
    await seedActivity(other.referrerId!, "#OTHER-");
    const { html, session } = await signIn(partner.id);
    const code = partner.referrer!.code;
    const link = `https://boutique.example/?ref=${code}`;
    expect(html).toContain(`<input id="rfl-p-link" class="rfl-input" type="text" readonly value="${link}">`);
    expect(html).toContain(`<strong><code>${code}</code></strong>`);
    const svg = html.match(/<svg class="rfl-qr"[\s\S]*?<\/svg>/)?.[0] ?? "";
    expect(svg).toContain('role="img" aria-labelledby="rfl-p-qr-title"');
    expect(svg).toContain(`<title id="rfl-p-qr-title">${t("partners.portal.qr")}</title>`);
    expect(decodeSvgQr(svg)).toBe(link);

    // Orders in words, amounts in the shop's currency.
    for (const [n, status] of [[1, "PENDING"], [2, "REWARDED"], [3, "REWARDED"], [4, "REJECTED"], [5, "REVERSED"]] as const) {
      expect(html).toMatch(new RegExp(`<tr><td>#PA-${n}</td><td>[^<]+</td><td class="rfl-num">€${80 + n}\\.00</td><td>${t(`partners.portal.status.${status}`)}</td></tr>`));
    }
    // Pending: 12.5% of €81.00 = €10.13 (estimated), released on the hold's end; approved €10.25; paid €10.38 with its reference.
    expect(html).toContain(`<tr><td>#PA-1</td><td class="rfl-num">${t("partners.portal.estimate", { amount: "€10.13" })}</td><td>Jan 15, 2030</td></tr>`);
    expect(html).toContain(`<tr><td>#PA-2</td><td class="rfl-num">€10.25</td><td>Mar 3, 2026</td></tr>`);
    expect(html).toContain(`<tr><td>#PA-3</td><td class="rfl-num">€10.38</td><td>Feb 27, 2026</td><td>PAYPAL-#PA--991</td></tr>`);
    expect(html).toContain(`<div><dt>${t("partners.portal.total_pending")}</dt><dd>€10.13</dd></div>`);
    expect(html).toContain(`<div><dt>${t("partners.portal.total_approved")}</dt><dd>€10.25</dd></div>`);
    expect(html).toContain(`<div><dt>${t("partners.portal.total_paid")}</dt><dd>€10.38</dd></div>`);
    expect(html).not.toContain("€10.63");
    // The agreement they signed.
    expect(html).toContain(esc(t("partners.portal.agreement_accepted", { version: "1", date: new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" }).format(new Date()), signature: "Maria Borg" })));

    // Nothing of the referred customers, nothing of the other partner.
    for (const secret of ["friend.secret", "Customer/77", "SECRET-LANDING", "secret-referrer", "#OTHER-", "Other Partner Co", other.referrer!.code, "self-referral"]) expect(html).not.toContain(secret);
    // The session rides in hidden fields only, never in a URL.
    expect(html).not.toMatch(/(href|action)="[^"]*session/);
    expect(html.match(/<input type="hidden" name="session"/g)!.length).toBeGreaterThanOrEqual(3);
    // The same through the view intent, in German.
    const de = await pageOf(await portal(session, { intent: "view" }, { query: { locale: "de" } }));
    expect(de).toContain("10,38\u00a0€");
    expect(de).toContain(translator("de")("partners.portal.status.REVERSED"));
    expect(de).toContain('lang="de"');
  });

  it("refuses a forged, expired or other shop's session, and one whose partner was ended, with the page to ask for a new link", async () => {
    const partner = await approvedPartner();
    const { session } = await signIn(partner.id);
    const shopB = uniqueShop("partners-b");
    await seedProgram(shopB);
    const [body, sig] = session.split(".");
    const forgedBody = Buffer.from(JSON.stringify({ s: shop, p: partner.id, e: Date.now() + 10 * PORTAL_SESSION_MS })).toString("base64url");
    const cases: [string, string, string?][] = [
      ["missing", ""],
      ["garbage", "not-a-session"],
      ["forged body, old signature", `${forgedBody}.${sig}`],
      ["another secret", portalSessionToken("another-app-secret-0123456789", { shop, partnerId: partner.id, now: new Date() })],
      ["expired", portalSessionToken(SECRET(), { shop, partnerId: partner.id, now: new Date(Date.now() - PORTAL_SESSION_MS - 1000) })],
      ["shop A's session on shop B", session, shopB],
      ["tampered signature", `${body}.${sig.slice(0, -2)}AA`],
    ];
    for (const [label, token, onShop] of cases) {
      const response = await portal(token, { intent: "view" }, { shop: onShop });
      expect(response.status, label).toBe(401);
      const html = await pageOf(response);
      expect(html, label).toContain(esc(t("partners.sign_in.ended")));
      expect(html, label).toContain(`action="/apps/referrals/partners/link/?locale=en"`);
      expect(html, label).not.toContain("Borg Cycling Club");
      expect(html, label).not.toContain(partner.referrer!.code);
    }
    // A session of shop B's partner, named for shop A, signed right: still refused (the partner is not A's).
    const partnerB = await db.partner.create({ data: { shop: shopB, status: "APPROVED", name: "B", businessName: "B's Business", email: "b@b.example", emailKey: "b@b.example" } });
    const crossed = await portal(portalSessionToken(SECRET(), { shop, partnerId: partnerB.id, now: new Date() }));
    expect(crossed.status).toBe(401);
    expect(await pageOf(crossed)).not.toContain("B's Business");
    // Ended while signed in: the next form shows nothing.
    await endPartner(merchant(shop), partner.id, "");
    const ended = await portal(session, { intent: "brochure" });
    expect(ended.status).toBe(401);
    expect(ended.headers.get("Content-Type")).toBe("application/liquid");
    // A GET (a reload) has no session.
    const reload = await send({ path: "/partners/portal" });
    expect(reload.status).toBe(200);
    expect(await pageOf(reload)).toContain(esc(t("partners.sign_in.ended")));
  });

  it("an invited partner accepts the agreement; a new version pauses the link until they accept it too", async () => {
    const invited = await invitePartner(merchant(shop), { name: "Jo Vella", businessName: "Vella Yoga", email: "jo@vella.example" });
    expect(invited.ok).toBe(true);
    const partnerId = (invited as { partnerId: string }).partnerId;
    const { html, session } = await signIn(partnerId);
    // Paused until accepted: the agreement, the note, the form; no link, no printables.
    expect(html).toContain(`<strong>${esc(t("partners.portal.paused"))}</strong>`);
    expect(html).toContain("Fees are paid monthly.");
    expect(hiddenValue(html, "intent")).toBe("accept");
    expect(html).not.toContain('id="rfl-p-link"');
    expect(html).not.toContain('value="brochure"');

    const missing = await portal(session, { intent: "accept", agreementVersion: "1", signature: "" });
    expect(missing.status).toBe(422);
    const missingHtml = await pageOf(missing);
    expect(missingHtml).toContain(`<p id="rfl-p-signature-error" class="rfl-error">${esc(t("partners.error.required", { field: t("partners.field.signature") }))}</p>`);
    expect(missingHtml).toContain(`<p id="rfl-p-accepted-error" class="rfl-error">${esc(t("partners.error.accepted"))}</p>`);

    const accepted = await portal(session, { intent: "accept", agreementVersion: "1", signature: "Jo Vella", accepted: "on" });
    expect(accepted.status).toBe(200);
    const acceptedHtml = await pageOf(accepted);
    expect(acceptedHtml).toContain(`<p role="status">${esc(t("partners.portal.accepted_now", { version: "1" }))}</p>`);
    const partner = await db.partner.findUniqueOrThrow({ where: { id: partnerId }, include: { referrer: true, acceptances: true } });
    expect(partner.status).toBe("APPROVED");
    expect(partner.referrer).toMatchObject({ status: "ACTIVE", disabledReason: null });
    expect(partner.acceptances).toMatchObject([{ version: 1, signature: "Jo Vella", ipHash: deviceHashes(shop, { ip, userAgent: null }).ipHash }]);
    expect(acceptedHtml).toContain(`value="https://boutique.example/?ref=${partner.referrer!.code}"`);

    // Version 2: the link pauses, the portal asks for it.
    expect((await publishAgreement(merchant(shop), { body: AGREEMENT_V2, basedOn: 1 })).ok).toBe(true);
    expect(await db.referrer.findUniqueOrThrow({ where: { id: partner.referrerId! } })).toMatchObject({ status: "DISABLED", disabledReason: PartnerLinkPause.AGREEMENT });
    const asked = await pageOf(await portal(session, { intent: "view" }));
    expect(asked).toContain(`<strong>${esc(t("partners.portal.paused"))}</strong>`);
    expect(asked).toContain("Fees are paid every two weeks.");
    expect(hiddenValue(asked, "agreementVersion")).toBe("2");
    // What they accepted before is still theirs to see.
    expect(asked).toContain(esc(t("partners.portal.agreement_heading")));
    // Paused: no brochure.
    const noBrochure = await portal(session, { intent: "brochure" });
    expect(noBrochure.status).toBe(409);
    expect(await pageOf(noBrochure)).toContain(esc(t("partners.portal.not_live")));
    // Signing the version they saw before is refused ("changed").
    const stale = await portal(session, { intent: "accept", agreementVersion: "1", signature: "Jo Vella", accepted: "on" });
    expect(stale.status).toBe(422);
    expect(await pageOf(stale)).toContain(esc(t("partners.error.changed", { version: "2" })));
    const again = await portal(session, { intent: "accept", agreementVersion: "2", signature: "Jo Vella", accepted: "on" });
    expect(again.status).toBe(200);
    expect(await db.referrer.findUniqueOrThrow({ where: { id: partner.referrerId! } })).toMatchObject({ status: "ACTIVE", disabledReason: null });
    expect((await db.agreementAcceptance.findMany({ where: { shop, partnerId }, orderBy: { version: "asc" } })).map((a) => a.version)).toEqual([1, 2]);
  });

  it("hands out the partner's brochure and poster: their business, link and code, the offer, in the page's language", async () => {
    const partner = await approvedPartner();
    const { session } = await signIn(partner.id);
    const code = partner.referrer!.code;
    const response = await portal(session, { intent: "brochure" }, { query: { locale: "fr" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/pdf");
    expect(response.headers.get("Cache-Control")).toBe("private, no-store");
    expect(response.headers.get("Content-Disposition")).toBe(`attachment; filename="referral-brochure-a4-${code.toLowerCase()}.pdf"`);
    const page = await readPdf(Buffer.from(await response.arrayBuffer()));
    const tf = translator("fr");
    const text = squash(page.text);
    expect(text).toContain(squash(tf("print.invite_named", { name: "Borg Cycling Club", shop: "Ħanut Żgħir" })));
    expect(text).toContain(squash(tf("print.offer_headline", { offer: "15\u00a0% de remise" })));
    expect(text).toContain(code);
    expect(page.language).toBe("fr");
    expect(decodeQr(page)?.text).toBe(`https://boutique.example/?ref=${code}`);

    const poster = await portal(session, { intent: "poster", paper: "letter" });
    expect(poster.headers.get("Content-Type")).toBe("application/pdf");
    const posterPage = await readPdf(Buffer.from(await poster.arrayBuffer()));
    expect(posterPage.width).toBe(612);
    expect(decodeQr(posterPage)?.text).toBe(`https://boutique.example/?ref=${code}`);
    expect((await portal(session, { intent: "flyer" })).status).toBe(400);
  });

  it("hands out the agreement they accepted as a PDF: the version, its text, their business, the name they typed and when", async () => {
    const partner = await approvedPartner({ signature: "Maria A. Borg" });
    // A newer version they have not accepted: the PDF is still the one they signed.
    expect((await publishAgreement(merchant(shop), { body: AGREEMENT_V2, basedOn: 1 })).ok).toBe(true);
    const { session } = await signIn(partner.id);
    const response = await portal(session, { intent: "agreement-pdf" }, { query: { locale: "de-DE" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/pdf");
    expect(response.headers.get("Cache-Control")).toBe("private, no-store");
    expect(response.headers.get("Content-Disposition")).toBe('attachment; filename="partner-agreement-v1-a4.pdf"');
    const bytes = Buffer.from(await response.arrayBuffer());
    const text = squash((await readPdfPages(bytes)).join(" "));
    expect(text).toContain(agreementTitle("de", 1));
    expect(text).toContain("The partner refers customers honestly. No spam, no coupon sites.");
    expect(text).toContain("Fees are paid monthly.");
    expect(text).not.toContain("every two weeks");
    expect(text).toContain("Borg Cycling Club");
    expect(text).toContain("Maria A. Borg");
    expect((await readPdf(bytes)).language).toBe("de");
    // Nobody else's: another partner's session gets their own, one who never accepted gets none.
    const invited = await invitePartner(merchant(shop), { name: "Jo Vella", businessName: "Vella Yoga", email: "jo@vella.example" });
    const other = await signIn((invited as { partnerId: string }).partnerId);
    const none = await portal(other.session, { intent: "agreement-pdf" });
    expect(none.status).toBe(404);
    expect(none.headers.get("Content-Type")).toBe("application/liquid");
    expect(await pageOf(none)).not.toContain("Maria A. Borg");
  });
});
