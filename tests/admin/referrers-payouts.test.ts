// Referrers (list, detail, disable, rewards by hand), the payout ledger and
// the exports. Another shop's ids are answered 404 and change nothing.
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import * as payouts from "~/routes/app.payouts";
import * as payoutsExport from "~/routes/app.payouts.export";
import * as detail from "~/routes/app.referrers.$id";
import * as referrersExport from "~/routes/app.referrers.export";
import * as list from "~/routes/app.referrers._index";
import { customersRedactPayload } from "../../fake-shopify/payloads";
import { act, adminRequest, installShop, load, thrownStatus } from "../helpers/admin-request";
import { seedShopActivity, sendOrder } from "../helpers/admin-seed";
import { DAY, usePipeline } from "../helpers/pipeline";
import { uniqueShop } from "../helpers/shops";

const pipeline = usePipeline();

async function otherShop() {
  const shop = uniqueShop("other");
  await installShop(shop);
  return shop;
}

const csv = async (response: unknown) => (await (response as Response).text()).replace(/^\uFEFF/, "").trim().split("\r\n");

describe("referrers", () => {
  it("lists referrers with their referrals, revenue and clicks; searches by email and code", async () => {
    const p = await seedShopActivity(pipeline);
    const data = await load(list.loader, p.shop, "/app/referrers");
    expect(data.items.map((r) => r.firstName).sort()).toEqual(["Rita", "Sam"]);
    const rita = data.items.find((r) => r.id === p.referrer.id)!;
    expect(rita).toMatchObject({ referrals: 4, revenue: "345", clicks: 4 });
    const sam = data.items.find((r) => r.id === p.sam.id)!;
    expect(sam).toMatchObject({ referrals: 2, source: "INVITE" });
    expect((await load(list.loader, p.shop, "/app/referrers?q=SAM@EXAMPLE.COM")).items.map((r) => r.id)).toEqual([p.sam.id]);
    expect((await load(list.loader, p.shop, `/app/referrers?q=${p.referrer.code.toLowerCase()}`)).items.map((r) => r.id)).toEqual([p.referrer.id]);
    expect((await load(list.loader, await otherShop(), "/app/referrers")).items).toEqual([]);
  });

  it("shows a referrer's code, link, stats, rewards and referrals; 404 for another shop", async () => {
    const p = await seedShopActivity(pipeline);
    const data = await load(detail.loader, p.shop, `/app/referrers/${p.referrer.id}`, { id: p.referrer.id });
    expect(data.referrer).toMatchObject({ code: p.referrer.code, link: `https://${p.shop}/?ref=${p.referrer.code}`, status: "ACTIVE" });
    expect(data.stats).toMatchObject({ referrals: 4, clicks: 4, shares: 3 });
    expect(data.rewards).toHaveLength(3);
    expect(data.referrals).toHaveLength(4);
    const other = await otherShop();
    expect(await thrownStatus(() => load(detail.loader, other, `/app/referrers/${p.referrer.id}`, { id: p.referrer.id }))).toBe(404);
  });

  it("sums a referrer's revenue exactly, to the currency's own precision", async () => {
    const p = await pipeline.setupShop();
    await db.program.update({ where: { shop: p.shop }, data: { currencyCode: "KWD" } });
    const referral = { shop: p.shop, referrerId: p.referrer.id, attributedBy: "CODE", currencyCode: "KWD", status: "PENDING" };
    await db.referral.create({ data: { ...referral, orderId: "gid://shopify/Order/1", subtotalAmount: "10.005", totalAmount: "10.005" } });
    await db.referral.create({ data: { ...referral, orderId: "gid://shopify/Order/2", subtotalAmount: "0.010", totalAmount: "0.010" } });
    await db.referral.create({ data: { ...referral, orderId: "gid://shopify/Order/3", subtotalAmount: "5", totalAmount: "5", status: "REJECTED" } });
    await db.reward.create({ data: { shop: p.shop, referrerId: p.referrer.id, kind: "CODE", valueType: "PERCENTAGE", value: "14.3", status: "ISSUED" } });
    const data = await load(detail.loader, p.shop, `/app/referrers/${p.referrer.id}`, { id: p.referrer.id });
    expect(data.stats).toMatchObject({ referrals: 2, revenue: "10.015" });
    expect(data.rewards[0].amount).toBe("14.3%");
  });

  it("disables a referrer with a reason (new referrals are rejected) and enables them again", async () => {
    const p = await seedShopActivity(pipeline);
    const path = `/app/referrers/${p.sam.id}`;
    expect((await act(detail.action, p.shop, path, { intent: "disable" }, { id: p.sam.id })).status).toBe(400);
    expect((await act(detail.action, p.shop, path, { intent: "disable", reason: "Coupon site" }, { id: p.sam.id })).data.ok).toBe(true);
    expect(await db.referrer.findUniqueOrThrow({ where: { id: p.sam.id } })).toMatchObject({ status: "DISABLED", disabledReason: "Coupon site" });
    await sendOrder(p, p.sam.code, { email: "zoe@example.com", subtotal: "70.00" });
    await p.drain();
    const latest = await db.referral.findFirstOrThrow({ where: { shop: p.shop, friendEmail: "zoe@example.com" } });
    expect(latest).toMatchObject({ status: "REJECTED", reason: "The referrer is disabled" });
    await act(detail.action, p.shop, path, { intent: "enable" }, { id: p.sam.id });
    expect((await db.referrer.findUniqueOrThrow({ where: { id: p.sam.id } })).status).toBe("ACTIVE");
  });

  it("takes a disabled referrer's code off the friend discount (a leaked code stops working) and puts it back on enabling", async () => {
    const p = await seedShopActivity(pipeline);
    const path = `/app/referrers/${p.sam.id}`;
    const friendCodes = () =>
      pipeline.shopify.fake
        .codes(p.shop)
        .filter((c) => c.discountId === p.program.discountId)
        .map((c) => c.code);
    expect(friendCodes()).toContain(p.sam.code);

    await act(detail.action, p.shop, path, { intent: "disable", reason: "Code posted on a coupon site" }, { id: p.sam.id });
    await p.drain();
    expect(friendCodes()).not.toContain(p.sam.code);
    expect(friendCodes()).toContain(p.referrer.code); // only Sam's code went
    expect(pipeline.shopify.fake.callsTo("RedeemCodesDelete")).toHaveLength(1);
    expect((await db.referrer.findUniqueOrThrow({ where: { id: p.sam.id } })).codeSyncedAt).toBeNull();

    // A second sync has nothing to remove.
    await act(detail.action, p.shop, path, { intent: "disable", reason: "Still disabled" }, { id: p.sam.id });
    await p.drain();
    expect(pipeline.shopify.fake.callsTo("RedeemCodesDelete")).toHaveLength(1);

    await act(detail.action, p.shop, path, { intent: "enable" }, { id: p.sam.id });
    await p.drain();
    expect(friendCodes()).toContain(p.sam.code);
    expect((await db.referrer.findUniqueOrThrow({ where: { id: p.sam.id } })).codeSyncedAt).not.toBeNull();
  });

  it("erasing a referrer (customers/redact) takes their code off the friend discount", async () => {
    const p = await seedShopActivity(pipeline);
    const samId = (await db.referrer.findUniqueOrThrow({ where: { id: p.sam.id } })).customerId!;
    await p.send("customers/redact", customersRedactPayload({ shop: p.shop, customerId: Number(samId.split("/").pop()), email: "sam@example.com", ordersToRedact: [] }));
    await p.drain();
    expect(await db.referrer.findUniqueOrThrow({ where: { id: p.sam.id } })).toMatchObject({ status: "DISABLED", email: null, codeSyncedAt: null });
    const codes = pipeline.shopify.fake.codes(p.shop).map((c) => c.code);
    expect(codes).not.toContain(p.sam.code);
    expect(codes).toContain(p.referrer.code);
  });

  it("issues a reward by hand and revokes it, with the reasons in the audit trail", async () => {
    const p = await seedShopActivity(pipeline);
    const path = `/app/referrers/${p.sam.id}`;
    expect((await act(detail.action, p.shop, path, { intent: "issue", reason: "Goodwill" }, { id: p.sam.id })).data.ok).toBe(true);
    await p.drain();
    const reward = await db.reward.findFirstOrThrow({ where: { shop: p.shop, referrerId: p.sam.id, referralId: null } });
    expect(reward).toMatchObject({ status: "ISSUED", kind: "CODE", reason: "Goodwill" });
    expect(pipeline.shopify.fake.codes(p.shop).some((c) => c.code === reward.code)).toBe(true);

    const revoked = await act(detail.action, p.shop, path, { intent: "revoke", rewardId: reward.id, reason: "Issued by mistake" }, { id: p.sam.id });
    expect(revoked.data.ok).toBe(true);
    await p.drain();
    expect((await db.reward.findUniqueOrThrow({ where: { id: reward.id } })).status).toBe("REVOKED");
    const rewardDiscount = pipeline.shopify.fake.discounts(p.shop).find((d) => d.codes.some((c) => c.code === reward.code));
    expect(rewardDiscount?.status).toBe("EXPIRED");
    const actions = (await db.auditEvent.findMany({ where: { shop: p.shop, rewardId: reward.id }, orderBy: { createdAt: "asc" } })).map((a) => `${a.action}:${a.detail ?? ""}`);
    expect(actions[0]).toBe("reward.created:Issued by hand: Goodwill");
    expect(actions).toContain("reward.revoke-requested:Issued by mistake");
  });

  it("refuses every action on another shop's referrer or reward (404)", async () => {
    const p = await seedShopActivity(pipeline);
    const other = await otherShop();
    const reward = await db.reward.findFirstOrThrow({ where: { shop: p.shop, referrerId: p.referrer.id, status: "ISSUED" } });
    const path = `/app/referrers/${p.referrer.id}`;
    const forms: Record<string, string>[] = [{ intent: "disable", reason: "x" }, { intent: "enable" }, { intent: "issue", reason: "x" }, { intent: "revoke", reason: "x", rewardId: reward.id }];
    for (const form of forms) {
      expect(await thrownStatus(() => act(detail.action, other, path, form, { id: p.referrer.id }))).toBe(404);
    }
    // A reward of the shop, but of another referrer, is not revocable through this one.
    expect(await thrownStatus(() => act(detail.action, p.shop, `/app/referrers/${p.sam.id}`, { intent: "revoke", reason: "x", rewardId: reward.id }, { id: p.sam.id }))).toBe(404);
    expect((await db.referrer.findUniqueOrThrow({ where: { id: p.referrer.id } })).status).toBe("ACTIVE");
    expect((await db.reward.findUniqueOrThrow({ where: { id: reward.id } })).status).toBe("ISSUED");
  });

  it("exports referrers as CSV with their numbers", async () => {
    const p = await seedShopActivity(pipeline);
    const lines = await csv(await referrersExport.loader({ request: adminRequest(p.shop, "/app/referrers/export"), params: {}, context: {} }));
    expect(lines[0]).toBe("ID,Joined at,First name,Last name,Email,Customer ID,Code,Joined from,Status,Referrals,Revenue,Clicks");
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.startsWith(p.referrer.id))).toMatch(/,4,345,4$/);
  });
});

