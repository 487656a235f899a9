// The app proxy endpoints through their real route modules, signed as Shopify
// signs them: what the block gets, enrolment, link events, rate limits, and
// what must never leak (whether a code exists, another shop's referrers).
import { beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { GUEST_ANSWER_MS } from "~/storefront/enrolment.server";
import { STOREFRONT_LOCALES, translator } from "~/storefront/i18n";
import { escapeLiquidHtml } from "~/storefront/liquid-escape";
import { STOREFRONT_LIMITS } from "~/storefront/rate-limit.server";
import { seedInstalledShop } from "../../fake-shopify/seed";
import { appProxySignature, callProxy, proxyUrl, sendProxy, type ProxyRequestInput } from "../helpers/app-proxy";
import { renderProxyLiquid } from "../helpers/liquid";
import { useTestShopify } from "../helpers/admin";
import { uniqueShop } from "../helpers/shops";
import { seedProgram, seedReferrer, uniqueIp } from "../helpers/storefront";

// A signed-in customer may claim a guest enrolment: the app asks Shopify (the fake) for their verified email.
const shopify = useTestShopify();
let shop = "";
let ip = "";
beforeEach(async () => {
  shop = uniqueShop();
  ip = uniqueIp();
  await seedInstalledShop(db, shop, { scope: "write_customers" });
});

const send = (input: Omit<ProxyRequestInput, "shop" | "ip"> & { shop?: string; ip?: string }) => sendProxy({ shop, ip, ...input });
const customerGid = (id: number) => `gid://shopify/Customer/${id}`;

async function seedReferrerWithHistory() {
  await seedProgram(shop, { currencyCode: "EUR", friendOfferKind: "PERCENTAGE", friendOfferValue: 15, shareMessage: "" });
  const referrer = await seedReferrer(shop, { customerId: customerGid(501), email: "ana@example.com" });
  const referral = (n: number, status: string) =>
    db.referral.create({
      data: {
        shop,
        referrerId: referrer.id,
        orderId: `gid://shopify/Order/${n}`,
        attributedBy: "LINK",
        subtotalAmount: 50,
        totalAmount: 50,
        currencyCode: "EUR",
        status,
      },
    });
  await referral(1, "REWARDED");
  await referral(2, "PENDING");
  await referral(3, "REJECTED");
  type RewardFields = { code: string; value?: number; valueType?: string; currencyCode?: string | null; status?: string; expiresAt?: Date };
  const reward = (data: RewardFields) =>
    db.reward.create({ data: { shop, referrerId: referrer.id, kind: "CODE", valueType: "FIXED_AMOUNT", value: 5, currencyCode: "EUR", status: "ISSUED", ...data } });
  await reward({ code: "REWARD-AAAA", value: 1234.5 });
  await reward({ code: "REWARD-BBBB", valueType: "PERCENTAGE", value: 10, currencyCode: null });
  await reward({ code: "REWARD-OLD", expiresAt: new Date(Date.now() - 86_400_000) });
  await reward({ code: "REWARD-GONE", status: "REVOKED" });
  return referrer;
}

/**
 * The rate limits count in fixed windows aligned to the clock: a test that
 * fills a window must not straddle two (on a loaded machine its requests can
 * take seconds). Waits for the next window when less than 10 s are left.
 */
async function awayFromWindowEdge(windowMs: number) {
  const left = windowMs - (Date.now() % windowMs);
  if (left < 10_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

describe("GET /apps/referrals/data", () => {
  it("gives the logged-in customer their code, links, share texts and stats, formatted for their locale", async () => {
    const referrer = await seedReferrerWithHistory();
    await db.program.update({ where: { shop }, data: { storefrontUrl: "https://boutique.example" } });
    const response = await send({ path: "/data", customerId: 501, query: { locale: "fr", origin: "https://boutique.example" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("private, no-store");
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    const data = await response.json();
    expect(data).toMatchObject({ state: "referrer", code: referrer.code, offer: "15\u00a0% de remise" });
    expect(data.share.link).toBe(`https://boutique.example/?ref=${referrer.code}`);
    expect(data.share.channels.whatsapp.link).toBe(`https://boutique.example/?ref=${referrer.code}&ch=whatsapp`);
    expect(data.share.channels.whatsapp.url).toBe(`https://wa.me/?text=${encodeURIComponent(data.share.channels.whatsapp.text)}`);
    expect(data.share.channels.email.url).toMatch(/^mailto:\?subject=Un%20cadeau/);
    expect(data.share.text).toContain("15\u00a0% de remise");
    expect(data.stats).toEqual({
      friendsOrdered: "2",
      rewardsEarned: "3",
      earnedTotals: ["1\u202f239,50\u00a0€"],
      unusedCodes: [
        { code: "REWARD-BBBB", value: "10\u00a0%", expiresAt: null },
        { code: "REWARD-AAAA", value: "1\u202f234,50\u00a0€", expiresAt: null },
      ],
    });
  });

  it("fills the merchant's share message, appending the link when the template has none", async () => {
    await seedProgram(shop, { shareMessage: "Use {code} for {offer}! #GoodStuff" });
    const referrer = await seedReferrer(shop, { customerId: customerGid(7) });
    const data = await (await send({ path: "/data", customerId: 7 })).json();
    expect(data.share.channels.x.text).toBe(
      `Use ${referrer.code} for 10% off! #GoodStuff https://${shop}/?ref=${referrer.code}&ch=x`,
    );
  });

  it("tells a guest and a customer who has not joined what the offer is, and nothing else", async () => {
    await seedProgram(shop, { friendOfferKind: "FIXED_AMOUNT", friendOfferValue: 5, currencyCode: "USD" });
    expect(await (await send({ path: "/data", query: { locale: "de" } })).json()).toEqual({ state: "guest", offer: "5,00\u00a0$ Rabatt" });
    expect(await (await send({ path: "/data", customerId: 8 })).json()).toEqual({ state: "customer", offer: "$5.00 off" });
  });

  it("answers unavailable when the program is off or the referrer is disabled", async () => {
    await seedProgram(shop, { enabled: false });
    expect(await (await send({ path: "/data" })).json()).toEqual({ state: "unavailable" });
    await db.program.update({ where: { shop }, data: { enabled: true } });
    await seedReferrer(shop, { customerId: customerGid(9), status: "DISABLED" });
    expect(await (await send({ path: "/data", customerId: 9 })).json()).toEqual({ state: "unavailable" });
  });
});

describe("POST /apps/referrals/enrol", () => {
  it("enrols a guest by email (once, however the email is spelled) and tells them to sign in, with no code or link", async () => {
    await seedProgram(shop);
    const first = await send({ path: "/enrol", body: { email: "Zoe.Ray+shop@Gmail.com", terms: true } });
    expect(first.status).toBe(202);
    expect(first.headers.get("Cache-Control")).toBe("private, no-store");
    expect(await first.json()).toEqual({ state: "sign_in" });
    const again = await send({ path: "/enrol", body: { email: "zoeray@gmail.com", terms: "on" } });
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ state: "sign_in" });
    expect(await db.referrer.findMany({ where: { shop } })).toMatchObject([{ source: "GUEST", customerId: null, email: "Zoe.Ray+shop@Gmail.com" }]);
  });

  it("answers a guest alike, in status, body and (roughly) time, for a new, an enrolled and a disabled email", async () => {
    await seedProgram(shop);
    const member = await seedReferrer(shop, { customerId: customerGid(71), email: "member@example.com", emailKey: "member@example.com" });
    const guest = await seedReferrer(shop, { email: "guest@example.com", emailKey: "guest@example.com", source: "GUEST" });
    const disabled = await seedReferrer(shop, { email: "gone@example.com", emailKey: "gone@example.com", status: "DISABLED" });
    // The first request loads the route's modules: not part of what is compared.
    await send({ path: "/enrol", ip: uniqueIp(), body: { email: "warm-up@example.com", terms: true } });
    const answers: { kind: string; ms: number; status: number; headers: string; body: string }[] = [];
    for (let round = 0; round < 3; round++) {
      for (const email of [`new${round}@example.com`, "member@example.com", "Guest@Example.com", "gone@example.com"]) {
        const started = performance.now();
        const response = await send({ path: "/enrol", ip: uniqueIp(), body: { email, terms: true } });
        const ms = performance.now() - started;
        answers.push({ kind: email.replace(/\d/, ""), ms, status: response.status, headers: [...response.headers].join(";"), body: await response.text() });
      }
    }
    for (const a of answers) expect({ ...a, kind: "", ms: 0 }).toEqual({ ...answers[0], kind: "", ms: 0 });
    expect(JSON.parse(answers[0].body)).toEqual({ state: "sign_in" });
    for (const code of [member.code, guest.code, disabled.code]) expect(answers.map((a) => a.body).join()).not.toContain(code);
    // No answer comes sooner than the floor, and a new email (rows written) is not told apart by its median time.
    for (const a of answers) expect(a.ms, a.kind).toBeGreaterThanOrEqual(GUEST_ANSWER_MS - 5);
    const median = (kind: string) => answers.filter((a) => a.kind === kind).map((a) => a.ms).sort((x, y) => x - y)[1];
    const medians = ["new@example.com", "member@example.com", "Guest@Example.com", "gone@example.com"].map(median);
    expect(Math.max(...medians) - Math.min(...medians)).toBeLessThan(GUEST_ANSWER_MS / 4);

    // The program page's form: the same page for every email, the sign-in link and no code.
    const pages = [];
    for (const email of ["fresh@example.com", "member@example.com", "gone@example.com"]) {
      const page = await send({ path: "/join", ip: uniqueIp(), body: new URLSearchParams({ email, terms: "on" }) });
      pages.push({ status: page.status, body: await page.text() });
    }
    expect(new Set(pages.map((p) => JSON.stringify(p))).size).toBe(1);
    expect(pages[0].status).toBe(200);
    expect(pages[0].body).toContain("sign in with this email address");
    expect(pages[0].body).toContain('href="{{ routes.account_login_url }}"');
    expect(pages[0].body).not.toContain("?ref=");
    // Nothing changed for the enrolled and the disabled: one row each, as they were.
    expect(await db.referrer.findUniqueOrThrow({ where: { id: disabled.id } })).toMatchObject({ status: "DISABLED", customerId: null });
    expect(await db.referrer.count({ where: { shop } })).toBe(8);
  });

  it("refuses a malformed email with an error naming the field, in the shopper's language", async () => {
    await seedProgram(shop);
    const response = await send({ path: "/enrol", query: { locale: "es" }, body: { email: "not-an-email", terms: true } });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ errors: { email: "Introduce un correo electrónico válido." } });
    const tooLong = await send({ path: "/enrol", body: { email: `${"a".repeat(250)}@example.com`, terms: true } });
    expect((await tooLong.json()).errors).toHaveProperty("email");
    const missing = await send({ path: "/enrol", body: { terms: true } });
    expect((await missing.json()).errors).toHaveProperty("email");
    expect(await db.referrer.count({ where: { shop } })).toBe(0);
  });

  it("refuses to enrol without the terms accepted, naming the field", async () => {
    await seedProgram(shop);
    for (const body of [{ email: "a@example.com" }, { email: "a@example.com", terms: false }, { email: "a@example.com", terms: "no" }]) {
      const response = await send({ path: "/enrol", body });
      expect(response.status).toBe(422);
      expect(await response.json()).toEqual({ errors: { terms: "Accept the terms to join." } });
    }
    expect(await db.referrer.count({ where: { shop } })).toBe(0);
  });

  it("gives a signed-in customer the referrer a guest enrolled with their verified email, code and all", async () => {
    await seedProgram(shop);
    const guest = await seedReferrer(shop, { email: "Zoe@Example.com", emailKey: "zoe@example.com", source: "GUEST" });
    const zoe = shopify.fake.seedCustomer(shop, { firstName: "Zoe", email: "zoe@example.com" });
    const numeric = zoe.id.split("/").pop()!;
    expect(await (await send({ path: "/data", customerId: numeric })).json()).toMatchObject({ state: "customer" });
    const response = await send({ path: "/enrol", customerId: numeric, body: { terms: true } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ state: "referrer", code: guest.code });
    expect(await db.referrer.findMany({ where: { shop } })).toMatchObject([{ id: guest.id, customerId: zoe.id, source: "GUEST" }]);
    expect(await (await send({ path: "/data", customerId: numeric })).json()).toMatchObject({ state: "referrer", code: guest.code });
    expect(shopify.fake.callsTo("CustomerSignInEmail")).toHaveLength(1);
  });

  it("does not let a customer whose email Shopify has not verified claim a guest enrolment with it", async () => {
    await seedProgram(shop);
    const guest = await seedReferrer(shop, { email: "victim@example.com", emailKey: "victim@example.com", source: "GUEST" });
    const impostor = shopify.fake.seedCustomer(shop, { email: "victim@example.com", verifiedEmail: false });
    const response = await send({ path: "/enrol", customerId: impostor.id.split("/").pop()!, body: { terms: true } });
    expect(response.status).toBe(201);
    expect((await response.json()).code).not.toBe(guest.code);
    expect(await db.referrer.findUniqueOrThrow({ where: { id: guest.id } })).toMatchObject({ customerId: null });
  });

  it("asks Shopify nothing when the shop has no guest enrolment to claim, or the customer is enrolled", async () => {
    await seedProgram(shop);
    expect((await send({ path: "/enrol", customerId: 81, body: { terms: true } })).status).toBe(201);
    await seedReferrer(shop, { email: "someone@example.com", emailKey: "someone@example.com", source: "GUEST" });
    expect((await send({ path: "/enrol", customerId: 81, body: { terms: true } })).status).toBe(200);
    expect(shopify.fake.callsTo("CustomerSignInEmail")).toHaveLength(0);
  });

  it("enrols the logged-in customer by their signed id and never by a typed email", async () => {
    await seedProgram(shop);
    shopify.fake.seedCustomer(shop, { id: customerGid(77), email: "customer77@example.com" });
    const guest = await seedReferrer(shop, { email: "victim@example.com", emailKey: "victim@example.com", source: "GUEST" });
    const response = await send({ path: "/enrol", customerId: 77, body: { email: "victim@example.com", terms: true } });
    expect(response.status).toBe(201);
    const member = await response.json();
    expect(member.code).not.toBe(guest.code);
    expect(member.stats).toMatchObject({ friendsOrdered: "0" });
    expect(await db.referrer.findUnique({ where: { id: guest.id } })).toMatchObject({ customerId: null });
    expect(await db.referrer.findFirst({ where: { shop, customerId: customerGid(77) } })).toMatchObject({ source: "STOREFRONT", email: "customer77@example.com" });
  });

  it("accepts a form body too, and answers GET with 405", async () => {
    await seedProgram(shop);
    const form = await send({ path: "/enrol", body: new URLSearchParams({ email: "form@example.com", terms: "on" }) });
    expect(form.status).toBe(202);
    expect((await send({ path: "/enrol" })).status).toBe(405);
  });

  it("refuses when the shop has no live program", async () => {
    const response = await send({ path: "/enrol", body: { email: "a@example.com", terms: true } });
    expect(response.status).toBe(409);
    expect((await response.json()).errors.form).toMatch(/not available/);
  });
});

describe("click and share events", () => {
  it("records a click with the share button's channel, a utm_source, or direct", async () => {
    await seedProgram(shop);
    const referrer = await seedReferrer(shop);
    for (const channel of ["whatsapp", "Newsletter", "", "<script>"]) {
      const response = await send({ path: "/click", body: { code: referrer.code.toLowerCase(), channel } });
      expect(response.status).toBe(200);
      expect(response.headers.get("Cache-Control")).toBe("private, no-store");
    }
    const events = await db.linkEvent.findMany({ where: { shop }, orderBy: { createdAt: "asc" } });
    expect(events.map((e) => [e.type, e.channel, e.referrerId])).toEqual([
      ["CLICK", "whatsapp", referrer.id],
      ["CLICK", "newsletter", referrer.id],
      ["CLICK", "direct", referrer.id],
      ["CLICK", "other", referrer.id],
    ]);
  });

  it("records a share by the logged-in customer, or by a guest's code", async () => {
    await seedProgram(shop);
    const member = await seedReferrer(shop, { customerId: customerGid(12) });
    const guest = await seedReferrer(shop, { source: "GUEST", email: "g@example.com" });
    expect((await send({ path: "/share", customerId: 12, body: { channel: "x", code: guest.code } })).status).toBe(204);
    expect((await send({ path: "/share", body: { channel: "copy", code: guest.code } })).status).toBe(204);
    const events = await db.linkEvent.findMany({ where: { shop, type: "SHARE" }, orderBy: { createdAt: "asc" } });
    expect(events.map((e) => [e.referrerId, e.channel])).toEqual([
      [member.id, "x"],
      [guest.id, "copy"],
    ]);
  });

  it("answers an unknown code, a malformed one, a disabled referrer and a real one alike", async () => {
    await seedProgram(shop);
    const active = await seedReferrer(shop);
    const disabled = await seedReferrer(shop, { status: "DISABLED" });
    const answers = [];
    for (const code of [active.code, disabled.code, "FRIEND-ZZZZZZZZ", "nope"]) {
      const response = await send({ path: "/click", body: { code, channel: "sms" } });
      answers.push({
        status: response.status,
        type: response.headers.get("Content-Type"),
        cache: response.headers.get("Cache-Control"),
        body: await response.text(),
      });
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(JSON.parse(answers[0].body)).toEqual({ offer: "10% off", referrer: null, code: null });
    expect(await db.linkEvent.findMany({ where: { shop } })).toMatchObject([{ referrerId: active.id }]);
  });

  it("names the referrer for the welcome banner only when they allowed their first name to be shown", async () => {
    await seedProgram(shop, { friendOfferKind: "PERCENTAGE", friendOfferValue: 15 });
    const contact = { lastName: "Referrer", email: "rita@example.com" };
    const allowed = await seedReferrer(shop, { firstName: "  Rita ", showFirstName: true, ...contact });
    const notAllowed = await seedReferrer(shop, { firstName: "Rita", showFirstName: false, ...contact });
    const noName = await seedReferrer(shop, { firstName: null, showFirstName: true, ...contact });
    const blankName = await seedReferrer(shop, { firstName: "   ", showFirstName: true, ...contact });
    const disabled = await seedReferrer(shop, { firstName: "Rita", showFirstName: true, status: "DISABLED", ...contact });
    const click = async (code: string, locale = "en") => {
      const response = await send({ path: `/click?locale=${locale}`, body: { code, channel: "whatsapp" } });
      expect(response.status).toBe(200);
      return response.text();
    };

    expect(JSON.parse(await click(allowed.code))).toEqual({ offer: "15% off", referrer: "Rita", code: null });
    for (const referrer of [notAllowed, noName, blankName, disabled]) {
      const body = await click(referrer.code);
      expect(JSON.parse(body)).toEqual({ offer: "15% off", referrer: null, code: null });
      expect(body).not.toMatch(/Rita|Referrer|example\.com/);
    }
    // Never the last name or the email, whatever is allowed.
    expect(await click(allowed.code)).not.toMatch(/Referrer|rita@/);
    // The clicks are counted whether the name is shown or not.
    expect(await db.linkEvent.count({ where: { shop, type: "CLICK", referrerId: { in: [allowed.id, notAllowed.id, noName.id, blankName.id] } } })).toBe(5);

    // A paused program names nobody.
    await db.program.update({ where: { shop }, data: { enabled: false } });
    expect(JSON.parse(await click(allowed.code))).toEqual({ offer: null, referrer: null, code: null });
  });

  it("never shows or counts another shop's referrer", async () => {
    const other = uniqueShop("other");
    await seedProgram(shop);
    await seedProgram(other);
    const theirs = await seedReferrer(other, { customerId: customerGid(31) });
    expect(await (await send({ path: "/data", customerId: 31 })).json()).toEqual({ state: "customer", offer: "10% off" });
    await send({ path: "/click", body: { code: theirs.code, channel: "x" } });
    await send({ path: "/share", body: { code: theirs.code, channel: "x" } });
    expect(await db.linkEvent.count({ where: { referrerId: theirs.id } })).toBe(0);
    // Enrolling the same customer id on this shop makes a referrer of this shop, with its own code.
    const mine = await (await send({ path: "/enrol", customerId: 31, body: { terms: true } })).json();
    expect(mine.code).not.toBe(theirs.code);
  });
});

describe("rate limits", () => {
  it("answers 429 with Retry-After once an IP has used its enrolment window, and counts other IPs apart", async () => {
    await seedProgram(shop);
    const { limit, windowMs } = STOREFRONT_LIMITS.enrol.perIp;
    for (let i = 0; i < limit; i++) {
      const response = await send({ path: "/enrol", customerId: 900 + i, body: { terms: true } });
      expect(response.status).toBe(201);
    }
    const refused = await send({ path: "/enrol", body: { email: "one-more@example.com", terms: true } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Cache-Control")).toBe("private, no-store");
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(windowMs / 1000);
    expect(await db.referrer.count({ where: { shop, email: "one-more@example.com" } })).toBe(0);
    expect((await send({ path: "/enrol", ip: uniqueIp(), body: { email: "other-ip@example.com", terms: true } })).status).toBe(202);
  });

  it("limits clicks per IP, and the program page's form answers 429 as a page", async () => {
    await seedProgram(shop);
    const referrer = await seedReferrer(shop);
    const { limit } = STOREFRONT_LIMITS.click.perIp;
    const statuses = [];
    for (let i = 0; i <= limit; i++) statuses.push((await send({ path: "/click", body: { code: referrer.code } })).status);
    expect(statuses.slice(0, limit).every((s) => s === 200)).toBe(true);
    expect(statuses[limit]).toBe(429);
    expect(await db.linkEvent.count({ where: { shop } })).toBe(limit);

    await send({ path: "/enrol", body: { email: "x@example.com", terms: true } });
    await db.rateLimit.updateMany({ where: { key: `enrol:ip:${shop}:${ip}` }, data: { count: 1000 } });
    const page = await send({ path: "/join", body: new URLSearchParams({ email: "y@example.com", terms: "on" }) });
    expect(page.status).toBe(429);
    expect(page.headers.get("Content-Type")).toBe("application/liquid");
    expect(page.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect(await page.text()).toContain("Too many attempts");
  });
});

describe("rate limits: one client cannot use up a shop's windows", () => {
  it("requests an IP's own window refuses are not counted against the shop", async () => {
    await seedProgram(shop);
    const { limit, windowMs } = STOREFRONT_LIMITS.enrol.perIp;
    await awayFromWindowEdge(windowMs);
    await awayFromWindowEdge(STOREFRONT_LIMITS.enrol.perShop.windowMs);
    const statuses = [];
    for (let i = 0; i < limit + 5; i++) statuses.push((await send({ path: "/enrol", body: { email: `flood${i}@example.com`, terms: true } })).status);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    expect(await db.rateLimit.findUnique({ where: { key: `enrol:shop:${shop}` } })).toMatchObject({ count: limit });
  }, 60_000);

  it("an IP's window is its own on each shop", async () => {
    const other = uniqueShop("other");
    await seedProgram(shop);
    await seedProgram(other);
    await db.rateLimit.create({ data: { key: `click:ip:${shop}:${ip}`, windowStart: new Date(), count: 10_000 } });
    expect((await send({ path: "/click", body: { code: "FRIEND-AAAAAAAA" } })).status).toBe(429);
    expect((await send({ shop: other, path: "/click", body: { code: "FRIEND-AAAAAAAA" } })).status).toBe(200);
  });

  it("a forged X-Forwarded-For does not give a client a fresh window", async () => {
    await seedProgram(shop);
    const referrer = await seedReferrer(shop);
    const { limit, windowMs } = STOREFRONT_LIMITS.click.perIp;
    await awayFromWindowEdge(windowMs);
    const statuses = [];
    for (let i = 0; i <= limit; i++) {
      // What the app sees behind one load balancer (TRUSTED_PROXY_HOPS=1): the shopper's own
      // header, the address Shopify's proxy appended, and the one the load balancer appended.
      const forwarded = `${uniqueIp()}, ${ip}, 203.0.113.200`;
      statuses.push((await send({ path: "/click", headers: { "X-Forwarded-For": forwarded }, body: { code: referrer.code } })).status);
    }
    expect(statuses.slice(0, limit).every((s) => s === 200)).toBe(true);
    expect(statuses[limit]).toBe(429);
    expect(await db.rateLimit.findMany({ where: { key: { startsWith: `click:ip:${shop}:` } } })).toMatchObject([{ key: `click:ip:${shop}:${ip}`, count: limit + 1 }]);
 }, 60_000);
});

describe("the signed proxy parameters", () => {
  it("refuses a guest's own ?logged_in_customer_id= ahead of Shopify's, signed along with it", async () => {
    await seedProgram(shop);
    const member = await seedReferrer(shop, { customerId: customerGid(501) });
    const url = proxyUrl({ shop, path: "/data", customerId: null, unsigned: true });
    const params = new URLSearchParams([["logged_in_customer_id", "501"], ...url.searchParams]);
    params.set("signature", appProxySignature(params));
    url.search = params.toString();
    const response = await callProxy(new Request(url, { headers: { "X-Forwarded-For": ip } }));
    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain(member.code);
  });
});

describe("share links point at the shop's own domains only", () => {
  it("takes the block's ?origin= when it is the shop's primary or myshopify.com domain, and the primary domain otherwise", async () => {
    await seedProgram(shop, { storefrontUrl: "https://boutique.example" });
    const referrer = await seedReferrer(shop, { customerId: customerGid(61) });
    const linkFor = async (origin?: string) =>
      (await (await send({ path: "/data", customerId: 61, query: origin === undefined ? {} : { origin } })).json()).share.link;
    expect(await linkFor("https://boutique.example")).toBe(`https://boutique.example/?ref=${referrer.code}`);
    expect(await linkFor(`https://${shop}`)).toBe(`https://${shop}/?ref=${referrer.code}`);
    for (const foreign of [
      "https://evil.example",
      "https://boutique.example.evil.example",
      "http://boutique.example",
      "https://user@boutique.example",
      "javascript:alert(1)",
      "https://boutique.example/../../phish",
      "",
    ]) {
      expect(await linkFor(foreign), foreign).toMatch(new RegExp(`^https://boutique\\.example/\\?ref=${referrer.code}$`));
    }
    expect(await linkFor(undefined)).toBe(`https://boutique.example/?ref=${referrer.code}`);
    // The program page, opened from a crafted link, shows the member links on the shop's domain.
    const page = await (await send({ path: "", customerId: 61, query: { origin: "https://evil.example" } })).text();
    expect(page).toContain(`value="https://boutique.example/?ref=${referrer.code}"`);
    expect(page).not.toContain("evil.example");
  });

  it("uses the myshopify.com domain until the primary domain is known", async () => {
    await seedProgram(shop);
    const referrer = await seedReferrer(shop, { customerId: customerGid(62) });
    const data = await (await send({ path: "/data", customerId: 62, query: { origin: "https://evil.example" } })).json();
    expect(data.share.link).toBe(`https://${shop}/?ref=${referrer.code}`);
    expect(JSON.stringify(data)).not.toContain("evil.example");
  });
});

describe("the program page", () => {
  it("is Liquid in the theme: the join form for a guest, the link for a member", async () => {
    await seedProgram(shop, { terms: "No {{ shop.secret }} <b>spam</b>." });
    const guest = await send({ path: "" });
    expect(guest.status).toBe(200);
    expect(guest.headers.get("Content-Type")).toBe("application/liquid");
    expect(guest.headers.get("Cache-Control")).toBe("private, no-store");
    const html = await guest.text();
    expect(html).toContain('action="/apps/referrals/join/?locale=en"');
    expect(html).toContain('name="email"');
    // The merchant's terms print as text: neither HTML nor Liquid runs.
    expect(html).toContain("No &#123;&#123; shop.secret &#125;&#125; &lt;b&gt;spam&lt;/b&gt;.");

    const referrer = await seedReferrer(shop, { customerId: customerGid(44) });
    const member = await (await send({ path: "", customerId: 44, query: { locale: "mt" } })).text();
    expect(member).toContain(`value="https://${shop}/?ref=${referrer.code}"`);
    expect(member).toContain("Il-link tar-riferiment tiegħek");
    expect(member).not.toContain('name="email"');
  });

  it("tells a guest who joined to sign in, in every storefront language", async () => {
    await seedProgram(shop);
    for (const language of STOREFRONT_LOCALES) {
      const t = translator(language);
      const page = await send({ path: "/join", ip: uniqueIp(), query: { locale: language }, body: new URLSearchParams({ email: `${language}@example.com`, terms: "on" }) });
      const html = await renderProxyLiquid(await page.text(), { language });
      expect(html, language).toContain(escapeLiquidHtml(t("block.joined_guest")));
      expect(html, language).toContain(`href="/account/login">${escapeLiquidHtml(t("block.sign_in"))}</a>`);
      if (language !== "en") expect(t("block.joined_guest"), language).not.toBe(translator("en")("block.joined_guest"));
    }
  });

  it("joins through the form and shows errors on their fields, echoing input inertly", async () => {
    await seedProgram(shop);
    const bad = await send({ path: "/join", body: new URLSearchParams({ email: "{{ 'x' }}@", terms: "on" }) });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain('aria-invalid="true" aria-describedby="rfl-email-error"');
    expect(badHtml).toContain("Enter a valid email address.");
    expect(badHtml).toContain('value="&#123;&#123; &#39;x&#39; &#125;&#125;@"');
    const good = await send({ path: "/join", body: new URLSearchParams({ email: "joiner@example.com", terms: "on" }) });
    expect(good.status).toBe(200);
    const referrer = await db.referrer.findFirstOrThrow({ where: { shop } });
    expect(referrer.source).toBe("GUEST");
    const html = await good.text();
    expect(html).not.toContain(referrer.code);
    expect(await renderProxyLiquid(html)).toContain('<a class="button" href="/account/login">Sign in</a>');
    // Signed in, the customer joins through the same form and sees the link.
    const signedIn = await send({ path: "/join", customerId: 45, body: new URLSearchParams({ terms: "on" }) });
    expect(signedIn.status).toBe(200);
    const own = await db.referrer.findFirstOrThrow({ where: { shop, customerId: customerGid(45) } });
    expect(await signedIn.text()).toContain(`?ref=${own.code}`);
  });
});
