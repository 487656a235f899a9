// What the settings page says about the friend discount's checks at checkout
// (docs/decisions/0008): whether the app's discount function checks referral
// codes, and if not, why, in the merchant's words.
import type { Messages } from "~/i18n/en";

export interface CheckoutChecks {
  on: boolean;
  message: string;
}

export function checkoutChecks(
  program: { friendDiscountMode: string; friendDiscountModeReason: string | null; friendDiscountModeDetail: string | null },
  t: Messages,
): CheckoutChecks {
  const c = t.settings.checkout;
  const detail = program.friendDiscountModeDetail ?? "";
  if (program.friendDiscountMode === "FUNCTION") {
    return { on: true, message: program.friendDiscountModeReason === "CHECK_REFUSED" ? c.CHECK_REFUSED(detail) : c.FUNCTION };
  }
  return { on: false, message: program.friendDiscountModeReason === "FUNCTION_REFUSED" ? c.FUNCTION_REFUSED(detail) : c.FUNCTION_NOT_DEPLOYED };
}
