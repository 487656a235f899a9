// The admin home's theme steps through the real loader with a merchant's
// session token, against the fake Shopify's published theme: inferred from the
// storefront while read_themes is not granted (no theme call made); read from
// the theme once the grant reached the app (the app/scopes_update webhook,
// through the route and the worker); inferred again, page still answered, when
// Shopify refuses or fails the read. And the page as the server renders it, in
// Hindi: the states' source and the request for access in the merchant's words.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import { BLOCK_HANDLE, EMBED_HANDLE, appBlockType } from "~/admin/theme-files";
import { jobHandlers, webhookHandlers } from "~/jobs/registry.server";
import { createWorker } from "~/jobs/worker.server";
import { MESSAGES } from "~/i18n/messages";
import { formatter } from "~/i18n/format";
import * as home from "~/routes/app._index";
import { APP_SCOPES } from "~/shopify/scopes";
import { appScopesUpdatePayload } from "../../fake-shopify/payloads";
import { seedInstalledShop } from "../../fake-shopify/seed";
import { hostParam } from "../../fake-shopify/sign";
import { useTestShopify } from "../helpers/admin";
import { load, sessionToken } from "../helpers/admin-request";
import { captureLogs } from "../helpers/logs";
import { uniqueShop } from "../helpers/shops";
import { deliverWebhook, signedWebhookRequest } from "../helpers/webhook-request";
import { startAdminServer } from "../browser/admin-server";

const shopify = useTestShopify();
const EXTENSION_ID = "7d1c2e3f-0000-4000-8000-000000000001";
const EMBED = appBlockType(EMBED_HANDLE, EXTENSION_ID);
const BLOCK = appBlockType(BLOCK_HANDLE, EXTENSION_ID);
const GRANTED = [...APP_SCOPES, "read_themes"];

/** An installed shop; `granted`: the session holds read_themes and Shopify honours it. */
async function newShop({ granted = false } = {}) {
  const shop = uniqueShop("theme");
  await seedInstalledShop(db, shop, { scope: (granted ? GRANTED : APP_SCOPES).join(",") });
  if (granted) shopify.fake.shop(shop).grantScopes(["read_themes"]);
  return shop;
}

