// Serves a FakeShopify over real HTTP on loopback, so other processes (the
// app's workers in the soak, a local dev store) can use it as their Admin API
// through SHOPIFY_ADMIN_API_ORIGIN (app/shopify/admin-api-origin.server.ts):
//
//   POST /shops/<shop>/admin/api/<version>/graphql.json   the Admin GraphQL API
//   GET  /bulk/<shop>/<file>.jsonl                         finished bulk query results
//
// plus a small JSON control and inspection API, so a process that does not own
// the fake can seed it and check its ledger:
//
//   GET  /__health                    { ok: true }
//   GET  /__shops                     shop domains the fake has seen
//   GET  /__state/<shop>              discounts (with status and codes), store credit
//                                     accounts (balances) and transactions, customers
//   GET  /__calls[?operation=Name]    call counts by operation and outcome
//   POST /__faults                    { rate, faults, seed, operations? } random faults,
//                                     { queue: { operation, faults } }, or { clear: true }
//   POST /__customers/<shop>          seed a customer ({ email, firstName, ... }): 201 + it
//
// Faults map onto the wire as they happen for real: `network` and
// `executedThenDropped` reset the connection; `timeout` holds the request until
// the client gives up or `timeoutFaultMs` passes, then resets the connection.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeShopify } from "./fake-shopify";
import type { Fault } from "./faults";
import { BULK_RESULT_HOST } from "./resolvers";

export interface FakeShopifyServerOptions {
  /** 0 (default): an ephemeral port. */
  port?: number;
  /** How long a `timeout` fault holds the request before the connection is reset (default 2 s). */
  timeoutFaultMs?: number;
  /** Largest request body accepted (default 5 MB). */
  maxBodyBytes?: number;
}

