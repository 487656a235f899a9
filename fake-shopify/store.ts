// One shop's data in the fake, and the business rules Shopify applies to it
// (unique codes, balances that cannot go negative, ...). Rule violations
// come back as `userErrors` shaped like Shopify's; the GraphQL mapping lives
// in resolvers.ts.
import { APP_SCOPES } from "~/shopify/scopes";
import { fromCents, toCents } from "./money";
import { deployedFlowTriggers, FLOW_PAYLOAD_LIMIT_BYTES, type FakeFlowTrigger } from "./flow";
import { FakeTheme } from "./theme";

/**
 * GraphQL input as graphql-js hands it to resolvers. It has already been
 * validated and coerced against Shopify's schema, so loose typing is safe.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type GraphQLInput = Record<string, any>;

export interface UserError {
  field: string[] | null;
  code: string | null;
  message: string;
}

export interface FakeDiscount {
  id: string; // gid://shopify/DiscountCodeNode/N
  typename: "DiscountCodeBasic" | "DiscountCodeFreeShipping" | "DiscountCodeApp";
  /** DiscountCodeApp: the app function it runs (its handle) and its discount classes. */
  functionHandle?: string;
  discountClasses?: string[];
  title: string;
  startsAt: string;
  endsAt: string | null;
  usageLimit: number | null;
  /** Orders placed with the discount (the dev store's checkout counts them): Shopify's asyncUsageCount. */
  usageCount: number;
  appliesOncePerCustomer: boolean;
  /** null = all buyers, else the customer gids allowed to use it. */
  customers: string[] | null;
  customerGets: Record<string, unknown> | null;
  combinesWith: { orderDiscounts: boolean; productDiscounts: boolean; shippingDiscounts: boolean };
  minimumSubtotalCents: number | null;
  codes: { id: string; code: string }[];
  createdAt: string;
  updatedAt: string;
}

/** An automatic discount of an app function (discountAutomaticAppCreate). */
export interface FakeAutomaticDiscount {
  id: string; // gid://shopify/DiscountAutomaticNode/N
  title: string;
  startsAt: string;
  endsAt: string | null;
  functionHandle: string;
  discountClasses: string[];
  combinesWith: { orderDiscounts: boolean; productDiscounts: boolean; shippingDiscounts: boolean };
  createdAt: string;
  updatedAt: string;
}

/** A function the app has deployed to the shop (Shopify's shopifyFunctions). */
export interface FakeShopifyFunction {
  id: string;
  handle: string;
  apiType: string;
}

export interface FakeBulkCreation {
  id: string;
  discountId: string;
  createdAt: string;
  pollsLeft: number;
  done: boolean;
  codes: { code: string; codeId: string | null; errors: UserError[] }[];
}

export interface FakeCustomer {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  numberOfOrders: number;
  tags: string[];
  /** ENABLED, DISABLED, INVITED or DECLINED, as Customer.state. */
  state: string;
  /** Customer.verifiedEmail: true for customers made by the admin or the API (Shopify's default). */
  verifiedEmail: boolean;
  /** defaultEmailAddress.marketingState: SUBSCRIBED, NOT_SUBSCRIBED, UNSUBSCRIBED, PENDING... */
  marketingState: string;
  /** Customer.locale: the language the customer shops in. */
  locale: string;
}

/** A bulk query operation: done after `pollsLeft` polls; its JSONL lines are computed at start. */
export interface FakeBulkOperation {
  id: string;
  query: string;
  status: "CREATED" | "RUNNING" | "COMPLETED" | "FAILED";
  pollsLeft: number;
  createdAt: string;
  completedAt: string | null;
  lines: string[];
}

export interface FakeStoreCreditAccount {
  id: string;
  ownerId: string;
  currencyCode: string;
  balanceCents: number;
}

export interface FakeStoreCreditTransaction {
  id: string;
  typename: "StoreCreditAccountCreditTransaction" | "StoreCreditAccountDebitTransaction";
  accountId: string;
  amountCents: number; // negative for debits, as Shopify reports them
  balanceAfterCents: number;
  currencyCode: string;
  createdAt: string;
  expiresAt: string | null;
}

/** A product of the shop (seeded by tests and the dev store; the app only reads them). */
export interface FakeProduct {
  id: string; // gid://shopify/Product/N
  title: string;
  handle: string;
  status: "ACTIVE" | "DRAFT" | "ARCHIVED";
}

export interface FakeMetafield {
  id: string;
  ownerId: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
  compareDigest: string;
  createdAt: string;
  updatedAt: string;
}

export interface FakeOrder {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  test: boolean;
  displayFinancialStatus: string | null;
  discountCodes: string[];
  customAttributes: { key: string; value: string | null }[];
  customerId: string | null;
  email: string | null;
  currencyCode: string;
  presentmentCurrencyCode: string;
  subtotal: string;
  total: string;
  currentSubtotal: string;
  totalRefunded: string;
  /** Every discount of the order (codes and automatic), in the shop's currency. */
  totalDiscounts: string;
  shippingAddress: FakeAddress | null;
  refunds: FakeRefund[];
}

