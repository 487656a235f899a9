// The admin's Partners pages through their loaders and actions, as App Bridge
// calls them: inviting (refused field by field), deciding applications,
// ending an agreement, publishing agreement versions (a stale base refused,
// approved partners' links paused), terms, groups and the partner settings,
// the list's figures to the cent, the printables, and another shop's ids
// answered 404 everywhere.
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import * as detail from "~/routes/app.partners.$id";
import * as agreementPdf from "~/routes/app.partners.$id.agreement";
import * as printable from "~/routes/app.partners.$id.printable";
import * as agreement from "~/routes/app.partners.agreement";
import * as list from "~/routes/app.partners._index";
import * as settings from "~/routes/app.partners.settings";
import * as home from "~/routes/app._index";
import * as referrerDetail from "~/routes/app.referrers.$id";
import { publishAgreement } from "~/partners/agreement.server";
import { applyAsPartner } from "~/partners/partners.server";
import { redactCustomer } from "~/referrals/privacy.server";
import { act, installShop, load, thrownStatus } from "../helpers/admin-request";
import { readPdf, readPdfPages } from "../helpers/pdf";
import { usePipeline } from "../helpers/pipeline";
import { uniqueShop } from "../helpers/shops";

const pipeline = usePipeline();
const LIST = "/app/partners";
const AGREEMENT = "/app/partners/agreement";
const SETTINGS = "/app/partners/settings";

async function shopWithProgram() {
  const p = await pipeline.setupShop({ holdDays: 14 });
  await installShop(p.shop);
  return p;
}

async function otherShop() {
  const shop = uniqueShop("other");
  await installShop(shop);
  return shop;
}

const publish = (shop: string, body: string, basedOn: number) => act(agreement.action, shop, AGREEMENT, { intent: "publish", body, basedOn: String(basedOn) });

async function apply(shop: string, email: string, businessName = "Trail Guides Co") {
  const version = (await db.agreementVersion.findFirstOrThrow({ where: { shop }, orderBy: { version: "desc" } })).version;
  const outcome = await applyAsPartner(db, {
    shop,
    input: { name: "Mia Hart", businessName, email, website: "trailguides.example", pitch: "We run <b>guided hikes</b>\nand recommend gear.", signature: "Mia Hart", accepted: "on", agreementVersion: String(version) },
    ipHash: "0123456789abcdef0123",
    locale: "en",
  });
  expect(outcome).toEqual({ ok: true });
  return db.partner.findFirstOrThrow({ where: { shop, email } });
}

async function approved(shop: string, email: string, businessName?: string) {
  const partner = await apply(shop, email, businessName);
  expect((await act(detail.action, shop, `${LIST}/${partner.id}`, { intent: "approve" }, { id: partner.id })).data).toMatchObject({ ok: true });
  return db.partner.findFirstOrThrow({ where: { id: partner.id }, include: { referrer: true } });
}

