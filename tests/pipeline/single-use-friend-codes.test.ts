// Single-use friend codes (friend-codes.server.ts, docs/decisions/0011), through
// the real entry points: the settings route switches the mode (the shared
// friend discount stops working), the app proxy's click route gives each
// friend who follows a link a code of their own (its own Shopify discount,
// usable once, in the fake Admin API), bounded per referrer per day; a signed
// orders/paid webhook with that code is the referrer's referral; the expiry
// job deletes the discounts of unused codes past their end.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import * as settings from "~/routes/app.settings";
import { enqueueJob } from "~/queue/queue.server";
import { EXPIRE_FRIEND_CODES_JOB } from "~/referrals/friend-codes.server";
import { applyRetention, DEFAULT_RETENTION } from "~/jobs/retention.server";
import { orderGid, orderPaidPayload } from "../../fake-shopify/payloads";
import { testClock } from "../helpers/admin";
import { act, load } from "../helpers/admin-request";
import { sendProxy } from "../helpers/app-proxy";
import { DAY, usePipeline } from "../helpers/pipeline";
import { uniqueIp } from "../helpers/storefront";
import { callExtension, extensionToken } from "../helpers/extensions";
import { startTestSmtp, useSmtpEnv, type TestSmtp } from "../helpers/smtp";
import * as account from "~/routes/api.extensions.account._index";
import { emailYourLink } from "~/email/events.server";

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
type Shop = Awaited<ReturnType<typeof setupShop>>;

const CHROME = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36";

async function saveSettings(p: Shop, changes: Record<string, string>) {
  const { values } = await load(settings.loader, p.shop, "/app/settings");
  const result = await act(settings.action, p.shop, "/app/settings", { ...values, ...changes, intent: "save" });
  testClock.ms = Math.max(testClock.ms, Date.now());
  return result;
}

async function singleUseShop(changes: Record<string, string> = {}) {
  const p = await setupShop();
  const saved = await saveSettings(p, { friendCodeMode: "SINGLE_USE", ...changes });
  expect(saved.data.ok).toBe(true);
  await p.drain();
  return p;
}

/** A friend following the referrer's link: the embed's POST /apps/referrals/click. */
async function click(p: Shop, { ip = uniqueIp(), userAgent = CHROME, code = p.referrer.code } = {}) {
  const response = await sendProxy({ shop: p.shop, ip, path: "/click", headers: { "User-Agent": userAgent }, body: { code, channel: "whatsapp" } });
  expect(response.status).toBe(200);
  return (await response.json()) as { offer: string | null; referrer: string | null; code: string | null };
}

const discountOf = (p: Shop, code: string) => shopify.fake.shop(p.shop).findByCode(code)?.discount ?? null;

let nextId = 8_300_000_000_000;
async function order(p: Shop, code: string, customerId: number = ++nextId) {
  const orderId = ++nextId;
  await p.send(
    "orders/paid",
    orderPaidPayload({
      orderId,
      customerId,
      email: `buyer${orderId}@example.com`,
      discountCodes: [code],
      subtotal: "80.00",
      total: "80.00",
      currency: "USD",
      createdAt: new Date(testClock.now()).toISOString(),
      name: `#${orderId % 100_000}`,
    }),
  );
  await p.drain();
  return p.referral(orderGid(orderId));
}