export interface FakeAddress {
  address1: string;
  address2?: string | null;
  city?: string | null;
  zip?: string | null;
  countryCode?: string | null;
}

/** One refund: its refund transaction, and the subtotal of its refunded line items (null: no line item). */
export interface FakeRefund {
  id: string;
  createdAt: string;
  amount: string;
  lineItemsSubtotal: string | null;
}

export type SeedOrder = Partial<FakeOrder> & { subtotal: string };

let counter = 1000;
export const gid = (type: string) => `gid://shopify/${type}/${++counter}`;
const numericId = (id: string) => id.split("/").pop() ?? "";

export class ShopState {
  readonly shop: {
    id: string;
    name: string;
    currencyCode: string;
    myshopifyDomain: string;
    ianaTimezone: string;
    email: string;
    contactEmail: string;
    /** The online store's primary domain: the myshopify.com one until a test (or the dev store) sets its own. */
    primaryDomain: { host: string; url: string; sslEnabled: boolean };
  };
  readonly discounts = new Map<string, FakeDiscount>();
  readonly automaticDiscounts = new Map<string, FakeAutomaticDiscount>();
  /** The app's deployed functions: none until a test or the dev store deploys one (deployFunction). */
  readonly functions: FakeShopifyFunction[] = [];
  readonly bulkCreations = new Map<string, FakeBulkCreation>();
  /** Asynchronous jobs (bulk code deletion): the work is applied when a poll finds them done. */
  readonly jobs = new Map<string, { id: string; done: boolean; pollsLeft: number; run: () => void }>();
  readonly customers = new Map<string, FakeCustomer>();
  readonly accounts = new Map<string, FakeStoreCreditAccount>();
  readonly transactions: FakeStoreCreditTransaction[] = [];
  readonly metafields = new Map<string, FakeMetafield>(); // ownerId|namespace|key
  readonly orders: FakeOrder[] = [];
  readonly products = new Map<string, FakeProduct>();
  readonly bulkOperations = new Map<string, FakeBulkOperation>();
  /** Every flowTriggerReceive accepted, in order: the workflows Flow would have started. */
  readonly flowTriggers: FakeFlowTrigger[] = [];
  /** The handles of the app's Flow triggers (its deployed flow_trigger extensions; a test may remove one). */
  readonly flowTriggerHandles = new Set(deployedFlowTriggers());
  /** The shop's languages (Shopify's shopLocales): the first primary one is the shop's primary locale. */
  locales: { locale: string; name: string; primary: boolean; published: boolean }[] = [{ locale: "en", name: "English", primary: true, published: true }];
  /** Polls of bulkOperation(id) before a bulk query reports COMPLETED. */
  bulkPolls: number;
  private shopThemes: FakeTheme[] | undefined;
  /**
   * The access scopes the app holds on the shop: the required ones (APP_SCOPES)
   * until the merchant grants an optional one (grantScopes). Only fields that
   * need an optional scope check it (themes: read_themes; productByIdentifier: read_products).
   */
  readonly accessScopes = new Set<string>(APP_SCOPES);

  constructor(
    domain: string,
    private readonly now: () => Date,
    private readonly bulkAddPolls: number,
  ) {
    this.bulkPolls = bulkAddPolls;
    this.shop = {
      id: gid("Shop"),
      name: domain.replace(/\.myshopify\.com$/, ""),
      currencyCode: "USD",
      myshopifyDomain: domain,
      ianaTimezone: "America/New_York",
      email: `owner@${domain}`,
      contactEmail: `hello@${domain}`,
      primaryDomain: { host: domain, url: `https://${domain}`, sslEnabled: true },
    };
  }

  private iso = () => this.now().toISOString();

  // ---- themes and scopes ------------------------------------------------

  /** The shop's themes: one published (MAIN) theme, as a new shop has (made on first use: benchmarks make many shops). */
  get themes(): FakeTheme[] {
    this.shopThemes ??= [new FakeTheme(gid("OnlineStoreTheme"), "Dawn", "MAIN", this.now)];
    return this.shopThemes;
  }

  mainTheme(): FakeTheme {
    const main = this.themes.find((t) => t.role === "MAIN");
    if (!main) throw new Error(`${this.shop.myshopifyDomain} has no published theme`);
    return main;
  }

  /** What the merchant's grant in the admin does (App Bridge's scopes.request); returns the scopes now held. */
  grantScopes(scopes: string[]): string[] {
    for (const scope of scopes) this.accessScopes.add(scope);
    return [...this.accessScopes];
  }

  /** Whether the app holds `scope` (a write scope holds its read). */
  hasScope(scope: string): boolean {
    return this.accessScopes.has(scope) || (scope.startsWith("read_") && this.accessScopes.has(`write_${scope.slice(5)}`));
  }