describe("partners: invite", () => {
  it("refuses an invitation field by field, and before the agreement is published", async () => {
    const { shop } = await shopWithProgram();
    const refused = await act(list.action, shop, LIST, { intent: "invite", name: "Bo", businessName: "Bo's Bikes", email: "", feeKind: "PERCENT", feeValue: "150", groupId: "no-such-group" });
    expect(refused.status).toBe(400);
    expect(refused.data.errors).toEqual({ email: "required", feeValue: "too_large", groupId: "unknown", agreement: "none" });
    const badFee = await act(list.action, shop, LIST, { intent: "invite", name: "Bo", businessName: "Bo's Bikes", email: "bo@bikes.example", feeKind: "FIXED", feeValue: "1,5x" });
    expect(badFee.data.errors).toEqual({ feeValue: "invalid_number", agreement: "none" });
    expect((await load(list.loader, shop, LIST)).agreementVersion).toBeNull();
    expect(await db.partner.count({ where: { shop } })).toBe(0);
  });

  it("invites a partner: INVITED, with a paused link and code of their own; the same email again is taken", async () => {
    const { shop } = await shopWithProgram();
    expect((await publish(shop, "Partner agreement v1", 0)).data).toMatchObject({ ok: true, version: 1 });
    const sent = await act(list.action, shop, LIST, { intent: "invite", name: "Bo Berg", businessName: "Bo's Bikes", email: "Bo@Bikes.example", website: "bikes.example", locale: "mt", feeKind: "FIXED", feeValue: "15" });
    expect(sent.data).toMatchObject({ ok: true, email: "Bo@Bikes.example" });
    const partner = await db.partner.findUniqueOrThrow({ where: { id: sent.data.partnerId }, include: { referrer: true } });
    expect(partner).toMatchObject({ status: "INVITED", businessName: "Bo's Bikes", website: "https://bikes.example/", feeKind: "FIXED", locale: "mt" });
    // The home's count of referrers is of customers: the partner is counted on the Partners page.
    expect(await load(home.loader, shop, "/app")).toMatchObject({ referrers: 1 });
    expect(partner.feeValue?.toString()).toBe("15");
    expect(partner.referrer).toMatchObject({ kind: "PARTNER", status: "DISABLED", disabledReason: "PARTNER_AGREEMENT" });
    const again = await act(list.action, shop, LIST, { intent: "invite", name: "Bo", businessName: "Bo again", email: "bo@bikes.example" });
    expect(again.data.errors).toEqual({ email: "taken" });

    const page = await load(list.loader, shop, `${LIST}?status=INVITED`);
    expect(page.items.map((i) => [i.businessName, i.status, i.fee, i.accepted, i.linkLive])).toEqual([["Bo's Bikes", "INVITED", { kind: "FIXED", value: "15", source: "OWN" }, null, false]]);
    expect(page.counts).toMatchObject({ INVITED: 1, APPLIED: 0, ALL: 1 });
  });
});

describe("partners: decisions", () => {
  it("approves an application: APPROVED, and the link works at once when the version they accepted is current", async () => {
    const { shop } = await shopWithProgram();
    await publishAgreement({ db, shop, cause: "test" }, { body: "Agreement v1", basedOn: 0 });
    const partner = await apply(shop, "mia@trailguides.example");
    expect((await load(list.loader, shop, `${LIST}?status=APPLIED`)).items.map((i) => i.id)).toEqual([partner.id]);
    const page = await load(detail.loader, shop, `${LIST}/${partner.id}`, { id: partner.id });
    expect(page.partner).toMatchObject({ status: "APPLIED", pitch: "We run <b>guided hikes</b>\nand recommend gear.", accepted: { version: 1, current: true } });
    expect(page.referrer).toBeNull();
    expect(page.acceptances).toEqual([{ id: expect.any(String), version: 1, signature: "Mia Hart", acceptedAt: expect.any(String), addressHash: "01234567" }]);

    const result = await act(detail.action, shop, `${LIST}/${partner.id}`, { intent: "approve" }, { id: partner.id });
    expect(result.data).toMatchObject({ ok: true });
    const after = await db.partner.findUniqueOrThrow({ where: { id: partner.id }, include: { referrer: true } });
    expect(after.status).toBe("APPROVED");
    expect(after.referrer).toMatchObject({ kind: "PARTNER", status: "ACTIVE", disabledReason: null });
    const shown = await load(detail.loader, shop, `${LIST}/${partner.id}`, { id: partner.id });
    expect(shown.referrer).toMatchObject({ code: after.referrer!.code, status: "ACTIVE", link: `https://${shop}/?ref=${after.referrer!.code}` });
    // Decided already: the second approval is refused, nothing changes.
    const twice = await act(detail.action, shop, `${LIST}/${partner.id}`, { intent: "approve" }, { id: partner.id });
    expect(twice.status).toBe(409);
  });

  it("declines an application with a note, and ends an agreement: the link stops", async () => {
    const { shop } = await shopWithProgram();
    await publishAgreement({ db, shop, cause: "test" }, { body: "Agreement v1", basedOn: 0 });
    const applicant = await apply(shop, "no@thanks.example", "Coupon Heaven");
    const declined = await act(detail.action, shop, `${LIST}/${applicant.id}`, { intent: "decline", note: "A coupon site" }, { id: applicant.id });
    expect(declined.data).toMatchObject({ ok: true });
    expect(await db.partner.findUniqueOrThrow({ where: { id: applicant.id } })).toMatchObject({ status: "DECLINED", decisionNote: "A coupon site", decidedBy: "merchant:42" });

    const partner = await approved(shop, "mia@trailguides.example");
    expect((await act(detail.action, shop, `${LIST}/${partner.id}`, { intent: "end", note: "" }, { id: partner.id })).data).toMatchObject({ ok: true });
    expect(await db.partner.findUniqueOrThrow({ where: { id: partner.id }, include: { referrer: true } })).toMatchObject({
      status: "ENDED",
      referrer: { status: "DISABLED", disabledReason: "PARTNER_ENDED" },
    });
    // Ended already; a declined application cannot be ended.
    expect((await act(detail.action, shop, `${LIST}/${partner.id}`, { intent: "end" }, { id: partner.id })).status).toBe(409);
    expect((await act(detail.action, shop, `${LIST}/${applicant.id}`, { intent: "end" }, { id: applicant.id })).status).toBe(409);
    expect((await load(list.loader, shop, LIST)).counts).toMatchObject({ DECLINED: 1, ENDED: 1, ALL: 2 });
  });

  it("the referrer page of a partner links to their partner page and does not enable or disable them", async () => {
    const { shop } = await shopWithProgram();
    await publishAgreement({ db, shop, cause: "test" }, { body: "Agreement v1", basedOn: 0 });
    const partner = await approved(shop, "mia@trailguides.example");
    const path = `/app/referrers/${partner.referrerId}`;
    const page = await load(referrerDetail.loader, shop, path, { id: partner.referrerId! });
    expect(page.referrer.partnerId).toBe(partner.id);
    const refused = await act(referrerDetail.action, shop, path, { intent: "disable", reason: "x" }, { id: partner.referrerId! });
    expect(refused.status).toBe(409);
    expect((await db.referrer.findUniqueOrThrow({ where: { id: partner.referrerId! } })).status).toBe("ACTIVE");
  });
});

