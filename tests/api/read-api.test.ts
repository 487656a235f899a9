// The read API end to end through its route modules: keys created and revoked
// in the admin (the key shown once, only its hash stored), the three list
// endpoints with their filters and keyset pages, refusals (400 naming the
// parameter, 401, 429), one shop's key never reading another shop, and every
// real response checked against the OpenAPI document's schemas.
import type { LoaderFunctionArgs } from "@remix-run/node";
import Ajv from "ajv";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import { API_RATE_LIMIT, apiRateLimitRule } from "~/api/request.server";
import * as keysPage from "~/routes/app.integrations.api-keys";
import * as openapiRoute from "~/routes/api.v1.openapi[.]json";
import * as referralsRoute from "~/routes/api.v1.referrals";
import * as referrersRoute from "~/routes/api.v1.referrers";
import * as rewardsRoute from "~/routes/api.v1.rewards";
import { MESSAGES } from "~/i18n/messages";
import { hostParam } from "../../fake-shopify/sign";
import { startAdminServer } from "../browser/admin-server";
import { act, installShop, load, sessionToken, thrownStatus } from "../helpers/admin-request";
import { uniqueShop } from "../helpers/shops";

const ROUTES = { referrers: referrersRoute, referrals: referralsRoute, rewards: rewardsRoute };
type Endpoint = keyof typeof ROUTES;
const KEYS_PATH = "/app/integrations/api-keys";

interface Answer {
  status: number;
  headers: Headers;
  // The JSON body, read as a client reads it.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** GET /api/v1/<endpoint>?<query> with `Authorization` as given (a key, a whole header, or none). */
async function api(endpoint: Endpoint, query = "", auth: { key?: string; header?: string } = {}): Promise<Answer> {
  const headers = new Headers();
  if (auth.key) headers.set("Authorization", `Bearer ${auth.key}`);
  if (auth.header) headers.set("Authorization", auth.header);
  const request = new Request(`${process.env.SHOPIFY_APP_URL}/api/v1/${endpoint}${query ? `?${query}` : ""}`, { headers });
  const response = await ROUTES[endpoint].loader({ request, params: {}, context: {} } as LoaderFunctionArgs);
  expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
  const answer = { status: response.status, headers: response.headers, body: await response.json() };
  validate(endpoint, answer);
  return answer;
}

/** Every page of `endpoint` for `query`, following next_cursor; the ids in the order served. */
async function allPages(endpoint: Endpoint, key: string, query: string, limit: number) {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const { status, body } = await api(endpoint, [query, `limit=${limit}`, cursor ? `cursor=${encodeURIComponent(cursor)}` : ""].filter(Boolean).join("&"), { key });
    expect(status).toBe(200);
    expect(body.data.length).toBeLessThanOrEqual(limit);
    ids.push(...body.data.map((row: { id: string }) => row.id));
    cursor = body.next_cursor;
    pages++;
  } while (cursor);
  return { ids, pages };
}

// ---------------------------------------------------------------------------
// The OpenAPI document, read through its own route, compiled once.

const ajv = new Ajv({ allErrors: true });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let openapi: any;
const LIST_SCHEMA: Record<Endpoint, string> = { referrers: "ReferrerList", referrals: "ReferralList", rewards: "RewardList" };
const validated = { lists: 0, errors: 0 };

function validate(endpoint: Endpoint, answer: Answer) {
  const schemaName = answer.status === 200 ? LIST_SCHEMA[endpoint] : "Error";
  const check = ajv.getSchema(`openapi.json#/components/schemas/${schemaName}`)!;
  if (!check(answer.body)) throw new Error(`${endpoint} ${answer.status} does not match ${schemaName}: ${ajv.errorsText(check.errors)}\n${JSON.stringify(answer.body)}`);
  // The documented status codes of the operation, and nothing else.
  expect(Object.keys(openapi.paths[`/api/v1/${endpoint}`].get.responses)).toContain(String(answer.status));
  validated[answer.status === 200 ? "lists" : "errors"]++;
}

beforeAll(async () => {
  const response = await openapiRoute.loader({ request: new Request(`${process.env.SHOPIFY_APP_URL}/api/v1/openapi.json`) });
  expect(response.status).toBe(200);
  openapi = await response.json();
  ajv.addSchema(openapi, "openapi.json");
});

