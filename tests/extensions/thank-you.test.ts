// @vitest-environment happy-dom
// The thank-you / order-status block's real code (the target modules the
// bundle registers) against the `shopify` stand-in and a fake of the app's
// extension endpoints: what the buyer sees in each state, and what it asks.
import { afterEach, describe, expect, it, vi } from "vitest";
import renderThankYou from "../../extensions/referral-thank-you/src/ThankYou";
import renderOrderStatus from "../../extensions/referral-thank-you/src/OrderStatus";
import { APP_URL, SESSION_TOKEN, all, button, fakeBackend, installShopify, settle, text, unmount, type Route } from "../helpers/ui-extensions";

const ORDER = "gid://shopify/Order/1001";
const THANK_YOU = "purchase.thank-you.block.render";

const offer = (overrides: Record<string, unknown> = {}) => ({
  state: "offer",
  offer: "Give your friends 15% off, get 15% off your next order",
  termsUrl: "https://shop.example/pages/referral-terms",
  termsVersion: "2026-11-01",
  guest: false,
  referredBy: null,
  ...overrides,
});

const referrer = (overrides: Record<string, unknown> = {}) => ({
  state: "referrer",
  link: "https://shop.example/r/ANA15",
  code: "ANA15",
  shareText: "Get 15% off your first order at Shop with my link",
  stats: { clicks: 3, orders: 1, rewards: 1 },
  referredBy: null,
  ...overrides,
});

const answer = (body: unknown, status = 200): Route => () => ({ status, body });

async function show(routes: Record<string, Route>, options: { language?: string } = {}) {
  installShopify("referral-thank-you", { target: THANK_YOU, orderId: ORDER, language: options.language });
  const backend = fakeBackend(routes);
  await renderThankYou();
  await settle();
  return backend;
}