describe("partners: the agreement", () => {
  it("publishes v1 then v2: a stale base is refused, and approved partners' links pause until they accept", async () => {
    const { shop } = await shopWithProgram();
    const first = await load(agreement.loader, shop, AGREEMENT);
    expect(first.current).toBeNull();
    expect(first.versions).toEqual([]);
    // Nothing published yet: the template, filled in with the program's facts (its name, the default fee, the 14-day hold).
    expect(first.starter).toContain(shop.replace(".myshopify.com", ""));
    expect(first.starter).toContain("10% of the order subtotal after refunds");
    expect(first.starter).toMatch(/14-day/);
    expect((await publish(shop, "   ", 0)).data.errors).toEqual({ body: "required" });
    expect((await publish(shop, "Agreement v1", 0)).data).toEqual({ ok: true, version: 1, paused: 0, unchanged: false });
    expect((await publish(shop, "Someone else's v1", 0)).status).toBe(409);
    expect((await publish(shop, "Someone else's v1", 0)).data.errors).toEqual({ body: "changed" });
    expect((await publish(shop, "Garbled base", Number.NaN)).data.errors).toEqual({ body: "changed" });

    const partner = await approved(shop, "mia@trailguides.example");
    const page = await load(agreement.loader, shop, AGREEMENT);
    expect(page).toMatchObject({ current: { version: 1, body: "Agreement v1" }, approvedPartners: 1, starter: null });
    expect(page.versions).toEqual([{ version: 1, publishedAt: expect.any(String), publishedBy: "merchant:42", acceptances: 1 }]);

    expect((await publish(shop, "Agreement v1", 1)).data).toEqual({ ok: true, version: 1, paused: 0, unchanged: true });
    expect((await publish(shop, "Agreement v2: a new clause", 1)).data).toEqual({ ok: true, version: 2, paused: 1, unchanged: false });
    expect((await db.referrer.findUniqueOrThrow({ where: { id: partner.referrerId! } })).status).toBe("DISABLED");
    const after = await load(agreement.loader, shop, `${AGREEMENT}?version=1`);
    expect(after.versions.map((v) => [v.version, v.acceptances])).toEqual([
      [2, 0],
      [1, 1],
    ]);
    expect(after.viewing).toMatchObject({ version: 1, body: "Agreement v1" });
    expect((await load(agreement.loader, shop, `${AGREEMENT}?version=9`)).viewing).toBeNull();
    const listed = (await load(list.loader, shop, LIST)).items.find((i) => i.id === partner.id)!;
    expect(listed).toMatchObject({ accepted: { version: 1, current: false }, linkLive: false });
  });
});

