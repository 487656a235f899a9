// The read API's contract, served at GET /api/v1/openapi.json. The schemas are
// JSON Schema as OpenAPI 3.1 has it, kept to the keywords draft-07 also knows
// (tests/api/read-api.test.ts validates real responses against them with ajv).
// Every object lists every field and allows no other: a new column the API
// starts returning has to be written here first.
import { DEFAULT_LIMIT, MAX_LIMIT } from "./params";
import { REFERRAL_STATUSES, REFERRER_STATUSES, REWARD_KINDS, REWARD_STATUSES } from "./resources.server";
import { API_RATE_LIMIT } from "./request.server";

type Schema = Record<string, unknown>;

const string = (description?: string): Schema => ({ type: "string", ...(description ? { description } : {}) });
const nullableString = (description?: string): Schema => ({ type: ["string", "null"], ...(description ? { description } : {}) });
const instant = (description: string): Schema => ({ type: "string", format: "date-time", description });
const nullableInstant = (description: string): Schema => ({ type: ["string", "null"], format: "date-time", description });
const integer = (description: string): Schema => ({ type: "integer", minimum: 0, description });
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

function object(properties: Record<string, Schema>, description?: string): Schema {
  return { type: "object", ...(description ? { description } : {}), properties, required: Object.keys(properties), additionalProperties: false };
}

function listOf(item: string): Schema {
  return object({
    data: { type: "array", items: ref(item) },
    next_cursor: { ...nullableString("Pass as `cursor` to read the next page; null on the last page.") },
  });
}

const schemas = {
  Money: object(
    {
      amount: { type: "string", pattern: "^-?\\d+(\\.\\d+)?$", description: "A decimal string to the currency's precision, e.g. \"12.50\"." },
      currency_code: { type: "string", pattern: "^[A-Z]{3}$", description: "ISO 4217." },
    },
    "An amount of money: never a float.",
  ),
  Error: object({
    error: {
      type: "object",
      properties: {
        code: string("invalid_parameter, unauthorized, invalid_api_key, rate_limited or method_not_allowed."),
        message: string("What went wrong, for a person."),
        field: string("The query parameter at fault (400 only)."),
      },
      required: ["code", "message"],
      additionalProperties: false,
    },
  }),
  Referrer: object(
    {
      id: string(),
      customer_id: nullableString("The Shopify customer's gid; null for a guest."),
      email: nullableString(),
      first_name: nullableString(),
      last_name: nullableString(),
      locale: nullableString("The language their emails are written in; null: the shop's."),
      code: string("Their referral code."),
      source: string("Where they joined: STOREFRONT, GUEST, PROGRAM_PAGE, THANK_YOU, ACCOUNT, INVITE or ADMIN."),
      status: { type: "string", enum: [...REFERRER_STATUSES] },
      disabled_reason: nullableString(),
      referral_count: integer("Live referrals (pending, approved, rewarded)."),
      referred_revenue: { ...ref("Money"), description: "Live referrals' order totals less refunds." },
      click_count: integer("Clicks on their link, all time."),
      share_count: integer("Shares from the referral block, all time."),
      referred_by_referrer_id: nullableString("The referrer whose friend they were first."),
      redacted_at: nullableInstant("When their personal data was erased at their request."),
      created_at: instant("When they joined."),
      updated_at: instant("Last change."),
    },
    "A customer (or guest) who shares a referral code.",
  ),
  Referral: object(
    {
      id: string(),
      referrer_id: string(),
      order_id: string("The order's Shopify gid."),
      order_name: nullableString("E.g. #1001."),
      friend_customer_id: nullableString("The friend's Shopify customer gid."),
      friend_email: nullableString(),
      code_used: nullableString(),
      attributed_by: string("CODE (typed at checkout) or LINK."),
      channel: nullableString("The share channel of the link the friend came by."),
      status: { type: "string", enum: [...REFERRAL_STATUSES] },
      reason: nullableString("Why it was rejected or reversed."),
      needs_review: { type: "boolean" },
      review_status: nullableString("WAITING for the merchant's decision, CLEARED once decided; null: never flagged."),
      test: { type: "boolean", description: "A test order." },
      subtotal: ref("Money"),
      total: ref("Money"),
      refunded: ref("Money"),
      order_created_at: nullableInstant("When the order was placed."),
      hold_until: nullableInstant("When the hold period ends."),
      approved_at: nullableInstant("Approved."),
      rewarded_at: nullableInstant("Rewarded."),
      rejected_at: nullableInstant("Rejected."),
      reversed_at: nullableInstant("Reversed."),
      created_at: instant("When it was recorded."),
      updated_at: instant("Last change."),
    },
    "A paid order attributed (or refused attribution) to a referrer.",
  ),
  Reward: object(
    {
      id: string(),
      referrer_id: string(),
      referral_id: nullableString("Null for a reward the merchant gave by hand."),
      kind: { type: "string", enum: [...REWARD_KINDS] },
      value_type: { type: "string", enum: ["PERCENTAGE", "FIXED_AMOUNT"] },
      percentage: { type: ["string", "null"], pattern: "^\\d+(\\.\\d+)?$", description: "For PERCENTAGE: the percentage off, e.g. \"10\"." },
      amount: { oneOf: [ref("Money"), { type: "null" }], description: "For FIXED_AMOUNT: the value." },
      code: nullableString("The reward's discount code (CODE rewards)."),
      status: { type: "string", enum: [...REWARD_STATUSES] },
      reason: nullableString(),
      payout_reference: nullableString("The merchant's reference for a paid cash fee."),
      expires_at: nullableInstant("When the reward code expires."),
      issued_at: nullableInstant("Issued in Shopify."),
      used_at: nullableInstant("An order used the reward code."),
      revoked_at: nullableInstant("Taken back."),
      paid_at: nullableInstant("Cash fee paid out."),
      created_at: instant("When it was decided."),
      updated_at: instant("Last change."),
    },
    "What a referrer earned: a reward code, store credit or a cash fee.",
  ),
  ReferrerList: listOf("Referrer"),
  ReferralList: listOf("Referral"),
  RewardList: listOf("Reward"),
};

