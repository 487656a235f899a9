// One-click unsubscribe (RFC 8058) through its real route, honoured at once for
// non-essential mail while transactional mail still goes; and the merchant's
// weekly digest through its recurring job.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import * as unsubscribe from "~/routes/email.unsubscribe.$token";
import { queueEmail, runOutbox } from "~/email/outbox.server";
import { queueDigest, EMAIL_DIGEST_JOB } from "~/email/digest.server";
import { recurringJobs } from "~/jobs/registry.server";
import { unsubscribeToken } from "~/email/unsubscribe.server";
import type { JobContext } from "~/queue/types";
import { seedInstalledShop, seedProgram, seedReferrer } from "../../fake-shopify/seed";
import { uniqueShop } from "../helpers/shops";
import { startTestSmtp, useSmtpEnv, type TestSmtp } from "../helpers/smtp";

let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startTestSmtp();
  useSmtpEnv(smtp);
});
afterAll(async () => {
  await smtp.close();
  useSmtpEnv(null);
});

function ctx(shop: string, now = () => new Date()): JobContext {
  return { db, shop, cause: "test", kind: "k", key: "k", payload: null, now, admin: () => Promise.reject(new Error("no Admin API here")) };
}

async function shopWithReferrer() {
  const shop = uniqueShop();
  await seedInstalledShop(db, shop);
  await seedProgram(db, shop, { shopName: "Casa Rita", shopEmail: `owner@${shop}`, timezone: "Europe/Malta" });
  const referrer = await seedReferrer(db, shop, { email: `Sam+${shop}@example.com`, emailKey: "sam@example.com", firstName: "Sam", locale: "mt" });
  return { shop, referrer };
}

const linkIn = (raw: string) => /^List-Unsubscribe: <([^>]+)>/m.exec(raw.replace(/\r?\n[ \t]+/g, " "))![1];