// ---------------------------------------------------------------------------
// Seed: a shop's referrers, referrals and rewards, with creation times that
// tie (keyset pages must order by id within one instant).

const T = (minutes: number) => new Date(Date.UTC(2026, 10, 1, 12, minutes));

async function seedShop() {
  const shop = uniqueShop("api");
  await installShop(shop);
  await db.program.create({ data: { shop, currencyCode: "EUR" } });
  const referrer = (code: string, data: object, createdAt: Date) =>
    db.referrer.create({ data: { shop, code, source: "STOREFRONT", createdAt, ...data } });
  const rita = await referrer("FRIEND-RITA0001", { email: "Rita.Smith+shop@gmail.com", emailKey: "ritasmith@gmail.com", firstName: "Rita", referredRevenue: "120.5", addressHash: "addr-secret", deviceIpHash: "ip-secret" }, T(0));
  const sam = await referrer("FRIEND-SAM00001", { email: "sam@example.com", emailKey: "sam@example.com", firstName: "Sam", status: "DISABLED", disabledReason: "Coupon site" }, T(10));
  const tia = await referrer("FRIEND-TIA00001", { email: "tia@example.com", emailKey: "tia@example.com", firstName: "Tia" }, T(10));
  const referrals = [];
  // Nine referrals: five in the same minute, statuses spread over both referrers.
  const statuses = ["PENDING", "APPROVED", "REWARDED", "REJECTED", "PENDING", "REWARDED", "REVERSED", "PENDING", "APPROVED"];
  for (const [i, status] of statuses.entries()) {
    referrals.push(
      await db.referral.create({
        data: {
          shop,
          referrerId: i % 3 === 2 ? sam.id : rita.id,
          orderId: `gid://shopify/Order/${1000 + i}`,
          orderName: `#${1000 + i}`,
          friendEmail: `friend${i}@example.com`,
          friendIpHash: "friend-ip-secret",
          attributedBy: "CODE",
          subtotalAmount: "50",
          totalAmount: "54.9",
          currencyCode: "EUR",
          status,
          createdAt: i < 5 ? T(20) : T(20 + i),
        },
      }),
    );
  }
  const reward = (data: object, createdAt: Date) =>
    db.reward.create({ data: { shop, referrerId: rita.id, kind: "CODE", valueType: "PERCENTAGE", value: "10", status: "ISSUED", createdAt, ...data } });
  const rewards = [
    await reward({ referralId: referrals[2].id, code: "FRIEND-REWARD-A" }, T(30)),
    await reward({ kind: "STORE_CREDIT", valueType: "FIXED_AMOUNT", value: "12.5", currencyCode: "EUR", referralId: referrals[5].id }, T(30)),
    await reward({ kind: "CASH", valueType: "FIXED_AMOUNT", value: "7", currencyCode: "EUR", status: "PAID", referrerId: sam.id, payoutReference: "Bank 42" }, T(31)),
    await reward({ kind: "CASH", valueType: "FIXED_AMOUNT", value: "3", status: "PENDING" }, T(32)),
  ];
  return { shop, rita, sam, tia, referrals, rewards };
}

