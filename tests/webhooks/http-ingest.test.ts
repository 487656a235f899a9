// The webhook endpoint as server.ts serves it: a real node:http server with
// /webhooks answered by withWebhookEndpoint in front of the rest of the app,
// storing through the inbox's own connection (prepared INSERT, group commit).
// The rows it writes must be indistinguishable from Prisma's: the worker
// (Prisma) claims, runs and finishes them.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import db, { providerOf } from "~/db.server";
import { databaseTarget } from "~/db-url";
import { deliveryCounterKey, windowStartOf } from "~/webhooks/inbox-admission";
import { closeInbox, getInbox, openInbox, type Inbox } from "~/webhooks/inbox.server";
import { withWebhookEndpoint } from "~/webhooks/receive-webhook-node.server";
import type { WebhookHandler } from "~/queue/types";
import { MAX_WEBHOOK_BODY_BYTES } from "~/webhooks/verify-webhook.server";
import { createWorker } from "~/jobs/worker.server";
import { signWebhookBody } from "../helpers/webhook-request";
import { captureLogs } from "../helpers/logs";

const shop = "alpha.myshopify.com";
const order = { id: 820982911946154500, admin_graphql_api_id: "gid://shopify/Order/820982911946154508", line_items: [] };
const provider = providerOf(db);
const secret = process.env.SHOPIFY_API_SECRET!;

const warn = vi.spyOn(console, "warn").mockImplementation(() => {});

let server: http.Server;
let port: number;
/** What the rest of the app (Express) would have answered. */
const elsewhere: http.RequestListener = (_req, res) => res.writeHead(404, { "Content-Type": "text/plain" }).end("not the webhook endpoint");

function listen(listener: http.RequestListener): Promise<http.Server> {
  const s = http.createServer(listener);
  return new Promise((resolve) => s.listen(0, "127.0.0.1", () => resolve(s)));
}

