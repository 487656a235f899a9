// The demo's email, end to end: the same stack `npm run demo` starts
// (devstore/stack.ts, the app's production build and its worker as their own
// processes), whose app sends over SMTP to the dev store's mailbox
// (devstore/mailbox.ts). The story, each email read back from the mailbox:
//   1. a customer who logs in joins: her link is shown, and emailed once;
//   2. a guest joins from the storefront with her email: "check your inbox", and her link arrives;
//   3. two friends order with the code from the guest's email (one at the checkout): "a friend ordered", twice;
//   4. the clock moves past the hold: "your reward", twice; a code read from the email is taken at the checkout;
//   5. the other friend's order is refunded: "reward taken back";
//   6. the Mailbox page lists them and shows one (screenshots in test-results/e2e/), escaping what it shows.
import fs from "node:fs";
import path from "node:path";
import nodemailer from "nodemailer";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import { PROJECT_ROOT } from "~/db-url";
import { startDemoStack, type DemoStack } from "../../devstore/stack";
import { DEMO_EMAIL_FROM, DEMO_SHOP_NAME, DEMO_SHOPPER } from "../../devstore/demo-shop";
import type { MailboxMessage } from "../../devstore/mailbox";
import { CHROMIUM, NO_BROWSER, requireChromium } from "../helpers/chromium";

const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const OUT = path.join(PROJECT_ROOT, "test-results/e2e");
// The worker is its own process: it polls for jobs, then sends at the shop's rate.
const MAIL_WITHIN_MS = 60_000;

const GUEST = "gina@example.com";
const FRIEND = "zoe@example.com";
const OTHER_FRIEND = "yuri@example.com";

let stack: DemoStack;
let browser: Browser;
let userAgent: string;
let shop: string;
const errors: string[] = [];

async function newContext(): Promise<BrowserContext> {
  // Headless Chromium says "HeadlessChrome": shopify-app-remix answers bots 410 Gone.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US", userAgent });
  await context.route("**/*", (route) => {
    if (new URL(route.request().url()).hostname === "127.0.0.1") return route.continue();
    return route.fulfill({ status: 204, body: "" });
  });
  return context;
}

function watch(page: Page, name: string) {
  page.on("pageerror", (e) => errors.push(`${name} pageerror: ${e.message}`));
  page.on("response", (r) => {
    if (r.status() >= 500) errors.push(`${name} http ${r.status()}: ${r.url()}`);
  });
  return page;
}

