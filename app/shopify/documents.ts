// Every Admin GraphQL document the app sends, checked against the 2026-10
// schema by tests/shopify/documents.test.ts and typed by codegen
// (`npm run codegen` -> app/types/admin.generated.d.ts). Keep each a plain
// #graphql-tagged template literal with no interpolation: codegen keys the types
// on the exact string, and the fake Shopify routes faults by operation name.
//
// 2026-10 shapes worth knowing (they differ from older examples):
// - who may use a discount is `context: { all: ALL } | { customers: { add } }`
//   (`customerSelection` is deprecated); DiscountContextInput is @oneOf.
// - `Customer.email` is deprecated: read `defaultEmailAddress { emailAddress }`.
// - `Order.discountCodes` is `[String!]!`; the `discount_code:` search filter
//   only matches the FIRST code used on an order.
// - store credit mutations take `id`: a customer gid or a StoreCreditAccount gid.

export const SHOP_INFO = `#graphql
  query ShopInfo {
    shop {
      id
      name
      currencyCode
      myshopifyDomain
      ianaTimezone
      email
      primaryDomain {
        url
      }
    }
  }
`;

// The shop's primary language (read_locales): the language of an email whose
// recipient's is unknown. Asked separately, so a shop that has not granted the
// scope yet loses only this (emails fall back to English).
export const SHOP_LOCALES = `#graphql
  query ShopLocales {
    shopLocales(published: true) {
      locale
      primary
    }
  }
`;

// The friend offer: ONE discount holding every referrer's code
// (codes are added with discountRedeemCodeBulkAdd). Percentage or fixed amount.
export const FRIEND_OFFER_CREATE = `#graphql
  mutation FriendOfferCreate($discount: DiscountCodeBasicInput!) {
    discountCodeBasicCreate(basicCodeDiscount: $discount) {
      codeDiscountNode {
        id
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`;

export const FRIEND_OFFER_UPDATE = `#graphql
  mutation FriendOfferUpdate($id: ID!, $discount: DiscountCodeBasicInput!) {
    discountCodeBasicUpdate(id: $id, basicCodeDiscount: $discount) {
      codeDiscountNode {
        id
        codeDiscount {
          ... on DiscountCodeBasic {
            title
            status
            startsAt
            endsAt
          }
        }
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`;

export const FREE_SHIPPING_OFFER_CREATE = `#graphql
  mutation FreeShippingOfferCreate($discount: DiscountCodeFreeShippingInput!) {
    discountCodeFreeShippingCreate(freeShippingCodeDiscount: $discount) {
      codeDiscountNode {
        id
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`;

export const FREE_SHIPPING_OFFER_UPDATE = `#graphql
  mutation FreeShippingOfferUpdate($id: ID!, $discount: DiscountCodeFreeShippingInput!) {
    discountCodeFreeShippingUpdate(id: $id, freeShippingCodeDiscount: $discount) {
      codeDiscountNode {
        id
        codeDiscount {
          ... on DiscountCodeFreeShipping {
            title
            status
            startsAt
            endsAt
          }
        }
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`;

// Retiring the friend discount replaced by a switch of the offer's type: deleting
// it frees every code it holds at once, so they can be added to the new one.
// The friend offer checked at checkout by the app's discount function
// (extensions/referral-discount): a code discount of the function, holding the
// same referrer codes, its configuration in a metafield (docs/decisions/0008).
export const FRIEND_FUNCTION_OFFER_CREATE = `#graphql
  mutation FriendFunctionOfferCreate($discount: DiscountCodeAppInput!) {
    discountCodeAppCreate(codeAppDiscount: $discount) {
      codeAppDiscount {
        discountId
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`;

export const FRIEND_FUNCTION_OFFER_UPDATE = `#graphql
  mutation FriendFunctionOfferUpdate($id: ID!, $discount: DiscountCodeAppInput!) {
    discountCodeAppUpdate(id: $id, codeAppDiscount: $discount) {
      codeAppDiscount {
        discountId
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`;

