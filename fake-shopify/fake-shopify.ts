// A fake Shopify Admin GraphQL API: `handle(Request) -> Response`, so msw can
// serve it to tests and a plain HTTP server could serve it to a dev store.
// Every request is parsed, validated and executed against Shopify's REAL
// 2026-10 schema, so a document Shopify would reject fails here too, with
// the same kind of `errors` response.
import {
  execute,
  getOperationAST,
  GraphQLError,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
} from "graphql";
import { ADMIN_API_VERSION } from "~/shopify/api-version";
import { LeakyBucket, requestedCost } from "./cost";
import { FaultPlan, type Fault } from "./faults";
import { rootValue } from "./resolvers";
import { adminSchema } from "./schema";
import { ShopState, type FakeCustomer, type FakeProduct, type SeedOrder } from "./store";
import { fromCents } from "./money";

export interface FakeShopifyOptions {
  /** Epoch ms; inject a manual clock for deterministic throttling. */
  now?: () => number;
  /** How the fake waits for a `latency` fault. */
  sleep?: (ms: number) => Promise<void>;
  /** Shopify Standard plan by default (bucket 1000, 100 points/s restored). */
  bucket?: { maximumAvailable?: number; restoreRate?: number };
  /** Polls of discountRedeemCodeBulkCreation before it reports done. */
  bulkAddPolls?: number;
  /** If set, requests must carry exactly this X-Shopify-Access-Token. */
  accessToken?: string;
  schema?: GraphQLSchema;
}

export interface FakeCall {
  shop: string;
  operationName: string | null;
  operationType: "query" | "mutation" | "subscription" | null;
  variables: Record<string, unknown>;
  /** What the fake answered: "ok", "graphql-error", "throttled", or the fault kind. */
  outcome: string;
  at: number;
}

const MAX_SINGLE_QUERY_COST = 1000;

interface CheckedDocument {
  document: DocumentNode;
  invalid: readonly GraphQLError[];
}

