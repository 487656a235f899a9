// The demo's integrations, end to end, on the same stack `npm run demo` starts
// (devstore/stack.ts: the app's production build and its worker as their own
// processes, behind the tunnel), everything over HTTP:
//   1. the merchant creates a read-API key on the app's API keys page and reads the
//      referrers through the app's public URL with it;
//   2. adds a webhook endpoint pointing at the dev store's inbox, connects Klaviyo
//      with the demo key, and turns on a Flow workflow from the dev store's /flow page
//      (Flow's signed lifecycle callback to the app);
//   3. a friend orders with a referrer's code: the signed request arrives in the
//      inbox (its signature checked with the secret shown once), the event on
//      /klaviyo, the trigger on /flow;
//   4. the inbox page, screenshotted in Chromium (test-results/e2e/), escapes what it shows.
// The merchant acts as the embedded admin's App Bridge does: a session token
// from the dev store admin on each request to the app's routes.
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "~/db-url";
import { startDemoStack, type DemoStack } from "../../devstore/stack";
import { DEMO_KLAVIYO_KEY } from "../../devstore/klaviyo";
import { CHROMIUM, NO_BROWSER, requireChromium } from "../helpers/chromium";

const OUT = path.join(PROJECT_ROOT, "test-results/e2e");
// The worker is its own process: it polls for jobs, then delivers.
const DELIVERED_WITHIN_MS = 60_000;
const REFERRER = "rita@example.com";
// shopify-app-remix answers requests it takes for a bot's (node's fetch among them) 410 Gone: the embedded page's fetch comes from a browser.
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

let stack: DemoStack;