// The referral check: an automatic discount of the same function that gives
// nothing and rejects, with the reason, a referral code the buyer may not use
// (only functions of automatic discounts may reject codes).
export const REFERRAL_CHECK_CREATE = `#graphql
  mutation ReferralCheckCreate($discount: DiscountAutomaticAppInput!) {
    discountAutomaticAppCreate(automaticAppDiscount: $discount) {
      automaticAppDiscount {
        discountId
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`;

export const REFERRAL_CHECK_UPDATE = `#graphql
  mutation ReferralCheckUpdate($id: ID!, $discount: DiscountAutomaticAppInput!) {
    discountAutomaticAppUpdate(id: $id, automaticAppDiscount: $discount) {
      automaticAppDiscount {
        discountId
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`;

export const REFERRAL_CHECK_DELETE = `#graphql
  mutation ReferralCheckDelete($id: ID!) {
    discountAutomaticDelete(id: $id) {
      deletedAutomaticDiscountId
      userErrors {
        field
        code
        message
      }
    }
  }
`;

// Finds the referral check by its title (unique per program) after an ambiguous create.
export const REFERRAL_CHECK_BY_TITLE = `#graphql
  query ReferralCheckByTitle($query: String!) {
    discountNodes(first: 5, query: $query) {
      nodes {
        id
        discount {
          __typename
          ... on DiscountAutomaticApp {
            title
          }
        }
      }
    }
  }
`;

export const REFERRAL_CHECK_BY_ID = `#graphql
  query ReferralCheckById($id: ID!) {
    automaticDiscountNode(id: $id) {
      id
    }
  }
`;

// Whether the app's discount function is deployed to this shop: the functions
// the app has released (shopify app deploy) are listed here.
export const APP_DISCOUNT_FUNCTIONS = `#graphql
  query AppDiscountFunctions {
    shopifyFunctions(first: 50) {
      nodes {
        id
        handle
        apiType
      }
    }
  }
`;

export const FRIEND_OFFER_DELETE = `#graphql
  mutation FriendOfferDelete($id: ID!) {
    discountCodeDelete(id: $id) {
      deletedCodeDiscountId
      userErrors {
        field
        code
        message
      }
    }
  }
`;

// At most 100 codes a call; asynchronous: poll REDEEM_CODE_BULK_CREATION.
export const REDEEM_CODES_ADD = `#graphql
  mutation RedeemCodesAdd($discountId: ID!, $codes: [DiscountRedeemCodeInput!]!) {
    discountRedeemCodeBulkAdd(discountId: $discountId, codes: $codes) {
      bulkCreation {
        id
        done
        codesCount
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`;

// Polling for the end of an import costs 1 point this way; reading its codes
// costs 4 points a code (403 for a batch of 100), so they are only read when
// some failed. With the codes in every poll, inviting 100,000 customers needed
// 415,000 points: 69 minutes of the Standard plan's bucket instead of about 2.
export const REDEEM_CODE_BULK_PROGRESS = `#graphql
  query RedeemCodeBulkProgress($id: ID!) {
    discountRedeemCodeBulkCreation(id: $id) {
      id
      done
      codesCount
      importedCount
      failedCount
    }
  }
`;

export const REDEEM_CODE_BULK_CREATION = `#graphql
  query RedeemCodeBulkCreation($id: ID!, $first: Int!, $after: String) {
    discountRedeemCodeBulkCreation(id: $id) {
      id
      done
      codesCount
      importedCount
      failedCount
      codes(first: $first, after: $after) {
        nodes {
          code
          discountRedeemCode {
            id
          }
          errors {
            field
            code
            message
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;

// A code's DiscountRedeemCode id on the friend discount (the codes connection
// searches the code text; the caller keeps the exact match only).
export const REDEEM_CODE_LOOKUP = `#graphql
  query RedeemCodeLookup($id: ID!, $query: String!) {
    codeDiscountNode(id: $id) {
      id
      codeDiscount {
        __typename
        ... on DiscountCodeBasic {
          codes(first: 10, query: $query) {
            nodes {
              id
              code
            }
          }
        }
        ... on DiscountCodeFreeShipping {
          codes(first: 10, query: $query) {
            nodes {
              id
              code
            }
          }
        }
        ... on DiscountCodeApp {
          codes(first: 10, query: $query) {
            nodes {
              id
              code
            }
          }
        }
      }
    }
  }