describe("unsubscribe", () => {
  it("one click from the email's header unsubscribes at once; non-essential mail stops, the reward email still goes", async () => {
    const { shop, referrer } = await shopWithReferrer();
    const to = referrer.email!;
    await queueEmail(db, { shop, kind: "INVITATION", key: "invite:1", recipient: to, referrerId: referrer.id });
    await runOutbox(ctx(shop));
    const invitation = smtp.received.find((m) => m.envelopeTo.includes(to))!;
    expect(invitation.parsed.html).toContain('lang="mt"');
    const url = new URL(linkIn(invitation.raw));
    expect(url.origin).toBe("https://referrals.test");
    const token = url.pathname.split("/").pop()!;

    // A link scanner's GET changes nothing: the page asks, in the recipient's language.
    const page = await unsubscribe.loader({ request: new Request(url), params: { token }, context: {} });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('lang="mt"');
    expect(html).toContain("Casa Rita");
    expect(html).toContain('<form method="post">');
    expect(await db.emailSuppression.count({ where: { shop } })).toBe(0);

    // What a mail client sends for List-Unsubscribe-Post: no cookie, no login.
    const post = await unsubscribe.action({
      request: new Request(url, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" }),
      params: { token },
      context: {},
    });
    expect(post.status).toBe(200);
    expect(await db.emailSuppression.findMany({ where: { shop } })).toMatchObject([{ emailKey: "sam@example.com", reason: "UNSUBSCRIBED" }]);

    // Any spelling of the same address is the same person.
    await queueEmail(db, { shop, kind: "INVITATION", key: "invite:2", recipient: `s.a.m+${shop}@Example.com`.replace("s.a.m", "sam"), referrerId: referrer.id });
    await queueEmail(db, { shop, kind: "REWARD_REMINDER", key: "reminder:1", recipient: to, referrerId: referrer.id });
    const reward = await db.reward.create({ data: { shop, referrerId: referrer.id, kind: "STORE_CREDIT", valueType: "FIXED_AMOUNT", value: 5, currencyCode: "EUR", status: "ISSUED", issuedAt: new Date() } });
    await queueEmail(db, { shop, kind: "REWARD_ISSUED", key: `reward:${reward.id}`, recipient: to, referrerId: referrer.id, rewardId: reward.id });
    const before = smtp.received.length;
    await runOutbox(ctx(shop));
    expect(smtp.received.length - before).toBe(1);
    const last = smtp.received.at(-1)!;
    expect(last.parsed.text).toMatch(/€\s?5[.,]00|5[.,]00\s?€/);
    const statuses = await db.emailMessage.findMany({ where: { shop }, select: { kind: true, key: true, status: true, reason: true } });
    expect(statuses.filter((s) => s.status === "SUPPRESSED").map((s) => [s.kind, s.reason]).sort()).toEqual([
      ["INVITATION", "Unsubscribed"],
      ["REWARD_REMINDER", "Unsubscribed"],
    ]);
  });

  it("refuses a token it did not sign, or signed for another address", async () => {
    const { shop } = await shopWithReferrer();
    const forged = unsubscribeToken("another-secret-entirely-0000", shop, "sam@example.com");
    const swapped = Buffer.from(JSON.stringify([shop, "someone@example.com", JSON.parse(Buffer.from(unsubscribeToken(process.env.SHOPIFY_API_SECRET!, shop, "sam@example.com"), "base64url").toString())[2]])).toString("base64url");
    for (const token of [forged, swapped, "garbage", "%%%"]) {
      const request = new Request(`https://referrals.test/email/unsubscribe/${token}`, { method: "POST", body: "List-Unsubscribe=One-Click" });
      const response = await unsubscribe.action({ request, params: { token }, context: {} });
      expect(response.status).toBe(404);
    }
    expect(await db.emailSuppression.count({ where: { shop } })).toBe(0);
  });
});

describe("unreadable stored data", () => {
  it("a message whose stored data cannot be read is recorded as not sent, and the rest of the batch goes", async () => {
    const { shop, referrer } = await shopWithReferrer();
    await db.emailSwitch.create({ data: { shop, kind: "MERCHANT_DIGEST", enabled: true } });
    await queueEmail(db, { shop, kind: "MERCHANT_DIGEST", key: "digest:bad", recipient: `owner@${shop}`, payload: { from: "not a date", top: "nope" } });
    await queueEmail(db, { shop, kind: "TEST", key: "test:bad", recipient: `owner@${shop}` });
    await db.emailMessage.updateMany({ where: { shop, key: { startsWith: "test:bad" } }, data: { payload: "{not json" } });
    await queueEmail(db, { shop, kind: "INVITATION", key: "fine", recipient: referrer.email, referrerId: referrer.id });
    const run = await runOutbox(ctx(shop));
    expect(run).toMatchObject({ sent: 1, suppressed: 2 });
    const rows = await db.emailMessage.findMany({ where: { shop }, select: { kind: true, status: true, reason: true } });
    expect(rows.map((r) => [r.kind, r.status]).sort()).toEqual([
      ["INVITATION", "SENT"],
      ["MERCHANT_DIGEST", "SUPPRESSED"],
      ["TEST", "SUPPRESSED"],
    ]);
    expect(rows.find((r) => r.kind === "MERCHANT_DIGEST")?.reason).toBe("The digest's figures are unreadable");
  });

  it("a guest's link (asked for by whoever typed the address) honours an unsubscribe", async () => {
    const { shop, referrer } = await shopWithReferrer();
    await db.emailSuppression.create({ data: { shop, emailKey: "sam@example.com", reason: "UNSUBSCRIBED" } });
    await queueEmail(db, { shop, kind: "YOUR_LINK", key: `guest:${referrer.id}:2026-12-01`, recipient: referrer.email, referrerId: referrer.id });
    await queueEmail(db, { shop, kind: "YOUR_LINK", key: `link:${referrer.id}`, recipient: referrer.email, referrerId: referrer.id });
    await runOutbox(ctx(shop));
    const rows = await db.emailMessage.findMany({ where: { shop }, select: { key: true, status: true } });
    expect(rows.find((r) => r.key.startsWith("guest:"))?.status).toBe("SUPPRESSED");
    expect(rows.find((r) => r.key.startsWith("link:"))?.status).toBe("SENT");
  });

  it("an email to a referrer whose data was erased is deleted, not kept as not sent", async () => {
    const { shop, referrer } = await shopWithReferrer();
    await queueEmail(db, { shop, kind: "INVITATION", key: "late", recipient: referrer.email, referrerId: referrer.id });
    await db.referrer.update({ where: { id: referrer.id }, data: { email: null, emailKey: null, firstName: null, redactedAt: new Date(), status: "DISABLED" } });
    await runOutbox(ctx(shop));
    expect(await db.emailMessage.count({ where: { shop } })).toBe(0);
  });
});

describe("uninstalled", () => {
  it("a shop that uninstalled the app sends nothing more: its waiting emails are recorded as not sent", async () => {
    const { shop, referrer } = await shopWithReferrer();
    await queueEmail(db, { shop, kind: "INVITATION", key: "late", recipient: referrer.email, referrerId: referrer.id });
    await db.shop.update({ where: { shop }, data: { active: false, uninstalledAt: new Date() } });
    const before = smtp.received.length;
    await runOutbox(ctx(shop));
    expect(smtp.received.length).toBe(before);
    expect(await db.emailMessage.findFirst({ where: { shop } })).toMatchObject({ status: "SUPPRESSED", reason: "The shop uninstalled the app" });
  });
});

describe("per-shop rate", () => {
  it("sends at most EMAIL_SENDS_PER_SHOP_PER_SECOND a second: batches of that size, each waiting for its second", async () => {
    const { shop, referrer } = await shopWithReferrer();
    for (let i = 0; i < 5; i++) await queueEmail(db, { shop, kind: "INVITATION", key: `rate:${i}`, recipient: `r${i}+${shop}@example.com`, referrerId: referrer.id });
    const config = { smtpUrl: smtp.url, from: "referrals@app.test", perSecond: 2, appUrl: "https://referrals.test", apiKey: "k", secret: process.env.SHOPIFY_API_SECRET! };
    const waits: number[] = [];
    const sentBeforeWait: number[] = [];
    const before = smtp.received.length;
    const run = await runOutbox(ctx(shop), {
      config,
      sleep: async (ms) => {
        waits.push(ms);
        sentBeforeWait.push(smtp.received.length - before);
      },
    });
    expect(run).toMatchObject({ sent: 5 });
    // 2 a batch: after 2 sent, wait until 1 s has passed since the start; after 4, until 2 s.
    expect(sentBeforeWait).toEqual([2, 4, 5].slice(0, waits.length));
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(waits[0]).toBeGreaterThan(500);
    expect(waits[1]).toBeGreaterThan(waits[0]);
  });
});

describe("weekly digest", () => {
  it("is scheduled weekly per shop, off by default, and once switched on emails the owner last week's figures and top referrers", async () => {
    expect(recurringJobs.find((j) => j.kind === EMAIL_DIGEST_JOB)?.everyMs).toBe(7 * 86_400_000);
    const { shop, referrer } = await shopWithReferrer();
    const now = new Date();
    expect(await queueDigest(ctx(shop, () => now))).toBe("off");
    await db.emailSwitch.create({ data: { shop, kind: "MERCHANT_DIGEST", enabled: true } });
    const twoDaysAgo = new Date(now.getTime() - 2 * 86_400_000);
    for (let i = 0; i < 3; i++) {
      await db.referral.create({
        data: { shop, referrerId: referrer.id, orderId: `gid://shopify/Order/${i + 1}`, attributedBy: "CODE", subtotalAmount: 40, totalAmount: 40, currencyCode: "USD", status: "PENDING", createdAt: twoDaysAgo },
      });
    }
    const day = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Malta", year: "numeric", month: "2-digit", day: "2-digit" }).format(twoDaysAgo);
    await db.dailyStat.create({ data: { shop, day, orders: 3, revenue: 120, rewards: 1 } });
    expect(await queueDigest(ctx(shop, () => now))).toBe("queued");
    expect(await queueDigest(ctx(shop, () => now))).toBe("exists");
    await runOutbox(ctx(shop));
    const digest = smtp.received.find((m) => m.envelopeTo.includes(`owner@${shop}`))!;
    expect(digest.parsed.text).toMatch(/Referred orders: 3/);
    expect(digest.parsed.text).toMatch(/Revenue from referred orders: \$120\.00/);
    expect(digest.parsed.text).toContain("Sam: 3 orders");
    expect(digest.parsed.text).toContain(`https://admin.shopify.com/store/${shop.replace(".myshopify.com", "")}/apps/test-api-key`);
  });
});
