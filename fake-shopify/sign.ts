// How Shopify signs what it sends an app, in one place: the stand-in signs,
// the app (app/) verifies with its own code. Used by the tests, the dev store,
// the benchmarks and the soak.
//
// - webhooks: X-Shopify-Hmac-Sha256 is the base64 HMAC-SHA256 of the raw body
//   with the app secret;
// - the embedded admin's session token (App Bridge's idToken()): an HS256 JWT
//   signed with the app secret, for one shop and one staff member;
// - app proxy requests: `signature` is the hex HMAC-SHA256 of the query's
//   "key=value" pairs sorted by key and joined with nothing (a repeated key's
//   values joined with ","), `signature` itself left out.
import { createHmac, randomUUID } from "node:crypto";
import { ADMIN_API_VERSION } from "~/shopify/api-version";

// ---- webhooks -----------------------------------------------------------------

/** X-Shopify-Hmac-Sha256 for a webhook body: base64 HMAC-SHA256 of the raw bytes. */
export function signWebhookBody(body: string | Uint8Array, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("base64");
}

export interface WebhookHeadersInput {
  topic: string;
  shop: string;
  /** The raw body, signed here with `secret`... */
  body?: string | Uint8Array;
  secret?: string;
  /** ... or its signature, computed beforehand (signWebhookBody). */
  signature?: string;
  webhookId?: string;
  /** X-Shopify-Event-Id; a fresh one by default. */
  eventId?: string;
  /** X-Shopify-API-Version; the app's by default. */
  apiVersion?: string;
}

/** The headers of a webhook delivery as Shopify sends it: JSON, signed, and the X-Shopify-* facts. */
export function webhookHeaders(input: WebhookHeadersInput): Record<string, string> {
  let signature = input.signature;
  if (signature === undefined) {
    if (input.body === undefined || input.secret === undefined) throw new Error("webhookHeaders needs a signature, or the body and the secret to sign it");
    signature = signWebhookBody(input.body, input.secret);
  }
  return {
    "Content-Type": "application/json",
    "X-Shopify-Topic": input.topic,
    "X-Shopify-Hmac-Sha256": signature,
    "X-Shopify-Shop-Domain": input.shop,
    "X-Shopify-Webhook-Id": input.webhookId ?? randomUUID(),
    "X-Shopify-API-Version": input.apiVersion ?? ADMIN_API_VERSION,
    "X-Shopify-Triggered-At": new Date().toISOString(),
    "X-Shopify-Event-Id": input.eventId ?? randomUUID(),
  };
}

// ---- the embedded admin's session token ------------------------------------------

export interface SessionTokenInput {
  shop: string;
  /** The app's API key (the token's audience). */
  apiKey: string;
  secret: string;
  /** The staff member's user id (`sub`). */
  user?: string;
  ttlSeconds?: number;
  /** Milliseconds since the epoch; defaults to now. */
  now?: number;
  /** The session id (`sid`); a fresh one by default. */
  sid?: string;
}

/** The claims Shopify puts in a session token. */
export function sessionTokenClaims({ shop, apiKey, user = "1", ttlSeconds = 60, now = Date.now(), sid = randomUUID() }: Omit<SessionTokenInput, "secret">) {
  const seconds = Math.floor(now / 1000);
  return {
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: apiKey,
    sub: user,
    exp: seconds + ttlSeconds,
    nbf: seconds - 5,
    iat: seconds,
    jti: randomUUID(),
    sid,
  };
}

/** A session token as the Shopify admin issues it to an embedded app (HS256, the app secret). */
export function sessionToken(input: SessionTokenInput): string {
  return signJwt(sessionTokenClaims(input), input.secret);
}

// ---- checkout and customer account UI extensions' session token ------------------

export interface ExtensionTokenInput {
  shop: string;
  apiKey: string;
  secret: string;
  /** The buyer's customer gid (`sub`); none for a guest at checkout. */
  customerId?: string | null;
  ttlSeconds?: number;
  now?: number;
}

/**
 * The session token a checkout or customer account UI extension gets from
 * `shopify.sessionToken.get()`: HS256 with the app secret, `dest` the shop,
 * `aud` the app's API key, `sub` the signed-in customer's gid.
 */
export function extensionSessionToken({ shop, apiKey, secret, customerId = null, ttlSeconds = 300, now = Date.now() }: ExtensionTokenInput): string {
  const seconds = Math.floor(now / 1000);
  return signJwt(
    {
      iss: `https://${shop}`,
      dest: `https://${shop}`,
      aud: apiKey,
      ...(customerId ? { sub: customerId } : {}),
      exp: seconds + ttlSeconds,
      nbf: seconds - 5,
      iat: seconds,
      jti: randomUUID(),
    },
    secret,
  );
}

/** An HS256 JWT of `payload`. */
export function signJwt(payload: object, secret: string): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const body = `${part({ alg: "HS256", typ: "JWT" })}.${part(payload)}`;
  return `${body}.${createHmac("sha256", secret).update(body).digest("base64url")}`;
}

/** The admin's `host` parameter beside the token: base64url of "<shop>/admin". */
export function hostParam(shop: string): string {
  return Buffer.from(`${shop}/admin`).toString("base64url");
}

// ---- app proxy ---------------------------------------------------------------------

/** The message Shopify signs for an app proxy request: sorted "key=value" pairs, joined with nothing. */
export function appProxyMessage(params: URLSearchParams): string {
  const grouped = new Map<string, string[]>();
  for (const [key, value] of params) {
    if (key === "signature") continue;
    grouped.set(key, [...(grouped.get(key) ?? []), value]);
  }
  return [...grouped.keys()]
    .sort()
    .map((key) => `${key}=${grouped.get(key)!.join(",")}`)
    .join("");
}

/** The hex HMAC-SHA256 of an app proxy message. */
export function signAppProxyMessage(message: string, secret: string): string {
  return createHmac("sha256", secret).update(message).digest("hex");
}

/** The `signature` parameter Shopify adds to an app proxy request's query. */
export function appProxySignature(params: URLSearchParams, secret: string): string {
  return signAppProxyMessage(appProxyMessage(params), secret);
}
