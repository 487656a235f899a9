// Maps the fake's state to Admin GraphQL 2026-10 object shapes. graphql-js's
// default resolver reads properties (and calls function properties with the
// field's args), so these plain objects are the resolvers; unions resolve
// through `__typename`. Root fields not listed here fail the request loudly
// (see IMPLEMENTED in fake-shopify.ts): add them when the app needs them.
import { executeSync, GraphQLError, parse, validate } from "graphql";
import { fromCents, money, toCents } from "./money";
import { adminSchema } from "./schema";
import { matchesOrder, parseOrderQuery } from "./order-search";
import type { FakeTheme } from "./theme";
import type { FakeAutomaticDiscount, FakeBulkOperation, FakeDiscount, FakeOrder, FakeStoreCreditAccount, FakeStoreCreditTransaction, GraphQLInput, ShopState } from "./store";

type Args = GraphQLInput;

export function rootValue(s: ShopState, searchWarnings: string[]) {
  const customerView = (id: string) => {
    const c = s.customers.get(id);
    if (!c) return null;
    return {
      id: c.id,
      firstName: c.firstName,
      lastName: c.lastName,
      displayName: [c.firstName, c.lastName].filter(Boolean).join(" ") || c.email || "",
      numberOfOrders: String(c.numberOfOrders),
      tags: c.tags,
      state: c.state,
      verifiedEmail: c.verifiedEmail,
      email: c.email,
      locale: c.locale,
      defaultEmailAddress: c.email ? { emailAddress: c.email, marketingState: c.marketingState, validFormat: true } : null,
      storeCreditAccounts: (a: Args) => connection(s.accountsOf(c.id).map(accountView), a),
      metafield: ({ namespace, key }: Args) => metafieldView(c.id, namespace ?? "$app", key),
    };
  };

  const metafieldView = (ownerId: string, namespace: string, key: string) => {
    const m = s.metafields.get(`${ownerId}|${namespace}|${key}`);
    return m ? { ...m, jsonValue: m.type === "json" ? JSON.parse(m.value) : m.value } : null;
  };

  const accountView = (a: FakeStoreCreditAccount) => ({
    id: a.id,
    balance: money(a.balanceCents, a.currencyCode),
    owner: { __typename: "Customer", ...customerView(a.ownerId) },
    transactions: ({ reverse, ...page }: Args) => {
      const rows = s.transactions.filter((t) => t.accountId === a.id).map(transactionView);
      return connection(reverse ? rows.reverse() : rows, page);
    },
  });

  const transactionView = (t: FakeStoreCreditTransaction) => ({
    __typename: t.typename,
    id: t.id,
    account: accountView(s.accounts.get(t.accountId)!),
    amount: money(t.amountCents, t.currencyCode),
    balanceAfterTransaction: money(t.balanceAfterCents, t.currencyCode),
    remainingAmount: money(Math.max(0, t.amountCents), t.currencyCode),
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    event: "ADJUSTMENT",
    origin: null,
  });

  const discountView = (d: FakeDiscount) => ({
    __typename: d.typename,
    title: d.title,
    status: s.status(d),
    startsAt: d.startsAt,
    endsAt: d.endsAt,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    usageLimit: d.usageLimit,
    asyncUsageCount: d.usageCount,
    appliesOncePerCustomer: d.appliesOncePerCustomer,
    appliesOnOneTimePurchase: true,
    appliesOnSubscription: false,
    codesCount: { count: d.codes.length, precision: "EXACT" },
    // `query` is Shopify's default search: a case-insensitive match on the code's text.
    codes: (a: Args) =>
      connection(
        d.codes.filter((c) => !a.query || c.code.toLowerCase().includes(String(a.query).toLowerCase())).map((c) => ({ ...c, asyncUsageCount: 0 })),
        a,
      ),
    combinesWith: d.combinesWith,
    context: d.customers
      ? { __typename: "DiscountCustomers", customers: d.customers.map(customerView).filter(Boolean) }
      : { __typename: "DiscountBuyerSelectionAll", all: "ALL" },
    shareableUrls: [],
    summary: d.title,
    shortSummary: d.title,
    tags: [],
    discountClasses: d.discountClasses ?? [d.typename === "DiscountCodeFreeShipping" ? "SHIPPING" : "ORDER"],
    discountId: d.id,
    metafield: ({ namespace, key }: Args) => metafieldView(d.id, namespace ?? "$app", key),
  });

  const automaticView = (d: FakeAutomaticDiscount) => ({
    __typename: "DiscountAutomaticApp",
    discountId: d.id,
    title: d.title,
    status: s.automaticStatus(d),
    startsAt: d.startsAt,
    endsAt: d.endsAt,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    discountClasses: d.discountClasses,
    combinesWith: d.combinesWith,
    asyncUsageCount: 0,
  });
  const automaticNodeView = (d: FakeAutomaticDiscount | undefined) =>
    d ? { id: d.id, automaticDiscount: automaticView(d), metafield: ({ namespace, key }: Args) => metafieldView(d.id, namespace ?? "$app", key) } : null;

  const bulkView = (o: FakeBulkOperation) => ({
    id: o.id,
    status: o.status,
    type: "QUERY",
    query: o.query,
    createdAt: o.createdAt,
    completedAt: o.completedAt,
    errorCode: null,
    objectCount: String(o.status === "COMPLETED" ? o.lines.length : 0),
    rootObjectCount: String(o.status === "COMPLETED" ? o.lines.length : 0),
    fileSize: o.status === "COMPLETED" ? String(o.lines.join("\n").length) : null,
    url: o.status === "COMPLETED" && o.lines.length ? bulkResultUrl(s.shop.myshopifyDomain, o.id) : null,
    partialDataUrl: null,
  });

  // Shopify's answer to a field the app's scopes do not cover: the field null, an ACCESS_DENIED error.
  const requireScope = (field: string, scope: string) => {
    if (s.hasScope(scope)) return;
    throw new GraphQLError(`Access denied for ${field} field. Required access: \`${scope}\` access scope.`, {
      extensions: { code: "ACCESS_DENIED", documentation: "https://shopify.dev/api/usage/access-scopes", requiredAccess: `\`${scope}\` access scope.` },
    });
  };

  const themeView = (t: FakeTheme) => ({
    id: t.id,
    name: t.name,
    role: t.role,
    prefix: "/",
    processing: false,
    processingFailed: false,
    themeStoreId: null,
    createdAt: t.files.get("config/settings_data.json")?.updatedAt,
    updatedAt: t.files.get("config/settings_data.json")?.updatedAt,
    files: ({ filenames, ...page }: Args) => ({
      ...connection(
        t.matching(filenames).map((f) => ({
          filename: f.filename,
          body: { __typename: "OnlineStoreThemeFileBodyText", content: f.content },
          contentType: "application/json",
          size: String(Buffer.byteLength(f.content)),
          checksumMd5: null,
          createdAt: f.updatedAt,
          updatedAt: f.updatedAt,
        })),
        page,
      ),
      userErrors: [],
    }),
  });

  const codeNodeView = (d: FakeDiscount | undefined) => (d ? { id: d.id, codeDiscount: discountView(d) } : null);

  const orderView = (o: FakeOrder) => {
    const bag = (amount: string) => ({
      shopMoney: { amount, currencyCode: o.currencyCode },
      presentmentMoney: { amount, currencyCode: o.presentmentCurrencyCode },
    });
    const a = o.shippingAddress;
    return {
      ...o,
      customer: o.customerId ? (customerView(o.customerId) ?? { id: o.customerId }) : null,
      subtotalPriceSet: bag(o.subtotal),
      totalPriceSet: bag(o.total),
      currentSubtotalPriceSet: bag(o.currentSubtotal),
      // After refunds (Shopify: "after returns and refunds").
      currentTotalPriceSet: bag(fromCents(Math.max(0, toCents(o.total) - toCents(o.totalRefunded)))),
      totalRefundedSet: bag(o.totalRefunded),
      totalDiscountsSet: bag(o.totalDiscounts),
      shippingAddress: a ? { address1: a.address1, address2: a.address2 ?? null, city: a.city ?? null, zip: a.zip ?? null, countryCodeV2: a.countryCode ?? null } : null,
      refunds: ({ first }: Args) =>
        o.refunds.slice(0, first ?? o.refunds.length).map((r) => ({
          id: r.id,
          createdAt: r.createdAt,
          totalRefundedSet: bag(r.amount),
          refundLineItems: (page: Args) => connection(r.lineItemsSubtotal === null ? [] : [{ subtotalSet: bag(r.lineItemsSubtotal) }], page),
          transactions: (page: Args) => connection([{ kind: "REFUND", status: "SUCCESS", amountSet: bag(r.amount) }], page),
        })),
    };
  };

  const appDiscountPayload = (r: { discount?: FakeDiscount; userErrors: unknown[] }) => ({
    codeAppDiscount: r.discount ? discountView(r.discount) : null,
    userErrors: r.userErrors,
  });
  const automaticAppPayload = (r: { discount?: FakeAutomaticDiscount; userErrors: unknown[] }) => ({
    automaticAppDiscount: r.discount ? automaticView(r.discount) : null,
    userErrors: r.userErrors,
  });
  const discountPayload = (r: { discount?: FakeDiscount; userErrors: unknown[] }) => ({
    codeDiscountNode: codeNodeView(r.discount),
    userErrors: r.userErrors,
  });

  return {
    // ---- QueryRoot
    shop: () => s.shop,
    themes: ({ roles, names, reverse, ...page }: Args) => {
      requireScope("themes", "read_themes");
      const rows = s.themes.filter((t) => (!roles || roles.includes(t.role)) && (!names || names.includes(t.name))).map(themeView);
      return connection(reverse ? rows.reverse() : rows, page);
    },
    shopLocales: ({ published }: Args) => s.locales.filter((l) => published === undefined || published === null || l.published === published).map((l) => ({ ...l, marketWebPresences: [] })),
    codeDiscountNode: ({ id }: Args) => codeNodeView(s.findDiscount(id)),
    codeDiscountNodeByCode: ({ code }: Args) => codeNodeView(s.findByCode(code)?.discount),
    discountNode: ({ id }: Args) => {
      const d = s.findDiscount(id);
      return d ? { id: d.id.replace("DiscountCodeNode", "DiscountNode"), discount: discountView(d) } : null;
    },
    job: ({ id }: Args) => s.pollJob(id) ?? null,
    discountRedeemCodeBulkCreation: ({ id }: Args) => {
      const b = s.pollBulk(id);
      if (!b) return null;
      return {
        id: b.id,
        done: b.done,
        createdAt: b.createdAt,
        codesCount: b.codes.length,
        importedCount: b.done ? b.codes.filter((c) => c.codeId).length : 0,
        failedCount: b.done ? b.codes.filter((c) => c.errors.length).length : 0,
        discountCode: codeNodeView(s.findDiscount(b.discountId)),
        codes: (a: Args) =>
          connection(
            b.codes.map((c) => ({
              code: c.code,
              errors: c.errors,
              discountRedeemCode: c.codeId ? { id: c.codeId, code: c.code, asyncUsageCount: 0 } : null,
            })),
            a,
          ),
      };
    },
    shopifyFunctions: ({ apiType, ...page }: Args) =>
      connection(
        s.functions.filter((f) => !apiType || f.apiType === apiType).map((f) => ({ ...f, title: f.handle, apiVersion: "2026-10", useCreationUi: false })),
        page,
      ),
    automaticDiscountNode: ({ id }: Args) => automaticNodeView(s.findAutomaticDiscount(id)),
    // Only the search the app makes: an exact title (title:'...'); anything else fails loudly.
    discountNodes: ({ query, ...page }: Args) => {
      const m = /^title:'((?:[^'\\]|\\.)*)'$/.exec(query ?? "");
      if (!m) throw new Error(`fake discountNodes only supports query "title:'...'", got ${JSON.stringify(query)}`);
      const title = m[1].replace(/\\(.)/g, "$1");
      const codeNodes = [...s.discounts.values()].filter((d) => d.title === title).map((d) => ({ id: d.id.replace("DiscountCodeNode", "DiscountNode"), discount: discountView(d) }));
      const automatic = [...s.automaticDiscounts.values()].filter((d) => d.title === title).map((d) => ({ id: d.id.replace("DiscountAutomaticNode", "DiscountNode"), discount: automaticView(d) }));
      return connection([...codeNodes, ...automatic], page);
    },
    customer: ({ id }: Args) => customerView(id),
    productByIdentifier: ({ identifier }: Args) => {
      requireScope("productByIdentifier", "read_products");
      const p = s.productByIdentifier(identifier);
      return p ? { ...p, legacyResourceId: p.id.split("/").pop() } : null;
    },
    customers: ({ query, sortKey: _sortKey, reverse, ...page }: Args) => {
      const rows = s.searchCustomers(query).map((c) => customerView(c.id));
      return connection(reverse ? rows.reverse() : rows, page);
    },
    bulkOperation: ({ id }: Args) => {
      const o = s.pollBulkOperation(id);
      return o ? bulkView(o) : null;
    },
    bulkOperations: ({ reverse, sortKey: _sortKey, query: _query, ...page }: Args) => {
      const rows = [...s.bulkOperations.values()].map(bulkView);
      return connection(reverse ? rows.reverse() : rows, page);
    },
    customerByIdentifier: ({ identifier }: Args) => {
      if (identifier.id) return customerView(identifier.id);
      if (identifier.emailAddress) {
        const c = s.customerByEmail(identifier.emailAddress);
        return c ? customerView(c.id) : null;
      }
      return null;
    },
    order: ({ id }: Args) => {
      const o = s.orders.find((x) => x.id === id);
      return o ? orderView(o) : null;
    },
    orders: ({ query, sortKey, reverse, ...page }: Args) => {
      const { terms, warnings } = parseOrderQuery(query);
      searchWarnings.push(...warnings);
      const key = sortKey === "UPDATED_AT" ? "updatedAt" : sortKey === "CREATED_AT" ? "createdAt" : null;
      const rows = s.orders
        .filter((o) => matchesOrder(o, terms))
        .sort((a, b) => (key ? Date.parse(a[key]) - Date.parse(b[key]) : idNum(a.id) - idNum(b.id)));
      if (reverse) rows.reverse();
      return connection(rows.map(orderView), page);
    },

    // ---- Mutation
    discountCodeBasicCreate: ({ basicCodeDiscount }: Args) =>
      discountPayload(s.upsertDiscount("DiscountCodeBasic", "basicCodeDiscount", basicCodeDiscount)),
    discountCodeBasicUpdate: ({ id, basicCodeDiscount }: Args) =>
      discountPayload(s.upsertDiscount("DiscountCodeBasic", "basicCodeDiscount", basicCodeDiscount, id)),
    discountCodeFreeShippingCreate: ({ freeShippingCodeDiscount }: Args) =>
      discountPayload(s.upsertDiscount("DiscountCodeFreeShipping", "freeShippingCodeDiscount", freeShippingCodeDiscount)),
    discountCodeFreeShippingUpdate: ({ id, freeShippingCodeDiscount }: Args) =>
      discountPayload(s.upsertDiscount("DiscountCodeFreeShipping", "freeShippingCodeDiscount", freeShippingCodeDiscount, id)),
    discountCodeAppCreate: ({ codeAppDiscount }: Args) => appDiscountPayload(s.upsertAppDiscount(codeAppDiscount)),
    discountCodeAppUpdate: ({ id, codeAppDiscount }: Args) => appDiscountPayload(s.upsertAppDiscount(codeAppDiscount, id)),
    discountAutomaticAppCreate: ({ automaticAppDiscount }: Args) => automaticAppPayload(s.upsertAutomaticAppDiscount(automaticAppDiscount)),
    discountAutomaticAppUpdate: ({ id, automaticAppDiscount }: Args) => automaticAppPayload(s.upsertAutomaticAppDiscount(automaticAppDiscount, id)),
    discountAutomaticDelete: ({ id }: Args) => {
      const r = s.deleteAutomaticDiscount(id);
      return { deletedAutomaticDiscountId: r.deletedId ?? null, userErrors: r.userErrors };
    },
    discountCodeDeactivate: ({ id }: Args) => discountPayload(s.deactivate(id)),
    discountCodeDelete: ({ id }: Args) => {
      const r = s.deleteDiscount(id);
      return { deletedCodeDiscountId: r.deletedId ?? null, userErrors: r.userErrors };
    },
    discountRedeemCodeBulkAdd: ({ discountId, codes }: Args) => {
      const r = s.bulkAdd(discountId, codes);
      return {
        bulkCreation: r.bulk ? { id: r.bulk.id, done: false, codesCount: r.bulk.codes.length, importedCount: 0, failedCount: 0 } : null,
        userErrors: r.userErrors,
      };
    },
    discountCodeRedeemCodeBulkDelete: ({ discountId, ids }: Args) => {
      const r = s.bulkDeleteCodes(discountId, ids);
      return { job: r.job ?? null, userErrors: r.userErrors };
    },
    storeCreditAccountCredit: ({ id, creditInput }: Args) => {
      const r = s.storeCredit("credit", id, creditInput.creditAmount, creditInput.expiresAt ?? null);
      return { storeCreditAccountTransaction: r.transaction ? transactionView(r.transaction) : null, userErrors: r.userErrors };
    },
    storeCreditAccountDebit: ({ id, debitInput }: Args) => {
      const r = s.storeCredit("debit", id, debitInput.debitAmount, null);
      return { storeCreditAccountTransaction: r.transaction ? transactionView(r.transaction) : null, userErrors: r.userErrors };
    },
    bulkOperationRunQuery: ({ query }: Args) => {
      const run = runBulkQuery(query, () => rootValue(s, []));
      if ("error" in run) return { bulkOperation: null, userErrors: [{ field: ["query"], code: "INVALID", message: run.error }] };
      const r = s.startBulkQuery(query, run.lines, s.bulkPolls);
      return { bulkOperation: r.operation ? bulkView(r.operation) : null, userErrors: r.userErrors };
    },
    flowTriggerReceive: ({ handle, payload }: Args) => s.flowTriggerReceive(handle, payload),
    metafieldsSet: ({ metafields }: Args) => {
      const r = s.metafieldsSet(metafields);
      return { metafields: r.metafields?.map((m) => metafieldView(m.ownerId, m.namespace, m.key)) ?? null, userErrors: r.userErrors };
    },
  };
}

