// Receiving a webhook delivery: authenticate it and store it in the inbox, then
// answer 200 at once. Shopify gives up on a delivery that takes more than a few
// seconds, so all the work (and every Admin API call) happens later in the worker.
// Framework-free: the Remix route (app/routes/webhooks.tsx) and the server's
// direct mount of /webhooks (server.ts, which skips Remix's request pipeline on
// this hot path) both call it.
import type { Db } from "../db.server";
import { storeDelivery } from "./inbox.server";
import { nudgeWorker } from "./nudge.server";
import { checkWebhookPayload } from "./webhook-payloads";
import { BodyTooLarge, isValidShopifyHmac, readBodyWithLimit, readWebhookHeaders } from "./verify-webhook.server";

const methodNotAllowed = () => new Response(null, { status: 405, headers: { Allow: "POST" } });

export async function receiveWebhook(request: Request, { db, secret }: { db: Db; secret: string }): Promise<Response> {
  if (request.method !== "POST") return methodNotAllowed();

  let rawBody: Buffer;
  try {
    rawBody = await readBodyWithLimit(request);
  } catch (error) {
    if (error instanceof BodyTooLarge) return new Response(null, { status: 413 });
    throw error;
  }
  // Nothing unauthenticated reaches the database.
  if (!isValidShopifyHmac(rawBody, request.headers.get("x-shopify-hmac-sha256"), secret)) {
    return new Response(null, { status: 401 });
  }
  const headers = readWebhookHeaders(request.headers);
  if (!headers.ok) return new Response(`Missing or invalid headers: ${headers.missing.join(", ")}`, { status: 400 });

  const text = rawBody.toString("utf8");
  const check = checkWebhookPayload(headers.value.topic, text);
  // A raw NUL is never valid JSON, so it only reaches an INVALID row; PostgreSQL
  // text cannot hold one (SQLite can), so the stored copy shows U+FFFD instead.
  const inert = (s: string) => (check.ok ? s : s.replaceAll("\0", "\uFFFD"));
  const payload = inert(text);
  const stored = await storeDelivery(db, {
    ...headers.value,
    payload,
    invalidReason: check.ok ? undefined : inert(check.reason),
  });
  if (!check.ok) {
    // Retrying cannot fix it, so Shopify gets its 200; the reason is on the row.
    console.warn(`[webhooks] ${headers.value.topic} ${headers.value.webhookId} stored INVALID: ${check.reason}`);
  }
  if (stored === "stored" && check.ok) nudgeWorker();
  return new Response(null, { status: 200 });
}

export { methodNotAllowed };
