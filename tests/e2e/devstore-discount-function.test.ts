// The friend discount checked at checkout by the app's discount function, in
// the dev store that `npm run demo` starts (devstore/stack.ts): the function is
// deployed there, so the seed's program has the function's code discount and
// the referral check, and the storefront's checkout runs the function's own
// code on the cart (devstore/discount-function.ts). Over HTTP, as a browser
// would post the storefront's forms: a new friend (a guest) gets the discount
// and orders with it; a logged-in returning customer and a referrer using
// their own code are refused, with the function's message, and cannot order with it.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import { PROJECT_ROOT } from "~/db-url";
import { startDemoStack, type DemoStack } from "../../devstore/stack";

const OUT = path.join(PROJECT_ROOT, "test-results/e2e");
let stack: DemoStack;
let rita: { code: string; email: string };

/** A shopper: the storefront's cookies (cart, login) kept across requests, redirects not followed. */
function shopper() {
  const jar = new Map<string, string>();
  async function request(pathname: string, form?: Record<string, string>) {
    const response = await fetch(`${stack.urls.storefront}${pathname}`, {
      method: form ? "POST" : "GET",
      redirect: "manual",
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; "),
        ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const [name, value] = pair.split("=");
      jar.set(name.trim(), value);
    }
    return { status: response.status, location: response.headers.get("location"), html: await response.text() };
  }
  return {
    request,
    async login(email: string) {
      expect((await request("/account/login", { email })).status).toBe(303);
    },
    /** A backpack ($85.00) in the cart with `code` applied; returns the checkout page. */
    async cartWith(code: string) {
      expect((await request("/cart/add", { handle: "summit-backpack", quantity: "1" })).status).toBe(303);
      expect((await request("/cart/discount?return_to=checkout", { code })).status).toBe(303);
      return (await request("/checkout")).html;
    },
  };
}

const alertOf = (html: string) => /<p role="alert">([^<]*)<\/p>/.exec(html)?.[1].replace(/&#39;/g, "'").replace(/&apos;/g, "'") ?? null;

describe("the discount function at the dev store's checkout", () => {
  beforeAll(async () => {
    stack = await startDemoStack({ logDir: path.join(OUT, "logs-discount-function") });
    const referrer = await db.referrer.findFirstOrThrow({ where: { shop: stack.shop, email: "rita@example.com" } });
    rita = { code: referrer.code, email: referrer.email! };
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("the demo shop's friend discount is the function's, with the referral check, and Rita's code is on her customer", async () => {
    const program = await db.program.findUniqueOrThrow({ where: { shop: stack.shop } });
    expect(program).toMatchObject({ friendDiscountMode: "FUNCTION", friendDiscountModeReason: null });
    const state = stack.fake.shop(stack.shop);
    expect(state.findByCode(rita.code)?.discount).toMatchObject({ id: program.discountId, typename: "DiscountCodeApp", functionHandle: "referral-discount" });
    expect([...state.automaticDiscounts.values()].map((d) => d.id)).toEqual([program.referralCheckDiscountId]);
    const customer = state.customerByEmail(rita.email)!;
    expect(state.metafields.get(`${customer.id}|$app:referral|code`)?.value).toBe(rita.code);
  });

  it("a new friend, as a guest, gets the program's percentage off with Rita's code and orders with it", async () => {
    const program = await db.program.findUniqueOrThrow({ where: { shop: stack.shop } });
    expect(program.friendOfferKind).toBe("PERCENTAGE");
    const offCents = Math.round(8500 * Number(program.friendOfferValue) / 100);
    const [off, total] = [offCents, 8500 - offCents].map((c) => (c / 100).toFixed(2));
    const friend = shopper();
    const checkout = await friend.cartWith(rita.code.toLowerCase());
    expect(alertOf(checkout)).toBeNull();
    expect(checkout).toContain(`data-applied-code>${rita.code}<`);
    expect(checkout).toContain(`data-cart-total>$${total}<`);
    const placed = await friend.request("/checkout", { email: "noor@example.net" });
    expect(placed.status).toBe(303);
    const order = stack.commerce.order(Number(placed.location!.split("/").pop()));
    expect(order).toMatchObject({ email: "noor@example.net", discount: { code: rita.code, amount: off }, total });
  });

  it("a logged-in returning customer is refused with the function's message, and cannot order with the code", async () => {
    const ana = shopper();
    await ana.login("ana@example.com");
    const checkout = await ana.cartWith(rita.code);
    expect(alertOf(checkout)).toBe("Referral codes are for a first order, and you've ordered here before.");
    expect(checkout).not.toContain("data-applied-code");
    const before = stack.commerce.orders().length;
    const placed = await ana.request("/checkout", { email: "ana@example.com" });
    expect(placed.status).toBe(400);
    expect(placed.html).toContain("Referral codes are for a first order");
    expect(stack.commerce.orders()).toHaveLength(before);
  });

  it("a referrer using her own code is refused with the function's message", async () => {
    const self = shopper();
    await self.login(rita.email);
    const checkout = await self.cartWith(rita.code);
    expect(alertOf(checkout)).toBe("This is your own referral code: share it with friends and they get the discount on their first order.");
    expect((await self.request("/checkout", { email: rita.email })).status).toBe(400);
  });

  it("with single-use friend codes, a friend's code from Rita's link works once, and Rita's shared code no longer does", async () => {
    // Loaded after the stack has set the app's environment (the Admin API's address).
    const { adminForShop } = await import("~/shopify/admin-for-shop.server");
    const { saveProgram, settingsOf } = await import("~/referrals/programs.server");
    const program = await db.program.findUniqueOrThrow({ where: { shop: stack.shop } });
    await saveProgram({ db, admin: await adminForShop(stack.shop), shop: stack.shop, settings: { ...settingsOf(program), friendCodeMode: "SINGLE_USE" }, cause: "test" });
    // Past the shared discount's end (Shopify's dates have a second's precision).
    await new Promise((r) => setTimeout(r, 1100));

    // The embed's click, as the storefront's browser sends it through the app proxy.
    const clicked = await fetch(`${stack.urls.storefront}/apps/referrals/click`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: rita.code, channel: "whatsapp" }),
    });
    expect(clicked.status).toBe(200);
    const { code } = (await clicked.json()) as { code: string | null };
    expect(code).toMatch(/^FRIEND-/);

    const friend = shopper();
    const checkout = await friend.cartWith(code!);
    expect(alertOf(checkout)).toBeNull();
    expect(checkout).toContain(`data-applied-code>${code}<`);
    const placed = await friend.request("/checkout", { email: "zara@example.net" });
    expect(placed.status).toBe(303);

    // Posted on a coupon site, the same code is refused to the next buyer.
    const stranger = shopper();
    expect(alertOf(await stranger.cartWith(code!))).toBe(`${code} has already been used.`);
    expect((await stranger.request("/checkout", { email: "coupon.hunter@example.net" })).status).toBe(400);
    // Rita's own code gives nothing any more: friends get codes of their own.
    expect(alertOf(await shopper().cartWith(rita.code))).toMatch(/not one/);

    // The order is Rita's referral, by her link.
    const orderId = stack.commerce.order(Number(placed.location!.split("/").pop()))!.id;
    for (let i = 0; i < 100; i++) {
      if (await db.referral.findUnique({ where: { shop_orderId: { shop: stack.shop, orderId } } })) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const referral = await db.referral.findUniqueOrThrow({ where: { shop_orderId: { shop: stack.shop, orderId } }, include: { referrer: true } });
    expect(referral).toMatchObject({ codeUsed: code, attributedBy: "LINK", referrer: { email: rita.email } });
  });
});
