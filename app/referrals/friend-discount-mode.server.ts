// Which friend discount the program can have: the app's discount function's
// when the function is deployed to the shop (`shopify app deploy` released it),
// Shopify's basic discount otherwise. Asked on every save of the settings, so
// deploying the function and saving once switches the program over.
import type { AdminClient } from "~/shopify/admin-client.server";
import { APP_DISCOUNT_FUNCTIONS } from "~/shopify/documents";
import { FUNCTION_HANDLE, type FriendDiscountMode } from "./friend-discount.server";

/**
 * Why a program is in its mode, for the admin to tell the merchant:
 * FUNCTION_NOT_DEPLOYED / FUNCTION_REFUSED (BASIC), CHECK_REFUSED (FUNCTION,
 * but Shopify would not create the referral check), null (FUNCTION, all well).
 */
export type ModeReason = "FUNCTION_NOT_DEPLOYED" | "FUNCTION_REFUSED" | "CHECK_REFUSED";

export interface ModeDecision {
  mode: FriendDiscountMode;
  reason: ModeReason | null;
  /** Shopify's own message when it refused. */
  detail: string | null;
}

export async function friendDiscountModeFor(admin: AdminClient): Promise<ModeDecision> {
  const data = await admin.query(APP_DISCOUNT_FUNCTIONS);
  const deployed = data.shopifyFunctions.nodes.some((f) => f.handle === FUNCTION_HANDLE);
  return deployed ? { mode: "FUNCTION", reason: null, detail: null } : { mode: "BASIC", reason: "FUNCTION_NOT_DEPLOYED", detail: null };
}
