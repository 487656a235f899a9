// The whole demo on 127.0.0.1, started by `npm run demo` and by the end-to-end
// test: the fake Admin API and the dev store (admin, storefront, checkout,
// control API, the mailbox every email goes to, the webhook inbox, a stand-in
// Klaviyo, Shopify Flow's trigger switches) in this process; the app
// (server.ts, the production build) and its worker (app/jobs/worker-main.ts)
// as child processes, configured only through their environment; a tunnel in
// front of the app as its public URL.
//
// The database named by DATABASE_URL must be migrated and empty of this shop;
// the demo shop is seeded into it before the app starts.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { PROJECT_ROOT, databaseTarget } from "~/db-url";
import { FakeShopify } from "../fake-shopify/fake-shopify";
import { startFakeShopifyServer } from "../fake-shopify/http-server";
import { startAdminServer } from "./admin";
import { DEMO_API_KEY, DEMO_API_SECRET, DEMO_EMAIL_FROM, DEMO_SHOP, DEMO_SHOP_NAME } from "./demo-shop";
import { devCommerce, type DevCommerce } from "./checkout";
import { startMailbox, type Mailbox } from "./mailbox";
import { proxyOverHttp, startStorefrontServer } from "./storefront";
import { startTunnel } from "./tunnel";
import { buildExtensionAssets } from "./extension-pages";
import { webhookSender, type DeliverWebhook } from "./webhooks";
import { startKlaviyoServer } from "./klaviyo";
import type { WebhookInbox } from "./integrations";
import type { FakeKlaviyo } from "../fake-shopify/klaviyo";

export interface DemoPorts {
  admin: number;
  storefront: number;
  /** The app's public URL (the tunnel). */
  app: number;
  /** The app server behind the tunnel. */
  appServer: number;
  adminApi: number;
  /** The mailbox's SMTP server (the app's SMTP_URL). */
  mailbox: number;
  /** The stand-in Klaviyo API (the app's KLAVIYO_API_ORIGIN). */
  klaviyo: number;
}

export interface DemoStackOptions {
  /** 0 or missing: any free port. */
  ports?: Partial<DemoPorts>;
  /** Where the app's and the worker's output go (app.log, worker.log). */
  logDir: string;
  /** Progress lines ("building the app", ...). */
  progress?: (line: string) => void;
  /**
   * Whether the app's discount function is deployed to the demo shop (default
   * yes): the friend discount is then the function's, and the checkout runs
   * the function. `false` shows a shop without it (Shopify's basic discount).
   */
  discountFunction?: boolean;
}

export interface DemoStack {
  shop: string;
  urls: {
    admin: string;
    storefront: string;
    controlApi: string;
    app: string;
    adminApi: string;
    mailbox: string;
    /** The webhook inbox's page; its endpoint URL is `${admin}/webhook-inbox`. */
    webhooks: string;
    klaviyo: string;
    flow: string;
    /** The stand-in Klaviyo API. */
    klaviyoApi: string;
  };
  /** Every port the stack listens on (all on 127.0.0.1). */
  ports: DemoPorts;
  fake: FakeShopify;
  commerce: DevCommerce;
  /** Every email the app and its worker sent, as the mailbox received it. */
  mailbox: Mailbox;
  /** Every request the app's outgoing webhooks made to the dev store's inbox. */
  webhookInbox: WebhookInbox;
  /** The stand-in Klaviyo: the events the app sent it. */
  klaviyo: FakeKlaviyo;
  /** Milliseconds from start to every URL answering. */
  startupMs: number;
  stop(): Promise<void>;
}

