// The extension's Liquid and the program page's Liquid, rendered by liquidjs
// as Shopify would: with and without a logged-in customer, in more than one language.
import { beforeEach, describe, expect, it } from "vitest";
import { sendProxy } from "../helpers/app-proxy";
import { renderBlock, renderProxyLiquid } from "../helpers/liquid";
import { uniqueShop } from "../helpers/shops";
import { seedProgram, seedReferrer } from "../helpers/storefront";

const customer = { id: 501, first_name: "Ana <Lee>", email: "ana@example.com" };

function expectFullyRendered(html: string) {
  expect(html).not.toMatch(/\{\{|\{%|translation missing/);
}

describe("the referral block", () => {
  it("renders the guest form: email and terms, labelled, with non-blocking assets", async () => {
    const html = await renderBlock("referral");
    expectFullyRendered(html);
    expect(html).toContain('<label for="rfl-email-AbC123">Email address</label>');
    expect(html).toContain('<label for="rfl-terms-AbC123">I agree to the referral program terms</label>');
    // No fixed "Give 10%, get 10%": the heading says "Refer a friend" until the script states the program's offer.
    expect(html).toContain(
      '<h2 class="rfl__heading" id="rfl-heading-AbC123" data-rfl-heading data-template="Give your friends {offer}">Refer a friend</h2>',
    );
    expect(html).toContain('data-origin="https://shop.example"');
    // Nothing fetched before the page has loaded: the CSS inline, the script by the loader, near the viewport.
    expect(html).not.toMatch(/<script src=|<link[^>]+stylesheet/);
    expect(html).toContain("<style>\n.rfl{display:grid;");
    expect(html).toContain('var src = "/ext-assets/referral-block.js";');
    expect(html).toContain("new IntersectionObserver(");
    expect(html).not.toContain("data-rfl-stats");
  });

  it("renders for a logged-in customer: no email field, the earnings section, in Hindi", async () => {
    const html = await renderBlock("referral", { customer, language: "hi", settings: { layout: "columns" } });
    expectFullyRendered(html);
    expect(html).not.toContain('name="email"');
    expect(html).toContain("data-rfl-stats");
    expect(html).toContain("ऑर्डर करने वाले दोस्त");
    expect(html).toContain('data-template="अपने दोस्तों को {offer} दें"');
    expect(html).not.toContain("10%");
    expect(html).toContain('class="rfl rfl--columns"');
    expect(html).toContain('data-locale="hi"');
  });

  it("escapes the merchant's heading and text", async () => {
    const html = await renderBlock("referral", { settings: { heading: "<img src=x onerror=alert(1)>", text: '"quoted"' } });
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toContain("data-rfl-heading");
    expect(html).toMatch(/(&quot;|&#34;)quoted(&quot;|&#34;)/);
  });
});

describe("the link-capture embed", () => {
  for (const withCustomer of [false, true]) {
    it(`renders a hidden, labelled, dismissible banner ${withCustomer ? "with" : "without"} a customer`, async () => {
      const html = await renderBlock("referral-embed", { customer: withCustomer ? customer : null, language: "mt" });
      expectFullyRendered(html);
      // Loaded after the page, or at once on a ?ref= landing.
      expect(html).not.toMatch(/<script src=/);
      expect(html).toContain('var src = "/ext-assets/referral-embed.js";');
      expect(html).toContain("if (/[?&]ref=/.test(location.search)) return go();");
      expect(html).toContain('data-cart="/cart/update"');
      expect(html).toContain('data-t-banner="Ħabibek tak {offer}. Jiġi applikat fil-checkout."');
      expect(html).toContain('data-t-named="{name} bagħatlek {offer}. Jiġi applikat fil-checkout."');
      expect(html).toContain('aria-label="Agħlaq"');
      expect(html).toMatch(/role="region"[\s\S]*hidden/);
      expect(html).toContain("rfl-banner--bottom");
    });
  }
});

describe("the floating launcher", () => {
  it("is off by default: the embed adds no button", async () => {
    const html = await renderBlock("referral-embed");
    expect(html).not.toContain("data-rfl-launcher");
    expect(html).not.toContain("referral-block");
  });

  it("renders a labelled button controlling a hidden panel whose content waits in a template, in Maltese", async () => {
    const html = await renderBlock("referral-embed", {
      language: "mt",
      settings: { launcher: true, launcher_position: "bottom_left", launcher_bg: "#004d40", launcher_fg: "#fafafa" },
    });
    expectFullyRendered(html);
    expect(html).toContain('class="rfl-launch rfl-launch--bottom_left"');
    expect(html).toContain('style="--rfl-bg:#004d40;--rfl-fg:#fafafa"');
    expect(html).toMatch(/<button type="button" class="rfl-launch__btn" aria-expanded="false" aria-controls="rfl-panel-AbC123">[\s\S]*Irreferi ħabib<\/button>/);
    expect(html).toMatch(/<div class="rfl-panel" id="rfl-panel-AbC123" role="dialog" aria-labelledby="rfl-heading-AbC123" tabindex="-1" hidden>/);
    expect(html).toContain('aria-label="Agħlaq"');
    const template = html.match(/<template>([\s\S]*)<\/template>/)?.[1] ?? "";
    expect(template).toContain('id="rfl-heading-AbC123"');
    expect(template).toContain('name="email"');
    expect(template).toContain('data-locale="mt"');
    // The block's assets are named for the first click, not loaded.
    expect(html).toContain('data-js="/ext-assets/referral-block.js"');
    expect(html).not.toMatch(/<script src="\/ext-assets\/referral-block|<link[^>]+referral-block/);
  });

  it("escapes the merchant's label; a logged-in customer's panel has no email field and has the stats", async () => {
    const html = await renderBlock("referral-embed", { customer, settings: { launcher: true, launcher_label: "<b>Win</b>" } });
    expect(html).toContain("&lt;b&gt;Win&lt;/b&gt;</button>");
    expect(html).not.toContain('name="email"');
    expect(html).toContain("data-rfl-stats");
    expect(html).toContain('class="rfl-launch rfl-launch--bottom_right"');
  });
});

describe("the program page", () => {
  let shop = "";
  beforeEach(async () => {
    shop = uniqueShop();
    await seedProgram(shop, { terms: "Rewards after {{ 30 }} days." });
  });

  it("renders for a guest: the join form, no greeting, the terms as text", async () => {
    const body = await (await sendProxy({ shop, path: "" })).text();
    const html = await renderProxyLiquid(body);
    expectFullyRendered(html);
    expect(html).toContain("<h1>Refer a friend</h1>");
    expect(html).not.toContain("Welcome back");
    expect(html).toContain('<label for="rfl-email">Email address</label>');
    expect(html).toContain("Rewards after &#123;&#123; 30 &#125;&#125; days.");
  });

  it("renders for a logged-in member: greeting by the theme's customer object, link and stats", async () => {
    const referrer = await seedReferrer(shop, { customerId: "gid://shopify/Customer/501" });
    const body = await (await sendProxy({ shop, path: "", customerId: 501, query: { locale: "de" } })).text();
    const html = await renderProxyLiquid(body, { customer, language: "de" });
    expectFullyRendered(html);
    expect(html).toContain("<p>Willkommen zurück, Ana &lt;Lee&gt;.</p>");
    expect(html).toContain(`value="https://${shop}/?ref=${referrer.code}"`);
    expect(html).toContain("<dt>Freunde mit Bestellung</dt><dd>0</dd>");
    expect(html).not.toContain('name="email"');
  });
});