describe("partners: terms, groups and settings", () => {
  it("groups are created, renamed and deleted (refused field by field); a partner's fee is their own, else their group's, else the program's", async () => {
    const { shop } = await shopWithProgram();
    await publishAgreement({ db, shop, cause: "test" }, { body: "Agreement v1", basedOn: 0 });
    const partner = await approved(shop, "mia@trailguides.example");
    const path = `${LIST}/${partner.id}`;

    const refused = await act(settings.action, shop, SETTINGS, { intent: "group", groupName: "", feeKind: "PERCENT", feeValue: "abc" });
    expect(refused.data).toEqual({ ok: false, form: "group", errors: { groupName: "required", feeValue: "invalid_number" } });
    expect((await act(settings.action, shop, SETTINGS, { intent: "group", groupName: "Bloggers", feeKind: "", feeValue: "" })).data.errors).toEqual({ feeKind: "required", feeValue: "required" });
    expect((await act(settings.action, shop, SETTINGS, { intent: "group", groupName: "Bloggers", feeKind: "PERCENT", feeValue: "12.5" })).data).toMatchObject({ ok: true });
    expect((await act(settings.action, shop, SETTINGS, { intent: "group", groupName: "Bloggers", feeKind: "FIXED", feeValue: "3" })).data.errors).toEqual({ groupName: "taken" });
    const group = await db.partnerGroup.findFirstOrThrow({ where: { shop } });
    expect((await act(settings.action, shop, SETTINGS, { intent: "group", groupId: group.id, groupName: "Outdoor bloggers", feeKind: "PERCENT", feeValue: "15" })).data).toMatchObject({ ok: true });

    const terms = await act(detail.action, shop, path, { intent: "terms", feeKind: "FIXED", feeValue: "200000", groupId: "nope", payoutEmail: "not-an-email" }, { id: partner.id });
    expect(terms.data.errors).toEqual({ feeValue: "too_large", groupId: "unknown", payoutEmail: "invalid_email" });
    expect((await act(detail.action, shop, path, { intent: "terms", feeKind: "", feeValue: "", groupId: group.id, payoutEmail: "pay@trailguides.example" }, { id: partner.id })).data).toMatchObject({ ok: true });
    const fee = async () => (await load(list.loader, shop, LIST)).items[0].fee;
    expect(await fee()).toEqual({ kind: "PERCENT", value: "15", source: "GROUP" });
    expect((await load(detail.loader, shop, path, { id: partner.id })).partner).toMatchObject({ groupId: group.id, payoutEmail: "pay@trailguides.example", ownFee: null });

    await act(detail.action, shop, path, { intent: "terms", feeKind: "FIXED", feeValue: "7.5", groupId: group.id, payoutEmail: "" }, { id: partner.id });
    expect(await fee()).toEqual({ kind: "FIXED", value: "7.5", source: "OWN" });

    const page = await load(settings.loader, shop, SETTINGS);
    expect(page.groups).toEqual([{ id: group.id, name: "Outdoor bloggers", kind: "PERCENT", value: "15", partners: 1 }]);
    expect((await act(settings.action, shop, SETTINGS, { intent: "deleteGroup", groupId: group.id })).data).toMatchObject({ ok: true });
    await act(detail.action, shop, path, { intent: "terms", feeKind: "", feeValue: "", groupId: "", payoutEmail: "" }, { id: partner.id });
    expect(await fee()).toEqual({ kind: "PERCENT", value: "10", source: "PROGRAM" });
  });

  it("saves the default partner fee and whether applications are open; shows the partner page's address", async () => {
    const { shop } = await shopWithProgram();
    const before = await load(settings.loader, shop, SETTINGS);
    expect(before).toMatchObject({ fee: { kind: "PERCENT", value: "10" }, applicationsOpen: true, publicUrl: `https://${shop}/apps/referrals/partners`, groups: [] });
    const refused = await act(settings.action, shop, SETTINGS, { intent: "program", feeKind: "PERCENT", feeValue: "101", applicationsOpen: "true" });
    expect(refused.data).toEqual({ ok: false, form: "program", errors: { feeValue: "too_large" } });
    expect((await act(settings.action, shop, SETTINGS, { intent: "program", feeKind: "FIXED", feeValue: "12,50", applicationsOpen: "false" })).data).toMatchObject({ ok: true });
    expect(await load(settings.loader, shop, SETTINGS)).toMatchObject({ fee: { kind: "FIXED", value: "12.5" }, applicationsOpen: false });
    expect(await db.auditEvent.count({ where: { shop, action: "partner-program.changed" } })).toBe(1);
  });
});

