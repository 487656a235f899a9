// The webhook inbox: one row per delivery, written before Shopify gets its 200,
// so nothing is lost if the process dies before the worker gets to it.
import type { Db } from "../db.server";
import { INVALID, isUniqueViolation, PENDING } from "./queue.server";
import type { WebhookHeaders } from "./verify-webhook.server";

export interface DeliveryToStore extends WebhookHeaders {
  payload: string;
  /** Set when the payload cannot be processed: stored INVALID with this reason, never run. */
  invalidReason?: string;
}

/** "duplicate" when this (shop, webhookId) was already stored: Shopify delivers at least once. */
export async function storeDelivery(db: Db, delivery: DeliveryToStore): Promise<"stored" | "duplicate"> {
  try {
    await db.webhookDelivery.create({
      data: {
        shop: delivery.shop,
        webhookId: delivery.webhookId,
        topic: delivery.topic,
        apiVersion: delivery.apiVersion,
        triggeredAt: delivery.triggeredAt,
        payload: delivery.payload,
        status: delivery.invalidReason ? INVALID : PENDING,
        lastError: delivery.invalidReason ?? null,
      },
    });
    return "stored";
  } catch (error) {
    if (isUniqueViolation(error)) return "duplicate";
    throw error;
  }
}