describe("payouts (cash referral fee)", () => {
  it("keeps a ledger of earned, approved and paid fees; marks paid with a reference; exports what is owed", async () => {
    const p = await seedShopActivity(pipeline, { rewardKind: "CASH", rewardValue: "5" });
    let ledger = await load(payouts.loader, p.shop, "/app/payouts");
    const rita = ledger.rows.find((r) => r.referrerId === p.referrer.id)!;
    expect(rita).toMatchObject({ earned: "15.00", approved: "15.00", paid: "0.00", currencyCode: "USD" });
    expect(ledger.totals).toMatchObject({ earned: "15.00", approved: "15.00" });

    const lines = await csv(await payoutsExport.loader({ request: adminRequest(p.shop, "/app/payouts/export"), params: {}, context: {} }));
    expect(lines[1]).toContain(`${p.referrer.id},Rita,rita@example.com,${p.referrer.code},15.00,15.00,0.00,USD`);

    const shown = { intent: "mark-paid", referrerId: p.referrer.id, rewardIds: rita.owedRewardIds.join(","), amount: rita.approved };
    expect(rita.owedRewardIds).toHaveLength(3);
    expect((await act(payouts.action, p.shop, "/app/payouts", shown)).status).toBe(400);
    const paid = await act(payouts.action, p.shop, "/app/payouts", { ...shown, reference: "PAYPAL-123" });
    expect(paid.data).toMatchObject({ ok: true });
    ledger = await load(payouts.loader, p.shop, "/app/payouts");
    expect(ledger.rows.find((r) => r.referrerId === p.referrer.id)).toMatchObject({ earned: "15.00", approved: "0.00", paid: "15.00" });
    const rewards = await db.reward.findMany({ where: { shop: p.shop, referrerId: p.referrer.id } });
    expect(rewards.map((r) => [r.status, r.payoutReference])).toEqual(Array(3).fill(["PAID", "PAYPAL-123"]));

    // More fees after the hold: owed again.
    p.advance(31 * DAY);
    await p.drain();
    ledger = await load(payouts.loader, p.shop, "/app/payouts");
    expect(ledger.rows.find((r) => r.referrerId === p.referrer.id)).toMatchObject({ approved: "5.00", paid: "15.00" });
  });

  it("pays exactly the fees shown: a fee approved since the page loaded stays owed", async () => {
    const p = await seedShopActivity(pipeline, { rewardKind: "CASH", rewardValue: "5" });
    const shown = (await load(payouts.loader, p.shop, "/app/payouts")).rows.find((r) => r.referrerId === p.referrer.id)!;
    expect(shown).toMatchObject({ approved: "15.00" });
    // While the merchant types the reference, another fee's hold ends.
    p.advance(31 * DAY);
    await p.drain();
    expect((await load(payouts.loader, p.shop, "/app/payouts")).rows.find((r) => r.referrerId === p.referrer.id)).toMatchObject({ approved: "20.00" });

    const paid = await act(payouts.action, p.shop, "/app/payouts", { intent: "mark-paid", referrerId: p.referrer.id, rewardIds: shown.owedRewardIds.join(","), amount: shown.approved, reference: "BANK-1" });
    expect(paid.data).toMatchObject({ ok: true, message: "3 fees marked paid" });
    const after = (await load(payouts.loader, p.shop, "/app/payouts")).rows.find((r) => r.referrerId === p.referrer.id);
    expect(after).toMatchObject({ approved: "5.00", paid: "15.00" });
    expect(await db.reward.count({ where: { shop: p.shop, payoutReference: "BANK-1" } })).toBe(3);
  });

  it("refuses, paying nothing, when a fee shown was revoked meanwhile or the amount does not match the fees", async () => {
    const p = await seedShopActivity(pipeline, { rewardKind: "CASH", rewardValue: "5" });
    const shown = (await load(payouts.loader, p.shop, "/app/payouts")).rows.find((r) => r.referrerId === p.referrer.id)!;
    const form = { intent: "mark-paid", referrerId: p.referrer.id, rewardIds: shown.owedRewardIds.join(","), reference: "BANK-2" };

    const tampered = await act(payouts.action, p.shop, "/app/payouts", { ...form, amount: "10.00" });
    expect(tampered.status).toBe(409);
    expect(tampered.data.message).toMatch(/changed since the page was loaded.*Nothing was marked paid/);

    // One of the three fees is revoked by the merchant in another tab.
    const path = `/app/referrers/${p.referrer.id}`;
    await act(detail.action, p.shop, path, { intent: "revoke", rewardId: shown.owedRewardIds[0], reason: "Fraud" }, { id: p.referrer.id });
    await p.drain();
    expect((await db.reward.findUniqueOrThrow({ where: { id: shown.owedRewardIds[0] } })).status).toBe("REVOKED");

    const refused = await act(payouts.action, p.shop, "/app/payouts", { ...form, amount: shown.approved });
    expect(refused.status).toBe(409);
    expect(refused.data).toMatchObject({ ok: false });
    expect(await db.reward.count({ where: { shop: p.shop, status: "PAID" } })).toBe(0);
    expect(await db.auditEvent.count({ where: { shop: p.shop, action: "reward.paid" } })).toBe(0);
  });

  it("shows an empty ledger to a program without cash fees, and 404 for another shop's referrer", async () => {
    const p = await seedShopActivity(pipeline, { rewardKind: "CASH", rewardValue: "5" });
    const other = await otherShop();
    expect((await load(payouts.loader, other, "/app/payouts")).rows).toEqual([]);
    const rita = (await load(payouts.loader, p.shop, "/app/payouts")).rows.find((r) => r.referrerId === p.referrer.id)!;
    const form = { intent: "mark-paid", referrerId: p.referrer.id, rewardIds: rita.owedRewardIds.join(","), amount: rita.approved, reference: "X" };
    expect(await thrownStatus(() => act(payouts.action, other, "/app/payouts", form))).toBe(404);
    expect(await db.reward.count({ where: { shop: p.shop, status: "PAID" } })).toBe(0);
  });
});