describe("partners: the list's figures", () => {
  it("sums each partner's live referred orders, revenue and fees exactly, and the totals", async () => {
    const { shop } = await shopWithProgram();
    await publishAgreement({ db, shop, cause: "test" }, { body: "Agreement v1", basedOn: 0 });
    const mia = await approved(shop, "mia@trailguides.example", "Trail Guides Co");
    const leo = await approved(shop, "leo@camp.example", "Camp Leo");
    const referral = (referrerId: string, n: number, total: string, status = "REWARDED") =>
      db.referral.create({ data: { shop, referrerId, orderId: `gid://shopify/Order/${referrerId}${n}`, orderName: `#${n}`, attributedBy: "CODE", subtotalAmount: total, totalAmount: total, currencyCode: "USD", status } });
    const fee = (referrerId: string, value: string, status: string, referralId?: string) =>
      db.reward.create({ data: { shop, referrerId, referralId, kind: "CASH", valueType: "FIXED_AMOUNT", value, currencyCode: "USD", status, source: "PARTNER_FEE" } });
    // Mia's first sums are whole numbers: SQLite must not type the later fractional ones as integers.
    const m1 = await referral(mia.referrerId!, 1, "100");
    const m2 = await referral(mia.referrerId!, 2, "50.10", "PENDING");
    await referral(mia.referrerId!, 3, "70", "REJECTED");
    await fee(mia.referrerId!, "10", "PAID", m1.id);
    await fee(mia.referrerId!, "5.01", "ISSUED", m2.id);
    await fee(mia.referrerId!, "3.33", "CANCELLED");
    const l1 = await referral(leo.referrerId!, 1, "19.99");
    await fee(leo.referrerId!, "2.25", "PAID", l1.id);
    await fee(leo.referrerId!, "1.10", "PENDING");
    // Another kind of reward of the same referrer is no partner fee.
    await db.reward.create({ data: { shop, referrerId: leo.referrerId!, kind: "CODE", valueType: "FIXED_AMOUNT", value: "99", status: "ISSUED" } });

    const page = await load(list.loader, shop, LIST);
    const figures = (id: string) => {
      const i = page.items.find((x) => x.id === id)!;
      return [i.orders, i.revenue, i.feesEarned, i.feesPaid];
    };
    expect(figures(mia.id)).toEqual([2, "150.10", "15.01", "10.00"]);
    expect(figures(leo.id)).toEqual([1, "19.99", "3.35", "2.25"]);
    expect(page.totals).toEqual({ orders: 3, revenue: "170.09", feesEarned: "18.36", feesPaid: "12.25" });
    expect(page.counts).toMatchObject({ APPROVED: 2, ALL: 2 });

    const one = await load(detail.loader, shop, `${LIST}/${mia.id}`, { id: mia.id });
    expect(one.figures).toEqual({ orders: 2, revenue: "150.10", feesEarned: "15.01", feesPaid: "10.00" });
    expect(one.referrals.map((r) => [r.orderName, r.subtotal, r.status])).toEqual(
      expect.arrayContaining([
        ["#1", "100", "REWARDED"],
        ["#3", "70", "REJECTED"],
      ]),
    );
    expect(one.fees.map((f) => [f.orderName, f.amount, f.status]).sort()).toEqual([
      ["#1", "10", "PAID"],
      ["#2", "5.01", "ISSUED"],
      [null, "3.33", "CANCELLED"],
    ]);
  });
});

