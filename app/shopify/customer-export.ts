// The bulk query that exports customers for an invitation. Built at run time
// because Shopify's bulk queries take no variables: the tag goes into the
// search string, escaped for Shopify's search syntax and then for GraphQL.
// defaultEmailAddress.marketingState is the customer's email marketing consent
// (it replaces the deprecated Customer.emailMarketingConsent): only SUBSCRIBED
// customers are sent an invitation. locale: the language they shop in.
export const CUSTOMER_FIELDS = `id firstName lastName state locale defaultEmailAddress { emailAddress marketingState }`;

export function customerSearch(tag: string | null | undefined): string | null {
  const t = tag?.trim();
  if (!t) return null;
  return `tag:"${t.replace(/["\\]/g, "\\$&")}"`;
}

export function customerExportQuery(tag?: string | null): string {
  const search = customerSearch(tag);
  // JSON string escaping is valid GraphQL string escaping.
  const args = search ? `(query: ${JSON.stringify(search)})` : "";
  return `{ customers${args} { edges { node { ${CUSTOMER_FIELDS} } } } }`;
}

/** One JSONL line of the export. */
export interface ExportedCustomer {
  id: string;
  firstName?: string | null;
  lastName?: string | null;
  state?: string | null;
  locale?: string | null;
  defaultEmailAddress?: { emailAddress?: string | null; marketingState?: string | null } | null;
}
