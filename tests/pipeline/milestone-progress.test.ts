// What a referrer is told about milestones and store credit expiry, through
// the real entry points after the real pipeline rewarded their friends: the
// storefront block's data and the program page (app proxy, signed), the
// customer account page's API (session token), and the emails (real SMTP).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import * as account from "~/routes/api.extensions.account._index";
import { saveMilestones } from "~/referrals/milestones.server";
import { escapeLiquidHtml } from "~/storefront/liquid-escape";
import { orderPaidPayload } from "../../fake-shopify/payloads";
import { testClock } from "../helpers/admin";
import { sendProxy } from "../helpers/app-proxy";
import { callExtension, extensionToken } from "../helpers/extensions";
import { DAY, usePipeline } from "../helpers/pipeline";
import { startTestSmtp, useSmtpEnv, type TestSmtp } from "../helpers/smtp";
import { uniqueIp } from "../helpers/storefront";

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

let nextId = 6_300_000_000_000 + Math.floor(Math.random() * 1e9);
type Shop = Awaited<ReturnType<typeof setupShop>>;

async function friendOrders(p: Shop) {
  const orderId = ++nextId;
  const customerId = ++nextId;
  await p.send(
    "orders/paid",
    orderPaidPayload({ orderId, customerId, email: `friend${customerId}@example.com`, discountCodes: [p.referrer.code], subtotal: "80.00", total: "80.00", currency: "USD", createdAt: new Date(testClock.now()).toISOString() }),
  );
  await p.drain();
  await p.drain();
}

/** Past the hold: every pending referral is rewarded, and the emails go. */
async function holdEnds(p: Shop) {
  p.advance(15 * DAY);
  await p.drain();
  await p.drain();
}

const mailTo = (to: string, subject: RegExp) => smtp.received.filter((m) => m.envelopeTo.includes(to) && subject.test(m.parsed.subject ?? ""));
const customerNumber = (p: Shop) => p.referrerCustomer.id.split("/").pop()!;
const blockStats = async (p: Shop, locale = "en") => (await (await sendProxy({ shop: p.shop, ip: uniqueIp(), path: "/data", customerId: customerNumber(p), query: { locale } })).json()).stats;

