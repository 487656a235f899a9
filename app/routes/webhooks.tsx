// The one endpoint every webhook subscription in shopify.app.toml posts to.
// It only authenticates and stores the delivery, then answers 200 at once:
// Shopify gives up on a delivery that takes more than a few seconds, so all the
// work (and every Admin API call) happens later in the worker.
import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { env } from "../env.server";
import { storeDelivery } from "../jobs/inbox.server";
import { nudgeWorker } from "../jobs/nudge.server";
import { checkWebhookPayload } from "../jobs/webhook-payloads";
import {
  BodyTooLarge,
  isValidShopifyHmac,
  readBodyWithLimit,
  readWebhookHeaders,
} from "../jobs/verify-webhook.server";

const methodNotAllowed = () => new Response(null, { status: 405, headers: { Allow: "POST" } });

export const loader = () => methodNotAllowed();

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return methodNotAllowed();

  let rawBody: Buffer;
  try {
    rawBody = await readBodyWithLimit(request);
  } catch (error) {
    if (error instanceof BodyTooLarge) return new Response(null, { status: 413 });
    throw error;
  }
  // Nothing unauthenticated reaches the database.
  if (!isValidShopifyHmac(rawBody, request.headers.get("x-shopify-hmac-sha256"), env().SHOPIFY_API_SECRET)) {
    return new Response(null, { status: 401 });
  }
  const headers = readWebhookHeaders(request.headers);
  if (!headers.ok) return new Response(`Missing or invalid headers: ${headers.missing.join(", ")}`, { status: 400 });

  const payload = rawBody.toString("utf8");
  const check = checkWebhookPayload(headers.value.topic, payload);
  const stored = await storeDelivery(db, {
    ...headers.value,
    payload,
    invalidReason: check.ok ? undefined : check.reason,
  });
  if (!check.ok) {
    // Retrying cannot fix it, so Shopify gets its 200; the reason is on the row.
    console.warn(`[webhooks] ${headers.value.topic} ${headers.value.webhookId} stored INVALID: ${check.reason}`);
  }
  if (stored === "stored" && check.ok) nudgeWorker();
  return new Response(null, { status: 200 });
};
