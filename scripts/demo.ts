// `npm run demo`: the app against a local dev store, offline, in one command.
// A fresh SQLite file (data/demo.sqlite) is migrated and seeded with a demo
// shop; the app, its worker, the fake Admin API and the dev store start on
// 127.0.0.1; the URLs are printed. Ctrl-C stops everything.
//
//   DEMO_PORT=3200 npm run demo     first of five consecutive ports (default 3200)
//   DEMO_DISCOUNT_FUNCTION=0 npm run demo
//                                   a shop without the app's discount function
//                                   (Shopify's basic friend discount; default: deployed)
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT, databaseTarget } from "~/db-url";
import { ensureAdminSchema } from "./fetch-admin-schema";
import { generatePrismaClients } from "./prisma-clients";
import { migrate, startDemoStack } from "../devstore/stack";
import { DEMO_KLAVIYO_KEY } from "../devstore/klaviyo";
import { DEMO_PARTNER } from "../devstore/demo-shop";

const base = Number(process.env.DEMO_PORT ?? 3200);
if (!Number.isInteger(base) || base < 1024 || base > 65530) {
  console.error(`DEMO_PORT must be a port from 1024 to 65530 (the first of five); got ${process.env.DEMO_PORT}`);
  process.exit(2);
}
const started = performance.now();
const databaseUrl = "file:./data/demo.sqlite";
const { filePath } = databaseTarget(databaseUrl) as { filePath: string };

console.log("Preparing: Admin API schema, Prisma clients, a fresh data/demo.sqlite");
ensureAdminSchema();
generatePrismaClients();
fs.mkdirSync(path.dirname(filePath), { recursive: true });
for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(`${filePath}${suffix}`, { force: true });
migrate(databaseUrl);
process.env.DATABASE_URL = databaseUrl;

const logDir = path.join(PROJECT_ROOT, "data/demo-logs");
let stack: Awaited<ReturnType<typeof startDemoStack>>;
try {
  stack = await startDemoStack({
    ports: { admin: base, storefront: base + 1, app: base + 2, appServer: base + 3, adminApi: base + 4 },
    logDir,
    progress: (line) => console.log(`  … ${line}`),
    discountFunction: process.env.DEMO_DISCOUNT_FUNCTION !== "0",
  });
} catch (error) {
  console.error(`The demo could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") console.error(`A port from ${base} to ${base + 4} is taken: set DEMO_PORT to another.`);
  process.exit(1);
}

const { urls } = stack;
console.log(`
Demo ready in ${((performance.now() - started) / 1000).toFixed(1)} s: ${stack.shop}, everything on 127.0.0.1, nothing leaves the machine.

  Merchant admin   ${urls.admin}/apps/referrals
                   the app embedded as the Shopify admin embeds it (settings, dashboard, referrals...);
                   ${urls.admin}/orders lists the store's orders with Refund / Cancel buttons
  Storefront       ${urls.storefront}/
                   the theme's referral block and link embed; log in at /account/login (ana@example.com
                   has not joined yet), share your link, open it in a private window as the friend,
                   add to cart and check out: orders/paid goes to the app as Shopify would send it
  Partners         ${urls.storefront}/apps/referrals/partners  (the footer's "Become a partner")
                   the public partner page: apply and sign the agreement (approve on the admin's Partners page);
                   the demo partner ${DEMO_PARTNER.email} asks for a sign-in link there, opens it from
                   the Mailbox and presses Sign in: her portal with link, QR code, brochure, poster and fees
  Control API      ${urls.controlApi}
                   curl -X POST ${urls.controlApi}/orders -d '{"email":"friend@example.com","code":"<a referrer code>"}'
                   curl -X POST ${urls.controlApi}/orders/<number>/refund
                   curl -X POST ${urls.controlApi}/clock/past-hold     (approve and reward what is on hold)
  Mailbox          ${urls.mailbox}
                   every email the app sends (your link, a friend ordered, your reward...), caught by the
                   dev store's SMTP server on 127.0.0.1:${stack.ports.mailbox}: nothing is delivered; JSON at ${urls.controlApi}/mail
  Integrations     ${urls.webhooks}   webhook inbox: add ${urls.admin}/webhook-inbox on the app's Webhooks page
                   ${urls.klaviyo}    stand-in Klaviyo: connect with the key ${DEMO_KLAVIYO_KEY} on the app's Klaviyo page
                   ${urls.flow}       Shopify Flow: turn a workflow on, see the triggers the app sends
                   curl -H "Authorization: Bearer rk_live_..." ${urls.app}/api/v1/referrers   (a key from the app's API keys page)

  The app          ${urls.app} (production build, RUN_WORKER=false; the worker runs beside it)
  Logs             ${path.relative(PROJECT_ROOT, logDir)}/app.log, worker.log

Ctrl-C stops everything. The next run starts again from a fresh demo shop.`);

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  console.log("\nStopping the demo…");
  await stack.stop();
  const { default: db } = await import("~/db.server");
  await db.$disconnect();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