describe("milestone progress and store credit expiry, as the referrer sees them", () => {
  it("the block, the program page, the account page and the emails say how far the next milestone is and until when the credit is valid", async () => {
    const p = await setupShop({ holdDays: 14, rewardKind: "STORE_CREDIT", rewardValue: "5", rewardExpiryDays: 60 });
    const mug = shopify.fake.seedProduct(p.shop, { title: "Blue Mug", handle: "blue-mug" });
    await saveMilestones(db, {
      shop: p.shop,
      cause: "test",
      milestones: [
        { referrals: 3, rewardKind: "STORE_CREDIT", rewardValue: "20", productId: null, productTitle: null },
        { referrals: 5, rewardKind: "FREE_PRODUCT", rewardValue: "100", productId: mug.id, productTitle: "Blue Mug" },
      ],
    });
    const to = `rita+${p.shop}@example.com`;
    await db.referrer.updateMany({ where: { shop: p.shop, id: p.referrer.id }, data: { email: to } });

    // A friend ordered: once confirmed, two more to go.
    await friendOrders(p);
    const [ordered] = mailTo(to, /friend just ordered/);
    expect(ordered.parsed.text).toContain("Once this order is confirmed, just 2 more friends to unlock $20.00 in store credit.");
    expect(await blockStats(p)).toMatchObject({ nextMilestone: "3 more friends to unlock $20.00 in store credit" });

    // Rewarded: $5.00 of store credit valid 60 days, and two more friends to go.
    await holdEnds(p);
    const credit = await db.reward.findFirstOrThrow({ where: { shop: p.shop, source: "REFERRAL" } });
    const expiresAt = credit.expiresAt!;
    // Decided and issued when the hold ended (the test clock), valid 60 days, on Shopify's credit too.
    expect(expiresAt.getTime()).toBe(credit.issuedAt!.getTime() + 60 * DAY);
    expect(shopify.fake.storeCreditTransactions(p.shop).find((t) => t.id === credit.shopifyId)?.expiresAt).toBe(expiresAt.toISOString());
    const [rewardMail] = mailTo(to, /reward is here/);
    const longDate = (locale: string) => new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "America/New_York" }).format(expiresAt);
    expect(rewardMail.parsed.text).toContain(`Your store credit is valid until ${longDate("en")}: spend it before then.`);
    expect(rewardMail.parsed.text).toContain("Just 2 more friends to unlock $20.00 in store credit.");
    expect(rewardMail.parsed.html).toContain("Just 2 more friends to unlock $20.00 in store credit.");

    const mediumDate = (locale: string) => new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(expiresAt);
    expect(await blockStats(p)).toMatchObject({
      nextMilestone: "2 more friends to unlock $20.00 in store credit",
      creditExpiry: [`$5.00, valid until ${mediumDate("en")}`],
    });
    // In French and in Maltese (whose "two" is a plural form of its own).
    expect(await blockStats(p, "fr")).toMatchObject({
      nextMilestone: "Encore 2 amis pour débloquer 20,00\u00a0$US d’avoir en boutique",
      creditExpiry: [`5,00\u00a0$US, valable jusqu'au ${mediumDate("fr")}`],
    });
    expect((await blockStats(p, "mt")).nextMilestone).toMatch(/^2 ħbieb oħra biex tikseb .*20[.,]00 kreditu fil-ħanut$/);

    const page = await (await sendProxy({ shop: p.shop, ip: uniqueIp(), path: "", customerId: customerNumber(p) })).text();
    expect(page).toContain(escapeLiquidHtml("2 more friends to unlock $20.00 in store credit"));
    expect(page).toContain(escapeLiquidHtml(`$5.00, valid until ${mediumDate("en")}`));

    const home = await callExtension(account, { path: "/api/extensions/account?locale=en", token: extensionToken(p.shop, { customerId: p.referrerCustomer.id }), ip: uniqueIp() });
    expect(home.json).toMatchObject({
      storeCredit: "$5.00",
      expiringCredit: [{ value: "$5.00", expiresAt: expiresAt.toISOString() }],
      nextMilestone: { remaining: 2, reward: "$20.00 in store credit" },
    });

    // Two more friends: the milestone's reward email says what it is for, and the next one is a free mug.
    await friendOrders(p);
    await friendOrders(p);
    await holdEnds(p);
    const milestoneReward = await db.reward.findFirstOrThrow({ where: { shop: p.shop, source: "MILESTONE" } });
    expect(milestoneReward).toMatchObject({ status: "ISSUED", kind: "STORE_CREDIT" });
    const bonus = mailTo(to, /reward is here/).find((m) => m.parsed.text?.includes("earned $20.00 in store credit"));
    expect(bonus?.parsed.text).toContain("This bonus is yours for reaching 3 successful referrals.");
    expect(bonus?.parsed.text).toContain("Just 2 more friends to unlock a free Blue Mug.");
    expect(await blockStats(p)).toMatchObject({ nextMilestone: "2 more friends to unlock a free Blue Mug" });
    expect((await blockStats(p)).creditExpiry).toHaveLength(4);

    // One friend left: singular.
    await friendOrders(p);
    const [lastOrdered] = mailTo(to, /friend just ordered/).slice(-1);
    expect(lastOrdered.parsed.text).toContain("Once this order is confirmed, just 1 more friend to unlock a free Blue Mug.");
    await holdEnds(p);
    expect(await blockStats(p)).toMatchObject({ nextMilestone: "1 more friend to unlock a free Blue Mug" });
    const again = await callExtension(account, { path: "/api/extensions/account?locale=de", token: extensionToken(p.shop, { customerId: p.referrerCustomer.id }), ip: uniqueIp() });
    expect(again.json).toMatchObject({ nextMilestone: { remaining: 1, reward: "Blue Mug gratis" } });

    // The fifth friend's order reaches the last milestone: its email says so, and nothing is ahead any more.
    await friendOrders(p);
    expect(mailTo(to, /friend just ordered/).slice(-1)[0].parsed.text).toContain("Once this order is confirmed, it unlocks a free Blue Mug.");
    await holdEnds(p);
    const free = mailTo(to, /reward is here/).find((m) => m.parsed.text?.includes("earned a free Blue Mug"));
    expect(free?.parsed.text).toContain("The code takes the full price of Blue Mug off");
    expect(free?.parsed.text).toContain("This bonus is yours for reaching 5 successful referrals.");
    expect((await blockStats(p)).nextMilestone).toBeUndefined();
  });
});