export async function startDemoStack(options: DemoStackOptions): Promise<DemoStack> {
  const started = performance.now();
  const progress = options.progress ?? (() => {});
  const ports: DemoPorts = {
    admin: await portOrFree(options.ports?.admin),
    storefront: await portOrFree(options.ports?.storefront),
    app: await portOrFree(options.ports?.app),
    appServer: await portOrFree(options.ports?.appServer),
    adminApi: await portOrFree(options.ports?.adminApi),
    mailbox: await portOrFree(options.ports?.mailbox),
    klaviyo: await portOrFree(options.ports?.klaviyo),
  };
  const origin = (port: number) => `http://127.0.0.1:${port}`;
  const appUrl = origin(ports.app);
  const adminOrigin = origin(ports.admin);
  if (!process.env.DATABASE_URL) throw new Error("DATABASE_URL must name the demo's (migrated) database");

  // The app's configuration, for its processes and for the app code this process runs while seeding.
  // Set before any app module loads: shopify.server reads it on import.
  const appEnv: Record<string, string> = {
    SHOPIFY_API_KEY: process.env.SHOPIFY_API_KEY || DEMO_API_KEY,
    SHOPIFY_API_SECRET: process.env.SHOPIFY_API_SECRET || DEMO_API_SECRET,
    SHOPIFY_APP_URL: appUrl,
    SHOPIFY_ADMIN_API_ORIGIN: origin(ports.adminApi),
    APP_BRIDGE_URL: `${adminOrigin}/app-bridge.js`,
    SHOPIFY_STAND_IN: "true",
    // The app's own server is reached through the tunnel only: nothing listens beyond loopback.
    HOST: "127.0.0.1",
    // Absolute: the production build resolves a relative SQLite path from build/, not from the project.
    DATABASE_URL: databaseTarget(process.env.DATABASE_URL).url,
    // Every email goes to the dev store's mailbox (devstore/mailbox.ts), never out of the machine.
    SMTP_URL: `smtp://127.0.0.1:${ports.mailbox}`,
    EMAIL_FROM: DEMO_EMAIL_FROM,
    // Outgoing webhooks may go to the dev store's inbox: everything here is loopback.
    WEBHOOKS_ALLOW_PRIVATE: "true",
    // Klaviyo is the dev store's stand-in (devstore/klaviyo.ts); a merchant's key is sealed
    // with a key of this run (production refuses to seal without one).
    KLAVIYO_API_ORIGIN: origin(ports.klaviyo),
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  };
  // This process runs the app's code only to seed the demo's weeks of history: it
  // mails nobody (whatever SMTP_URL the shell has), so the mailbox starts empty
  // and shows what happens once the demo runs.
  Object.assign(process.env, appEnv, { SMTP_URL: "", EMAIL_FROM: "" });

  const stoppers: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const close of stoppers.reverse()) await close().catch(() => {});
    stoppers.length = 0;
  };
  try {
    const build = ensureBuild(progress);
    // The UI extensions as Shopify CLI builds them, with the app's public URL: the thank-you and account pages run them.
    const extensions = await buildExtensionAssets(appUrl);
    stoppers.push(() => extensions.close());

    const fake = new FakeShopify({ bulkAddPolls: 1 });
    // The storefront below is the shop's online store: share links may only point at it.
    const storefrontUrl = origin(ports.storefront);
    fake.shop(DEMO_SHOP).shop.primaryDomain = { host: new URL(storefrontUrl).host, url: storefrontUrl, sslEnabled: false };
    // The shop's name, as its emails sign them ("Demo Outfitters <referrals@...>").
    fake.shop(DEMO_SHOP).shop.name = DEMO_SHOP_NAME;
    // As after `shopify app deploy`: the friend discount becomes the function's when the seed saves the program.
    if (options.discountFunction ?? true) fake.shop(DEMO_SHOP).deployFunction("referral-discount");
    const adminApi = await startFakeShopifyServer(fake, { port: ports.adminApi });
    stoppers.push(() => adminApi.close());
    const mailbox = await startMailbox({ port: ports.mailbox });
    stoppers.push(() => mailbox.close());
    const klaviyo = await startKlaviyoServer({ port: ports.klaviyo });
    stoppers.push(() => klaviyo.close());

    const { default: db } = await import("~/db.server");
    const webhooksRoute = await import("~/routes/webhooks");
    const { seedDemoShop } = await import("./seed");
    const { endHoldsNow } = await import("./holds");
    const secret = appEnv.SHOPIFY_API_SECRET;
    // Webhooks go to the app's webhook route in this process while seeding, then over HTTP to the running app.
    let deliver: DeliverWebhook = webhookSender({ appUrl, shop: DEMO_SHOP, secret, send: (request) => webhooksRoute.action({ request, params: {}, context: {} }) });
    const commerce = devCommerce({ fake, shop: DEMO_SHOP, shopName: DEMO_SHOP_NAME, deliver: (topic, body) => deliver(topic, body) });

    progress("seeding the demo shop");
    await seedDemoShop({ db, fake, shop: DEMO_SHOP, commerce });
    deliver = webhookSender({ appUrl, shop: DEMO_SHOP, secret });

    const admin = await startAdminServer({
      shop: DEMO_SHOP,
      apiKey: appEnv.SHOPIFY_API_KEY,
      secret,
      appUrl,
      commerce,
      fake,
      endHolds: () => endHoldsNow(db, DEMO_SHOP),
      mailbox,
      // A grant in the admin's dialog reaches the app as Shopify sends it: app/scopes_update.
      deliver: (topic, body) => deliver(topic, body),
      klaviyo,
      port: ports.admin,
    });
    stoppers.push(() => admin.close());
    // The theme has the app embed on with its floating launcher: every storefront page shows the referral button.
    const storefront = await startStorefrontServer({
      shop: DEMO_SHOP,
      app: proxyOverHttp(appUrl),
      secret,
      port: ports.storefront,
      commerce,
      embedSettings: { launcher: true },
      extensions: { dir: extensions.dir, apiKey: appEnv.SHOPIFY_API_KEY },
    });
    stoppers.push(() => storefront.close());
    await build;
    const assets = fs.mkdtempSync(path.join(os.tmpdir(), "referrals-demo-assets-"));
    fs.cpSync(path.join(PROJECT_ROOT, "build/client/assets"), assets, { recursive: true });
    stoppers.push(async () => fs.rmSync(assets, { recursive: true, force: true }));
    const tunnel = await startTunnel({ target: origin(ports.appServer), adminOrigin, assets, port: ports.app });
    stoppers.push(() => tunnel.close());

    progress("starting the app and its worker");
    fs.mkdirSync(options.logDir, { recursive: true });
    const childEnv = { ...appEnv, NODE_ENV: "production", PORT: String(ports.appServer), RUN_WORKER: "false" };
    const app = startChild("app", "server.ts", childEnv, options.logDir);
    stoppers.push(() => app.stop());
    const worker = startChild("worker", "app/jobs/worker-main.ts", childEnv, options.logDir);
    stoppers.push(() => worker.stop());
    // GET /webhooks: answered (405) by server.ts itself once it listens.
    await waitForHttp(app, `${origin(ports.appServer)}/webhooks`);
    if (worker.exited()) throw new Error(`the worker exited:\n${worker.output()}`);

    return {
      shop: DEMO_SHOP,
      urls: {
        admin: admin.origin,
        storefront: storefront.origin,
        controlApi: `${admin.origin}/api`,
        app: appUrl,
        adminApi: adminApi.url,
        mailbox: `${admin.origin}/mailbox`,
        webhooks: `${admin.origin}/webhooks`,
        klaviyo: `${admin.origin}/klaviyo`,
        flow: `${admin.origin}/flow`,
        klaviyoApi: klaviyo.origin,
      },
      ports,
      fake,
      commerce,
      mailbox,
      webhookInbox: admin.webhookInbox,
      klaviyo: klaviyo.klaviyo,
      startupMs: performance.now() - started,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The production build, rebuilt when a source file is newer than it (the first run: ~10 s). */
async function ensureBuild(progress: (line: string) => void): Promise<void> {
  const built = path.join(PROJECT_ROOT, "build/server/index.js");
  const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
  const sources = [path.join(PROJECT_ROOT, "vite.config.ts"), path.join(PROJECT_ROOT, "package-lock.json"), ...files(path.join(PROJECT_ROOT, "app"))];
  if (sources.every((file) => fs.statSync(file).mtimeMs <= builtAt)) return;
  progress("building the app (npm run build)");
  await new Promise<void>((resolve, reject) => {
    const child = spawn("npx", ["remix", "vite:build"], { cwd: PROJECT_ROOT, env: { ...process.env, NODE_ENV: "production" }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-4_000)));
    child.stderr.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-4_000)));
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`npm run build failed (${code}):\n${output}`))));
  });
}

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? files(full) : [full];
  });
}

