// The experiments admin pages' loaders and actions (a signed session token,
// the app's own authenticate.admin), the worker and the fake Shopify: starting
// validates each field and is refused while another experiment runs, a page
// never shows or changes another shop's experiment, ending with a winner whose
// offer is another Shopify discount type moves the program's codes as the
// Settings page would, and the thank-you/account extension API and the emails
// speak of the offer and reward of the referrer's variant.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import * as experiments from "~/routes/app.experiments._index";
import * as experimentPage from "~/routes/app.experiments.$id";
import * as account from "~/routes/api.extensions.account._index";
import { emailYourLink } from "~/email/events.server";
import { enrolReferrer } from "~/referrals/referrers.server";
import { orderGid, orderPaidPayload } from "../../fake-shopify/payloads";
import { testClock } from "../helpers/admin";
import { act, adminRequest, installShop, load, thrownStatus } from "../helpers/admin-request";
import { callExtension, extensionToken } from "../helpers/extensions";
import { usePipeline } from "../helpers/pipeline";
import { startTestSmtp, useSmtpEnv, type TestSmtp } from "../helpers/smtp";
import { uniqueIp } from "../helpers/storefront";

const { shopify, setupShop } = usePipeline();
type Shop = Awaited<ReturnType<typeof setupShop>>;
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startTestSmtp();
  useSmtpEnv(smtp);
});
afterAll(async () => {
  await smtp.close();
  useSmtpEnv(null);
});

const catchUp = () => (testClock.ms = Math.max(testClock.ms, Date.now()));
const LIST = "/app/experiments";

type VariantForm = { name?: string; friendOfferKind: string; friendOfferValue: string; rewardKind: string; rewardValue: string };
const control: VariantForm = { name: "Control", friendOfferKind: "PERCENTAGE", friendOfferValue: "10", rewardKind: "CODE_PERCENTAGE", rewardValue: "10" };
const twenty: VariantForm = { name: "Twenty", friendOfferKind: "PERCENTAGE", friendOfferValue: "20", rewardKind: "CASH", rewardValue: "5" };
const shipping: VariantForm = { name: "Shipping", friendOfferKind: "FREE_SHIPPING", friendOfferValue: "", rewardKind: "STORE_CREDIT", rewardValue: "8" };

function form(name: string, variants: VariantForm[]) {
  const data: Record<string, string> = { intent: "start", name, variantCount: String(variants.length) };
  variants.forEach((v, i) => {
    for (const [key, value] of Object.entries(v)) data[`variants.${i}.${key}`] = value;
  });
  return data;
}

async function startRaw(shop: string, name: string, variants: VariantForm[]) {
  const result = await experiments.action({ request: adminRequest(shop, LIST, form(name, variants)), params: {}, context: {} });
  if (result instanceof Response && result.status === 302) return { status: 302, id: result.headers.get("Location")!.split("/").pop()!, errors: {} as Record<string, string> };
  const response = result as Response;
  return { status: response.status, id: null, errors: ((await response.json()) as { errors: Record<string, string> }).errors };
}

async function started(p: Shop, variants: VariantForm[]) {
  await installShop(p.shop);
  const { status, id } = await startRaw(p.shop, "Which offer works", variants);
  expect(status).toBe(302);
  catchUp();
  await p.drain();
  return db.experiment.findFirstOrThrow({ where: { id: id!, shop: p.shop }, include: { variants: { orderBy: { position: "asc" } } } });
}