beforeAll(async () => {
  // The door stores deliveries of installed shops only.
  await db.shop.create({ data: { shop } });
  server = await listen(withWebhookEndpoint({ inbox: getInbox(), secret }, elsewhere));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
afterEach(async () => {
  warn.mockClear();
  await db.webhookDelivery.deleteMany();
  await db.rateLimit.deleteMany();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface Post {
  topic?: string;
  body?: string | object;
  webhookId?: string;
  /** Added last; null removes a header. */
  headers?: Record<string, string | null>;
  method?: string;
  path?: string;
  /** Sent instead of `body`, chunked, until the server answers. */
  stream?: Buffer;
  targetPort?: number;
}

let sequence = 0;
const newWebhookId = () => `wh-${Date.now()}-${++sequence}`;

/** One request on its own connection; the answer, even if the server closes the connection while the body is still being sent. */
function post(options: Post = {}): Promise<Answer> {
  const body = typeof options.body === "string" ? options.body : JSON.stringify(options.body ?? order);
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-Shopify-Topic": options.topic ?? "orders/paid",
    "X-Shopify-Hmac-Sha256": signWebhookBody(body),
    "X-Shopify-Shop-Domain": shop,
    "X-Shopify-Webhook-Id": options.webhookId ?? newWebhookId(),
    "X-Shopify-API-Version": "2026-10",
    "X-Shopify-Triggered-At": "2026-11-02T10:00:00.123Z",
  };
  if (!options.stream) headers["Content-Length"] = String(Buffer.byteLength(body));
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  return new Promise((resolve, reject) => {
    let answered = false;
    const request = http.request(
      { host: "127.0.0.1", port: options.targetPort ?? port, path: options.path ?? "/webhooks", method: options.method ?? "POST", headers, agent: false },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      },
    );
    // Writing into a connection the server closed after answering (413) fails here; the answer counts.
    request.on("error", (error) => {
      if (!answered) reject(error);
    });
    if (!options.stream) return void request.end(body);
    const chunk = options.stream;
    const pump = () => {
      while (!answered && !request.destroyed) {
        if (!request.write(chunk)) return void request.once("drain", pump);
      }
    };
    pump();
  });
}

const rows = () => db.webhookDelivery.findMany({ where: { shop }, orderBy: { receivedAt: "asc" } });

describe("POST /webhooks served by node:http in front of the app", () => {
  it("stores a signed delivery PENDING, exactly as Prisma would have written it, and answers 200", async () => {
    const before = new Date();
    const webhookId = newWebhookId();
    const answer = await post({ webhookId });
    const after = new Date();
    expect(answer).toMatchObject({ status: 200, body: "" });

    const [row] = await rows();
    expect(row).toMatchObject({
      shop,
      webhookId,
      topic: "orders/paid",
      apiVersion: "2026-10",
      payload: JSON.stringify(order),
      status: "PENDING",
      attempts: 0,
      lastError: null,
      lockedBy: null,
      lockedUntil: null,
      processedAt: null,
    });
    // Prisma's @default(cuid()) form.
    expect(row.id).toMatch(/^c[a-z0-9]{24}$/);
    expect(row.triggeredAt?.toISOString()).toBe("2026-11-02T10:00:00.123Z");
    expect(row.availableAt.getTime()).toBe(row.receivedAt.getTime());
    expect(row.receivedAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(row.receivedAt.getTime()).toBeLessThanOrEqual(after.getTime());

    // Stored the way Prisma stores DateTime on this provider, so its comparisons (the worker's "due") hold.
    const reference = await db.webhookDelivery.create({
      data: { shop, webhookId: "written-by-prisma", topic: "orders/paid", triggeredAt: new Date("2026-11-02T10:00:00.123Z"), payload: "{}" },
    });
    const stored = await rawDates([row.id, reference.id]);
    expect(stored[row.id].triggeredAt).toBe(stored[reference.id].triggeredAt);
    if (provider === "sqlite") {
      // SQLite keeps text and compares it as text: the layout must be Prisma's to the character.
      expect(shapeOf(stored[row.id].receivedAt)).toBe(shapeOf(stored[reference.id].receivedAt));
      expect(shapeOf(stored[row.id].availableAt)).toBe(shapeOf(stored[reference.id].availableAt));
    }
  });

  it("hands the row to the worker, which runs it once and clears its payload", async () => {
    const handler = vi.fn<WebhookHandler>(async () => {});
    const webhookId = newWebhookId();
    expect((await post({ webhookId })).status).toBe(200);

    const worker = createWorker({
      db,
      webhookHandlers: new Map([["orders/paid", handler]]),
      jobHandlers: new Map(),
      logger: { info() {}, warn() {} },
    });
    expect((await worker.runOnce()).done).toBe(1);
    expect(handler).toHaveBeenCalledTimes(1);
    const { shop: handledShop, topic, webhookId: handledId, payload } = handler.mock.calls[0][0];
    expect({ shop: handledShop, topic, webhookId: handledId }).toEqual({ shop, topic: "orders/paid", webhookId });
    // Order ids pass 2^53: the worker reads them as exact strings (shopify-json.ts).
    expect(payload).toEqual({ id: "820982911946154500", admin_graphql_api_id: order.admin_graphql_api_id, line_items: [] });
    const [row] = await rows();
    expect(row).toMatchObject({ status: "DONE", payload: null, attempts: 1, lockedBy: null });
    expect((await worker.runOnce()).claimed).toBe(0);
  });

  it("acknowledges a repeated delivery without a second row, one after another and all at once", async () => {
    for (let i = 0; i < 3; i++) expect((await post({ webhookId: "same-id" })).status).toBe(200);
    // Arriving together, the copies land in one batch: still one row.
    const together = await Promise.all(Array.from({ length: 8 }, () => post({ webhookId: "same-id-together" })));
    expect(together.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect((await rows()).map((r) => r.webhookId).sort()).toEqual(["same-id", "same-id-together"]);
  });

  it("stores every one of many deliveries arriving at once, each once", async () => {
    const ids = Array.from({ length: 60 }, newWebhookId);
    const answers = await Promise.all(ids.map((webhookId) => post({ webhookId })));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const stored = await rows();
    expect(stored.map((r) => r.webhookId).sort()).toEqual([...ids].sort());
    expect(new Set(stored.map((r) => r.id)).size).toBe(ids.length);
  });

  it("answers 400 to a signed body that is not a JSON object (malformed, raw NUL byte, array), and stores nothing", async () => {
    for (const body of ['{"id": 1, "admin_graphql_api_id": ', '{"id":1,"x":"\0"}', "[1,2]"]) {
      expect(await post({ body })).toMatchObject({ status: 400, body: "The body is not a JSON object" });
    }
    expect(await db.webhookDelivery.count()).toBe(0);
  });

  it("stores a JSON object lacking what its topic needs; the worker parks it INVALID with its reason", async () => {
    expect((await post({ body: { id: 1 }, webhookId: "wh-incomplete" })).status).toBe(200);
    const [stored] = await rows();
    expect(stored).toMatchObject({ webhookId: "wh-incomplete", status: "PENDING", lastError: null });

    const handler = vi.fn<WebhookHandler>(async () => {});
    const logged = vi.fn();
    const worker = createWorker({ db, webhookHandlers: new Map([["orders/paid", handler]]), jobHandlers: new Map(), logger: { info() {}, warn: logged } });
    expect(await worker.runOnce()).toMatchObject({ claimed: 1, invalid: 1 });
    const [row] = await rows();
    expect(row).toMatchObject({ webhookId: "wh-incomplete", status: "INVALID", attempts: 0, payload: '{"id":1}' });
    expect(row.lastError).toMatch(/payload incomplete for orders\/paid: admin_graphql_api_id/);
    expect(handler).not.toHaveBeenCalled();
    expect(logged).toHaveBeenCalledWith(expect.stringContaining("wh-incomplete (alpha.myshopify.com) parked INVALID: payload incomplete"));
  });

  it("answers 400 to an unsubscribed topic or a shop domain that is not *.myshopify.com, 403 to a shop that never installed the app; stores nothing", async () => {
    expect(await post({ topic: "products/update" })).toMatchObject({ status: 400, body: "The app does not subscribe to products/update" });
    const foreign = await post({ headers: { "X-Shopify-Shop-Domain": "shop.example.com" } });
    expect(foreign.status).toBe(400);
    expect(foreign.body).toMatch(/X-Shopify-Shop-Domain \(not a shop's \*\.myshopify\.com domain\)/);
    const stranger = await post({ headers: { "X-Shopify-Shop-Domain": "stranger.myshopify.com" } });
    expect(stranger).toMatchObject({ status: 403, body: "stranger.myshopify.com has not installed the app" });
    expect(await db.webhookDelivery.count()).toBe(0);
  });

  it("accepts shops on SHOP_CUSTOM_DOMAIN where the app is configured for one, and only there", async () => {
    const custom = "alpha.shops.example.net";
    await db.shop.create({ data: { shop: custom } });
    const configured = await listen(withWebhookEndpoint({ inbox: getInbox(), secret, customShopDomain: "shops.example.net" }, elsewhere));
    try {
      const targetPort = (configured.address() as AddressInfo).port;
      expect((await post({ targetPort, headers: { "X-Shopify-Shop-Domain": custom } })).status).toBe(200);
      expect((await post({ targetPort, headers: { "X-Shopify-Shop-Domain": "alpha.shopsxexample.net" } })).status).toBe(400);
      expect((await post({ headers: { "X-Shopify-Shop-Domain": custom } })).status).toBe(400);
      expect(await db.webhookDelivery.count({ where: { shop: custom } })).toBe(1);
    } finally {
      await new Promise((resolve) => configured.close(resolve));
      await db.shop.delete({ where: { shop: custom } });
    }
  });

  it("answers 429 with Retry-After past the shop's deliveries per minute, and stores the next minute's", async () => {
    let clock = new Date("2026-11-02T10:00:30.000Z");
    const inbox = openInbox(process.env.DATABASE_URL, { deliveriesPerShopPerMinute: 3, now: () => clock });
    const limited = await listen(withWebhookEndpoint({ inbox, secret }, elsewhere));
    try {
      const targetPort = (limited.address() as AddressInfo).port;
      // Arriving together, so in one batch: the limit holds inside a batch too.
      const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => post({ targetPort, webhookId: `burst-${i}` })));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 429, 429]);
      const refused = answers.find((a) => a.status === 429)!;
      expect(refused.body).toBe(`Too many deliveries for ${shop} this minute`);
      expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      expect(await db.webhookDelivery.count()).toBe(3);
      // A repeat of a stored one is still acknowledged, and not counted.
      const storedId = (await rows())[0].webhookId;
      expect((await post({ targetPort, webhookId: storedId })).status).toBe(200);
      expect((await post({ targetPort, webhookId: "still-over" })).status).toBe(429);

      clock = new Date("2026-11-02T10:01:00.000Z");
      expect((await post({ targetPort, webhookId: "next-minute" })).status).toBe(200);
      expect(await db.rateLimit.findUniqueOrThrow({ where: { key: deliveryCounterKey(shop) } })).toMatchObject({
        windowStart: windowStartOf(clock),
        count: 1,
      });
      expect(await db.webhookDelivery.count()).toBe(4);
    } finally {
      await new Promise((resolve) => limited.close(resolve));
      await inbox.close();
    }
  });

  it("stores a triggered-at header no database can hold (year before 1) as no time, like an unparseable one", async () => {
    expect((await post({ webhookId: "wh-year", headers: { "X-Shopify-Triggered-At": "-000100-01-01T00:00:00.000Z" } })).status).toBe(200);
    expect((await post({ webhookId: "wh-junk", headers: { "X-Shopify-Triggered-At": "yesterday" } })).status).toBe(200);
    expect(Object.fromEntries((await rows()).map((r) => [r.webhookId, r.triggeredAt]))).toEqual({ "wh-year": null, "wh-junk": null });
  });

  it("answers 401 to a bad or missing HMAC and stores nothing", async () => {
    expect((await post({ headers: { "X-Shopify-Hmac-Sha256": signWebhookBody("another body") } })).status).toBe(401);
    expect((await post({ headers: { "X-Shopify-Hmac-Sha256": null } })).status).toBe(401);
    expect(await db.webhookDelivery.count()).toBe(0);
  });

  it("answers 400 naming the missing header, and 405 with Allow: POST to other methods", async () => {
    const missing = await post({ headers: { "X-Shopify-Webhook-Id": null } });
    expect(missing).toMatchObject({ status: 400, body: "Missing or invalid headers: X-Shopify-Webhook-Id" });
    const get = await post({ method: "GET", body: "" });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe("POST");
    expect(await db.webhookDelivery.count()).toBe(0);
  });

  it("answers 413 to a declared body over 1 MB before reading it, and closes the connection", async () => {
    const body = `{"id":1,"x":"${"x".repeat(MAX_WEBHOOK_BODY_BYTES)}"}`;
    const answer = await post({ body });
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe("close");
    expect(await db.webhookDelivery.count()).toBe(0);
  });

  it("answers 413 when a body without Content-Length passes 1 MB as it streams in", async () => {
    const answer = await post({ stream: Buffer.alloc(64 * 1024, 0x78) });
    expect(answer.status).toBe(413);
    expect(await db.webhookDelivery.count()).toBe(0);
  });

  it("accepts a body of exactly 1 MB", async () => {
    const prefix = JSON.stringify({ ...order, note: "" }).slice(0, -2);
    const body = `${prefix}${"x".repeat(MAX_WEBHOOK_BODY_BYTES - prefix.length - 2)}"}`;
    expect(Buffer.byteLength(body)).toBe(MAX_WEBHOOK_BODY_BYTES);
    expect((await post({ body })).status).toBe(200);
    expect((await rows())[0]).toMatchObject({ status: "PENDING", payload: body });
  });

  it("serves /webhooks as Express matched it, and leaves every other path to the app", async () => {
    expect((await post({ path: "/webhooks/?from=test" })).status).toBe(200);
    expect((await post({ path: "/Webhooks" })).status).toBe(200);
    expect(await post({ path: "/webhooks-not" })).toMatchObject({ status: 404, body: "not the webhook endpoint" });
    expect(await post({ path: "/app" })).toMatchObject({ status: 404 });
    expect(await db.webhookDelivery.count()).toBe(2);
  });

  it("answers 500 and logs the cause when the delivery cannot be stored, so Shopify retries", async () => {
    const failing: Inbox = { store: () => Promise.reject(new Error("disk full")), close: async () => {} };
    const broken = await listen(withWebhookEndpoint({ inbox: failing, secret }, elsewhere));
    const logs = captureLogs("error");
    try {
      const answer = await post({ targetPort: (broken.address() as AddressInfo).port });
      expect(answer.status).toBe(500);
      expect(logs.lines()).toEqual([
        expect.objectContaining({ level: "error", component: "webhooks", msg: "could not store a delivery", error: expect.objectContaining({ message: "disk full" }) }),
      ]);
    } finally {
      logs.restore();
      await new Promise((resolve) => broken.close(resolve));
    }
  });
});

describe("the inbox's own connection next to other writers", () => {
  it("waits for another connection's uncommitted row with the same id, then answers 200 without a second row", async () => {
    const other = await otherWriter();
    try {
      await other.insertUncommitted("held-id");
      let settled = false;
      const answer = post({ webhookId: "held-id" }).finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(settled).toBe(false);
      await other.commit();
      expect((await answer).status).toBe(200);
      const stored = await rows();
      expect(stored).toHaveLength(1);
      expect(stored[0].id).toBe("held-by-the-other-writer");
    } finally {
      await other.close();
    }
  });

  it("two processes' inboxes share one per-minute count: together they store the limit, no more", async () => {
    const at = () => new Date("2026-11-02T10:00:30.000Z");
    const [a, b] = [openInbox(process.env.DATABASE_URL, { deliveriesPerShopPerMinute: 25, now: at }), openInbox(process.env.DATABASE_URL, { deliveriesPerShopPerMinute: 25, now: at })];
    try {
      const delivery = (webhookId: string) => ({ shop, webhookId, topic: "orders/paid", apiVersion: null, triggeredAt: null, payload: "{}" });
      const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => [a.store(delivery(`a-${i}`)), b.store(delivery(`b-${i}`))]).flat());
      expect(outcomes.filter((o) => o === "stored")).toHaveLength(25);
      expect(outcomes.filter((o) => o === "over-limit")).toHaveLength(55);
      expect(await db.webhookDelivery.count({ where: { shop } })).toBe(25);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("two processes' inboxes storing the same deliveries at once: each stored once", async () => {
    const [a, b] = [openInbox(process.env.DATABASE_URL), openInbox(process.env.DATABASE_URL)];
    try {
      const delivery = (webhookId: string) => ({ shop, webhookId, topic: "orders/paid", apiVersion: null, triggeredAt: null, payload: "{}" });
      const ids = Array.from({ length: 40 }, (_, i) => `shared-${i}`);
      const outcomes = await Promise.all(ids.flatMap((id) => [a.store(delivery(id)), b.store(delivery(id))]));
      expect(outcomes.filter((o) => o === "stored")).toHaveLength(ids.length);
      expect(outcomes.filter((o) => o === "duplicate")).toHaveLength(ids.length);
      expect(await db.webhookDelivery.count({ where: { shop } })).toBe(ids.length);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("writes what was submitted before closing, then refuses with a clear error", async () => {
    const inbox = openInbox(process.env.DATABASE_URL);
    const pending = inbox.store({ shop, webhookId: "before-close", topic: "orders/paid", apiVersion: null, triggeredAt: null, payload: "{}" });
    await inbox.close();
    expect(await pending).toBe("stored");
    await expect(inbox.store({ shop, webhookId: "after-close", topic: "orders/paid", apiVersion: null, triggeredAt: null, payload: "{}" })).rejects.toThrow(
      /inbox is closed/,
    );
    expect((await rows()).map((r) => r.webhookId)).toEqual(["before-close"]);
  });

  it("closeInbox closes the process's inbox; the next getInbox opens a new one", async () => {
    const first = getInbox();
    await closeInbox();
    const second = getInbox();
    expect(second).not.toBe(first);
    expect(await second.store({ shop, webhookId: "reopened", topic: "orders/paid", apiVersion: null, triggeredAt: null, payload: "{}" })).toBe("stored");
  });

  it.runIf(provider === "sqlite")("SQLite: a file that does not exist is refused with what to do, and none is created", async () => {
    const missing = path.join(os.tmpdir(), `no-inbox-${randomUUID()}.sqlite`);
    const inbox = openInbox(`file:${missing}`);
    try {
      const delivery = { shop, webhookId: "nowhere", topic: "orders/paid", apiVersion: null, triggeredAt: null, payload: "{}" };
      await expect(inbox.store(delivery)).rejects.toThrow(/the webhook inbox cannot open the SQLite file .*npm run setup/);
      // Tried again on the next write, not given up for good.
      await expect(inbox.store({ ...delivery, webhookId: "nowhere-again" })).rejects.toThrow(/cannot open the SQLite file/);
      expect(fs.existsSync(missing)).toBe(false);
    } finally {
      await inbox.close();
    }
  });

  it.runIf(provider === "sqlite")("SQLite: a thread copies the WAL into the database file, with no other connection's help", async () => {
    const { filePath } = sqliteTarget();
    const inbox = openInbox(process.env.DATABASE_URL);
    try {
      const sizeBefore = fs.statSync(filePath).size;
      const payload = "x".repeat(100 * 1024);
      await Promise.all(
        Array.from({ length: 100 }, (_, i) => inbox.store({ shop, webhookId: `big-${i}`, topic: "orders/paid", apiVersion: null, triggeredAt: null, payload })),
      );
      // 10 MB went into the WAL; rows deleted by earlier tests leave at most a few free pages to reuse.
      await vi.waitFor(() => expect(fs.statSync(filePath).size).toBeGreaterThan(sizeBefore + 5 * 1024 * 1024), { timeout: 5_000, interval: 50 });
    } finally {
      await inbox.close();
    }
  });
});

function sqliteTarget() {
  const target = databaseTarget(process.env.DATABASE_URL);
  if (target.provider !== "sqlite") throw new Error("expected a SQLite DATABASE_URL");
  return target;
}

/** Each row's DateTime columns as the database holds them (text). */
async function rawDates(ids: string[]): Promise<Record<string, { triggeredAt: string; receivedAt: string; availableAt: string }>> {
  const sql =
    provider === "sqlite"
      ? `SELECT "id", CAST("triggeredAt" AS TEXT) AS "triggeredAt", CAST("receivedAt" AS TEXT) AS "receivedAt", CAST("availableAt" AS TEXT) AS "availableAt" FROM "WebhookDelivery" WHERE "shop" = ?`
      : `SELECT "id", "triggeredAt"::text AS "triggeredAt", "receivedAt"::text AS "receivedAt", "availableAt"::text AS "availableAt" FROM "WebhookDelivery" WHERE "shop" = $1`;
  const found = await db.$queryRawUnsafe<{ id: string; triggeredAt: string; receivedAt: string; availableAt: string }[]>(sql, shop);
  return Object.fromEntries(found.filter((r) => ids.includes(r.id)).map((r) => [r.id, r]));
}

/** The layout of a stored DateTime, digits masked. */
const shapeOf = (stored: string) => stored.replace(/\d/g, "9");

/** Another process's connection writing the inbox table inside a transaction it commits when told. */
async function otherWriter() {
  const values = [shop, "orders/paid", "PENDING"];
  if (provider === "sqlite") {
    const conn = new Database(sqliteTarget().filePath, { timeout: 5_000 });
    return {
      async insertUncommitted(webhookId: string) {
        conn.exec("BEGIN IMMEDIATE");
        conn
          .prepare(`INSERT INTO "WebhookDelivery" ("id", "shop", "webhookId", "topic", "status") VALUES ('held-by-the-other-writer', ?, ?, ?, ?)`)
          .run(values[0], webhookId, values[1], values[2]);
      },
      async commit() {
        conn.exec("COMMIT");
      },
      async close() {
        if (conn.inTransaction) conn.exec("ROLLBACK");
        conn.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  return {
    async insertUncommitted(webhookId: string) {
      await client.query("BEGIN");
      await client.query(`INSERT INTO "WebhookDelivery" ("id", "shop", "webhookId", "topic", "status") VALUES ('held-by-the-other-writer', $1, $2, $3, $4)`, [
        values[0],
        webhookId,
        values[1],
        values[2],
      ]);
    },
    async commit() {
      await client.query("COMMIT");
    },
    async close() {
      await client.end();
    },
  };
}
