// @vitest-environment happy-dom
// The customer account extension's real code (full page and profile block)
// against the `shopify` stand-in and a fake of the app's account endpoints.
import { afterEach, describe, expect, it, vi } from "vitest";
import renderPage from "../../extensions/referral-account/src/ReferralPage";
import renderProfileBlock from "../../extensions/referral-account-profile/src/ProfileBlock";
import { APP_URL, SESSION_TOKEN, all, button, fakeBackend, installShopify, settle, text, unmount, type Route } from "../helpers/ui-extensions";

const PAGE = "customer-account.page.render";
const PROFILE = "customer-account.profile.block.render";

const joinView = {
  state: "join",
  offer: "Give your friends 15% off, get 15% off your next order",
  termsUrl: "https://shop.example/pages/referral-terms",
  termsVersion: "2026-11-01",
};

const home = (overrides: Record<string, unknown> = {}) => ({
  state: "referrer",
  link: "https://shop.example/r/RITA15",
  code: "RITA15",
  shareText: "Get 15% off at Shop: https://shop.example/r/RITA15",
  stats: { clicks: 9, orders: 2, rewards: 1 },
  friends: [
    { name: "Ana", status: "rewarded", orderedAt: "2026-10-02T10:00:00Z" },
    { name: "j***@example.com", status: "pending", orderedAt: "2026-11-20T10:00:00Z" },
  ],
  pendingRewards: [{ value: "$15.00", releaseOn: "2026-12-20" }],
  unusedCodes: [{ code: "RWD-7K2P", value: "$15.00", expiresAt: "2027-03-01" }],
  storeCredit: "$15.00",
  cashFees: null,
  terms: "Rewards are released 30 days after your friend's order.",
  ...overrides,
});

const answer = (body: unknown, status = 200): Route => () => ({ status, body });

async function show(target: typeof PAGE | typeof PROFILE, routes: Record<string, Route>, language = "en") {
  installShopify(target === PAGE ? "referral-account" : "referral-account-profile", { target, language });
  const backend = fakeBackend(routes);
  await (target === PAGE ? renderPage() : renderProfileBlock());
  await settle();
  return backend;
}