describe("partners: erased at their request", () => {
  it("keeps an erased partner's figures and acceptances, without their personal data", async () => {
    const { shop } = await shopWithProgram();
    await publishAgreement({ db, shop, cause: "test" }, { body: "Agreement v1", basedOn: 0 });
    const partner = await approved(shop, "mia@trailguides.example");
    await db.referral.create({ data: { shop, referrerId: partner.referrerId!, orderId: "gid://shopify/Order/77", attributedBy: "CODE", subtotalAmount: "40", totalAmount: "40", currencyCode: "USD", status: "REWARDED" } });
    // customers/redact of their email, as the privacy webhook runs it.
    await redactCustomer(db, { shop, email: "mia@trailguides.example", cause: "test", now: new Date() });
    const item = (await load(list.loader, shop, LIST)).items[0];
    expect(item).toMatchObject({ id: partner.id, businessName: "", email: "", orders: 1, revenue: "40.00", linkLive: false });
    const page = await load(detail.loader, shop, `${LIST}/${partner.id}`, { id: partner.id });
    expect(page.partner).toMatchObject({ redacted: true, name: "", pitch: null });
    expect(page.acceptances).toEqual([expect.objectContaining({ version: 1, signature: "", addressHash: null })]);
    expect(page.referrer).toMatchObject({ status: "DISABLED" });
  });
});

describe("partners: printables", () => {
  it("downloads a working partner's brochure with their business name and link; none while the link is paused", async () => {
    const { shop } = await shopWithProgram();
    await publishAgreement({ db, shop, cause: "test" }, { body: "Agreement v1", basedOn: 0 });
    const partner = await approved(shop, "mia@trailguides.example", "Trail Guides Co");
    const response = (await load(printable.loader, shop, `${LIST}/${partner.id}/printable?kind=brochure&paper=a4`, { id: partner.id })) as unknown as Response;
    expect(response.headers.get("Content-Type")).toBe("application/pdf");
    const pdf = await readPdf(Buffer.from(await response.arrayBuffer()));
    expect(pdf.text).toContain("Trail Guides Co");
    expect(pdf.text).toContain(partner.referrer!.code);
    expect(await thrownStatus(() => load(printable.loader, shop, `${LIST}/${partner.id}/printable?kind=flyer`, { id: partner.id }))).toBe(404);
    await publishAgreement({ db, shop, cause: "test" }, { body: "Agreement v2", basedOn: 1 });
    expect(await thrownStatus(() => load(printable.loader, shop, `${LIST}/${partner.id}/printable?kind=poster`, { id: partner.id }))).toBe(404);
  });
});

