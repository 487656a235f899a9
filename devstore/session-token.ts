// Session tokens as the Shopify admin issues them to an embedded app (App
// Bridge's idToken()): an HS256 JWT signed with the app secret, for one shop
// and one staff member, valid for a minute.
import { createHmac, randomUUID } from "node:crypto";

export interface SessionTokenInput {
  shop: string;
  apiKey: string;
  secret: string;
  /** The staff member's user id. */
  user?: string;
  ttlSeconds?: number;
  now?: number;
}

export function sessionToken({ shop, apiKey, secret, user = "1", ttlSeconds = 60, now = Date.now() }: SessionTokenInput): string {
  const seconds = Math.floor(now / 1000);
  const payload = {
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: apiKey,
    sub: user,
    exp: seconds + ttlSeconds,
    nbf: seconds - 5,
    iat: seconds,
    jti: randomUUID(),
    sid: randomUUID(),
  };
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const body = `${part({ alg: "HS256", typ: "JWT" })}.${part(payload)}`;
  return `${body}.${createHmac("sha256", secret).update(body).digest("base64url")}`;
}

/** The admin's `host` parameter: base64url of "<shop>/admin". */
export function hostParam(shop: string): string {
  return Buffer.from(`${shop}/admin`).toString("base64url");
}