interface Child {
  process: ChildProcess;
  output(): string;
  exited(): boolean;
  stop(): Promise<void>;
}

function startChild(name: string, script: string, env: Record<string, string>, logDir: string): Child {
  const log = fs.createWriteStream(path.join(logDir, `${name}.log`), { flags: "w" });
  const child = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, script)], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let tail = "";
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString()).slice(-6_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exit = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    process: child,
    output: () => tail,
    exited,
    async stop() {
      if (!exited()) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exit;
        clearTimeout(timer);
      }
      log.end();
    },
  };
}

async function waitForHttp(child: Child, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exited()) throw new Error(`the app exited (${child.process.exitCode}):\n${child.output()}`);
    try {
      await (await fetch(url, { signal: AbortSignal.timeout(2_000) })).arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`the app did not answer ${url} within ${timeoutMs} ms:\n${child.output()}`);
}

/**
 * The given port, or a free one below the kernel's ephemeral range (Linux:
 * 32768 and up). A port the kernel handed out for listen(0) comes from that
 * range, where the outgoing connections of every other process (the
 * database's clients, Chromium, parallel tests) also take theirs: one took a
 * port found free here before the stack bound it (EADDRINUSE).
 */
async function portOrFree(port: number | undefined): Promise<number> {
  if (port) return port;
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(candidate)) return candidate;
  }
  throw new Error("no free port between 20000 and 32000");
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** Applies every migration to DATABASE_URL with the Prisma CLI, as `npm run setup` does. */
export function migrate(databaseUrl: string): void {
  execFileSync("npx", ["prisma", "migrate", "deploy"], { cwd: PROJECT_ROOT, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, DATABASE_URL: databaseUrl } });
}