describe("partners: the accepted agreement as PDF", () => {
  it("gives the version a partner accepted with their acceptance, in the merchant's language; none for a version they did not accept", async () => {
    const { shop } = await shopWithProgram();
    await db.program.update({ where: { shop }, data: { timezone: "Europe/Berlin" } });
    await publishAgreement({ db, shop, cause: "test" }, { body: "1. Fees\n\nTen percent of every referred order.", basedOn: 0 });
    const partner = await approved(shop, "mia@trailguides.example", "Trail Guides Co");
    const acceptedAt = (await db.agreementAcceptance.findFirstOrThrow({ where: { partnerId: partner.id } })).acceptedAt;
    const path = `${LIST}/${partner.id}/agreement`;
    const response = (await load(agreementPdf.loader, shop, path, { id: partner.id })) as unknown as Response;
    expect(response.headers.get("Content-Type")).toBe("application/pdf");
    expect(response.headers.get("Content-Disposition")).toBe('attachment; filename="partner-agreement-v1-trail-guides-co.pdf"');
    const text = (await readPdfPages(Buffer.from(await response.arrayBuffer()))).join("\n").replace(/\s+/g, " ");
    expect(text).toContain("Partner agreement — version 1");
    expect(text).toContain("Ten percent of every referred order.");
    expect(text).toContain("Partner: Trail Guides Co (Mia Hart)");
    // The acceptance's time in the shop's zone.
    const berlin = new Intl.DateTimeFormat("en", { timeZone: "Europe/Berlin", hour: "numeric", minute: "2-digit" }).format(acceptedAt);
    expect(text).toMatch(new RegExp(`Accepted by Mia Hart for Trail Guides Co on .*${berlin.replace(/\s/g, "\\s?")}`));

    // Version 2 not accepted yet: the download is still version 1; version 2 asked for is none.
    await publishAgreement({ db, shop, cause: "test" }, { body: "1. Fees\n\nTwelve percent.", basedOn: 1 });
    const again = (await load(agreementPdf.loader, shop, path, { id: partner.id })) as unknown as Response;
    expect((await readPdf(Buffer.from(await again.arrayBuffer()))).text).toContain("version 1");
    expect(await thrownStatus(() => load(agreementPdf.loader, shop, `${path}?version=2`, { id: partner.id }))).toBe(404);
    // An invited partner has accepted nothing yet.
    const invited = await act(list.action, shop, LIST, { intent: "invite", name: "Bo", businessName: "Bo's Bikes", email: "bo@bikes.example" });
    expect(await thrownStatus(() => load(agreementPdf.loader, shop, `${LIST}/${invited.data.partnerId}/agreement`, { id: invited.data.partnerId }))).toBe(404);
  });
});

describe("partners: another shop", () => {
  it("answers 404 for another shop's partner and group on every route, and changes nothing", async () => {
    const { shop } = await shopWithProgram();
    await publishAgreement({ db, shop, cause: "test" }, { body: "Agreement v1", basedOn: 0 });
    const partner = await approved(shop, "mia@trailguides.example");
    const applicant = await apply(shop, "ann@applies.example");
    const group = await db.partnerGroup.create({ data: { shop, name: "Bloggers", feeKind: "PERCENT", feeValue: "12" } });
    const other = await otherShop();
    const path = `${LIST}/${partner.id}`;
    const params = { id: partner.id };
    expect(await thrownStatus(() => load(detail.loader, other, path, params))).toBe(404);
    for (const form of [{ intent: "end" }, { intent: "terms", feeKind: "FIXED", feeValue: "1" }] as Record<string, string>[]) {
      expect(await thrownStatus(() => act(detail.action, other, path, form, params))).toBe(404);
    }
    for (const form of [{ intent: "approve" }, { intent: "decline", note: "x" }] as Record<string, string>[]) {
      expect(await thrownStatus(() => act(detail.action, other, `${LIST}/${applicant.id}`, form, { id: applicant.id }))).toBe(404);
    }
    expect(await thrownStatus(() => load(printable.loader, other, `${path}/printable?kind=brochure`, params))).toBe(404);
    expect(await thrownStatus(() => load(agreementPdf.loader, other, `${path}/agreement`, params))).toBe(404);
    expect(await thrownStatus(() => act(settings.action, other, SETTINGS, { intent: "deleteGroup", groupId: group.id }))).toBe(404);
    const rename = await act(settings.action, other, SETTINGS, { intent: "group", groupId: group.id, groupName: "Mine now", feeKind: "FIXED", feeValue: "1" });
    expect(rename.data.errors).toEqual({ groupId: "unknown" });
    expect((await act(list.action, other, LIST, { intent: "invite", name: "X", businessName: "X", email: "x@x.example", groupId: group.id })).data.errors).toMatchObject({ groupId: "unknown" });
    expect((await load(list.loader, other, LIST)).items).toEqual([]);

    expect(await db.partner.findUniqueOrThrow({ where: { id: partner.id } })).toMatchObject({ status: "APPROVED", feeKind: null });
    expect(await db.partner.findUniqueOrThrow({ where: { id: applicant.id } })).toMatchObject({ status: "APPLIED" });
    expect(await db.partnerGroup.findUniqueOrThrow({ where: { id: group.id } })).toMatchObject({ name: "Bloggers" });
  });
});
