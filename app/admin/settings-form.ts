// Between the settings form (strings) and the program settings schema, and
// from Shopify's userErrors back to the form's fields. Shared by the route's
// action and its tests; no server-only imports.
import type { FieldErrors, ProgramSettings, ProgramSettingsInput } from "~/referrals/program-settings";

type Key = keyof ProgramSettings;
const BOOLEANS: Key[] = ["enabled", "firstOrderOnly", "combinesWithProduct", "combinesWithOrder", "combinesWithShipping", "leakAutoRotate"];
const OPTIONAL: Key[] = ["rewardExpiryDays", "minimumOrderAmount", "maxRewardsPerReferrer"];
const TEXTS: Key[] = [
  "friendOfferKind",
  "friendOfferValue",
  "rewardKind",
  "rewardValue",
  "holdDays",
  "codePrefix",
  "terms",
  "shareMessage",
  "emailSenderName",
  "emailReplyTo",
  "emailLogoUrl",
  "emailAccentColor",
  "rewardReminderDays",
  "leakMinOrders",
  "leakThresholdPercent",
  "leakGraceDays",
  "friendCodeMode",
  "friendCodesPerDay",
  "friendCodeDays",
];
export const SETTINGS_FIELDS: Key[] = [...BOOLEANS, ...OPTIONAL, ...TEXTS];

/** The form's values as the schema's input: "true"/"false" booleans, empty optional fields as null. */
export function settingsFromForm(form: FormData): ProgramSettingsInput {
  const input: Record<string, unknown> = {};
  for (const key of BOOLEANS) input[key] = form.get(key) === "true";
  for (const key of OPTIONAL) {
    const value = String(form.get(key) ?? "").trim();
    input[key] = value === "" ? null : value;
  }
  for (const key of TEXTS) {
    const value = form.get(key);
    if (value !== null) input[key] = String(value);
  }
  return input as ProgramSettingsInput;
}

/** The stored settings as form strings. */
export function formValues(settings: ProgramSettings): Record<Key, string> {
  const values = {} as Record<Key, string>;
  for (const key of SETTINGS_FIELDS) {
    const v = settings[key];
    values[key] = v === null || v === undefined ? "" : String(v);
  }
  return values;
}

export interface UserErrorLike {
  field: string[] | null;
  message: string;
}

/**
 * Shopify's userErrors on the field of our form they concern. Shopify's messages
 * name its own fields ("Minimum subtotal must be..."), which merchants know from
 * the Discounts page; the prefix says which of our settings it is about.
 */
export function fieldErrorsFromShopify(userErrors: UserErrorLike[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const e of userErrors) {
    const path = (e.field ?? []).join(".");
    let key: keyof FieldErrors = "form";
    if (/minimumRequirement/.test(path)) key = "minimumOrderAmount";
    else if (/customerGets|value|percentage|amount/.test(path)) key = "friendOfferValue";
    else if (/\bcode\b/.test(path)) key = "codePrefix";
    else if (/combinesWith/.test(path)) key = "combinesWithOrder";
    errors[key] = errors[key] ? `${errors[key]} ${e.message}` : `Shopify: ${e.message}`;
  }
  return errors;
}