async function until<T>(read: () => Promise<T> | T, ok: (value: T) => boolean, what: string, timeoutMs = DELIVERED_WITHIN_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(value).slice(0, 2_000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A POST to one of the app's admin routes, as the embedded page's fetch sends it: App Bridge's session token from the dev store admin. */
async function merchantAction(route: string, form: Record<string, string | string[]>) {
  const { token } = (await (await fetch(`${stack.urls.admin}/session-token`, { method: "POST" })).json()) as { token: string };
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) for (const v of [value].flat()) body.append(key, v);
  const response = await fetch(`${stack.urls.app}/app/${route}?_data=${encodeURIComponent(`routes/app.${route.replaceAll("/", ".")}`)}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "User-Agent": BROWSER_UA },
    body,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST /app/${route}: ${response.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

const page = async (url: string) => {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return response.text();
};

describe("the demo's integrations, end to end", () => {
  let referrerCode = "";
  let secret = "";
  let orderName = "";

  beforeAll(async () => {
    fs.mkdirSync(OUT, { recursive: true });
    stack = await startDemoStack({ logDir: path.join(OUT, "logs-integrations") });
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("1. the read API answers on the app's public URL with a key made on the API keys page", async () => {
    const created = await merchantAction("integrations/api-keys", { intent: "create", name: "Demo curl" });
    expect(created).toMatchObject({ ok: true, intent: "create" });
    const key = String(created.key);
    expect(key).toMatch(/^rk_live_/);
    const response = await fetch(`${stack.urls.app}/api/v1/referrers?email=${REFERRER}`, { headers: { Authorization: `Bearer ${key}` } });
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as { data: { email: string; code: string }[] };
    expect(data.map((r) => r.email)).toEqual([REFERRER]);
    referrerCode = data[0].code;
    expect(referrerCode).toBeTruthy();
    expect((await fetch(`${stack.urls.app}/api/v1/referrers`, { headers: { Authorization: "Bearer rk_live_wrong" } })).status).toBe(401);
  });

  it("2. the merchant adds the inbox as a webhook endpoint, connects Klaviyo with the demo key, and turns on a Flow workflow", async () => {
    const inboxPage = await page(stack.urls.webhooks);
    const inboxUrl = /data-inbox-url>([^<]+)</.exec(inboxPage)?.[1];
    expect(inboxUrl).toBe(`${stack.urls.admin}/webhook-inbox`);
    expect(inboxPage).toContain("Nothing received yet");

    const added = await merchantAction("integrations/webhooks", { intent: "add", url: inboxUrl!, events: ["referral.created", "referrer.joined"] });
    expect(added).toMatchObject({ ok: true, intent: "add" });
    secret = String(added.secret);
    expect(secret).toMatch(/^whsec_/);

    // A key of the wrong form is refused on its field; the demo key is accepted by the stand-in Klaviyo.
    expect(await merchantAction("integrations/klaviyo", { intent: "connect", apiKey: "pk_nope" }).catch((e: Error) => e.message)).toMatch(/^POST \/app\/integrations\/klaviyo: 400/);
    expect(await merchantAction("integrations/klaviyo", { intent: "connect", apiKey: DEMO_KLAVIYO_KEY })).toMatchObject({ ok: true, intent: "connect" });
    expect(stack.klaviyo.accountRequests).toBe(1);
    expect(await page(stack.urls.klaviyo)).toContain(DEMO_KLAVIYO_KEY);

    expect(await page(stack.urls.flow)).toContain("None yet");
    const switched = await fetch(`${stack.urls.flow}/referral-created/on`, { method: "POST", redirect: "manual" });
    expect(switched.status).toBe(303);
    const after = await page(new URL(switched.headers.get("location")!, stack.urls.admin).href);
    expect(after).toContain("A workflow using &quot;Referral created&quot; is on; the app answered 200");
    expect(after).toContain('aria-label="Turn off a workflow using Referral created"');
  });

  it("3. a friend orders with the referrer's code: the signed webhook, the Klaviyo event and the Flow trigger arrive", async () => {
    const placed = await fetch(`${stack.urls.controlApi}/orders`, { method: "POST", body: JSON.stringify({ email: "wanda@example.com", code: referrerCode }) });
    expect(placed.status).toBe(201);
    orderName = ((await placed.json()) as { order: { name: string } }).order.name;

    const inbox = await until(
      async () => (await (await fetch(`${stack.urls.controlApi}/webhooks`)).json()) as { requests: { webhookId: string; webhookTimestamp: string; webhookSignature: string; body: string }[] },
      (answer) => answer.requests.some((r) => r.body.includes('"referral.created"')),
      "the referral.created webhook in the inbox",
    );
    const request = inbox.requests.find((r) => r.body.includes('"referral.created"'))!;
    const verified = new Webhook(secret).verify(request.body, {
      "webhook-id": request.webhookId,
      "webhook-timestamp": request.webhookTimestamp,
      "webhook-signature": request.webhookSignature,
    }) as { type: string; data: { referral: { orderName: string } } };
    expect(verified.type).toBe("referral.created");
    expect(verified.data.referral.orderName).toBe(orderName);
    // Signed with that secret only.
    expect(() => new Webhook(`whsec_${Buffer.from("x".repeat(32)).toString("base64")}`).verify(request.body, {
      "webhook-id": request.webhookId,
      "webhook-timestamp": request.webhookTimestamp,
      "webhook-signature": request.webhookSignature,
    })).toThrow();
    const webhooksPage = await page(stack.urls.webhooks);
    expect(webhooksPage).toContain(`data-webhook-id="${request.webhookId}"`);
    expect(webhooksPage).toContain(request.webhookSignature);

    await until(
      () => page(stack.urls.klaviyo),
      (html) => html.includes("Referral: referral created") && html.includes(REFERRER),
      "the referral.created event on /klaviyo",
    );
    const event = stack.klaviyo.events.find((e) => e.metric === "Referral: referral created")!;
    expect(event.profile.email).toBe(REFERRER);
    expect(event.key).toBe(DEMO_KLAVIYO_KEY);

    const flowPage = await until(() => page(stack.urls.flow), (html) => !html.includes("None yet"), "a Flow trigger on /flow");
    expect(flowPage).toContain("<code>referral-created</code></td>");
    expect(stack.fake.flowTriggers(stack.shop).map((t) => [t.handle, t.payload["Order name"]])).toEqual([["referral-created", orderName]]);
  }, 3 * DELIVERED_WITHIN_MS);

  it("4. the inbox page escapes what it received", async () => {
    const hostile = '<script>alert("x")</script>';
    const response = await fetch(`${stack.urls.admin}/webhook-inbox`, { method: "POST", headers: { "webhook-id": hostile, "content-type": "application/json" }, body: JSON.stringify({ type: hostile }) });
    expect(response.status).toBe(200);
    const html = await page(stack.urls.webhooks);
    expect(html).not.toContain(hostile);
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(stack.webhookInbox.list()[0].webhookId).toBe(hostile);
  });

  it.skipIf(NO_BROWSER)("5. the inbox page in Chromium (test-results/e2e/integrations-webhooks.png)", async () => {
    requireChromium();
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--no-first-run"] });
    try {
      const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      tab.on("pageerror", (e) => errors.push(e.message));
      await tab.goto(stack.urls.webhooks);
      await expect(tab.getByRole("heading", { name: "Webhook inbox" }).isVisible()).resolves.toBe(true);
      await expect(tab.getByRole("link", { name: "Webhooks", exact: true }).getAttribute("aria-current")).resolves.toBe("page");
      await tab.locator("details summary").nth(1).click();
      await tab.screenshot({ path: path.join(OUT, "integrations-webhooks.png"), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