async function until<T>(read: () => Promise<T> | T, ok: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The mailbox's emails of `kind` to `to`, oldest first. */
function mailTo(to: string, kind: string): MailboxMessage[] {
  return stack.mailbox
    .messages()
    .filter((m) => m.kind === kind && m.envelope.to.includes(to))
    .reverse();
}

/** Waits (with a deadline) until `count` emails of `kind` reached `to`; returns them, oldest first. */
async function mail(to: string, kind: string, count = 1): Promise<MailboxMessage[]> {
  const found = await until(
    () => mailTo(to, kind),
    (m) => m.length >= count,
    `${count} ${kind} email(s) to ${to} (the mailbox has: ${stack?.mailbox
      .messages()
      .map((m) => `${m.kind} to ${m.envelope.to.join(",")}`)
      .join("; ")})`,
    MAIL_WITHIN_MS,
  );
  return found;
}

/** The code in a reward email's plain text, under "Your code". */
function codeIn(message: MailboxMessage): string {
  const code = /Your code\s+(\S+)/.exec(message.text ?? "")?.[1];
  if (!code) throw new Error(`no code in the email's text:\n${message.text}`);
  return code;
}

async function api(method: "GET" | "POST", route: string, body?: unknown) {
  const response = await fetch(`${stack.urls.controlApi}${route}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** Everything an email to a referrer carries, whatever its kind. */
function expectFromTheShop(message: MailboxMessage, to: string) {
  expect(message.envelope.to).toEqual([to]);
  expect(message.to).toBe(to);
  expect(message.from).toContain(DEMO_SHOP_NAME);
  expect(message.from).toContain(`<${DEMO_EMAIL_FROM}>`);
  expect(message.html).toContain("<html");
  expect(message.text).toBeTruthy();
  expect(message.date).not.toBeNull();
}

describe.skipIf(NO_BROWSER)("the demo's email, end to end", () => {
  let guest: Page;
  let customer: Page;
  let friend: Page;
  let merchant: Page;
  let code = "";
  let friendOrder = "";
  let otherFriendOrder = { number: 0, name: "" };

  beforeAll(async () => {
    requireChromium();
    fs.mkdirSync(OUT, { recursive: true });
    stack = await startDemoStack({ logDir: path.join(OUT, "logs-email") });
    shop = stack.shop;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const probe = await browser.newPage();
    userAgent = (await probe.evaluate(() => navigator.userAgent)).replace("HeadlessChrome", "Chrome");
    await probe.close();
    guest = watch(await (await newContext()).newPage(), "guest");
    customer = watch(await (await newContext()).newPage(), "customer");
    friend = watch(await (await newContext()).newPage(), "friend");
    merchant = watch(await (await newContext()).newPage(), "merchant");
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("starts with an empty mailbox: seeding the demo's history mails nobody", async () => {
    expect(stack.mailbox.messages()).toEqual([]);
    expect(stack.urls.mailbox).toBe(`${stack.urls.admin}/mailbox`);
    const empty = await (await fetch(stack.urls.mailbox)).text();
    expect(empty).toContain("No email yet");
  });

  it("1. a customer who logs in joins: her link is on the page, and in her inbox", async () => {
    await customer.goto(`${stack.urls.storefront}/account/login`);
    await customer.getByRole("button", { name: `Log in as ${DEMO_SHOPPER.firstName} (${DEMO_SHOPPER.email})` }).click();
    await customer.waitForURL(`${stack.urls.storefront}/`);
    await customer.locator("[data-referral-block]").scrollIntoViewIfNeeded();
    await customer.getByLabel("I agree to the referral program terms").check();
    await customer.getByRole("button", { name: "Get my link" }).click();
    const shown = await until(() => customer.locator("[data-rfl-link]").inputValue(), (v) => v.includes("?ref="), "the customer's link");
    const own = new URL(shown).searchParams.get("ref")!;

    const [link] = await mail(DEMO_SHOPPER.email, "YOUR_LINK");
    expectFromTheShop(link, DEMO_SHOPPER.email);
    // Greeted by name when the app knows it ("there" otherwise: it does not ask Shopify for the name).
    expect(link.text).toMatch(new RegExp(`Hi (${DEMO_SHOPPER.firstName}|there),`));
    expect(link.text).toContain(`${stack.urls.storefront}/?ref=${own}&ch=email`);
    // Joined once, mailed once: a reload shows her link without another email.
    await customer.reload();
    await customer.locator("[data-rfl-link]").waitFor({ state: "attached" });
    await until(() => customer.locator("[data-rfl-link]").inputValue(), (v) => v.includes(own), "the link after a reload");
  }, 90_000);

  it("2. a guest joins with her email: the block says to check her inbox, and her link arrives", async () => {
    await guest.goto(`${stack.urls.storefront}/`);
    await guest.locator("[data-referral-block]").scrollIntoViewIfNeeded();
    await guest.getByLabel("Email address").fill(GUEST);
    await guest.getByLabel("I agree to the referral program terms").check();
    await guest.getByRole("button", { name: "Get my link" }).click();
    await guest.locator("[data-rfl-status]", { hasText: "Check your inbox" }).waitFor({ timeout: 30_000 });
    // A guest is shown no code: it reaches her by email only.
    expect(await guest.locator("[data-rfl-referrer]").isHidden()).toBe(true);

    const [link] = await mail(GUEST, "YOUR_LINK");
    expectFromTheShop(link, GUEST);
    expect(link.subject).toBe(`Your referral link for ${DEMO_SHOP_NAME}`);
    // Her link, to the dev store's storefront, tagged as coming from the email.
    const url = new RegExp(`${stack.urls.storefront.replace(/[.]/g, "\\.")}/\\?ref=([A-Z0-9-]+)&ch=email`).exec(link.text!);
    expect(url, link.text!).not.toBeNull();
    code = url![1];
    expect(link.html).toContain(`?ref=${code}&amp;ch=email`);
    const referrer = await db.referrer.findFirstOrThrow({ where: { shop, emailKey: GUEST } });
    expect(referrer.code).toBe(code);
    // Anyone could have typed her address: a guest's link carries a one-click unsubscribe.
    expect(link.listUnsubscribe).toMatch(/\/email\/unsubscribe\//);
  }, 90_000);

  it("3. two friends order with the code from the email: 'a friend ordered', once for each", async () => {
    expect(code, "step 2 emailed the guest her code").not.toBe("");
    await until(() => stack.fake.codes(shop).some((c) => c.code === code), Boolean, "the guest's code on the friend discount");
    // The friend follows the link in the email, and checks out.
    await friend.goto(`${stack.urls.storefront}/?ref=${code}&ch=email`);
    await friend.getByRole("region", { name: "Your friend's discount is applied at checkout." }).waitFor();
    await friend.waitForLoadState("networkidle");
    await friend.goto(`${stack.urls.storefront}/products/alpine-jacket`);
    await friend.getByRole("button", { name: "Add to cart" }).click();
    await friend.waitForURL(`${stack.urls.storefront}/cart`);
    expect(await friend.locator("[data-applied-code]").textContent()).toBe(code);
    await friend.getByRole("link", { name: "Check out" }).click();
    await friend.getByLabel("Email").fill(FRIEND);
    await friend.getByRole("button", { name: "Place order" }).click();
    await friend.locator("[data-order-name]").waitFor();
    friendOrder = (await friend.locator("[data-order-name]").textContent())!.match(/#\d+/)![0];

    const [ordered] = await mail(GUEST, "FRIEND_ORDERED");
    expectFromTheShop(ordered, GUEST);
    expect(ordered.subject).toBe(`A friend just ordered from ${DEMO_SHOP_NAME} with your link`);
    // Pending until the hold ends, on the date the referral's hold ends.
    const referral = await db.referral.findFirstOrThrow({ where: { shop, orderName: friendOrder } });
    expect(referral.status).toBe("PENDING");
    const holdEnds = new Intl.DateTimeFormat("en", { dateStyle: "long", timeZone: "UTC" }).format(referral.holdUntil!);
    expect(ordered.text).toMatch(/arrives once the return window has passed, on \w+ \d+, \d{4}/);
    expect(ordered.text!.replace(/\s+/g, " ")).toContain(holdEnds.slice(-4));
    // News, not something she asked for: it carries a one-click unsubscribe to the app.
    expect(ordered.listUnsubscribe).toMatch(new RegExp(`^<${stack.urls.app.replace(/[.]/g, "\\.")}/`));
    expect(ordered.listUnsubscribePost).toBe("List-Unsubscribe=One-Click");

    // A second friend orders with the code, through the control API.
    const placed = await api("POST", "/orders", { email: OTHER_FRIEND, code, items: [{ handle: "summit-backpack", quantity: 1 }] });
    otherFriendOrder = { number: placed.order.number, name: placed.order.name };
    expect(placed.order.discount.code).toBe(code);
    const both = await mail(GUEST, "FRIEND_ORDERED", 2);
    expect(both).toHaveLength(2);
  }, 120_000);

  let rewardCode = "";

  it("4. past the hold: 'your reward' for each friend, and a code read from the email is taken at the checkout", async () => {
    expect(otherFriendOrder.number, "step 3 placed both orders").toBeGreaterThan(0);
    const { due } = await api("POST", "/clock/past-hold");
    expect(due).toBeGreaterThanOrEqual(2);
    const rewards = await mail(GUEST, "REWARD_ISSUED", 2);
    for (const reward of rewards) {
      expectFromTheShop(reward, GUEST);
      expect(reward.subject).toBe(`Your ${DEMO_SHOP_NAME} reward is here`);
      expect(reward.text).toContain("you've earned 15% off your next order");
      expect(reward.listUnsubscribe).toBeNull();
    }
    const codes = rewards.map(codeIn);
    // The codes the app issued for the two referrals, in Shopify for real.
    const issued = await db.reward.findMany({ where: { shop, referral: { orderName: { in: [friendOrder, otherFriendOrder.name] } } }, include: { referral: true } });
    expect(issued.map((r) => r.status)).toEqual(["ISSUED", "ISSUED"]);
    expect(codes.sort()).toEqual(issued.map((r) => r.code!).sort());
    for (const c of codes) expect(stack.fake.codes(shop).some((x) => x.code === c)).toBe(true);
    // She spends the reward the first friend earned her (the other is taken back in step 5).
    rewardCode = issued.find((r) => r.referral!.orderName === friendOrder)!.code!;
    expect(codes).toContain(rewardCode);

    await guest.goto(`${stack.urls.storefront}/products/alpine-jacket`);
    await guest.getByRole("button", { name: "Add to cart" }).click();
    await guest.waitForURL(`${stack.urls.storefront}/cart`);
    await guest.getByRole("link", { name: "Check out" }).click();
    await guest.getByLabel("Discount code").fill(rewardCode);
    await guest.getByRole("button", { name: "Apply" }).click();
    await guest.waitForURL(`${stack.urls.storefront}/checkout`);
    expect(await guest.locator("[data-applied-code]").textContent()).toBe(rewardCode);
    expect(await guest.locator("[data-cart-total]").textContent()).toBe("$102.00");
    await guest.getByLabel("Email", { exact: true }).fill(GUEST);
    await guest.getByRole("button", { name: "Place order" }).click();
    await guest.locator("[data-order-name]").waitFor();
    expect(await guest.getByText(`Discount ${rewardCode}: −$18.00`).count()).toBe(1);
    expect(await guest.locator("[data-order-total]").textContent()).toBe("$102.00");
  }, 120_000);

  it("5. a refund of the other friend's order takes its reward back: 'reward taken back'", async () => {
    expect(otherFriendOrder.number, "step 3 placed the other order").toBeGreaterThan(0);
    await api("POST", `/orders/${otherFriendOrder.number}/refund`);
    const [revoked] = await mail(GUEST, "REWARD_REVOKED");
    expectFromTheShop(revoked, GUEST);
    expect(revoked.subject).toBe(`About your ${DEMO_SHOP_NAME} referral reward`);
    expect(revoked.text).toContain("The order your friend placed was refunded");
    expect(revoked.text).toContain("15% off your next order");
    expect(revoked.listUnsubscribe).toBeNull();
    const reward = await db.reward.findFirstOrThrow({ where: { shop, referral: { orderName: otherFriendOrder.name } } });
    expect(reward.status).toBe("REVOKED");
    // One email per event, whatever retries happened meanwhile.
    expect(mailTo(GUEST, "REWARD_REVOKED")).toHaveLength(1);
    expect(mailTo(GUEST, "REWARD_ISSUED")).toHaveLength(2);
    expect(mailTo(DEMO_SHOPPER.email, "YOUR_LINK")).toHaveLength(1);
  }, 90_000);

  it("6. the Mailbox lists every email, newest first, and shows one with its headers, HTML and text", async () => {
    expect(mailTo(GUEST, "REWARD_REVOKED"), "step 5 took a reward back").toHaveLength(1);
    // The admin's nav links to it, as to the orders.
    const host = await (await fetch(`${stack.urls.admin}/apps/referrals`)).text();
    expect(host).toContain('<a href="/mailbox">Mailbox</a>');
    // The control API has it, newest first, and can filter it.
    const index = await api("GET", "");
    expect(Object.keys(index.endpoints)).toContain("GET /api/mail");
    const all = await api("GET", "/mail");
    const messages = stack.mailbox.messages();
    expect(all.messages.map((m: { id: string }) => m.id)).toEqual(messages.map((m) => m.id));
    expect(Number(messages[0].id)).toBeGreaterThan(Number(messages.at(-1)!.id));
    const filtered = await api("GET", `/mail?to=${encodeURIComponent(GUEST)}&kind=REWARD_ISSUED`);
    expect(filtered.messages).toHaveLength(2);
    expect(filtered.messages[0].text).toContain("Your code");
    const one = await api("GET", `/mail/${filtered.messages[0].id}`);
    expect(one.message.html).toContain("<html");

    await merchant.goto(stack.urls.mailbox);
    const rows = merchant.locator("table.mail tbody tr");
    expect(await rows.count()).toBe(messages.length);
    const first = rows.first();
    expect(await first.locator("[data-kind]").getAttribute("data-kind")).toBe(messages[0].kind);
    const guestRows = rows.filter({ hasText: GUEST });
    expect(await guestRows.locator("[data-kind]").evaluateAll((els) => els.map((e) => e.getAttribute("data-kind")))).toEqual([
      "REWARD_REVOKED",
      "REWARD_ISSUED",
      "REWARD_ISSUED",
      "FRIEND_ORDERED",
      "FRIEND_ORDERED",
      "YOUR_LINK",
    ]);
    expect(await guestRows.first().textContent()).toContain("Reward taken back");
    await merchant.screenshot({ path: path.join(OUT, "mail-1-mailbox.png") });

    // The reward email she spent the code of.
    const spent = mailTo(GUEST, "REWARD_ISSUED").find((m) => codeIn(m) === rewardCode)!;
    await guestRows.filter({ hasText: "Your reward" }).locator(`a[href="/mailbox/${spent.id}"]`).click();
    await merchant.waitForURL(`${stack.urls.admin}/mailbox/${spent.id}`);
    const header = (name: string) => merchant.locator("table.headers tr", { has: merchant.locator(`th:text-is("${name}")`) }).locator("td").textContent();
    expect(await header("From")).toBe(spent.from);
    expect(await header("To")).toBe(GUEST);
    expect(await header("Subject")).toBe(spent.subject);
    expect(await header("X-Referral-Email")).toBe("REWARD_ISSUED Your reward");
    expect(await header("Reply-To")).toBe(spent.replyTo ?? "none");
    expect(await header("List-Unsubscribe")).toBe("none");
    // The HTML in a frame that runs no script; the text as it was sent.
    const frame = merchant.locator("iframe.email");
    expect(await frame.getAttribute("sandbox")).not.toContain("allow-scripts");
    await merchant.frameLocator("iframe.email").getByText(rewardCode).waitFor();
    expect(await merchant.locator("pre[data-mail-text]").textContent()).toBe(spent.text);
    await merchant.screenshot({ path: path.join(OUT, "mail-2-email.png"), fullPage: true });

    // A "friend ordered" email shows its unsubscribe headers.
    const ordered = mailTo(GUEST, "FRIEND_ORDERED")[0];
    await merchant.goto(`${stack.urls.admin}/mailbox/${ordered.id}`);
    expect(await header("List-Unsubscribe")).toBe(ordered.listUnsubscribe);
    expect(await header("List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    expect((await merchant.goto(`${stack.urls.admin}/mailbox/999999`))!.status()).toBe(404);
  }, 90_000);

  it("shows what any sender wrote as text: nothing in an email runs in the Mailbox", async () => {
    const hostile = '<img src=x onerror="window.__owned=1">';
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port: stack.ports.mailbox, secure: false, ignoreTLS: true });
    try {
      await transport.sendMail({
        from: { name: hostile, address: "evil@example.com" },
        to: "merchant@example.com",
        subject: `Hello ${hostile}`,
        html: `<html><head><script>parent.__owned=1</script></head><body><p>hi</p><img src="https://tracker.example/pixel.gif"><script>window.__owned=1</script></body></html>`,
        text: `${hostile} </pre><script>window.__owned=1</script>`,
        headers: { "X-Referral-Email": `<b>${hostile}</b>` },
      });
      // A kind named like an Object property is a kind like any other.
      await transport.sendMail({ from: "evil@example.com", to: "merchant@example.com", subject: "Proto", text: "proto", headers: { "X-Referral-Email": "constructor" } });
    } finally {
      transport.close();
    }
    const [proto, message] = stack.mailbox.messages();
    expect(proto.kind).toBe("constructor");
    expect((await fetch(`${stack.urls.admin}/mailbox/${proto.id}`)).status).toBe(200);
    expect(message.subject).toBe(`Hello ${hostile}`);
    const owned = () => merchant.evaluate(() => (window as unknown as { __owned?: number }).__owned);
    await merchant.goto(stack.urls.mailbox);
    const row = merchant.locator("table.mail tbody tr").nth(1);
    expect(await row.textContent()).toContain(`Hello ${hostile}`);
    expect(await row.locator("img").count()).toBe(0);
    expect(await row.locator("[data-kind]").textContent()).toBe(`<b>${hostile}</b>`);
    await row.getByRole("link").click();
    await merchant.waitForURL(`${stack.urls.admin}/mailbox/${message.id}`);
    await merchant.frameLocator("iframe.email").getByText("hi").waitFor();
    expect(await merchant.locator("table.headers img, pre img, h1 img").count()).toBe(0);
    expect(await merchant.locator("pre[data-mail-text]").textContent()).toBe(message.text);
    await merchant.waitForTimeout(300);
    expect(await owned()).toBeUndefined();
    const framed = merchant.frames().find((f) => f !== merchant.mainFrame())!;
    expect(await framed.evaluate(() => (window as unknown as { __owned?: number }).__owned)).toBeUndefined();
    await merchant.screenshot({ path: path.join(OUT, "mail-3-hostile-email.png"), fullPage: true });
  }, 60_000);

  it("had no page errors", () => {
    expect(errors).toEqual([]);
  });
});