afterEach(() => {
  unmount();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

describe("thank-you block", () => {
  it("shows a skeleton while the app answers, then the offer in the program's words", async () => {
    let release: () => void = () => {};
    const answered = new Promise<void>((resolve) => (release = resolve));
    installShopify("referral-thank-you", { target: THANK_YOU, orderId: ORDER });
    const { requests, unexpected } = fakeBackend({
      "GET /api/extensions/thank-you": async () => {
        await answered;
        return { status: 200, body: offer() };
      },
    });
    await renderThankYou();
    await settle();
    expect(all("s-skeleton-paragraph")).toHaveLength(1);
    expect(text()).toBe("");

    release();
    await settle();
    expect(all("s-skeleton-paragraph")).toHaveLength(0);
    expect(all("s-section")[0].getAttribute("heading")).toBe("Give a gift to your friends");
    expect(text()).toContain("Give your friends 15% off, get 15% off your next order");
    expect(button("Join and get my link").getAttribute("variant")).toBe("primary");
    const terms = all("s-link").find((link) => text(link) === "Read the terms");
    expect(terms?.getAttribute("href")).toBe("https://shop.example/pages/referral-terms");
    expect(text()).toContain("By joining you accept the program terms.");

    expect(requests).toHaveLength(1);
    expect(requests[0].url.origin).toBe(APP_URL);
    expect(requests[0].url.searchParams.get("orderId")).toBe(ORDER);
    expect(requests[0].url.searchParams.get("locale")).toBe("en");
    expect(requests[0].authorization).toBe(`Bearer ${SESSION_TOKEN}`);
    expect(unexpected).toEqual([]);
  });

  it("joins with one tap, recording the terms version, then shows the link and code with copy and share", async () => {
    const { requests, unexpected } = await show({
      "GET /api/extensions/thank-you": answer(offer()),
      "POST /api/extensions/join": answer(referrer({ stats: { clicks: 0, orders: 0, rewards: 0 } }), 201),
    });
    button("Join and get my link").click();
    await settle();

    const join = requests.find((request) => request.method === "POST");
    expect(join?.url.pathname).toBe("/api/extensions/join");
    expect(join?.authorization).toBe(`Bearer ${SESSION_TOKEN}`);
    expect(join?.body).toEqual({ orderId: ORDER, terms: true, termsVersion: "2026-11-01", locale: "en" });

    expect(all("s-section")[0].getAttribute("heading")).toBe("Share and earn");
    expect(text()).toContain("Your referral link https://shop.example/r/ANA15");
    expect(text()).toContain("Your code ANA15");
    expect(text()).toContain("0 clicks");

    const clipboard = all("s-clipboard-item").map((item) => [item.id, item.getAttribute("text")]);
    expect(clipboard).toEqual([
      ["referral-link", "https://shop.example/r/ANA15"],
      ["referral-code", "ANA15"],
    ]);
    const copyLink = button("Copy link");
    expect(copyLink.getAttribute("command")).toBe("--copy");
    expect(copyLink.getAttribute("commandfor")).toBe("referral-link");
    expect(button("Copy code").getAttribute("commandfor")).toBe("referral-code");

    const message = encodeURIComponent("Get 15% off your first order at Shop with my link https://shop.example/r/ANA15");
    expect(button("Email").getAttribute("href")).toBe(`mailto:?subject=${encodeURIComponent("A gift for you")}&body=${message}`);
    expect(button("WhatsApp").getAttribute("href")).toBe(`https://wa.me/?text=${message}`);
    expect(button("X").getAttribute("href")).toBe(`https://x.com/intent/post?text=${message}`);
    expect(button("Facebook").getAttribute("href")).toBe(
      `https://www.facebook.com/sharer/sharer.php?u=${encodeURIComponent("https://shop.example/r/ANA15")}`,
    );
    expect(button("WhatsApp").getAttribute("target")).toBe("_blank");
    expect(unexpected).toEqual([]);
  });

  it("says the link was copied when the host reports the copy", async () => {
    await show({ "GET /api/extensions/thank-you": answer(referrer()) });
    document.getElementById("referral-link")?.dispatchEvent(new Event("copy"));
    await settle();
    expect(all("s-button").map((element) => text(element))).toContain("Copied");
    expect(all("s-button").map((element) => text(element))).toContain("Copy code");
  });

  it("shows an existing referrer their link and stats at once", async () => {
    const { requests } = await show({ "GET /api/extensions/thank-you": answer(referrer({ stats: { clicks: 12, orders: 1, rewards: 2 } })) });
    expect(requests).toHaveLength(1);
    expect(text()).toContain("https://shop.example/r/ANA15");
    expect(text()).toContain("12 clicks");
    expect(text()).toContain("1 order");
    expect(text()).toContain("2 rewards");
    expect(all("s-button").map((element) => text(element))).not.toContain("Join and get my link");
  });

  it("thanks a referred buyer by the referrer's first name and invites them to refer in turn", async () => {
    await show({ "GET /api/extensions/thank-you": answer(offer({ referredBy: { name: "Rita", saved: "$12.00" } })) });
    expect(all("s-section")[0].getAttribute("heading")).toBe("Thanks for being referred: now pass it on");
    expect(text()).toContain("You saved $12.00 thanks to Rita.");
    expect(button("Join and get my link")).toBeTruthy();
  });

  it("thanks without a name when the referrer did not allow it to be shown", async () => {
    await show({ "GET /api/extensions/thank-you": answer(offer({ referredBy: { name: null, saved: "$12.00" } })) });
    expect(text()).toContain("You saved $12.00 thanks to a friend.");
    expect(text()).not.toContain("Rita");
  });

  it("keeps the thanks after the referred buyer joins", async () => {
    await show({
      "GET /api/extensions/thank-you": answer(offer({ referredBy: { name: "Rita", saved: "$12.00" } })),
      "POST /api/extensions/join": answer(referrer()),
    });
    button("Join and get my link").click();
    await settle();
    expect(text()).toContain("You saved $12.00 thanks to Rita.");
    expect(text()).toContain("https://shop.example/r/ANA15");
  });

  it("lets a guest join with the order's email and tells them to check their inbox", async () => {
    const { requests } = await show({
      "GET /api/extensions/thank-you": answer(offer({ guest: true })),
      "POST /api/extensions/join": answer({ state: "check_email" }, 202),
    });
    button("Join with my order email").click();
    await settle();
    expect(requests.at(-1)?.body).toMatchObject({ orderId: ORDER, terms: true });
    const banner = all("s-banner")[0];
    expect(banner.getAttribute("tone")).toBe("success");
    expect(banner.getAttribute("heading")).toBe("Check your inbox");
    expect(text()).toContain("We've sent your referral link to your order's email address.");
    expect(all("s-button")).toHaveLength(0);
  });

  it("asks a buyer with an account to sign in, linking to the storefront's account page", async () => {
    await show({
      "GET /api/extensions/thank-you": answer(offer({ guest: true })),
      "POST /api/extensions/join": answer({ state: "sign_in" }, 202),
    });
    button("Join with my order email").click();
    await settle();
    expect(all("s-banner")[0].getAttribute("heading")).toBe("Sign in to get your link");
    expect(all("s-link").find((link) => text(link) === "Sign in")?.getAttribute("href")).toBe("https://demo.example/account");
  });

  it("shows the app's reason when it refuses the join, and lets the buyer try again", async () => {
    await show({
      "GET /api/extensions/thank-you": answer(offer()),
      "POST /api/extensions/join": answer({ errors: { terms: "The terms have changed: please read them again." } }, 422),
    });
    button("Join and get my link").click();
    await settle();
    expect(all("s-banner")[0].getAttribute("tone")).toBe("critical");
    expect(text()).toContain("The terms have changed: please read them again.");
    expect(button("Join and get my link").hasAttribute("loading")).toBe(false);
  });

  it("says the join failed when the app cannot be reached, without losing the offer", async () => {
    await show({
      "GET /api/extensions/thank-you": answer(offer()),
      "POST /api/extensions/join": () => Promise.reject(new TypeError("Failed to fetch")),
    });
    button("Join and get my link").click();
    await settle();
    expect(text()).toContain("We couldn't sign you up just now. Please try again.");
    expect(text()).toContain("Give your friends 15% off");
  });

  it.each([
    ["the program is paused or missing", answer({ state: "hidden" })],
    ["the app fails", answer({ error: "boom" }, 500)],
    ["the network fails", () => Promise.reject(new TypeError("Failed to fetch"))],
    ["the token is refused", answer({}, 401)],
    ["the answer is not one the block knows", answer({ state: "something-new" })],
    ["the answer is not JSON", () => ({ status: 200, body: undefined })],
  ] as [string, Route][])("shows nothing when %s", async (_case, route) => {
    await show({ "GET /api/extensions/thank-you": route });
    expect(document.body.children).toHaveLength(0);
    expect(text()).toBe("");
  });

  it("shows nothing and asks nothing when there is no order", async () => {
    installShopify("referral-thank-you", { target: THANK_YOU });
    vi.stubGlobal("shopify", { ...globalThis.shopify, orderConfirmation: { value: { order: { id: "" } } } });
    const { requests } = fakeBackend({});
    await renderThankYou();
    await settle();
    expect(requests).toHaveLength(0);
    expect(document.body.children).toHaveLength(0);
  });
});

describe("order-status block", () => {
  it("asks about the order the customer is looking at", async () => {
    installShopify("referral-thank-you", { target: "customer-account.order-status.block.render", orderId: "gid://shopify/Order/77" });
    const { requests } = fakeBackend({ "GET /api/extensions/thank-you": answer(referrer()) });
    await renderOrderStatus();
    await settle();
    expect(requests[0].url.searchParams.get("orderId")).toBe("gid://shopify/Order/77");
    expect(text()).toContain("https://shop.example/r/ANA15");
  });
});

describe("languages", () => {
  it("renders in Hindi, sending the buyer's language to the app", async () => {
    const { requests } = await show(
      {
        "GET /api/extensions/thank-you": answer(offer({ referredBy: { name: "Rita", saved: "₹500" } })),
        "POST /api/extensions/join": answer(referrer({ stats: { clicks: 1, orders: 0, rewards: 0 } })),
      },
      { language: "hi" },
    );
    expect(requests[0].url.searchParams.get("locale")).toBe("hi");
    expect(text()).toContain("Rita की बदौलत आपने ₹500 बचाए।");
    button("जुड़ें और मेरा लिंक पाएँ").click();
    await settle();
    expect(requests.at(-1)?.body).toMatchObject({ locale: "hi" });
    expect(all("s-section")[0].getAttribute("heading")).toBe("शेयर करें और कमाएँ");
    expect(text()).toContain("1 क्लिक");
    expect(button("लिंक कॉपी करें")).toBeTruthy();
  });

  it("renders in Maltese, with Maltese plural forms", async () => {
    await show({ "GET /api/extensions/thank-you": answer(referrer({ stats: { clicks: 2, orders: 11, rewards: 1 } })) }, { language: "mt" });
    expect(all("s-section")[0].getAttribute("heading")).toBe("Aqsam u aqla'");
    expect(text()).toContain("2 klikkjiet");
    expect(text()).toContain("11-il ordni");
    expect(text()).toContain("1 premju");
    expect(button("Ikkopja l-link")).toBeTruthy();
  });
});