afterEach(() => {
  unmount();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

describe("referral home (full page)", () => {
  it("shows the link, code, share actions, friends, pending rewards, unused codes, store credit and the terms", async () => {
    const { requests, unexpected } = await show(PAGE, { "GET /api/extensions/account": answer(home()) });
    expect(requests[0].authorization).toBe(`Bearer ${SESSION_TOKEN}`);
    expect(requests[0].url.searchParams.get("locale")).toBe("en");
    expect(all("s-page")[0].getAttribute("heading")).toBe("Refer a friend");
    const headings = all("s-section").map((section) => section.getAttribute("heading"));
    expect(headings).toEqual(["Share and earn", "Friends who ordered", "Rewards on the way", "Your reward codes", "Earned so far", "Program terms"]);

    expect(text()).toContain("Your referral link https://shop.example/r/RITA15");
    expect(all("s-clipboard-item").map((item) => item.getAttribute("text"))).toEqual(["https://shop.example/r/RITA15", "RITA15"]);
    // The share text already holds the link: it is not added twice.
    expect(button("WhatsApp").getAttribute("href")).toBe(`https://wa.me/?text=${encodeURIComponent("Get 15% off at Shop: https://shop.example/r/RITA15")}`);
    expect(text()).toContain("9 clicks");

    const items = all("s-list-item").map((item) => text(item));
    expect(items).toEqual([
      "Ana, Oct 2, 2026: rewarded",
      "j***@example.com, Nov 20, 2026: reward pending",
      "$15.00, released on Dec 20, 2026",
      "RWD-7K2P: $15.00, use by Mar 1, 2027",
    ]);
    expect(text()).toContain("Store credit: $15.00");
    expect(text()).not.toContain("Cash paid out");
    expect(text()).toContain("Rewards are released 30 days after your friend's order.");
    expect(unexpected).toEqual([]);
  });

  it("says so when no friend has ordered yet, and leaves out empty reward lists", async () => {
    await show(PAGE, {
      "GET /api/extensions/account": answer(home({ friends: [], pendingRewards: [], unusedCodes: [], storeCredit: null, cashFees: "$40.00" })),
    });
    expect(text()).toContain("No friend has ordered with your link yet.");
    expect(all("s-section").map((section) => section.getAttribute("heading"))).toEqual([
      "Share and earn",
      "Friends who ordered",
      "Earned so far",
      "Program terms",
    ]);
    expect(text()).toContain("Cash paid out: $40.00");
  });

  it("says how far the next milestone is, with the language's plural forms, and until when store credit is valid", async () => {
    const view = home({
      nextMilestone: { remaining: 2, reward: "$20.00 in store credit" },
      expiringCredit: [{ value: "$5.00", expiresAt: "2027-02-20T15:00:00Z" }],
      storeCredit: "$5.00",
    });
    await show(PAGE, { "GET /api/extensions/account": answer(view) });
    expect(text(all("s-section")[0])).toContain("2 more friends to unlock $20.00 in store credit");
    expect(all("s-list-item").map((item) => text(item))).toContain("$5.00 of store credit, valid until Feb 20, 2027");
    unmount();

    await show(PAGE, { "GET /api/extensions/account": answer(home({ nextMilestone: { remaining: 1, reward: "a free Blue Mug" } })) });
    expect(text()).toContain("1 more friend to unlock a free Blue Mug");
    unmount();

    // Maltese has a form of its own for two, and another for 11 to 19.
    await show(PAGE, { "GET /api/extensions/account": answer(home({ nextMilestone: { remaining: 2, reward: "bonus ta' €25.00" } })) }, "mt");
    expect(text()).toContain("2 ħbieb oħra biex tikseb bonus ta' €25.00");
    unmount();
    await show(PAGE, { "GET /api/extensions/account": answer(home({ nextMilestone: { remaining: 12, reward: "bonus ta' €25.00" } })) }, "mt");
    expect(text()).toContain("12-il ħabib ieħor biex tikseb bonus ta' €25.00");
    unmount();

    // None ahead: nothing said.
    await show(PAGE, { "GET /api/extensions/account": answer(home({ nextMilestone: null })) });
    expect(text()).not.toMatch(/more friends? to unlock/);
  });

  it("offers the brochure and QR poster to print by the signed links the API gives, in the buyer's language, and nothing else as a link", async () => {
    const printables = { brochure: `${APP_URL}/printables/abc.def?kind=brochure`, poster: `${APP_URL}/printables/abc.def?kind=poster`, expiresAt: "2026-12-01T10:00:00Z" };
    await show(PAGE, { "GET /api/extensions/account": answer(home({ printables })) }, "fr");
    expect(all("s-section").map((section) => section.getAttribute("heading"))).toContain("Imprimer et distribuer");
    expect(button("Dépliant (PDF)").getAttribute("href")).toBe(printables.brochure);
    expect(button("Affiche QR (PDF)").getAttribute("href")).toBe(printables.poster);
    unmount();
    // Links anywhere but the app's own /printables/ are not shown.
    for (const brochure of ["javascript:alert(1)", "https://evil.example/printables/abc.def", `${APP_URL}/other/abc`]) {
      await show(PAGE, { "GET /api/extensions/account": answer(home({ printables: { ...printables, brochure } })) });
      expect(all("s-section").map((section) => section.getAttribute("heading"))).not.toContain("Print and hand out");
      unmount();
    }
  });

  it("shows terms given as a link as a link", async () => {
    await show(PAGE, { "GET /api/extensions/account": answer(home({ terms: "https://shop.example/pages/referral-terms" })) });
    expect(all("s-link").find((link) => text(link) === "Read the terms")?.getAttribute("href")).toBe("https://shop.example/pages/referral-terms");
  });

  it("lets a customer who has not joined join, recording the terms version, then shows their home", async () => {
    let joined = false;
    const { requests } = await show(PAGE, {
      "GET /api/extensions/account": () => ({ status: 200, body: joined ? home({ friends: [] }) : joinView }),
      "POST /api/extensions/account/join": () => {
        joined = true;
        return { status: 201, body: { state: "referrer", link: "https://shop.example/r/RITA15", code: "RITA15", shareText: "", stats: { clicks: 0, orders: 0, rewards: 0 } } };
      },
    });
    expect(text()).toContain("Give your friends 15% off, get 15% off your next order");
    expect(all("s-link").find((link) => text(link) === "Read the terms")?.getAttribute("href")).toBe(joinView.termsUrl);

    button("Join and get my link").click();
    await settle();
    const join = requests.find((request) => request.method === "POST");
    expect(join?.body).toEqual({ terms: true, termsVersion: "2026-11-01", locale: "en" });
    expect(join?.authorization).toBe(`Bearer ${SESSION_TOKEN}`);
    expect(text()).toContain("https://shop.example/r/RITA15");
    expect(text()).toContain("No friend has ordered with your link yet.");
  });

  it("shows the app's reason when it refuses the join", async () => {
    await show(PAGE, {
      "GET /api/extensions/account": answer(joinView),
      "POST /api/extensions/account/join": answer({ errors: { terms: "Please accept the current terms." } }, 422),
    });
    button("Join and get my link").click();
    await settle();
    expect(all("s-banner")[0].getAttribute("tone")).toBe("critical");
    expect(text()).toContain("Please accept the current terms.");
  });

  it.each([
    ["the program is paused", answer({ state: "hidden" })],
    ["the app fails", answer({}, 500)],
    ["the network fails", () => Promise.reject(new TypeError("Failed to fetch"))],
  ] as [string, Route][])("says the program is not running when %s", async (_case, route) => {
    await show(PAGE, { "GET /api/extensions/account": route });
    expect(text()).toBe("The referral program isn't running right now.");
  });

  it("renders in Hindi and in Maltese", async () => {
    const hindi = await show(PAGE, { "GET /api/extensions/account": answer(home()) }, "hi");
    expect(hindi.requests[0].url.searchParams.get("locale")).toBe("hi");
    expect(all("s-page")[0].getAttribute("heading")).toBe("किसी दोस्त को रेफ़र करें");
    expect(text()).toContain("स्टोर क्रेडिट: $15.00");
    expect(text()).toContain("9 क्लिक");
    unmount();

    await show(PAGE, { "GET /api/extensions/account": answer(home()) }, "mt");
    expect(all("s-page")[0].getAttribute("heading")).toBe("Irreferi ħabib");
    expect(text()).toContain("Kreditu tal-ħanut: $15.00");
    expect(text()).toContain("Ana, 02 Ott 2026: premjat");
  });
});

describe("profile block", () => {
  it("invites a customer who has not joined, linking to the full page", async () => {
    await show(PROFILE, { "GET /api/extensions/account": answer(joinView) });
    expect(all("s-section")[0].getAttribute("heading")).toBe("Refer a friend");
    expect(text()).toContain("Give your friends 15% off");
    expect(button("Get my link").getAttribute("href")).toBe("extension://referral-account");
  });

  it("reminds a referrer of their code, linking to the full page", async () => {
    await show(PROFILE, { "GET /api/extensions/account": answer(home()) });
    expect(text()).toContain("Your code RITA15 is ready to share.");
    expect(button("See my referrals").getAttribute("href")).toBe("extension://referral-account");
  });

  it.each([
    ["the program is paused", answer({ state: "hidden" })],
    ["the app fails", answer({}, 503)],
    ["the network fails", () => Promise.reject(new TypeError("Failed to fetch"))],
  ] as [string, Route][])("shows nothing when %s", async (_case, route) => {
    await show(PROFILE, { "GET /api/extensions/account": route });
    expect(document.body.children).toHaveLength(0);
  });
});
