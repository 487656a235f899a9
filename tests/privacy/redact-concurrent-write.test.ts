// customers/redact reads each page outside the transaction that writes it. A
// row written in between (here: the merchant's payout reference on Alice's
// fee, changed while the erasure scans) must neither be overwritten with the
// scrubbed old text nor keep her address: the page is read again.
import { beforeEach, describe, expect, it } from "vitest";
import db, { type Db } from "~/db.server";
import { createWorker } from "~/jobs/worker.server";
import { jobHandlers, webhookHandlers } from "~/jobs/registry.server";
import { customersRedactPayload } from "../../fake-shopify/payloads";
import { deliverWebhook, signedWebhookRequest } from "../helpers/webhook-request";
import { deleteEveryRow, mentionsOf } from "./every-row";
import { ALICE, ALICE_NEEDLES, seedShop } from "./seed";

const shop = "privacy-concurrent.myshopify.com";
const quiet = { info() {}, warn() {} };
const NEW_REFERENCE = "Bank transfer 2026-12 to alice.liddell@gmail.com, batch 7";

/** The database, where the erasure's first read of rewards is followed by the merchant editing a payout reference. */
function withMerchantEditDuringScan(): Db {
  let edited = false;
  return db.$extends({
    query: {
      reward: {
        async findMany({ args, query }) {
          const rows = await query(args);
          if (!edited && args.select && "payoutReference" in args.select) {
            edited = true;
            await db.reward.updateMany({ where: { shop, payoutReference: { not: null } }, data: { payoutReference: NEW_REFERENCE } });
          }
          return rows;
        },
      },
    },
  }) as unknown as Db;
}

beforeEach(async () => {
  await deleteEveryRow(db);
  await seedShop(db, shop);
  const later = { availableAt: new Date("2099-01-01T00:00:00Z") };
  await db.webhookDelivery.updateMany({ data: later });
  await db.job.updateMany({ data: later });
});

describe("customers/redact and a write during the scan", () => {
  it("reads a page again when a row changed under it: the new text stays, scrubbed", async () => {
    const body = customersRedactPayload({ shop, customerId: ALICE.id, email: ALICE.requestEmail, ordersToRedact: [] });
    expect((await deliverWebhook(signedWebhookRequest({ topic: "customers/redact", shop, body, webhookId: "redact-concurrent" }))).status).toBe(200);

    const first = await createWorker({ db: withMerchantEditDuringScan(), webhookHandlers, jobHandlers, logger: quiet }).runOnce();
    expect(first).toMatchObject({ claimed: 1, retry: 1 });
    const later = () => new Date(Date.now() + 2 * 60 * 60_000);
    const second = await createWorker({ db, webhookHandlers, jobHandlers, logger: quiet, now: later }).runOnce();
    expect(second).toMatchObject({ claimed: 1, done: 1 });

    const fee = await db.reward.findFirstOrThrow({ where: { shop, payoutReference: { not: null } } });
    expect(fee.payoutReference).toBe("Bank transfer 2026-12 to [redacted], batch 7");
    expect(await mentionsOf(db, shop, ALICE_NEEDLES)).toEqual([]);
  });
});