/** Creates a key through the admin page's action; the full key is in its answer, once. */
async function createKey(shop: string, name = "Warehouse") {
  const { status, data } = await act(keysPage.action, shop, KEYS_PATH, { intent: "create", name });
  expect(status).toBe(200);
  expect(data).toMatchObject({ ok: true, name });
  return data.key as string;
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

// ---------------------------------------------------------------------------

describe("API keys in the admin", () => {
  it("shows a new key once, stores only its hash and prefix, lists and revokes it with an audit trail", async () => {
    const shop = uniqueShop("keys");
    await installShop(shop);
    const key = await createKey(shop, "Data warehouse");
    expect(key).toMatch(/^rk_live_[A-Za-z0-9_-]{32}$/);

    const row = await db.apiKey.findFirstOrThrow({ where: { shop } });
    expect(row).toMatchObject({ name: "Data warehouse", keyHash: sha256(key), prefix: key.slice(0, 16), revokedAt: null, lastUsedAt: null, createdBy: "merchant:42" });
    // Nowhere in the database is the full key: not the key row, not the audit trail.
    const audit = await db.auditEvent.findMany({ where: { shop } });
    expect(JSON.stringify([row, audit])).not.toContain(key);
    expect(audit.map((a) => a.action)).toEqual(["api_key.created"]);

    const listed = await load(keysPage.loader, shop, KEYS_PATH);
    expect(listed.keys).toEqual([{ id: row.id, name: "Data warehouse", prefix: row.prefix, createdAt: row.createdAt.toISOString(), lastUsedAt: null, revokedAt: null }]);
    expect(JSON.stringify(listed)).not.toContain(key);

    // Another shop cannot revoke it: the same answer as a key that does not exist.
    const other = uniqueShop("other");
    await installShop(other);
    expect(await thrownStatus(() => act(keysPage.action, other, KEYS_PATH, { intent: "revoke", id: row.id }))).toBe(404);
    expect((await api("referrers", "", { key })).status).toBe(200);

    expect((await act(keysPage.action, shop, KEYS_PATH, { intent: "revoke", id: row.id })).data).toMatchObject({ ok: true });
    const revoked = await db.apiKey.findUniqueOrThrow({ where: { id: row.id } });
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect(revoked.lastUsedAt).toBeInstanceOf(Date);
    expect((await db.auditEvent.findMany({ where: { shop }, orderBy: { createdAt: "asc" } })).map((a) => a.action)).toEqual(["api_key.created", "api_key.revoked"]);
    expect((await load(keysPage.loader, shop, KEYS_PATH)).keys[0].revokedAt).toBe(revoked.revokedAt!.toISOString());
  });

  it("refuses a key without a name or with a too long one, naming the field", async () => {
    const shop = uniqueShop("keys");
    await installShop(shop);
    for (const name of ["", "   ", "x".repeat(101)]) {
      const { status, data } = await act(keysPage.action, shop, KEYS_PATH, { intent: "create", name });
      expect(status).toBe(400);
      expect(data.errors.name).toEqual(expect.any(String));
    }
    expect(await db.apiKey.count({ where: { shop } })).toBe(0);
  });
});

describe("the API keys page, server-rendered", () => {
  let server: Awaited<ReturnType<typeof startAdminServer>>;
  beforeAll(async () => {
    server = await startAdminServer();
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  it("lists the keys in the admin's language, with their prefix and never a key or its hash", async () => {
    const shop = uniqueShop("keys");
    await installShop(shop);
    const key = await createKey(shop, "Warehouse");
    const row = await db.apiKey.findFirstOrThrow({ where: { shop } });
    for (const locale of ["en", "de"] as const) {
      const url = new URL(KEYS_PATH, server.url);
      for (const [k, v] of Object.entries({ embedded: "1", shop, host: hostParam(shop), id_token: sessionToken(shop), locale })) url.searchParams.set(k, v);
      const response = await server.render(new Request(url, { headers: { "User-Agent": "Mozilla/5.0 Chrome/130" } }));
      expect(response.status).toBe(200);
      const html = await response.text();
      const t = MESSAGES[locale].apiKeys;
      expect(html).toContain(`<title>${t.title}</title>`);
      for (const text of [t.createTitle, t.revoke, t.never, t.docs, "Warehouse", row.prefix]) expect(html).toContain(text);
      expect(html).not.toContain(key);
      expect(html).not.toContain(row.keyHash);
    }
  }, 120_000);
});

describe("the read API", () => {
  it("lists referrers newest first with money, snake_case and ISO times, never hashes; filters by status, code, email, dates", async () => {
    const s = await seedShop();
    const key = await createKey(s.shop);
    const { body } = await api("referrers", "", { key });
    // Tia and Sam joined in the same minute: the later id first.
    const sameMinute = [s.sam.id, s.tia.id].sort().reverse();
    expect(body.data.map((r: { id: string }) => r.id)).toEqual([...sameMinute, s.rita.id]);
    expect(body.next_cursor).toBeNull();
    const rita = body.data.find((r: { id: string }) => r.id === s.rita.id);
    expect(rita).toMatchObject({
      email: "Rita.Smith+shop@gmail.com",
      first_name: "Rita",
      code: "FRIEND-RITA0001",
      status: "ACTIVE",
      referred_revenue: { amount: "120.50", currency_code: "EUR" },
      created_at: "2026-11-01T12:00:00.000Z",
    });
    expect(JSON.stringify(body)).not.toMatch(/secret|hash/i);

    const ids = async (query: string) => (await api("referrers", query, { key })).body.data.map((r: { id: string }) => r.id);
    expect(await ids("status=disabled")).toEqual([s.sam.id]);
    expect(await ids("code=friend-rita0001")).toEqual([s.rita.id]);
    // Any spelling of Rita's inbox finds her.
    expect(await ids(`email=${encodeURIComponent("ritasmith+other@GMAIL.com")}`)).toEqual([s.rita.id]);
    expect(await ids("created_after=2026-11-01T12:05:00Z")).toEqual(sameMinute);
    expect(await ids("created_before=2026-11-01T12:10:00Z")).toEqual([s.rita.id]);
    // An unencoded "+01:00" arrives as a space, and still means +01:00.
    expect(await ids("created_after=2026-11-01T13:05:00+01:00&status=ACTIVE")).toEqual([s.tia.id]);
    expect(await ids("created_after=2026-11-02")).toEqual([]);
  });

  it("pages referrals across several pages with no duplicate and no gap, also under a filter", async () => {
    const s = await seedShop();
    const key = await createKey(s.shop);
    const expected = (await db.referral.findMany({ where: { shop: s.shop }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] })).map((r) => r.id);
    for (const limit of [1, 2, 4, 250]) {
      const { ids, pages } = await allPages("referrals", key, "", limit);
      expect(ids).toEqual(expected);
      expect(pages).toBe(Math.ceil(expected.length / limit));
    }
    // A page that ends exactly on the last row says so: no empty page after it.
    expect((await allPages("referrals", key, "", 3)).pages).toBe(3);

    const ritas = (await db.referral.findMany({ where: { shop: s.shop, referrerId: s.rita.id }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] })).map((r) => r.id);
    expect((await allPages("referrals", key, `referrer_id=${s.rita.id}`, 2)).ids).toEqual(ritas);
    const pending = (await allPages("referrals", key, "status=PENDING", 1)).ids;
    expect(pending.sort()).toEqual(s.referrals.filter((r) => r.status === "PENDING").map((r) => r.id).sort());
    const late = (await allPages("referrals", key, "created_after=2026-11-01T12:25:00Z&created_before=2026-11-01T12:28:00Z", 1)).ids;
    expect(late).toEqual([s.referrals[7].id, s.referrals[6].id, s.referrals[5].id]);

    const { body } = await api("referrals", `limit=1&created_after=2026-11-01T12:28:00Z`, { key });
    expect(body.data[0]).toMatchObject({
      id: s.referrals[8].id,
      order_name: "#1008",
      friend_email: "friend8@example.com",
      subtotal: { amount: "50.00", currency_code: "EUR" },
      total: { amount: "54.90", currency_code: "EUR" },
      refunded: { amount: "0.00", currency_code: "EUR" },
      status: "APPROVED",
    });
    expect(JSON.stringify(body)).not.toMatch(/secret|hash/i);
  });

  it("lists rewards with a percentage or an amount, filtered by status, kind, referrer and dates, in pages", async () => {
    const s = await seedShop();
    const key = await createKey(s.shop);
    const { ids } = await allPages("rewards", key, "", 1);
    expect(ids).toEqual([s.rewards[3].id, s.rewards[2].id, ...[s.rewards[0].id, s.rewards[1].id].sort().reverse()]);
    const { body } = await api("rewards", "", { key });
    const byId = (id: string) => body.data.find((r: { id: string }) => r.id === id);
    expect(byId(s.rewards[0].id)).toMatchObject({ kind: "CODE", value_type: "PERCENTAGE", percentage: "10", amount: null, code: "FRIEND-REWARD-A", referral_id: s.referrals[2].id });
    expect(byId(s.rewards[1].id)).toMatchObject({ kind: "STORE_CREDIT", percentage: null, amount: { amount: "12.50", currency_code: "EUR" } });
    // A fixed amount stored without its currency is in the program's.
    expect(byId(s.rewards[3].id)).toMatchObject({ amount: { amount: "3.00", currency_code: "EUR" } });
    expect(byId(s.rewards[2].id)).toMatchObject({ status: "PAID", payout_reference: "Bank 42", referrer_id: s.sam.id });

    const rewardIds = async (query: string) => (await api("rewards", query, { key })).body.data.map((r: { id: string }) => r.id);
    expect(await rewardIds("kind=cash")).toEqual([s.rewards[3].id, s.rewards[2].id]);
    expect(await rewardIds("kind=CASH&status=PAID")).toEqual([s.rewards[2].id]);
    expect(await rewardIds(`referrer_id=${s.sam.id}`)).toEqual([s.rewards[2].id]);
    expect(await rewardIds("created_after=2026-11-01T12:31:00Z&created_before=2026-11-01T12:32:00Z")).toEqual([s.rewards[2].id]);
  });

  it("refuses a bad parameter with 400 naming it", async () => {
    const s = await seedShop();
    const key = await createKey(s.shop);
    const cases: [Endpoint, string, string][] = [
      ["referrers", "status=GONE", "status"],
      ["referrers", "email=not-an-email", "email"],
      ["referrers", "stauts=ACTIVE", "stauts"],
      ["referrers", "created_after=yesterday", "created_after"],
      ["referrers", "created_after=2026-11-01T12:00", "created_after"],
      ["referrers", "created_after=2026-11-02&created_before=2026-11-01", "created_before"],
      ["referrals", "status=PAID", "status"],
      ["referrals", "limit=0", "limit"],
      ["referrals", "limit=251", "limit"],
      ["referrals", "limit=ten", "limit"],
      ["referrals", "cursor=not-a-cursor", "cursor"],
      // A well-formed cursor with an instant PostgreSQL cannot hold.
      ["referrers", `cursor=${Buffer.from("-200000-01-01T00:00:00.000Z|abc").toString("base64url")}`, "cursor"],
      ["referrals", "status=PENDING&status=APPROVED", "status"],
      ["referrals", "kind=CASH", "kind"],
      ["rewards", "kind=VOUCHER", "kind"],
      ["rewards", "status=REWARDED", "status"],
      ["rewards", "created_before=2026-13-45", "created_before"],
      ["rewards", "created_before=2026-02-30", "created_before"],
    ];
    // Read only: any other method is refused, in JSON too.
    const post = referralsRoute.action();
    expect(post.status).toBe(405);
    expect(post.headers.get("Allow")).toBe("GET");
    expect((await post.json()).error.code).toBe("method_not_allowed");
    for (const [endpoint, query, field] of cases) {
      const { status, body } = await api(endpoint, query, { key });
      expect({ query, status, code: body.error.code, field: body.error.field }).toEqual({ query, status: 400, code: "invalid_parameter", field });
      expect(body.error.message).toContain(field);
    }
  });

  it("answers 401 without a key, with a wrong or another kind of credential, with a revoked key, and once the app is uninstalled", async () => {
    const s = await seedShop();
    const key = await createKey(s.shop);
    const refused = [
      await api("referrals"),
      await api("referrals", "", { header: `Basic ${Buffer.from(`x:${key}`).toString("base64")}` }),
      await api("referrals", "", { key: `${key}x` }),
      await api("referrals", "", { key: "rk_live_" + "A".repeat(32) }),
    ];
    for (const answer of refused) {
      expect(answer.status).toBe(401);
      expect(answer.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    }
    expect(refused.map((a) => a.body.error.code)).toEqual(["unauthorized", "unauthorized", "invalid_api_key", "invalid_api_key"]);

    const row = await db.apiKey.findFirstOrThrow({ where: { shop: s.shop } });
    await act(keysPage.action, s.shop, KEYS_PATH, { intent: "revoke", id: row.id });
    const revoked = await api("referrals", "", { key });
    expect(revoked.status).toBe(401);
    expect(revoked.body.error).toMatchObject({ code: "invalid_api_key", message: expect.stringMatching(/revoked/) });
    // A second key of the shop still works.
    const second = await createKey(s.shop, "Second");
    expect((await api("referrals", "", { key: second })).status).toBe(200);
    // Not once the app is uninstalled; again after a reinstall.
    await db.shop.update({ where: { shop: s.shop }, data: { active: false, uninstalledAt: new Date() } });
    const uninstalled = await api("referrals", "", { key: second });
    expect(uninstalled.status).toBe(401);
    expect(uninstalled.body.error).toMatchObject({ code: "invalid_api_key", message: expect.stringMatching(/not installed/) });
    await installShop(s.shop);
    expect((await api("referrals", "", { key: second })).status).toBe(200);
  });

  it("lets a key read only its own shop, whatever ids it is given", async () => {
    const a = await seedShop();
    const b = await seedShop();
    const keyA = await createKey(a.shop);
    const keyB = await createKey(b.shop);
    for (const endpoint of ["referrers", "referrals", "rewards"] as const) {
      const shopOf = { referrers: "referrer", referrals: "referral", rewards: "reward" } as const;
      const own = new Set((await allPages(endpoint, keyB, "", 250)).ids);
      const rows = await (db[shopOf[endpoint]] as unknown as { findMany: (q: object) => Promise<{ id: string; shop: string }[]> }).findMany({ where: { id: { in: [...own] } } });
      expect(rows.length).toBe(own.size);
      expect(new Set(rows.map((r) => r.shop))).toEqual(new Set([b.shop]));
    }
    // Shop A's referrer id, through shop B's key: nothing.
    expect((await api("referrals", `referrer_id=${a.rita.id}`, { key: keyB })).body.data).toEqual([]);
    expect((await api("rewards", `referrer_id=${a.rita.id}`, { key: keyB })).body.data).toEqual([]);
    // Shop A's cursor through shop B's key pages B's rows only.
    const page = (await api("referrals", "limit=2", { key: keyA })).body;
    const next = await api("referrals", `cursor=${encodeURIComponent(page.next_cursor)}`, { key: keyB });
    expect(next.body.data.every((r: { referrer_id: string }) => [b.rita.id, b.sam.id].includes(r.referrer_id))).toBe(true);
  });

  it("limits each key to its requests a minute with 429 and Retry-After, records the last use once a minute", async () => {
    const s = await seedShop();
    const key = await createKey(s.shop);
    const other = await createKey(s.shop, "Other");
    // Not across a window's end: a new window would start the count again.
    const intoWindow = Date.now() % API_RATE_LIMIT.windowMs;
    if (intoWindow > API_RATE_LIMIT.windowMs - 8_000) await new Promise((r) => setTimeout(r, API_RATE_LIMIT.windowMs - intoWindow + 50));

    const beforeFirst = Date.now();
    const statuses = [(await api("rewards", "limit=1", { key })).status];
    const afterFirst = Date.now();
    for (let i = 1; i < API_RATE_LIMIT.limit; i++) statuses.push((await api("rewards", "limit=1", { key })).status);
    expect(statuses.every((st) => st === 200)).toBe(true);
    const refused = await api("rewards", "limit=1", { key });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("rate_limited");
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another key of the same shop has its own window.
    expect((await api("rewards", "limit=1", { key: other })).status).toBe(200);

    const row = await db.apiKey.findFirstOrThrow({ where: { shop: s.shop, name: "Warehouse" } });
    const window = await db.rateLimit.findUniqueOrThrow({ where: { key: apiRateLimitRule(s.shop, row.id).key } });
    expect(window.count).toBe(API_RATE_LIMIT.limit + 1);
    // 121 requests within the minute, one write of lastUsedAt: the first request's time.
    expect(row.lastUsedAt!.getTime()).toBeGreaterThanOrEqual(beforeFirst);
    expect(row.lastUsedAt!.getTime()).toBeLessThanOrEqual(afterFirst);
  });

  it("serves its OpenAPI document without a key, and every answer above matched it", async () => {
    expect(openapi).toMatchObject({ openapi: "3.1.0", components: { securitySchemes: { apiKey: { type: "http", scheme: "bearer" } } } });
    expect(Object.keys(openapi.paths).sort()).toEqual(["/api/v1/referrals", "/api/v1/referrers", "/api/v1/rewards"]);
    // The schemas are strict enough to catch a leak: an extra column fails them.
    const check = ajv.getSchema("openapi.json#/components/schemas/ReferrerList")!;
    const s = await seedShop();
    const { body } = await api("referrers", "", { key: await createKey(s.shop) });
    expect(check({ ...body, data: [{ ...body.data[0], address_hash: "x" }] })).toBe(false);
    expect(check({ ...body, data: [{ ...body.data[0], referred_revenue: { amount: 12.5, currency_code: "EUR" } }] })).toBe(false);
    expect(validated.lists).toBeGreaterThan(0);
    expect(validated.errors).toBeGreaterThan(0);
  });
});