/** Where the fake serves a finished bulk operation's JSONL (see msw.ts). */
export const BULK_RESULT_HOST = "https://storage.fake-shopify.test";
export function bulkResultUrl(shop: string, id: string) {
  return `${BULK_RESULT_HOST}/bulk/${shop}/${id.split("/").pop()}.jsonl`;
}

/**
 * Runs a bulk query against the fake's own data, as Shopify does: the query
 * must be valid and start with a connection; each node becomes one JSONL line
 * (nested connections are not flattened: the app does not ask for them).
 */
function runBulkQuery(query: string, root: () => object): { lines: string[] } | { error: string } {
  let document;
  try {
    document = parse(query);
  } catch (e) {
    return { error: `Invalid bulk query: ${(e as Error).message}` };
  }
  const errors = validate(adminSchema(), document);
  if (errors.length) return { error: `Invalid bulk query: ${errors[0].message}` };
  const result = executeSync({ schema: adminSchema(), document, rootValue: root() });
  if (result.errors?.length) return { error: result.errors[0].message };
  const top = Object.values(result.data ?? {})[0] as { edges?: { node: unknown }[]; nodes?: unknown[] } | null;
  const nodes = top?.edges?.map((e) => e.node) ?? top?.nodes;
  if (!nodes) return { error: "Bulk queries must contain at least one connection." };
  return { lines: nodes.map((n) => JSON.stringify(n)) };
}

const idNum = (id: string) => Number(id.split("/").pop());

/** Relay connection over an in-memory list; cursors are opaque offsets. */
export function connection<T>(items: T[], { first, after, last, before }: Args) {
  let start = after ? decode(after) + 1 : 0;
  let end = before ? decode(before) : items.length;
  if (first != null) end = Math.min(end, start + first);
  if (last != null) start = Math.max(start, end - last);
  const slice = items.slice(start, end);
  const edges = slice.map((node, i) => ({ node, cursor: encode(start + i) }));
  return {
    edges,
    nodes: slice,
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

const encode = (i: number) => Buffer.from(`cursor:${i}`).toString("base64");
const decode = (c: string) => Number(Buffer.from(c, "base64").toString().split(":")[1]);