  // ---- discounts -------------------------------------------------------

  findDiscount(id: string): FakeDiscount | undefined {
    // DiscountNode and DiscountCodeNode gids share the number.
    const n = numericId(id);
    return [...this.discounts.values()].find((d) => numericId(d.id) === n);
  }

  /** Whether the discount's usage limit (all its codes together, as Shopify counts it) is used up. */
  usedUp(d: FakeDiscount): boolean {
    return d.usageLimit !== null && d.usageCount >= d.usageLimit;
  }

  findByCode(code: string): { discount: FakeDiscount; codeId: string } | undefined {
    const wanted = code.trim().toUpperCase();
    for (const d of this.discounts.values()) {
      const c = d.codes.find((x) => x.code.toUpperCase() === wanted);
      if (c) return { discount: d, codeId: c.id };
    }
    return undefined;
  }

  status(d: FakeDiscount): "ACTIVE" | "EXPIRED" | "SCHEDULED" {
    const now = this.now().getTime();
    if (Date.parse(d.startsAt) > now) return "SCHEDULED";
    if (d.endsAt && Date.parse(d.endsAt) <= now) return "EXPIRED";
    return "ACTIVE";
  }

  upsertDiscount(
    typename: FakeDiscount["typename"],
    inputName: string,
    input: GraphQLInput,
    id?: string,
  ): { discount?: FakeDiscount; userErrors: UserError[] } {
    const existing = id ? this.findDiscount(id) : undefined;
    if (id && (!existing || existing.typename !== typename)) {
      return { userErrors: [{ field: ["id"], code: "INVALID", message: "Discount does not exist" }] };
    }
    const errors: UserError[] = [];
    const err = (f: string, code: string, message: string) => errors.push({ field: [inputName, f], code, message });
    const title = input.title ?? existing?.title;
    if (!title || !String(title).trim()) err("title", "BLANK", "Title can't be blank");
    const code: string | undefined = input.code ?? undefined;
    if (!existing && (!code || !code.trim())) err("code", "BLANK", "Code can't be blank");
    if (code) {
      const owner = this.findByCode(code);
      if (owner && owner.discount !== existing) err("code", "TAKEN", "Code must be unique. Please try a different code.");
      if (code.length > 255) err("code", "TOO_LONG", "Code is too long (maximum is 255 characters)");
    }
    const pct = input.customerGets?.value?.percentage;
    if (pct !== undefined && pct !== null && (pct <= 0 || pct > 1)) {
      err("customerGets", "VALUE_OUTSIDE_RANGE", "Value must be between 0.0 and 1.0");
    }
    const amount = input.customerGets?.value?.discountAmount?.amount;
    if (amount !== undefined && amount !== null && toCents(amount) <= 0) {
      err("customerGets", "GREATER_THAN", "Value must be greater than 0");
    }
    if (typename === "DiscountCodeBasic" && !existing && !input.customerGets) {
      err("customerGets", "BLANK", "Customer gets can't be blank");
    }
    const add: string[] = input.context?.customers?.add ?? [];
    for (const c of add) if (!this.customers.has(c)) err("context", "INVALID", `Customer ${c} does not exist`);
    const products: string[] = input.customerGets?.items?.products?.productsToAdd ?? [];
    for (const p of products) if (!this.products.has(p)) err("customerGets", "INVALID", `Product with id: ${numericId(p)} is invalid`);
    const startsAt = input.startsAt ?? existing?.startsAt ?? this.iso();
    const endsAt = input.endsAt !== undefined ? input.endsAt : (existing?.endsAt ?? null);
    if (endsAt && Date.parse(endsAt) <= Date.parse(startsAt)) {
      err("endsAt", "END_DATE_BEFORE_START_DATE", "Ends at needs to be after starts_at");
    }
    if (errors.length) return { userErrors: errors };

    let customers = existing?.customers ?? null;
    if (input.context?.all) customers = null;
    if (input.context?.customers) {
      const remove = new Set<string>(input.context.customers.remove ?? []);
      customers = [...new Set([...(customers ?? []), ...add])].filter((c) => !remove.has(c));
    }
    const d: FakeDiscount = {
      id: existing?.id ?? gid("DiscountCodeNode"),
      typename,
      title,
      startsAt,
      endsAt,
      usageLimit: input.usageLimit !== undefined ? input.usageLimit : (existing?.usageLimit ?? null),
      appliesOncePerCustomer: input.appliesOncePerCustomer ?? existing?.appliesOncePerCustomer ?? false,
      customers,
      customerGets: input.customerGets ?? existing?.customerGets ?? null,
      combinesWith: {
        orderDiscounts: false,
        productDiscounts: false,
        shippingDiscounts: false,
        ...existing?.combinesWith,
        ...input.combinesWith,
      },
      minimumSubtotalCents:
        input.minimumRequirement?.subtotal?.greaterThanOrEqualToSubtotal != null
          ? toCents(input.minimumRequirement.subtotal.greaterThanOrEqualToSubtotal)
          : (existing?.minimumSubtotalCents ?? null),
      codes: existing?.codes ?? [],
      usageCount: existing?.usageCount ?? 0,
      createdAt: existing?.createdAt ?? this.iso(),
      updatedAt: this.iso(),
    };
    // Updating `code` renames the discount's first code, as the admin does.
    if (code) {
      if (d.codes[0]) d.codes[0] = { ...d.codes[0], code };
      else d.codes.push({ id: gid("DiscountRedeemCode"), code });
    }
    this.discounts.set(d.id, d);
    return { discount: d, userErrors: [] };
  }