export class FakeShopify {
  readonly faults = new FaultPlan();
  readonly calls: FakeCall[] = [];
  readonly apiVersion = ADMIN_API_VERSION;
  private readonly shops = new Map<string, ShopState>();
  private readonly buckets = new Map<string, LeakyBucket>();
  private readonly schema: GraphQLSchema;
  private readonly checked = new Map<string, CheckedDocument>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: FakeShopifyOptions = {}) {
    this.schema = options.schema ?? adminSchema();
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /**
   * The query parsed and validated against the schema, once per distinct text:
   * the app sends the same few documents over and over, and validating one
   * against the whole Admin schema costs milliseconds (more than the app's own
   * work on some routes, which skewed what benchmarks measured).
   */
  private check(query: string): CheckedDocument {
    const hit = this.checked.get(query);
    if (hit) return hit;
    const document = parse(query);
    const checked = { document, invalid: validate(this.schema, document) };
    if (this.checked.size >= 1_000) this.checked.clear();
    this.checked.set(query, checked);
    return checked;
  }

  // ---- seeding and inspection (tests) ------------------------------------

  shop(domain: string): ShopState {
    let s = this.shops.get(domain);
    if (!s) {
      s = new ShopState(domain, () => new Date(this.now()), this.options.bulkAddPolls ?? 1);
      this.shops.set(domain, s);
    }
    return s;
  }

  seedCustomer(domain: string, customer: Partial<FakeCustomer> = {}): FakeCustomer {
    return this.shop(domain).addCustomer(customer);
  }

  seedProduct(domain: string, product: Partial<FakeProduct> & { title: string }): FakeProduct {
    return this.shop(domain).addProduct(product);
  }

  seedOrder(domain: string, order: SeedOrder) {
    return this.shop(domain).addOrder(order);
  }

  discounts(domain: string) {
    return [...this.shop(domain).discounts.values()].map((d) => ({ ...d, status: this.shop(domain).status(d) }));
  }

  /** Every redeem code of the shop, with the discount it belongs to. */
  codes(domain: string) {
    return this.discounts(domain).flatMap((d) => d.codes.map((c) => ({ ...c, discountId: d.id })));
  }

  storeCreditTransactions(domain: string) {
    return this.shop(domain).transactions.map((t) => ({ ...t, amount: fromCents(t.amountCents) }));
  }

  storeCreditBalance(domain: string, ownerId: string, currencyCode: string): string {
    const a = this.shop(domain).accountsOf(ownerId).find((x) => x.currencyCode === currencyCode);
    return fromCents(a?.balanceCents ?? 0);
  }

  metafields(domain: string) {
    return [...this.shop(domain).metafields.values()];
  }

  /** The Flow triggers the app sent to the shop (flowTriggerReceive), in order. */
  flowTriggers(domain: string) {
    return [...this.shop(domain).flowTriggers];
  }

  callsTo(operationName: string) {
    return this.calls.filter((c) => c.operationName === operationName);
  }

  bucket(domain: string): LeakyBucket {
    let b = this.buckets.get(domain);
    if (!b) {
      b = new LeakyBucket(this.options.bucket?.maximumAvailable ?? 1000, this.options.bucket?.restoreRate ?? 100, this.now);
      this.buckets.set(domain, b);
    }
    return b;
  }

  // ---- HTTP --------------------------------------------------------------

  /** GET of a finished bulk operation's JSONL file (see bulkResultUrl). */
  bulkResult(request: Request): Response {
    const [, , shop, file] = new URL(request.url).pathname.split("/");
    const op = this.shops.get(shop)?.bulkOperations.get(`gid://shopify/BulkOperation/${file.replace(/\.jsonl$/, "")}`);
    if (!op || op.status !== "COMPLETED") return new Response("NoSuchKey", { status: 404 });
    return new Response(op.lines.map((l) => `${l}\n`).join(""), { headers: { "Content-Type": "application/jsonl" } });
  }

  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(url.pathname);
    if (request.method !== "POST" || !path) return json({ errors: "Not Found" }, 404);
    if (path[1] !== this.apiVersion) {
      return json({ errors: `The fake serves Admin API ${this.apiVersion}, not ${path[1]}` }, 404);
    }
    const token = request.headers.get("X-Shopify-Access-Token");
    if (!token || (this.options.accessToken && token !== this.options.accessToken)) {
      return json({ errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" }, 401);
    }
    const shop = url.hostname;
    let body: { query?: string; variables?: Record<string, unknown>; operationName?: string };
    try {
      body = await request.json();
    } catch {
      return json({ errors: { query: "Required parameter missing or invalid" } }, 400);
    }

    let checked: CheckedDocument;
    try {
      checked = this.check(body.query ?? "");
    } catch (e) {
      return json({ errors: [formatError(e as GraphQLError)] });
    }
    const document = checked.document;
    const operation = getOperationAST(document, body.operationName);
    const call: FakeCall = {
      shop,
      operationName: operation?.name?.value ?? null,
      operationType: operation?.operation ?? null,
      variables: body.variables ?? {},
      outcome: "ok",
      at: this.now(),
    };
    this.calls.push(call);
    const invalid = checked.invalid;
    if (invalid.length || !operation) {
      call.outcome = "graphql-error";
      const errors = invalid.length ? invalid : [new GraphQLError("An operation name is required")];
      return json({ errors: errors.map(formatError) });
    }

    const fault = this.faults.next(call.operationName ?? "");
    if (fault) call.outcome = fault.kind;
    const early = await this.applyFaultBefore(fault, request);
    if (early) return early;

    const fragments = Object.fromEntries(
      document.definitions
        .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
        .map((d) => [d.name.value, d]),
    );
    const bucket = this.bucket(shop);
    let cost = 1;
    try {
      cost = requestedCost(this.schema, operation, fragments, body.variables ?? {});
    } catch {
      // Bad variables: execute() below reports them the way graphql does.
    }
    if (cost > MAX_SINGLE_QUERY_COST) {
      call.outcome = "graphql-error";
      return json({
        errors: [
          {
            message: `Query cost is ${cost}, which exceeds the single query max cost limit (${MAX_SINGLE_QUERY_COST}).`,
            extensions: { code: "MAX_COST_EXCEEDED", cost, maxCost: MAX_SINGLE_QUERY_COST },
          },
        ],
      });
    }
    if (fault?.kind === "throttled" || !bucket.take(cost)) {
      call.outcome = "throttled";
      return json({
        errors: [
          {
            message: "Throttled",
            extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" },
          },
        ],
        extensions: { cost: { requestedQueryCost: cost, actualQueryCost: null, throttleStatus: bucket.status() } },
      });
    }

    const implemented = rootValue(this.shop(shop), []);
    const missing = operation.selectionSet.selections.find(
      (s) => s.kind === Kind.FIELD && s.name.value !== "__typename" && !(s.name.value in implemented),
    );
    if (missing && missing.kind === Kind.FIELD) {
      call.outcome = "graphql-error";
      return json({
        errors: [{ message: `FakeShopify does not implement ${operation.operation} field ${missing.name.value}: add it to fake-shopify/resolvers.ts` }],
      });
    }
    const searchWarnings: string[] = [];
    const result = await execute({
      schema: this.schema,
      document,
      operationName: body.operationName,
      variableValues: body.variables,
      rootValue: rootValue(this.shop(shop), searchWarnings),
    });
    if (result.errors?.length) call.outcome = "graphql-error";
    if (fault?.kind === "executedThenDropped") return Response.error();

    return json({
      ...(result.errors ? { errors: result.errors.map(formatError) } : {}),
      ...(result.data !== undefined ? { data: result.data } : {}),
      extensions: {
        cost: { requestedQueryCost: cost, actualQueryCost: cost, throttleStatus: bucket.status() },
        ...(searchWarnings.length ? { search: [{ warnings: searchWarnings.map((message) => ({ message })) }] } : {}),
      },
    });
  }

  /** Faults that answer before Shopify would have run anything. */
  private async applyFaultBefore(fault: Fault | undefined, request: Request): Promise<Response | undefined> {
    switch (fault?.kind) {
      case "network":
        return Response.error();
      case "http429":
        return json(
          { errors: "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." },
          429,
          { "Retry-After": String(fault.retryAfterSeconds ?? 2) },
        );
      case "http5xx": {
        const status = fault.status ?? 503;
        return json({ errors: status === 503 ? "Service Unavailable" : "Internal Server Error" }, status);
      }
      case "timeout":
        // Hang until the client gives up (aborts); never answer on our own.
        await new Promise<void>((resolve) => {
          if (request.signal.aborted) resolve();
          request.signal.addEventListener("abort", () => resolve(), { once: true });
        });
        return Response.error();
      case "latency":
        await this.sleep(fault.ms);
        return undefined;
      default:
        return undefined;
    }
  }
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", ...headers },
  });
}

// Shopify's error entries: message, locations, path, extensions.
function formatError(e: GraphQLError) {
  return {
    message: e.message,
    ...(e.locations ? { locations: e.locations } : {}),
    ...(e.path ? { path: e.path } : {}),
    ...(e.extensions && Object.keys(e.extensions).length ? { extensions: e.extensions } : {}),
  };
}