`;

// Removes codes from a discount (disabled or erased referrers); asynchronous: poll JOB_STATUS.
export const REDEEM_CODES_DELETE = `#graphql
  mutation RedeemCodesDelete($discountId: ID!, $ids: [ID!]!) {
    discountCodeRedeemCodeBulkDelete(discountId: $discountId, ids: $ids) {
      job {
        id
        done
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`;

export const JOB_STATUS = `#graphql
  query JobStatus($id: ID!) {
    job(id: $id) {
      id
      done
    }
  }
`;

// Which discount a code belongs to (e.g. to check a referrer's code is ours).
export const DISCOUNT_BY_CODE = `#graphql
  query DiscountByCode($code: String!) {
    codeDiscountNodeByCode(code: $code) {
      id
      codeDiscount {
        __typename
        ... on DiscountCodeBasic {
          title
          status
          usageLimit
          asyncUsageCount
        }
        ... on DiscountCodeFreeShipping {
          title
          status
          usageLimit
          asyncUsageCount
        }
        ... on DiscountCodeApp {
          title
          status
          usageLimit
          asyncUsageCount
        }
      }
    }
  }
`;

export const DISCOUNT_BY_ID = `#graphql
  query DiscountById($id: ID!) {
    codeDiscountNode(id: $id) {
      id
      codeDiscount {
        __typename
        ... on DiscountCodeBasic {
          title
          status
          startsAt
          endsAt
          usageLimit
          asyncUsageCount
          codesCount {
            count
          }
        }
        ... on DiscountCodeFreeShipping {
          title
          status
          startsAt
          endsAt
          usageLimit
          asyncUsageCount
          codesCount {
            count
          }
        }
        ... on DiscountCodeApp {
          title
          status
          startsAt
          endsAt
          usageLimit
          asyncUsageCount
          codesCount {
            count
          }
        }
      }
    }
  }
`;

// Revoking a reward code before it is used.
export const DISCOUNT_DEACTIVATE = `#graphql
  mutation DiscountDeactivate($id: ID!) {
    discountCodeDeactivate(id: $id) {
      codeDiscountNode {
        id
        codeDiscount {
          ... on DiscountCodeBasic {
            status
            endsAt
          }
        }
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`;

// A referrer's reward as a discount: single use, only for that customer
// (variables: context { customers { add: [customerGid] } }, usageLimit 1,
// appliesOncePerCustomer true). Own operation name so its verify lookup
// (DISCOUNT_BY_CODE on the unique code) and faults are separate.
export const REWARD_CODE_CREATE = `#graphql
  mutation RewardCodeCreate($discount: DiscountCodeBasicInput!) {
    discountCodeBasicCreate(basicCodeDiscount: $discount) {
      codeDiscountNode {
        id
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`;

// `id`: a customer gid (account in that currency is created on first credit)
// or a StoreCreditAccount gid.
export const STORE_CREDIT_CREDIT = `#graphql
  mutation StoreCreditCredit($id: ID!, $creditInput: StoreCreditAccountCreditInput!) {
    storeCreditAccountCredit(id: $id, creditInput: $creditInput) {
      storeCreditAccountTransaction {
        id
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`;

export const STORE_CREDIT_DEBIT = `#graphql
  mutation StoreCreditDebit($id: ID!, $debitInput: StoreCreditAccountDebitInput!) {
    storeCreditAccountDebit(id: $id, debitInput: $debitInput) {
      storeCreditAccountTransaction {
        id
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`;

export const CUSTOMER_BY_ID = `#graphql
  query CustomerById($id: ID!, $accounts: Int = 5) {
    customer(id: $id) {
      id
      firstName
      lastName
      numberOfOrders
      defaultEmailAddress {
        emailAddress
      }
      storeCreditAccounts(first: $accounts) {
        nodes {
          id
          balance {
            amount
            currencyCode
          }
        }
      }
    }
  }
`;

export const CUSTOMER_BY_IDENTIFIER = `#graphql
  query CustomerByIdentifier($identifier: CustomerIdentifierInput!) {
    customerByIdentifier(identifier: $identifier) {
      id
      firstName
      lastName
      numberOfOrders
      defaultEmailAddress {
        emailAddress
      }
    }
  }
`;

// E.g. the referrer's share link on the customer, for the storefront to read.
export const METAFIELDS_SET = `#graphql
  mutation MetafieldsSet($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields {
        id
        namespace
        key
        type
        value
        compareDigest
      }
      userErrors {
        field
        code
        message
        elementIndex
      }
    }
  }
`;

// Reconciliation: orders updated since the last run, e.g.
// query: "updated_at:>'2026-11-01T00:00:00Z' discount_code:FRIEND-ANNA".
export const ORDERS_FOR_RECONCILIATION = `#graphql
  query OrdersForReconciliation($first: Int!, $after: String, $query: String) {
    orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes {
        id
        name
        createdAt
        updatedAt
        cancelledAt
        test
        displayFinancialStatus
        discountCodes
        customAttributes {
          key
          value
        }
        customer {
          id
        }
        email
        clientIp
        currencyCode
        presentmentCurrencyCode
        subtotalPriceSet {
          shopMoney {
            amount
            currencyCode
          }
        }
        totalPriceSet {
          shopMoney {
            amount
            currencyCode
          }
        }
        currentSubtotalPriceSet {
          shopMoney {
            amount
            currencyCode
          }
        }
        totalRefundedSet {
          shopMoney {
            amount
            currencyCode
          }
        }
        shippingAddress {
          address1
          address2
          city
          zip
          countryCodeV2
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

// Reconciliation: the refunds of one order that has some (its list query says
// how much was refunded, not which refunds), read as refunds/create carries
// them: refunded merchandise, or the refund transactions of a refund without
// line items. Keyed by the same Refund gid as the webhook, so a refund both
// paths see counts once.
export const ORDER_REFUNDS = `#graphql
  query OrderRefunds($id: ID!) {
    order(id: $id) {
      id
      refunds(first: 20) {
        id
        createdAt
        refundLineItems(first: 25) {
          nodes {
            subtotalSet {
              shopMoney {
                amount
                currencyCode
              }
            }
          }
        }
        transactions(first: 5) {
          nodes {
            kind
            status
            amountSet {
              shopMoney {
                amount
                currencyCode
              }
            }
          }
        }
      }
    }
  }
`;

// Inviting existing customers: a bulk query exports them as JSONL. The inner
// query is built at run time (customer-export.ts) and passed as a variable.
export const BULK_QUERY_RUN = `#graphql
  mutation BulkQueryRun($query: String!) {
    bulkOperationRunQuery(query: $query) {
      bulkOperation {
        id
        status
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`;

export const BULK_OPERATION = `#graphql
  query BulkOperationStatus($id: ID!) {
    bulkOperation(id: $id) {
      id
      status
      errorCode
      objectCount
      url
      partialDataUrl
      completedAt
    }
  }
`;

// After an ambiguous failure of BulkQueryRun: did Shopify start our operation?
// (`currentBulkOperation` is deprecated in 2026-10 in favour of this.)
export const RECENT_BULK_OPERATIONS = `#graphql
  query RecentBulkOperations {
    bulkOperations(first: 5, sortKey: CREATED_AT, reverse: true, query: "operation_type:query") {
      nodes {
        id
        status
        query
        createdAt
      }
    }
  }
`;

// The customer's store credit accounts and their latest transactions: finding a
// credit or debit an earlier, interrupted attempt made.
export const STORE_CREDIT_TRANSACTIONS = `#graphql
  query StoreCreditTransactions($id: ID!) {
    customer(id: $id) {
      storeCreditAccounts(first: 10) {
        nodes {
          id
          balance {
            amount
            currencyCode
          }
          transactions(first: 25, reverse: true) {
            nodes {
              __typename
              amount {
                amount
                currencyCode
              }
              createdAt
              ... on StoreCreditAccountCreditTransaction {
                id
              }
              ... on StoreCreditAccountDebitTransaction {
                id
                event
              }
            }
          }
        }
      }
    }
  }
`;

// Did a customer (or an email, for guest checkouts) order before?
export const CUSTOMER_EARLIER_ORDERS = `#graphql
  query CustomerEarlierOrders($query: String!) {
    orders(first: 2, query: $query) {
      nodes {
        id
      }
    }
  }
`;

// The email a customer has proved (verifiedEmail), for claiming a guest enrolment.
export const CUSTOMER_SIGN_IN_EMAIL = `#graphql
  query CustomerSignInEmail($id: ID!) {
    customer(id: $id) {
      id
      firstName
      lastName
      locale
      verifiedEmail
      defaultEmailAddress {
        emailAddress
      }
    }
  }
`;

// A checkout or customer account extension names an order: whose it is (the
// customer, or the email of a guest checkout), and what the referral program
// needs to thank a referred buyer (the codes and cart attribute that refer it,
// what its discounts saved).
export const EXTENSION_ORDER = `#graphql
  query ExtensionOrder($id: ID!) {
    order(id: $id) {
      id
      createdAt
      email
      customer {
        id
      }
      discountCodes
      customAttributes {
        key
        value
      }
      totalDiscountsSet {
        presentmentMoney {
          amount
          currencyCode
        }
      }
    }
  }
`;

// The dashboard's share of the shop's orders: the shop's orders created in a
// span of days, oldest first, with what decides whether and how much they count
// (app/admin/shop-totals.server.ts). query: "created_at:>='…' created_at:<'…'".
// Its requested cost at 100 a page is 402 points (4 an order), well under the 1,000-point limit.
export const SHOP_ORDER_TOTALS = `#graphql
  query ShopOrderTotals($first: Int!, $after: String, $query: String) {
    orders(first: $first, after: $after, query: $query, sortKey: CREATED_AT) {
      nodes {
        createdAt
        test
        cancelledAt
        displayFinancialStatus
        currentTotalPriceSet {
          shopMoney {
            amount
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

// The live theme's app embed and app block (optional scope read_themes):
// settings_data.json says which app embeds are on, the JSON templates and
// section groups say where app blocks are placed. Paged: a theme may have more
// JSON files than a page holds (and Shopify may return fewer to stay within its
// payload limit).
export const THEME_SETUP = `#graphql
  query ThemeSetup($after: String) {
    themes(roles: [MAIN], first: 1) {
      nodes {
        id
        name
        files(filenames: ["config/settings_data.json", "templates/*.json", "sections/*.json"], first: 50, after: $after) {
          nodes {
            filename
            body {
              ... on OnlineStoreThemeFileBodyText {
                content
              }
            }
          }
          pageInfo {
            hasNextPage
            endCursor
          }
        }
      }
    }
  }
`;

// Starts the workflows of a Shopify Flow trigger (extensions/flow-*): `handle`
// is the extension's, `payload` holds its fields by key (a reference field's key
// is customer_id, ...). Shopify refuses an unknown handle or a payload over 50 KB
// with userErrors. app/integrations/flow/sink.server.ts sends it.
export const FLOW_TRIGGER_RECEIVE = `#graphql
  mutation FlowTriggerReceive($handle: String!, $payload: JSON!) {
    flowTriggerReceive(handle: $handle, payload: $payload) {
      userErrors {
        field
        message
      }
    }
  }
`;

// A free-product milestone's product (app/referrals/milestones.server.ts), by
// the handle or the id the merchant typed on the Settings page: null when the
// shop has none. Needs read_products, an optional scope the page asks for.
export const PRODUCT_BY_IDENTIFIER = `#graphql
  query ProductByIdentifier($identifier: ProductIdentifierInput!) {
    productByIdentifier(identifier: $identifier) {
      id
      title
      handle
      status
    }
  }
`;