export interface FakeShopifyServer {
  /** http://127.0.0.1:<port>: the value for SHOPIFY_ADMIN_API_ORIGIN. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const HOST = "127.0.0.1";
const GRAPHQL = /^\/shops\/([^/]+)\/admin\/api\/([^/]+)\/graphql\.json$/;
const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)+$/i;

export async function startFakeShopifyServer(fake: FakeShopify, options: FakeShopifyServerOptions = {}): Promise<FakeShopifyServer> {
  const timeoutFaultMs = options.timeoutFaultMs ?? 2_000;
  const maxBodyBytes = options.maxBodyBytes ?? 5 * 1024 * 1024;
  const seenShops = new Set<string>();

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { errors: `fake Shopify server: ${String(error)}` });
      else res.destroy();
    });
  });
  // Clients keep connections alive; never let an idle one hold close() up.
  server.keepAliveTimeout = 5_000;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? "/", `http://${HOST}`);
    const method = req.method ?? "GET";
    const graphql = GRAPHQL.exec(url.pathname);
    if (graphql) {
      const [, shop, version] = graphql;
      if (!SHOP_DOMAIN.test(shop)) return sendJson(res, 404, { errors: "Not Found" });
      seenShops.add(shop);
      return answerGraphql(req, res, shop, version, method);
    }
    if (method === "GET" && url.pathname.startsWith("/bulk/")) {
      return sendResponse(res, fake.bulkResult(new Request(`${BULK_RESULT_HOST}${url.pathname}`)));
    }
    if (url.pathname === "/__health") return sendJson(res, 200, { ok: true });
    if (method === "GET" && url.pathname === "/__shops") return sendJson(res, 200, { shops: [...seenShops].sort() });
    const state = /^\/__state\/([^/]+)$/.exec(url.pathname);
    if (method === "GET" && state) return sendJson(res, 200, shopState(fake, state[1]));
    if (method === "GET" && url.pathname === "/__calls") {
      return sendJson(res, 200, callCounts(fake, url.searchParams.get("operation")));
    }
    if (method === "POST" && url.pathname === "/__faults") {
      const body = (await readJson(req, maxBodyBytes)) as FaultsRequest;
      return sendJson(res, 200, setFaults(fake, body));
    }
    const customers = /^\/__customers\/([^/]+)$/.exec(url.pathname);
    if (method === "POST" && customers) {
      const body = (await readJson(req, maxBodyBytes)) as Record<string, unknown>;
      seenShops.add(customers[1]);
      return sendJson(res, 201, fake.seedCustomer(customers[1], body));
    }
    return sendJson(res, 404, { errors: "Not Found" });
  }

  async function answerGraphql(req: http.IncomingMessage, res: http.ServerResponse, shop: string, version: string, method: string) {
    const body = method === "POST" ? await readBody(req, maxBodyBytes) : undefined;
    // The fake's `timeout` fault waits on this signal: the client hanging up or
    // our own limit ends the wait, and the connection is then reset.
    const controller = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) controller.abort();
    };
    res.on("close", onClose);
    const limit = setTimeout(() => controller.abort(), timeoutFaultMs);
    try {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined || name === "host" || name === "content-length" || name === "connection") continue;
        headers.set(name, Array.isArray(value) ? value.join(", ") : value);
      }
      const request = new Request(`https://${shop}/admin/api/${version}/graphql.json`, {
        method,
        headers,
        body: body ? new Uint8Array(body) : undefined,
        signal: controller.signal,
      });
      await sendResponse(res, await fake.handle(request));
    } finally {
      clearTimeout(limit);
      res.off("close", onClose);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${HOST}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

interface FaultsRequest {
  clear?: boolean;
  rate?: number;
  faults?: Fault[];
  seed?: number;
  operations?: string[];
  queue?: { operation: string; faults: Fault[] };
}

function setFaults(fake: FakeShopify, body: FaultsRequest) {
  if (body.clear) fake.faults.clear();
  if (body.queue) fake.faults.queue(body.queue.operation, ...body.queue.faults);
  if (body.rate !== undefined) {
    if (!(body.rate >= 0 && body.rate <= 1) || !Array.isArray(body.faults) || body.faults.length === 0) {
      throw new Error("POST /__faults needs rate (0..1) and a non-empty faults list");
    }
    fake.faults.randomly({ rate: body.rate, faults: body.faults, seed: body.seed ?? 1, operations: body.operations });
  }
  return { ok: true };
}

/** Everything the app can have changed in one shop, as plain JSON. */
export function shopState(fake: FakeShopify, shop: string) {
  const state = fake.shop(shop);
  return {
    shop,
    discounts: fake.discounts(shop),
    storeCreditAccounts: [...state.accounts.values()].map((a) => ({
      id: a.id,
      ownerId: a.ownerId,
      currencyCode: a.currencyCode,
      balance: fake.storeCreditBalance(shop, a.ownerId, a.currencyCode),
    })),
    storeCreditTransactions: fake.storeCreditTransactions(shop),
    customers: [...state.customers.values()],
  };
}

export type FakeShopState = ReturnType<typeof shopState>;

function callCounts(fake: FakeShopify, operation: string | null) {
  const counts: Record<string, Record<string, number>> = {};
  for (const call of fake.calls) {
    const name = call.operationName ?? "anonymous";
    if (operation && name !== operation) continue;
    const byOutcome = (counts[name] ??= {});
    byOutcome[call.outcome] = (byOutcome[call.outcome] ?? 0) + 1;
  }
  return { total: fake.calls.length, operations: counts };
}

async function sendResponse(res: http.ServerResponse, response: Response) {
  // Response.error(): "drop the connection" (see fake-shopify/index.ts).
  if (response.type === "error") {
    res.destroy();
    return;
  }
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  headers["content-length"] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": String(Buffer.byteLength(text)) });
  res.end(text);
}

async function readBody(req: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new Error(`request body over ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function readJson(req: http.IncomingMessage, maxBytes: number): Promise<unknown> {
  const text = (await readBody(req, maxBytes)).toString("utf8");
  return text ? JSON.parse(text) : {};
}