  // ---- app (function) discounts ------------------------------------------

  /** `shopify app deploy` of a function: from now on discounts may use its handle. */
  deployFunction(handle: string, apiType = "discount"): FakeShopifyFunction {
    const existing = this.functions.find((f) => f.handle === handle);
    if (existing) return existing;
    const fn = { id: crypto.randomUUID(), handle, apiType };
    this.functions.push(fn);
    return fn;
  }

  /** discountCodeAppCreate / Update: a code discount run by an app function, its configuration in metafields. */
  upsertAppDiscount(input: GraphQLInput, id?: string): { discount?: FakeDiscount; userErrors: UserError[] } {
    const existing = id ? this.findDiscount(id) : undefined;
    if (id && existing?.typename !== "DiscountCodeApp") return { userErrors: [{ field: ["id"], code: "INVALID", message: "Discount does not exist" }] };
    const functionError = this.functionError("codeAppDiscount", input, !existing);
    if (functionError) return { userErrors: [functionError] };
    const classes: string[] | undefined = input.discountClasses ?? existing?.discountClasses;
    if (!classes?.length) return { userErrors: [{ field: ["codeAppDiscount", "discountClasses"], code: "BLANK", message: "Discount classes can't be blank" }] };
    // The code, dates, title and combinations follow the basic discount's rules.
    const r = this.upsertDiscount("DiscountCodeApp", "codeAppDiscount", { ...input, customerGets: undefined, minimumRequirement: undefined }, existing?.id);
    if (!r.discount) return r;
    r.discount.functionHandle = input.functionHandle ?? existing?.functionHandle;
    r.discount.discountClasses = classes;
    const metafields = this.setDiscountMetafields(r.discount.id, input.metafields);
    return metafields.length ? { userErrors: metafields } : r;
  }

