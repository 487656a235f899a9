// The two ways a Shopify Admin call fails, as the rest of the app sees them.

export interface ShopifyUserErrorEntry {
  field: string[] | null;
  code: string | null;
  message: string;
}

/**
 * Shopify refused a mutation's input (non-empty `userErrors`). The messages
 * are Shopify's own and readable by a merchant ("Code must be unique...").
 * Retrying the same input cannot help.
 */
export class ShopifyUserError extends Error {
  readonly name = "ShopifyUserError";
  constructor(
    readonly operation: string,
    readonly userErrors: ShopifyUserErrorEntry[],
  ) {
    super(userErrors.map((e) => e.message).join(" "));
  }
}

export type ShopifyFailureKind =
  /** HTTP 200 with errors[].extensions.code THROTTLED: not executed. */
  | "throttled"
  /** HTTP 429: not executed. */
  | "rate-limited"
  /** HTTP 5xx: may or may not have been executed. */
  | "server"
  /** Connection failure or timeout: may or may not have been executed. */
  | "network"
  /** Anything retrying cannot fix: GraphQL errors, 401/403/404, ... */
  | "fatal";

/** The call failed for a reason other than userErrors (after any retries). */
export class ShopifyApiError extends Error {
  readonly name = "ShopifyApiError";
  constructor(
    message: string,
    readonly details: {
      operation: string;
      kind: ShopifyFailureKind;
      /** Worth trying again later (e.g. from a job queue). */
      retryable: boolean;
      /** A mutation may have been applied although it failed. */
      ambiguous: boolean;
      attempts: number;
      status?: number;
      graphQLErrors?: { message: string; extensions?: Record<string, unknown> }[];
    },
  ) {
    super(message);
  }
  get retryable() {
    return this.details.retryable;
  }
  get kind() {
    return this.details.kind;
  }
}