describe("the home's theme steps (app._index loader)", () => {
  it("without read_themes: inferred from storefront activity, without asking Shopify for the theme", async () => {
    const shop = await newShop();
    shopify.fake.shop(shop).mainTheme().setAppEmbed(EMBED, true);
    const data = await load(home.loader, shop, "/app");
    expect(data.theme).toEqual({ source: "INFERRED", reason: "NO_SCOPE", embedOn: false, blockPlaced: false, templates: [], editorTemplate: null });
    expect(data.themeScope).toBe("read_themes");
    expect(shopify.fake.callsTo("ThemeSetup")).toEqual([]);
    expect(data.links).toEqual({
      addBlock: `https://${shop}/admin/themes/current/editor?template=product&addAppBlockId=test-api-key/${BLOCK_HANDLE}&target=mainSection`,
      enableEmbed: `https://${shop}/admin/themes/current/editor?context=apps&activateAppId=test-api-key/${EMBED_HANDLE}`,
      blockTemplate: null,
    });
  });

  it("with read_themes: the live theme's states, the templates holding the block, and a link to open it there", async () => {
    const shop = await newShop({ granted: true });
    expect((await load(home.loader, shop, "/app")).theme).toEqual({ source: "THEME", themeName: "Dawn", embedOn: false, blockPlaced: false, templates: [], editorTemplate: null });

    const theme = shopify.fake.shop(shop).mainTheme();
    theme.setAppEmbed(EMBED, true);
    theme.addAppBlock("product", BLOCK);
    const data = await load(home.loader, shop, "/app");
    expect(data.theme).toEqual({ source: "THEME", themeName: "Dawn", embedOn: true, blockPlaced: true, templates: ["product"], editorTemplate: "product" });
    expect(data.links.blockTemplate).toBe(`https://${shop}/admin/themes/current/editor?template=product`);

    // The merchant switched the embed off in the theme editor: the theme says so, whatever the storefront did before.
    theme.setAppEmbed(EMBED, false);
    expect((await load(home.loader, shop, "/app")).theme).toMatchObject({ source: "THEME", embedOn: false, blockPlaced: true });
  });

  it("reads the theme once the merchant's grant reaches the app (app/scopes_update through the route and the worker)", async () => {
    const shop = await newShop();
    shopify.fake.shop(shop).mainTheme().addAppBlock("index", BLOCK);
    expect((await load(home.loader, shop, "/app")).theme).toMatchObject({ source: "INFERRED", reason: "NO_SCOPE" });

    const current = shopify.fake.shop(shop).grantScopes(["read_themes"]);
    const delivered = await deliverWebhook(signedWebhookRequest({ topic: "app/scopes_update", shop, body: appScopesUpdatePayload({ previous: [...APP_SCOPES], current }) }));
    expect(delivered.status).toBe(200);
    await createWorker({ db, webhookHandlers, jobHandlers, logger: { info() {}, warn() {} } }).runOnce();

    expect((await load(home.loader, shop, "/app")).theme).toMatchObject({ source: "THEME", blockPlaced: true, templates: ["index"] });
  });

  it("when Shopify refuses or fails the read: inferred with the reason, logged, and the page still answers", async () => {
    const logs = captureLogs("warn");
    try {
      // The session says granted, Shopify says not (revoked since): ACCESS_DENIED.
      const shop = await newShop();
      await seedInstalledShop(db, shop, { scope: GRANTED.join(",") });
      const denied = await load(home.loader, shop, "/app");
      expect(denied).toMatchObject({ shop, enabled: true, theme: { source: "INFERRED", reason: "SHOPIFY_ERROR", embedOn: false } });
      expect(shopify.fake.callsTo("ThemeSetup").map((c) => c.outcome)).toEqual(["graphql-error"]);

      const failing = await newShop({ granted: true });
      shopify.fake.faults.queue("ThemeSetup", ...Array.from({ length: 5 }, () => ({ kind: "http5xx" as const })));
      expect((await load(home.loader, failing, "/app")).theme).toMatchObject({ source: "INFERRED", reason: "SHOPIFY_ERROR" });

      const malformed = await newShop({ granted: true });
      shopify.fake.shop(malformed).mainTheme().write("templates/product.json", "{ not json");
      expect((await load(home.loader, malformed, "/app")).theme).toMatchObject({ source: "INFERRED", reason: "UNREADABLE" });

      const messages = logs.lines().map((l) => `${l.shop} ${l.msg}`);
      expect(messages).toEqual(
        expect.arrayContaining([
          `${shop} theme setup: the theme was not read; inferred from the storefront`,
          `${failing} theme setup: the theme was not read; inferred from the storefront`,
          `${malformed} theme setup: a theme file is not readable; inferred from the storefront`,
        ]),
      );
    } finally {
      logs.restore();
    }
  });
});

describe("the home page as the server renders it, in Hindi", () => {
  let server: Awaited<ReturnType<typeof startAdminServer>>;
  beforeAll(async () => {
    server = await startAdminServer();
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  async function page(shop: string) {
    const url = new URL("/app", server.url);
    for (const [k, v] of Object.entries({ embedded: "1", shop, host: hostParam(shop), id_token: sessionToken(shop), locale: "hi" })) url.searchParams.set(k, v);
    const response = await server.render(new Request(url, { headers: { "User-Agent": "Mozilla/5.0 Chrome/130" } }));
    expect(response.status).toBe(200);
    return response.text();
  }
  const { hi, en } = MESSAGES;

  it("says the steps are inferred and offers theme access; once granted, says they were read and where the block is", async () => {
    const inferred = await page(await newShop());
    for (const text of [hi.home.theme.inferred, hi.home.theme.accessTitle, hi.home.theme.accessAction, hi.home.theme.accessWhy]) expect(inferred).toContain(text);
    expect(inferred).not.toContain(en.home.theme.accessAction);

    const shop = await newShop({ granted: true });
    const theme = shopify.fake.shop(shop).mainTheme();
    theme.setAppEmbed(EMBED, true);
    theme.addAppBlock("product", BLOCK);
    theme.addAppBlock("index", BLOCK);
    const read = await page(shop);
    expect(read).toContain(hi.home.theme.fromTheme("Dawn"));
    // The templates as a list in Hindi (Intl.ListFormat "hi": "index और product").
    expect(read).toContain(hi.home.theme.placedIn(formatter("hi").list(["index", "product"])));
    expect(read).toContain(hi.home.theme.openBlock);
    expect(read).not.toContain(hi.home.theme.accessAction);
  }, 120_000);
});