describe("single-use friend codes", () => {
  it("switching to them ends the shared friend discount, and switching back reopens it", async () => {
    const p = await setupShop();
    const shared = () => shopify.fake.shop(p.shop).status(discountOf(p, p.referrer.code)!);
    expect(shared()).toBe("ACTIVE");
    expect((await click(p)).code).toBeNull();

    expect((await saveSettings(p, { friendCodeMode: "SINGLE_USE", friendCodesPerDay: "5", friendCodeDays: "14" })).data.ok).toBe(true);
    p.advance(2000);
    expect(shared()).toBe("EXPIRED");
    expect(await db.program.findUniqueOrThrow({ where: { shop: p.shop } })).toMatchObject({ friendCodeMode: "SINGLE_USE", friendCodesPerDay: 5, friendCodeDays: 14 });

    expect((await saveSettings(p, { friendCodeMode: "SHARED" })).data.ok).toBe(true);
    expect(shared()).toBe("ACTIVE");
  });

  it("names the field of a bad limit or duration", async () => {
    const p = await setupShop();
    const result = await saveSettings(p, { friendCodeMode: "SINGLE_USE", friendCodesPerDay: "0", friendCodeDays: "400" });
    expect(result.data.ok).toBe(false);
    expect(result.data.errors).toMatchObject({ friendCodesPerDay: "Allow at least 1 friend code a day", friendCodeDays: "Friend codes last at most 365 days" });
    const bad = await saveSettings(p, { friendCodeMode: "EVERYONE" });
    expect(bad.data.errors.friendCodeMode).toBeTruthy();
  });

  it("gives a friend who follows a link a code of their own: its own discount with the offer, usable once, until it expires", async () => {
    const p = await singleUseShop({ friendCodeDays: "10" });
    const answer = await click(p, { ip: "203.0.113.9" });
    expect(answer.offer).toBe("10% off");
    expect(answer.code).toMatch(/^FRIEND-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/);
    expect(answer.code).not.toBe(p.referrer.code);

    const d = discountOf(p, answer.code!)!;
    const shared = discountOf(p, p.referrer.code)!;
    expect(d.id).not.toBe(shared.id);
    expect(d).toMatchObject({ typename: "DiscountCodeBasic", usageLimit: 1, appliesOncePerCustomer: true, title: shared.title, customerGets: shared.customerGets, combinesWith: shared.combinesWith });
    expect(d.codes.map((c) => c.code)).toEqual([answer.code]);
    expect(Date.parse(d.endsAt!) - testClock.now()).toBeGreaterThan(9.9 * DAY);
    expect(Date.parse(d.endsAt!) - testClock.now()).toBeLessThanOrEqual(10 * DAY);
    expect(shopify.fake.shop(p.shop).status(d)).toBe("ACTIVE");

    const row = await db.friendCode.findFirstOrThrow({ where: { shop: p.shop, code: answer.code! } });
    expect(row).toMatchObject({ referrerId: p.referrer.id, discountId: d.id, usedAt: null });
    // Keyed hashes of the browser, never the address itself.
    expect(row.ipHash).toMatch(/^[\w-]{20,}$/);
    expect(JSON.stringify(row)).not.toContain("203.0.113.9");

    // The same browser following the link again gets the same code; another browser its own.
    expect((await click(p, { ip: "203.0.113.9" })).code).toBe(answer.code);
    const other = await click(p, { ip: "203.0.113.10" });
    expect(other.code).not.toBe(answer.code);
    expect(await db.friendCode.count({ where: { shop: p.shop } })).toBe(2);
    // The click is counted every time.
    expect(await db.linkEvent.count({ where: { shop: p.shop, type: "CLICK" } })).toBe(3);

    // Unknown and disabled referrers' links get no code.
    expect((await click(p, { code: "FRIEND-ZZZZZZZZ" })).code).toBeNull();
    await db.referrer.update({ where: { id: p.referrer.id }, data: { status: "DISABLED" } });
    expect((await click(p)).code).toBeNull();
  });

  it("makes at most the daily number of codes per referrer, also when the clicks come at once", async () => {
    const p = await singleUseShop({ friendCodesPerDay: "3" });
    const burst = await Promise.all(Array.from({ length: 8 }, () => click(p)));
    const given = burst.map((a) => a.code).filter(Boolean);
    expect(given.length).toBeLessThanOrEqual(3);
    expect(new Set(given).size).toBe(given.length);
    // One by one, up to the bound and no further.
    for (let i = 0; i < 6; i++) await click(p);
    expect(await db.friendCode.count({ where: { shop: p.shop } })).toBe(3);
    expect(shopify.fake.discounts(p.shop).filter((d) => d.usageLimit === 1)).toHaveLength(3);
    // A day later the referrer's friends get codes again.
    await db.friendCode.updateMany({ where: { shop: p.shop }, data: { createdAt: new Date(Date.now() - DAY - 1000) } });
    expect((await click(p)).code).toBeTruthy();
  });

  it("attributes an order with a friend code to its referrer, by link, and the code works once at checkout", async () => {
    const p = await singleUseShop();
    const { code } = await click(p);
    const referral = await order(p, code!);
    expect(referral).toMatchObject({ referrerId: p.referrer.id, codeUsed: code, attributedBy: "LINK", status: "PENDING", typedWithoutLink: false });
    const row = await db.friendCode.findFirstOrThrow({ where: { shop: p.shop, code: code! } });
    expect(row.orderId).toBe(referral!.orderId);
    expect(row.usedAt).not.toBeNull();

    // The referrer's own customer cannot be their own friend with it.
    const own = await click(p);
    const selfReferral = await order(p, own.code!, Number(p.referrerCustomer.id.split("/").pop()));
    expect(selfReferral).toMatchObject({ status: "REJECTED", reason: "Self-referral: the friend is the referrer" });
  });

  it("the function's friend codes name their referrer, so the function refuses them to the referrer at checkout", async () => {
    const p = await setupShop();
    shopify.fake.shop(p.shop).deployFunction("referral-discount");
    expect((await saveSettings(p, { friendCodeMode: "SINGLE_USE" })).data.ok).toBe(true);
    await p.drain();
    const { code } = await click(p);
    const d = discountOf(p, code!)!;
    expect(d).toMatchObject({ typename: "DiscountCodeApp", functionHandle: "referral-discount", usageLimit: 1 });
    const config = JSON.parse(shopify.fake.shop(p.shop).metafields.get(`${d.id}|$app:referral|friend-offer`)!.value);
    expect(config).toMatchObject({ version: 1, offer: { kind: "PERCENTAGE", value: "10" }, referrerCode: p.referrer.code });
  });

  it("the expiry job deletes the discounts of unused expired codes, keeps used ones, and running it twice changes nothing", async () => {
    const p = await singleUseShop({ friendCodeDays: "2" });
    const unused = (await click(p)).code!;
    const used = (await click(p)).code!;
    await order(p, used);
    // A code whose create landed in Shopify but whose id was never recorded (a crash in between).
    const lost = (await click(p)).code!;
    await db.friendCode.updateMany({ where: { shop: p.shop, code: lost }, data: { discountId: null } });
    const later = (await click(p)).code!;
    // The first three past their end (the route stamps codes with the real clock; the job reads the test clock).
    await db.friendCode.updateMany({ where: { shop: p.shop, code: { in: [unused, used, lost] } }, data: { expiresAt: new Date(testClock.now() - 60_000) } });

    for (const key of ["first", "again"]) {
      await enqueueJob(db, { shop: p.shop, kind: EXPIRE_FRIEND_CODES_JOB, key }, new Date(testClock.now()));
      await p.drain();
    }
    expect(discountOf(p, unused)).toBeNull();
    expect(discountOf(p, lost)).toBeNull();
    expect(discountOf(p, used)).not.toBeNull();
    expect(discountOf(p, later)).not.toBeNull();
    const rows = await db.friendCode.findMany({ where: { shop: p.shop }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [r.code, r.deletedAt !== null])).toEqual([
      [unused, true],
      [used, true],
      [lost, true],
      [later, false],
    ]);

    // Retention removes them once link events of that age are gone.
    const counts = await applyRetention(db, new Date(testClock.now() + (DEFAULT_RETENTION.linkEventDays + 1) * DAY));
    expect(counts.friendCodes).toBeGreaterThanOrEqual(3);
    // The live one stays until its own end and expiry.
    expect((await db.friendCode.findMany({ where: { shop: p.shop } })).map((r) => r.code)).toEqual([later]);
  });

  it("gives no code while Shopify is unavailable, and the same browser gets one when it comes back", async () => {
    const p = await singleUseShop();
    shopify.fake.faults.queue("FriendOfferCreate", { kind: "network" }, { kind: "network" });
    const ip = uniqueIp();
    const first = await click(p, { ip });
    expect(first.offer).toBe("10% off");
    const second = await click(p, { ip });
    expect(second.code).toBeTruthy();
    expect(discountOf(p, second.code!)).not.toBeNull();
    expect(await db.friendCode.count({ where: { shop: p.shop } })).toBe(1);
  });

  it("shows referrers their link alone, since their code gives friends nothing: block, program page, account page and email", async () => {
    const p = await singleUseShop();
    const customerId = p.referrerCustomer.id.split("/").pop()!;
    const data = await (await sendProxy({ shop: p.shop, path: "/data", customerId })).json();
    expect(data).toMatchObject({ state: "referrer", code: null });
    expect(data.share.link).toContain(`ref=${p.referrer.code}`);
    expect(data.share.text).toContain(data.share.link);

    const page = await (await sendProxy({ shop: p.shop, path: "", customerId })).text();
    expect(page).toContain(`ref=${p.referrer.code}`);
    expect(page).not.toMatch(new RegExp(`<strong>${p.referrer.code}</strong>`));

    const home = await callExtension(account, { path: "/api/extensions/account?locale=en", token: extensionToken(p.shop, { customerId: p.referrerCustomer.id }), ip: uniqueIp() });
    expect(home.status).toBe(200);
    expect(home.json).toMatchObject({ state: "referrer", code: null });

    const before = smtp.received.length;
    await emailYourLink(db, p.referrer, new Date(testClock.now()));
    await p.drain();
    const [mail] = smtp.received.slice(before).filter((m) => m.envelopeTo.includes("rita@example.com"));
    expect(mail.parsed.text).toContain(`ref=${p.referrer.code}`);
    // The code appears only inside the link, never on its own.
    expect((mail.parsed.text ?? "").replaceAll(/https?:\/\/\S+/g, "")).not.toContain(p.referrer.code);

    // In shared mode the same referrer sees their code.
    expect((await saveSettings(p, { friendCodeMode: "SHARED" })).data.ok).toBe(true);
    expect(await (await sendProxy({ shop: p.shop, path: "/data", customerId })).json()).toMatchObject({ code: p.referrer.code });
  });
});