describe("the experiments pages", () => {
  it("start: each refused field is named, in the merchant's language, and nothing is created", async () => {
    const p = await setupShop();
    await installShop(p.shop);
    const refused = await startRaw(p.shop, " ", [
      { ...control, friendOfferValue: "120" },
      { ...twenty, rewardValue: "abc" },
      control,
      { ...control, name: "Same", friendOfferValue: "10.0" },
    ]);
    expect(refused.status).toBe(400);
    expect(refused.errors).toEqual({
      name: "Give the experiment a name",
      "variants.0.friendOfferValue": "A percentage discount is at most 100%",
      "variants.1.rewardValue": "Enter a reward greater than 0, like 10 or 4.99",
      "variants.3.friendOfferValue": "This variant is the same as another one: change its offer or reward",
    });
    const one = await startRaw(p.shop, "Too few", [control]);
    expect(one).toMatchObject({ status: 400, errors: { variants: "An experiment has 2 to 4 variants" } });
    const five = await startRaw(p.shop, "Too many", [control, twenty, shipping, { ...twenty, friendOfferValue: "30" }, { ...twenty, friendOfferValue: "40" }]);
    expect(five).toMatchObject({ status: 400, errors: { variants: "An experiment has 2 to 4 variants" } });
    expect(await db.experiment.count({ where: { shop: p.shop } })).toBe(0);
    expect(await db.job.count({ where: { shop: p.shop, kind: "experiment-discounts" } })).toBe(0);
  });

  it("start: one running experiment a shop; the list shows it, prefilled from the program, and its page shows each variant", async () => {
    const p = await setupShop({ friendOfferKind: "FIXED_AMOUNT", friendOfferValue: "7.5", rewardKind: "STORE_CREDIT", rewardValue: "4" });
    await installShop(p.shop);
    const empty = await load(experiments.loader, p.shop, LIST);
    expect(empty).toMatchObject({ experiments: [], running: null, control: { friendOfferKind: "FIXED_AMOUNT", friendOfferValue: "7.5", rewardKind: "STORE_CREDIT", rewardValue: "4" } });

    const experiment = await started(p, [control, twenty]);
    const second = await startRaw(p.shop, "Another", [control, shipping]);
    expect(second).toMatchObject({ status: 409, errors: { form: "Another experiment is running: end it first" } });
    expect(await db.experiment.count({ where: { shop: p.shop } })).toBe(1);

    const list = await load(experiments.loader, p.shop, LIST);
    expect(list).toMatchObject({ running: { id: experiment.id }, experiments: [{ id: experiment.id, status: "RUNNING", variants: 2, winner: null }] });
    const page = await load(experimentPage.loader, p.shop, `${LIST}/${experiment.id}`, { id: experiment.id });
    expect(page.report.variants.map((v) => [v.name, v.friendOfferValue, v.rewardKind])).toEqual([
      ["Control", "10", "CODE_PERCENTAGE"],
      ["Twenty", "20", "CASH"],
    ]);
    expect(page.codes).toEqual({ discountsPending: false, discountsLeft: 2, unmoved: 0 });
    const trail = await db.auditEvent.findFirstOrThrow({ where: { shop: p.shop, action: "experiment.started" } });
    expect(trail.cause).toMatch(/^merchant:/);
  });

  it("another shop's experiment: its page, ending it and moving its codes are all 404", async () => {
    const p = await setupShop();
    const experiment = await started(p, [control, twenty]);
    const other = await setupShop();
    await installShop(other.shop);
    const path = `${LIST}/${experiment.id}`;
    expect(await thrownStatus(() => load(experimentPage.loader, other.shop, path, { id: experiment.id }))).toBe(404);
    expect(await thrownStatus(() => act(experimentPage.action, other.shop, path, { intent: "end", winnerVariantId: experiment.variants[1].id }, { id: experiment.id }))).toBe(404);
    expect(await thrownStatus(() => act(experimentPage.action, other.shop, path, { intent: "move" }, { id: experiment.id }))).toBe(404);
    expect(await db.experiment.findUniqueOrThrow({ where: { id: experiment.id } })).toMatchObject({ status: "RUNNING", winnerVariantId: null });
  });

  it("end: a winner of another experiment is refused, moving before the end is refused, ending twice is refused", async () => {
    const p = await setupShop();
    const experiment = await started(p, [control, twenty]);
    const path = `${LIST}/${experiment.id}`;
    const params = { id: experiment.id };
    expect(await act(experimentPage.action, p.shop, path, { intent: "move" }, params)).toMatchObject({ status: 409, data: { ok: false, message: "End the experiment before moving its codes." } });
    expect(await act(experimentPage.action, p.shop, path, { intent: "end", winnerVariantId: "someone-else" }, params)).toMatchObject({ status: 409, data: { ok: false } });
    expect(await act(experimentPage.action, p.shop, path, { intent: "end", winnerVariantId: experiment.variants[0].id }, params)).toMatchObject({ status: 200, data: { ok: true } });
    expect(await act(experimentPage.action, p.shop, path, { intent: "end", winnerVariantId: experiment.variants[1].id }, params)).toMatchObject({ status: 409, data: { message: "This experiment is not running any more." } });
    expect(await db.experiment.findUniqueOrThrow({ where: { id: experiment.id } })).toMatchObject({ status: "ENDED", runningShop: null, winnerVariantId: experiment.variants[0].id });
    // With none running, another may start.
    expect((await startRaw(p.shop, "Next", [control, shipping])).status).toBe(302);
  });

  it("end with a free-shipping winner: the program's discount becomes free shipping (its codes move), the variants' discounts stay", async () => {
    const p = await setupShop({ holdDays: 0 });
    const experiment = await started(p, [control, shipping]);
    // Referrers in both variants (a variant nobody was assigned to has no promise to keep: its discount goes at the end).
    for (let i = 0; new Set((await db.referrer.findMany({ where: { shop: p.shop, variantId: { not: null } } })).map((r) => r.variantId)).size < 2; i++) {
      await enrolReferrer(db, { shop: p.shop, customerId: `gid://shopify/Customer/${31_000 + i}`, source: "STOREFRONT", cause: "test" });
    }
    catchUp();
    await p.drain();
    const oldProgramDiscount = p.program.discountId;
    const path = `${LIST}/${experiment.id}`;
    expect(await act(experimentPage.action, p.shop, path, { intent: "end", winnerVariantId: experiment.variants[1].id }, { id: experiment.id })).toMatchObject({ data: { ok: true } });
    catchUp();
    await p.drain();
    const program = await db.program.findUniqueOrThrow({ where: { shop: p.shop } });
    expect(program).toMatchObject({ friendOfferKind: "FREE_SHIPPING", rewardKind: "STORE_CREDIT", previousDiscountId: null });
    expect(program.discountId).not.toBe(oldProgramDiscount);
    const holder = shopify.fake.shop(p.shop).findByCode(p.referrer.code)!.discount;
    expect(holder).toMatchObject({ id: program.discountId, typename: "DiscountCodeFreeShipping" });
    const variants = await db.experimentVariant.findMany({ where: { experimentId: experiment.id } });
    for (const v of variants) expect(shopify.fake.discounts(p.shop).some((d) => d.id === v.discountId)).toBe(true);
    const variantReferrers = await db.referrer.findMany({ where: { shop: p.shop, variantId: { not: null } } });
    for (const r of variantReferrers) expect(shopify.fake.shop(p.shop).findByCode(r.code)!.discount.id).toBe(variants.find((v) => v.id === r.variantId)!.discountId);
    const page = await load(experimentPage.loader, p.shop, path, { id: experiment.id });
    expect(page.report.experiment).toMatchObject({ status: "ENDED", winnerVariantId: experiment.variants[1].id });
  });

  it("the extension API and the emails speak of the referrer's variant's offer and reward", async () => {
    const p = await setupShop({ holdDays: 30 });
    const experiment = await started(p, [control, twenty]);
    const variant = experiment.variants[1];
    let sharer = null;
    for (let i = 0; i < 100 && !sharer; i++) {
      const customer = shopify.fake.seedCustomer(p.shop, { firstName: `Ana${i}`, email: `ana${i}@example.com` });
      const { referrer } = await enrolReferrer(db, { shop: p.shop, customerId: customer.id, email: customer.email, firstName: `Ana${i}`, source: "STOREFRONT", cause: "test" });
      if (referrer.variantId === variant.id) sharer = referrer;
    }
    expect(sharer).not.toBeNull();
    catchUp();
    await p.drain();
    const orderId = 6_900_000_000_001;
    await p.send(
      "orders/paid",
      orderPaidPayload({ orderId, customerId: orderId, email: "friend@example.com", discountCodes: [sharer!.code], subtotal: "80.00", total: "80.00", currency: "USD", createdAt: new Date(testClock.now()).toISOString() }),
    );
    await p.drain();
    expect(await p.referral(orderGid(orderId))).toMatchObject({ status: "PENDING", variantId: variant.id });

    const home = await callExtension(account, { path: "/api/extensions/account?locale=en", token: extensionToken(p.shop, { customerId: sharer!.customerId! }), ip: uniqueIp() });
    expect(home.status).toBe(200);
    const body = home.json as { state: string; shareText: string; pendingRewards: { value: string }[] };
    expect(body.state).toBe("referrer");
    expect(body.shareText).toContain("20%");
    // Their pending reward is the variant's cash fee, not the program's 10% code.
    expect(body.pendingRewards).toEqual([expect.objectContaining({ value: "$5.00" })]);

    const before = smtp.received.length;
    await emailYourLink(db, sharer!, new Date(testClock.now()));
    await p.drain();
    const [mail] = smtp.received.slice(before).filter((m) => m.envelopeTo.includes(sharer!.email!));
    expect(mail.parsed.text).toContain("20%");
    expect(mail.parsed.text).not.toContain("10%");
  });
});