const query = (name: string, description: string, schema: Schema = { type: "string" }) => ({ name, in: "query", required: false, description, schema });

const parameters = {
  limit: query("limit", `Rows per page, 1 to ${MAX_LIMIT}.`, { type: "integer", minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT }),
  cursor: query("cursor", "The `next_cursor` of the previous page, unchanged."),
  created_after: query("created_after", "Only rows created at or after this instant (ISO 8601 date or date-time with a time zone).", { type: "string", format: "date-time" }),
  created_before: query("created_before", "Only rows created before this instant.", { type: "string", format: "date-time" }),
  referrer_id: query("referrer_id", "Only this referrer's rows."),
};
const p = (name: keyof typeof parameters) => ({ $ref: `#/components/parameters/${name}` });

const errorResponse = (description: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { "application/json": { schema: ref("Error") } },
});

const responses = {
  BadRequest: errorResponse("A query parameter is unknown or invalid; `error.field` names it."),
  Unauthorized: errorResponse("The Authorization header is missing, or the key is unknown or revoked."),
  TooManyRequests: errorResponse(`More than ${API_RATE_LIMIT.limit} requests a minute with this key.`, {
    "Retry-After": { description: "Seconds until the next window.", schema: { type: "integer", minimum: 1 } },
  }),
};

function listOperation(operationId: string, summary: string, list: string, extra: unknown[]) {
  return {
    get: {
      operationId,
      summary,
      parameters: [...extra, p("created_after"), p("created_before"), p("limit"), p("cursor")],
      responses: {
        "200": { description: "One page, newest first.", content: { "application/json": { schema: ref(list) } } },
        "400": { $ref: "#/components/responses/BadRequest" },
        "401": { $ref: "#/components/responses/Unauthorized" },
        "429": { $ref: "#/components/responses/TooManyRequests" },
      },
    },
  };
}

const statusParameter = (values: readonly string[]) => query("status", `One of ${values.join(", ")}.`, { type: "string", enum: [...values] });

export function openApiDocument(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Referral program read API",
      version: "1.0.0",
      description:
        "Read a shop's referrers, referrals and rewards. Create a key in the app's admin (Integrations, API keys) and send it as `Authorization: Bearer <key>`. " +
        `Pages are newest first (by creation time); follow \`next_cursor\` until it is null. Each key may make ${API_RATE_LIMIT.limit} requests a minute.`,
    },
    servers: [{ url: serverUrl }],
    security: [{ apiKey: [] }],
    paths: {
      "/api/v1/referrers": listOperation("listReferrers", "List referrers", "ReferrerList", [
        statusParameter(REFERRER_STATUSES),
        query("code", "The referrer with this referral code (any letter case)."),
        query("email", "The referrer with this email address (any spelling that reaches the same inbox).", { type: "string", format: "email" }),
      ]),
      "/api/v1/referrals": listOperation("listReferrals", "List referrals", "ReferralList", [statusParameter(REFERRAL_STATUSES), p("referrer_id")]),
      "/api/v1/rewards": listOperation("listRewards", "List rewards", "RewardList", [
        statusParameter(REWARD_STATUSES),
        query("kind", `One of ${REWARD_KINDS.join(", ")}.`, { type: "string", enum: [...REWARD_KINDS] }),
        p("referrer_id"),
      ]),
    },
    components: {
      securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "A key created in the app's admin (rk_live_...)." } },
      parameters,
      responses,
      schemas,
    },
  };
}
