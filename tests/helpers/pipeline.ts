// The whole order pipeline for scenario tests: signed webhooks through the real
// route into the inbox, the real worker and registry draining it, the app's own
// shopify.server `unauthenticated.admin` (offline session in the test database)
// talking to the fake Shopify through msw. One manual clock drives the worker,
// the hold periods and the fake's cost bucket.
import { randomUUID } from "node:crypto";
import type { RequestHandler } from "msw";
import db from "~/db.server";
import { createWorker, type Worker } from "~/jobs/worker.server";
import { jobHandlers, webhookHandlers } from "~/jobs/registry.server";
import { createAdminClient } from "~/shopify/admin-client.server";
import { ThrottleTracker } from "~/shopify/throttle.server";
import { unauthenticated } from "~/shopify.server";
import { saveProgram } from "~/referrals/programs.server";
import { DEFAULT_PROGRAM_SETTINGS, type ProgramSettingsInput, programSettingsSchema } from "~/referrals/program-settings";
import { enrolReferrer } from "~/referrals/referrers.server";
import { seedInstalledShop } from "../../fake-shopify/seed";
import { testClock, useTestShopify } from "./admin";
import { uniqueShop } from "./shops";
import { deliverWebhook, signedWebhookRequest } from "./webhook-request";

export const DAY = 86_400_000;
const quiet = { info: () => {}, warn: () => {} };

export function pipelineWorker(options: { workerId?: string } = {}): Worker {
  return createWorker({
    db,
    webhookHandlers,
    jobHandlers,
    now: () => new Date(testClock.now()),
    random: () => 0.5,
    logger: quiet,
    workerId: options.workerId,
    admin: async (shop) => {
      const { admin } = await unauthenticated.admin(shop);
      return createAdminClient(admin.graphql, {
        shop,
        now: testClock.now,
        sleep: testClock.sleep,
        random: () => 0.5,
        throttle: new ThrottleTracker(),
      });
    },
  });
}

/** `extraHandlers` answer (or pass through) requests to services other than Shopify. */
export function usePipeline(...extraHandlers: RequestHandler[]) {
  const shopify = useTestShopify({}, ...extraHandlers);

  async function setupShop(settings: ProgramSettingsInput = {}) {
    const shop = uniqueShop();
    await seedInstalledShop(db, shop, { scope: "write_discounts" });
    const worker = pipelineWorker();
    const { admin } = await unauthenticated.admin(shop);
    const client = createAdminClient(admin.graphql, { shop, now: testClock.now, sleep: testClock.sleep, throttle: new ThrottleTracker() });
    const program = await saveProgram({
      db,
      admin: client,
      shop,
      settings: programSettingsSchema.parse({ ...DEFAULT_PROGRAM_SETTINGS, ...settings }),
      cause: "test",
      now: new Date(testClock.now()),
    });
    const referrerCustomer = shopify.fake.seedCustomer(shop, { firstName: "Rita", email: "rita@example.com" });
    const { referrer } = await enrolReferrer(db, {
      shop,
      customerId: referrerCustomer.id,
      email: "rita@example.com",
      firstName: "Rita",
      source: "STOREFRONT",
      cause: "test",
      now: new Date(testClock.now()),
    });
    const p = {
      shop,
      program,
      referrer,
      referrerCustomer,
      worker,
      async send(topic: string, body: object, webhookId: string = randomUUID()) {
        const response = await deliverWebhook(signedWebhookRequest({ topic, shop, body, webhookId }));
        if (response.status !== 200) throw new Error(`webhook ${topic} answered ${response.status}`);
        // The route stamps rows with the real clock: the test clock must not be behind it.
        testClock.ms = Math.max(testClock.ms, Date.now());
        return webhookId;
      },
      /** Runs the worker until nothing is due now. */
      async drain(w: Worker = worker) {
        for (let round = 0; round < 100; round++) {
          const counts = await w.runOnce();
          if (counts.claimed === 0) return;
        }
        throw new Error("the worker never ran out of work");
      },
      advance(ms: number) {
        testClock.advance(ms);
      },
      async referral(orderGid: string) {
        return db.referral.findUnique({ where: { shop_orderId: { shop, orderId: orderGid } }, include: { reward: true } });
      },
    };
    await p.drain(); // puts the referrer's code on the friend discount
    return p;
  }

  return { shopify, setupShop };
}