  upsertAutomaticAppDiscount(input: GraphQLInput, id?: string): { discount?: FakeAutomaticDiscount; userErrors: UserError[] } {
    const existing = id ? this.findAutomaticDiscount(id) : undefined;
    if (id && !existing) return { userErrors: [{ field: ["id"], code: "INVALID", message: "Discount does not exist" }] };
    const errors: UserError[] = [];
    const functionError = this.functionError("automaticAppDiscount", input, !existing);
    if (functionError) errors.push(functionError);
    const title = input.title ?? existing?.title;
    if (!title || !String(title).trim()) errors.push({ field: ["automaticAppDiscount", "title"], code: "BLANK", message: "Title can't be blank" });
    const classes: string[] | undefined = input.discountClasses ?? existing?.discountClasses;
    if (!classes?.length) errors.push({ field: ["automaticAppDiscount", "discountClasses"], code: "BLANK", message: "Discount classes can't be blank" });
    const startsAt = input.startsAt ?? existing?.startsAt ?? this.iso();
    const endsAt = input.endsAt !== undefined ? input.endsAt : (existing?.endsAt ?? null);
    if (endsAt && Date.parse(endsAt) <= Date.parse(startsAt)) {
      errors.push({ field: ["automaticAppDiscount", "endsAt"], code: "END_DATE_BEFORE_START_DATE", message: "Ends at needs to be after starts_at" });
    }
    if (errors.length) return { userErrors: errors };
    const d: FakeAutomaticDiscount = {
      id: existing?.id ?? gid("DiscountAutomaticNode"),
      title,
      startsAt,
      endsAt,
      functionHandle: input.functionHandle ?? existing!.functionHandle,
      discountClasses: classes!,
      combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: false, ...existing?.combinesWith, ...input.combinesWith },
      createdAt: existing?.createdAt ?? this.iso(),
      updatedAt: this.iso(),
    };
    this.automaticDiscounts.set(d.id, d);
    const metafields = this.setDiscountMetafields(d.id, input.metafields);
    return metafields.length ? { userErrors: metafields } : { discount: d, userErrors: [] };
  }

  findAutomaticDiscount(id: string): FakeAutomaticDiscount | undefined {
    const n = numericId(id);
    return [...this.automaticDiscounts.values()].find((d) => numericId(d.id) === n);
  }

  deleteAutomaticDiscount(id: string): { deletedId?: string; userErrors: UserError[] } {
    const d = this.findAutomaticDiscount(id);
    if (!d) return { userErrors: [{ field: ["id"], code: "INVALID", message: "Discount does not exist" }] };
    this.automaticDiscounts.delete(d.id);
    for (const k of [...this.metafields.keys()]) if (k.startsWith(`${d.id}|`)) this.metafields.delete(k);
    return { deletedId: d.id, userErrors: [] };
  }

  automaticStatus(d: FakeAutomaticDiscount): "ACTIVE" | "EXPIRED" | "SCHEDULED" {
    const now = this.now().getTime();
    if (Date.parse(d.startsAt) > now) return "SCHEDULED";
    if (d.endsAt && Date.parse(d.endsAt) <= now) return "EXPIRED";
    return "ACTIVE";
  }

  /** A create must name exactly one deployed function by its handle (functionId is deprecated). */
  private functionError(inputName: string, input: GraphQLInput, creating: boolean): UserError | null {
    if (input.functionId) return { field: [inputName, "functionId"], code: "INVALID", message: "functionId is deprecated here: use functionHandle" };
    if (!creating && input.functionHandle === undefined) return null;
    if (!input.functionHandle) return { field: [inputName, "functionHandle"], code: "MISSING_FUNCTION_IDENTIFIER", message: "Function handle can't be blank" };
    if (!this.functions.some((f) => f.handle === input.functionHandle)) {
      return { field: [inputName, "functionHandle"], code: "INVALID", message: `Function ${input.functionHandle} not found. Ensure that it is released in the current app, and that the app is installed.` };
    }
    return null;
  }

  /** A discount's `metafields` input: created or replaced by namespace and key, like metafieldsSet. */
  private setDiscountMetafields(ownerId: string, inputs: GraphQLInput[] | undefined): UserError[] {
    if (!inputs?.length) return [];
    const r = this.metafieldsSet(inputs.map((m) => ({ ...m, ownerId })));
    return r.userErrors.map(({ elementIndex: _i, ...e }) => e);
  }

  deactivate(id: string): { discount?: FakeDiscount; userErrors: UserError[] } {
    const d = this.findDiscount(id);
    if (!d) return { userErrors: [{ field: ["id"], code: "INVALID", message: "Discount does not exist" }] };
    if (this.status(d) !== "EXPIRED") d.endsAt = this.iso();
    d.updatedAt = this.iso();
    return { discount: d, userErrors: [] };
  }

  /** discountCodeDelete: the discount and its codes are gone, so its codes are free for another discount. */
  deleteDiscount(id: string): { deletedId?: string; userErrors: UserError[] } {
    const d = this.findDiscount(id);
    if (!d) return { userErrors: [{ field: ["id"], code: "INVALID", message: "Discount does not exist" }] };
    this.discounts.delete(d.id);
    for (const k of [...this.metafields.keys()]) if (k.startsWith(`${d.id}|`)) this.metafields.delete(k);
    return { deletedId: d.id, userErrors: [] };
  }

  bulkAdd(discountId: string, codes: { code: string }[]): { bulk?: FakeBulkCreation; userErrors: UserError[] } {
    if (!this.findDiscount(discountId)) {
      return { userErrors: [{ field: ["discountId"], code: "INVALID", message: "Discount does not exist" }] };
    }
    if (codes.length === 0) return { userErrors: [{ field: ["codes"], code: "BLANK", message: "Codes can't be blank" }] };
    if (codes.length > 100) {
      return { userErrors: [{ field: ["codes"], code: "TOO_MANY_ARGUMENTS", message: "Codes can't exceed 100 per request" }] };
    }
    const bulk: FakeBulkCreation = {
      id: gid("DiscountRedeemCodeBulkCreation"),
      discountId: this.findDiscount(discountId)!.id,
      createdAt: this.iso(),
      pollsLeft: this.bulkAddPolls,
      done: false,
      codes: codes.map((c) => ({ code: c.code, codeId: null, errors: [] })),
    };
    this.bulkCreations.set(bulk.id, bulk);
    return { bulk, userErrors: [] };
  }

  /** Shopify imports bulk codes in the background; the fake does it on the Nth poll. */
  pollBulk(id: string): FakeBulkCreation | undefined {
    const bulk = this.bulkCreations.get(id);
    if (bulk && !bulk.done && --bulk.pollsLeft <= 0) this.completeBulk(bulk);
    return bulk;
  }

  completeBulk(bulk: FakeBulkCreation) {
    const d = this.findDiscount(bulk.discountId);
    for (const c of bulk.codes) {
      const e = (code: string, message: string) => c.errors.push({ field: ["code"], code, message });
      // The discount was deleted while its import was queued: nothing lands on it.
      if (!d) e("INVALID", "Discount does not exist");
      else if (!c.code.trim()) e("BLANK", "Code can't be blank");
      else if (c.code.length > 255) e("TOO_LONG", "Code is too long (maximum is 255 characters)");
      else if (this.findByCode(c.code)) e("TAKEN", "Code must be unique. Please try a different code.");
      else {
        c.codeId = gid("DiscountRedeemCode");
        d.codes.push({ id: c.codeId, code: c.code });
      }
    }
    bulk.done = true;
  }

  /** discountCodeRedeemCodeBulkDelete by ids: Shopify deletes in a background job. */
  bulkDeleteCodes(discountId: string, ids: string[] | null | undefined): { job?: { id: string; done: boolean }; userErrors: UserError[] } {
    const d = this.findDiscount(discountId);
    if (!d) return { userErrors: [{ field: ["discountId"], code: "INVALID", message: "Discount does not exist" }] };
    if (!ids?.length) return { userErrors: [{ field: ["ids"], code: "BLANK", message: "Specify codes to delete with ids, search or a saved search" }] };
    if (ids.length > 250) return { userErrors: [{ field: ["ids"], code: "TOO_MANY_ARGUMENTS", message: "Too many ids (maximum is 250)" }] };
    const doomed = new Set(ids);
    const job = {
      id: gid("Job"),
      done: false,
      pollsLeft: this.bulkAddPolls,
      run: () => {
        d.codes = d.codes.filter((c) => !doomed.has(c.id));
        d.updatedAt = this.iso();
      },
    };
    this.jobs.set(job.id, job);
    return { job: { id: job.id, done: false }, userErrors: [] };
  }

  pollJob(id: string): { id: string; done: boolean } | undefined {
    const job = this.jobs.get(id);
    if (job && !job.done && --job.pollsLeft <= 0) {
      job.run();
      job.done = true;
    }
    return job && { id: job.id, done: job.done };
  }

  // ---- products ---------------------------------------------------------

  addProduct(p: Partial<FakeProduct> & { title: string }): FakeProduct {
    const product: FakeProduct = {
      id: p.id ?? gid("Product"),
      title: p.title,
      handle: p.handle ?? p.title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, ""),
      status: p.status ?? "ACTIVE",
    };
    this.products.set(product.id, product);
    return product;
  }

  /** productByIdentifier: by id or by handle (customId is not supported: the app does not use it). */
  productByIdentifier(identifier: { id?: string | null; handle?: string | null; customId?: unknown }): FakeProduct | null {
    if (identifier.customId) throw new Error("fake productByIdentifier does not support customId");
    if (identifier.id) return this.products.get(identifier.id) ?? null;
    if (identifier.handle) return [...this.products.values()].find((p) => p.handle === identifier.handle) ?? null;
    return null;
  }

  // ---- customers and store credit ---------------------------------------

  addCustomer(c: Partial<FakeCustomer>): FakeCustomer {
    const customer: FakeCustomer = {
      id: c.id ?? gid("Customer"),
      firstName: c.firstName ?? null,
      lastName: c.lastName ?? null,
      email: c.email ?? null,
      numberOfOrders: c.numberOfOrders ?? 0,
      tags: c.tags ?? [],
      state: c.state ?? "ENABLED",
      verifiedEmail: c.verifiedEmail ?? true,
      marketingState: c.marketingState ?? "NOT_SUBSCRIBED",
      locale: c.locale ?? "en",
    };
    this.customers.set(customer.id, customer);
    return customer;
  }

  /** Customers matching Shopify's search syntax, for the terms the app sends: `tag:'x'` and `email:x`. */
  searchCustomers(query: string | null | undefined): FakeCustomer[] {
    const tag = /tag:(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(\S+))/.exec(query ?? "");
    const email = /email:(\S+)/.exec(query ?? "");
    const wantedTag = tag ? (tag[1] ?? tag[2] ?? tag[3]).replace(/\\(.)/g, "$1").toLowerCase() : null;
    return [...this.customers.values()].filter(
      (c) =>
        (!wantedTag || c.tags.some((t) => t.toLowerCase() === wantedTag)) &&
        (!email || c.email?.toLowerCase() === email[1].toLowerCase()),
    );
  }

  /** One bulk query at a time per shop and app, as Shopify allows. */
  startBulkQuery(query: string, lines: string[], polls: number): { operation?: FakeBulkOperation; userErrors: UserError[] } {
    const running = [...this.bulkOperations.values()].some((o) => o.status === "CREATED" || o.status === "RUNNING");
    if (running) {
      return {
        userErrors: [{ field: null, code: "OPERATION_IN_PROGRESS", message: "A bulk query operation for this app and shop is already in progress." }],
      };
    }
    const operation: FakeBulkOperation = { id: gid("BulkOperation"), query, status: "CREATED", pollsLeft: polls, createdAt: this.iso(), completedAt: null, lines };
    this.bulkOperations.set(operation.id, operation);
    return { operation, userErrors: [] };
  }

  pollBulkOperation(id: string): FakeBulkOperation | undefined {
    const op = this.bulkOperations.get(id);
    if (op && (op.status === "CREATED" || op.status === "RUNNING")) {
      op.status = --op.pollsLeft <= 0 ? "COMPLETED" : "RUNNING";
      if (op.status === "COMPLETED") op.completedAt = this.iso();
    }
    return op;
  }

  customerByEmail(email: string) {
    return [...this.customers.values()].find((c) => c.email?.toLowerCase() === email.toLowerCase());
  }

  accountsOf(ownerId: string) {
    return [...this.accounts.values()].filter((a) => a.ownerId === ownerId);
  }

  storeCredit(
    kind: "credit" | "debit",
    id: string,
    amount: { amount: string; currencyCode: string },
    expiresAt: string | null,
  ): { transaction?: FakeStoreCreditTransaction; userErrors: UserError[] } {
    const input = kind === "credit" ? ["creditInput", "creditAmount"] : ["debitInput", "debitAmount"];
    const fail = (field: string[], code: string, message: string) => ({ userErrors: [{ field, code, message }] });
    const cents = toCents(amount.amount);
    if (cents <= 0) return fail([...input, "amount"], "NEGATIVE_OR_ZERO_AMOUNT", "A positive amount must be used.");
    if (expiresAt && Date.parse(expiresAt) <= this.now().getTime()) {
      return fail(["creditInput", "expiresAt"], "EXPIRES_AT_IN_PAST", "The expiry date must be in the future.");
    }
    let account: FakeStoreCreditAccount | undefined;
    if (id.includes("/StoreCreditAccount/")) {
      account = this.accounts.get(id);
      if (!account) return fail(["id"], "ACCOUNT_NOT_FOUND", "Store credit account does not exist.");
      if (account.currencyCode !== amount.currencyCode) {
        return fail([...input, "currencyCode"], "MISMATCHING_CURRENCY", "The currency provided does not match the currency of the store credit account.");
      }
    } else {
      if (!this.customers.has(id)) {
        return kind === "credit"
          ? fail(["id"], "OWNER_NOT_FOUND", "Owner does not exist.")
          : fail(["id"], "ACCOUNT_NOT_FOUND", "Store credit account does not exist.");
      }
      account = this.accountsOf(id).find((a) => a.currencyCode === amount.currencyCode);
      if (!account && kind === "debit") return fail(["id"], "ACCOUNT_NOT_FOUND", "Store credit account does not exist.");
      if (!account) {
        // Shopify opens one account per owner and currency on first credit.
        account = { id: gid("StoreCreditAccount"), ownerId: id, currencyCode: amount.currencyCode, balanceCents: 0 };
        this.accounts.set(account.id, account);
      }
    }
    if (kind === "debit" && account.balanceCents < cents) {
      return fail([...input, "amount"], "INSUFFICIENT_FUNDS", "The store credit account does not have sufficient funds to satisfy the request.");
    }
    account.balanceCents += kind === "credit" ? cents : -cents;
    const transaction: FakeStoreCreditTransaction = {
      id: gid(kind === "credit" ? "StoreCreditAccountCreditTransaction" : "StoreCreditAccountDebitTransaction"),
      typename: kind === "credit" ? "StoreCreditAccountCreditTransaction" : "StoreCreditAccountDebitTransaction",
      accountId: account.id,
      amountCents: kind === "credit" ? cents : -cents,
      balanceAfterCents: account.balanceCents,
      currencyCode: account.currencyCode,
      createdAt: this.iso(),
      expiresAt,
    };
    this.transactions.push(transaction);
    return { transaction, userErrors: [] };
  }

  // ---- Shopify Flow --------------------------------------------------------

  /** flowTriggerReceive: recorded when the handle is one of the app's triggers and the payload fits Shopify's limit. */
  flowTriggerReceive(handle: string | null | undefined, payload: unknown): { userErrors: UserError[] } {
    if (!handle || !this.flowTriggerHandles.has(handle)) {
      return { userErrors: [{ field: ["handle"], code: null, message: `Invalid handle '${handle ?? ""}': no Flow trigger extension of this app has it.` }] };
    }
    if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
      return { userErrors: [{ field: ["payload"], code: null, message: "Payload must be a JSON object." }] };
    }
    const bytes = Buffer.byteLength(JSON.stringify(payload));
    if (bytes > FLOW_PAYLOAD_LIMIT_BYTES) {
      return { userErrors: [{ field: ["payload"], code: null, message: `Payload is ${bytes} bytes; the limit is 50 KB.` }] };
    }
    this.flowTriggers.push({ handle, payload: structuredClone(payload as Record<string, unknown>), receivedAt: this.iso() });
    return { userErrors: [] };
  }

  // ---- metafields -------------------------------------------------------

  ownerExists(ownerId: string) {
    return this.customers.has(ownerId) || ownerId === this.shop.id || !!this.findDiscount(ownerId) || this.automaticDiscounts.has(ownerId);
  }

  metafieldsSet(inputs: GraphQLInput[]): { metafields?: FakeMetafield[]; userErrors: (UserError & { elementIndex: number | null })[] } {
    if (inputs.length > 25) {
      return { userErrors: [{ field: ["metafields"], code: "LESS_THAN_OR_EQUAL_TO", message: "Exceeded the maximum metafields input limit of 25.", elementIndex: null }] };
    }
    const errors: (UserError & { elementIndex: number })[] = [];
    inputs.forEach((m, i) => {
      const e = (f: string, code: string, message: string) => errors.push({ field: ["metafields", String(i), f], code, message, elementIndex: i });
      const existing = this.metafields.get(key(m.ownerId, m.namespace ?? "$app", m.key));
      if (!this.ownerExists(m.ownerId)) e("ownerId", "INVALID", "Owner does not exist.");
      if (!existing && !m.type) e("type", "BLANK", "Type can't be blank.");
      if ((m.type ?? existing?.type) === "json") {
        try {
          JSON.parse(m.value);
        } catch {
          e("value", "INVALID_VALUE", "Value is invalid JSON.");
        }
      }
      if (m.compareDigest != null && m.compareDigest !== (existing?.compareDigest ?? null)) {
        e("compareDigest", "STALE_OBJECT", "The resource has been updated since it was loaded. Try again with an updated `compareDigest` value.");
      }
    });
    if (errors.length) return { userErrors: errors }; // atomic, as Shopify: all or nothing
    const saved = inputs.map((m) => {
      const ns = m.namespace ?? "$app";
      const k = key(m.ownerId, ns, m.key);
      const prev = this.metafields.get(k);
      const mf: FakeMetafield = {
        id: prev?.id ?? gid("Metafield"),
        ownerId: m.ownerId,
        namespace: ns,
        key: m.key,
        type: m.type ?? prev!.type,
        value: m.value,
        compareDigest: `${this.now().getTime()}-${++counter}`,
        createdAt: prev?.createdAt ?? this.iso(),
        updatedAt: this.iso(),
      };
      this.metafields.set(k, mf);
      return mf;
    });
    return { metafields: saved, userErrors: [] };
  }

  // ---- orders -----------------------------------------------------------

  addOrder(o: SeedOrder): FakeOrder {
    const currency = o.currencyCode ?? this.shop.currencyCode;
    const createdAt = o.createdAt ?? this.iso();
    const order: FakeOrder = {
      id: o.id ?? gid("Order"),
      name: o.name ?? `#${1000 + this.orders.length + 1}`,
      createdAt,
      updatedAt: o.updatedAt ?? createdAt,
      cancelledAt: o.cancelledAt ?? null,
      test: o.test ?? false,
      displayFinancialStatus: o.displayFinancialStatus ?? "PAID",
      discountCodes: o.discountCodes ?? [],
      customAttributes: o.customAttributes ?? [],
      customerId: o.customerId ?? null,
      email: o.email ?? null,
      currencyCode: currency,
      presentmentCurrencyCode: o.presentmentCurrencyCode ?? currency,
      subtotal: o.subtotal,
      total: o.total ?? o.subtotal,
      currentSubtotal: o.currentSubtotal ?? o.subtotal,
      totalRefunded: o.totalRefunded ?? "0.0",
      totalDiscounts: o.totalDiscounts ?? "0.0",
      shippingAddress: o.shippingAddress ?? null,
      refunds: o.refunds ?? [],
    };
    this.orders.push(order);
    return order;
  }

  /** Refunds an order as the Shopify admin does (the order's totals, status and updatedAt change with it). */
  refundOrder(orderId: string, r: { amount: string; lineItemsSubtotal?: string | null; id?: string }): FakeRefund {
    const order = this.orders.find((o) => o.id === orderId);
    if (!order) throw new Error(`no order ${orderId}`);
    const refund: FakeRefund = {
      id: r.id ?? gid("Refund"),
      createdAt: this.iso(),
      amount: r.amount,
      lineItemsSubtotal: r.lineItemsSubtotal === undefined ? r.amount : r.lineItemsSubtotal,
    };
    order.refunds.push(refund);
    const refunded = toCents(order.totalRefunded) + toCents(r.amount);
    order.totalRefunded = fromCents(refunded);
    order.currentSubtotal = fromCents(Math.max(0, toCents(order.subtotal) - refunded));
    order.displayFinancialStatus = refunded >= toCents(order.total) ? "REFUNDED" : "PARTIALLY_REFUNDED";
    order.updatedAt = this.iso();
    return refund;
  }

  /** Cancels an order as the Shopify admin does. */
  cancelOrder(orderId: string): FakeOrder {
    const order = this.orders.find((o) => o.id === orderId);
    if (!order) throw new Error(`no order ${orderId}`);
    order.cancelledAt = this.iso();
    order.updatedAt = order.cancelledAt;
    return order;
  }
}

const key = (ownerId: string, namespace: string, k: string) => `${ownerId}|${namespace}|${k}`;
