// The dev store lets a newcomer try theme access and the theme editor's deep
// links (`npm run demo`), here over HTTP against the dev store admin
// (devstore/admin.ts) with the app's real loader, webhook route and worker,
// and the fake Shopify the admin edits and the app reads: the grant the admin's
// dialog posts records read_themes and sends app/scopes_update -> the home
// reads the theme (embed off, no block) -> the home's deep links open the dev
// store's theme editor -> saving there switches the embed on and places the
// block -> the home reads both from the theme. The browser half (the App
// Bridge stand-in's scopes.request and link hand-off) needs Chromium and is
// the demo's; this is everything behind it.
import { http, passthrough } from "msw";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import { jobHandlers, webhookHandlers } from "~/jobs/registry.server";
import { createWorker } from "~/jobs/worker.server";
import * as home from "~/routes/app._index";
import { startAdminServer, type AdminServer } from "../../devstore/admin";
import type { DevCommerce } from "../../devstore/checkout";
import { webhookSender } from "../../devstore/webhooks";
import { seedInstalledShop } from "../../fake-shopify/seed";
import { useTestShopify } from "../helpers/admin";
import { load } from "../helpers/admin-request";
import { deliverWebhook } from "../helpers/webhook-request";

// The dev store admin listens on loopback: msw lets those requests through.
const shopify = useTestShopify({}, http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()));
const shop = "theme-devstore.myshopify.com";
let admin: AdminServer;

beforeAll(async () => {
  await seedInstalledShop(db, shop);
  admin = await startAdminServer({
    shop,
    apiKey: process.env.SHOPIFY_API_KEY!,
    secret: process.env.SHOPIFY_API_SECRET!,
    appUrl: process.env.SHOPIFY_APP_URL!,
    // The orders pages are not used here.
    commerce: {} as DevCommerce,
    endHolds: async () => 0,
    // Shopify's webhooks to the app's real route, in this process.
    deliver: webhookSender({ appUrl: process.env.SHOPIFY_APP_URL!, shop, secret: process.env.SHOPIFY_API_SECRET!, send: deliverWebhook }),
    // The fake the app's loader reads through msw (a fresh one per test: the admin reads it when asked).
    get fake() {
      return shopify.fake;
    },
  });
});
afterAll(async () => {
  await admin?.close();
});

const workOff = () => createWorker({ db, webhookHandlers, jobHandlers, logger: { info() {}, warn() {} } }).runOnce();

/** A link of the app's to https://<shop>/admin/...: the page the App Bridge stand-in opens in the dev store admin. */
function inDevStore(link: string) {
  const url = new URL(link);
  expect(url.host).toBe(shop);
  return `${admin.origin}${url.pathname}${url.search}`;
}

async function save(editorUrl: string, fields: Record<string, string> = {}) {
  const url = new URL(editorUrl);
  const response = await fetch(url, { method: "POST", body: new URLSearchParams({ link: url.searchParams.toString(), ...fields }), redirect: "manual" });
  expect(response.status).toBe(303);
  return (await fetch(new URL(response.headers.get("Location")!, admin.origin))).text();
}

describe("theme access and the theme editor in the dev store", () => {
  it("grant -> the home reads the theme -> the deep links switch the embed on and place the block -> the home says so", async () => {
    const hostPage = await (await fetch(`${admin.origin}/apps/referrals`)).text();
    expect(hostPage).toContain('<dialog id="grant"');
    expect(await (await fetch(`${admin.origin}/app-bridge.js`)).text()).toContain("scopes-request");

    let data = await load(home.loader, shop, "/app");
    expect(data.theme).toMatchObject({ source: "INFERRED", reason: "NO_SCOPE" });

    // The dialog's "Grant access": only the app's optional scopes.
    const refused = await fetch(`${admin.origin}/scopes/grant`, { method: "POST", body: JSON.stringify({ scopes: ["write_orders"] }) });
    expect(refused.status).toBe(400);
    const granted = await fetch(`${admin.origin}/scopes/grant`, { method: "POST", body: JSON.stringify({ scopes: ["read_themes"] }) });
    expect(await granted.json()).toMatchObject({ result: "granted-all", detail: { granted: expect.arrayContaining(["read_themes"]), optional: ["read_themes", "read_products"] } });
    expect(shopify.fake.shop(shop).hasScope("read_themes")).toBe(true);
    expect(await workOff()).toMatchObject({ done: 1 });
    expect((await db.session.findUniqueOrThrow({ where: { id: `offline_${shop}` } })).scope).toContain("read_themes");

    data = await load(home.loader, shop, "/app");
    expect(data.theme).toMatchObject({ source: "THEME", embedOn: false, blockPlaced: false });

    // The embed's deep link: the editor shows it off and offers to switch it on.
    const embedEditor = inDevStore(data.links.enableEmbed);
    const embedPage = await (await fetch(embedEditor)).text();
    expect(embedPage).toContain("Turn on and save");
    expect(embedPage).toContain('data-theme-embed="off"');
    expect(await save(embedEditor, { enabled: "true" })).toContain('data-theme-embed="on"');

    // The block's deep link: added to the product template's main section.
    const blockEditor = inDevStore(data.links.addBlock);
    expect(await (await fetch(blockEditor)).text()).toContain("Add block and save");
    expect(await save(blockEditor)).toContain('data-theme-block="product"');

    data = await load(home.loader, shop, "/app");
    expect(data.theme).toEqual({ source: "THEME", themeName: "Dawn", embedOn: true, blockPlaced: true, templates: ["product"], editorTemplate: "product" });
    expect(await (await fetch(`${admin.origin}/api/theme`)).json()).toMatchObject({ embedOn: true, blockTemplates: ["product"], scopes: expect.arrayContaining(["read_themes"]) });

    // Switched off again in the editor: the home reads that too.
    await save(embedEditor, { enabled: "false" });
    expect((await load(home.loader, shop, "/app")).theme).toMatchObject({ source: "THEME", embedOn: false, blockPlaced: true });
  });

  it("the editor refuses a deep link for another app's key or a handle the extension does not have", async () => {
    const other = await (await fetch(`${admin.origin}/admin/themes/current/editor?context=apps&activateAppId=someone-else/referral-embed`)).text();
    expect(other).toContain('role="alert"');
    const block = await (await fetch(`${admin.origin}/admin/themes/current/editor?context=apps&activateAppId=${process.env.SHOPIFY_API_KEY}/referral`)).text();
    expect(block).toContain("is not an app embed of this app");
  });
});
