// What a merchant can set on their program, validated field by field so a form
// can show each error on the field it belongs to. Shared by the admin and the domain.
import { z } from "zod";
import { normalisePrefix } from "./codes";

const decimalString = (what: string) =>
  z
    .union([z.string(), z.number()])
    .transform((v) => String(v).trim())
    .refine((v) => /^\d+(\.\d{1,4})?$/.test(v), `${what} must be a number like 10 or 4.99`);

export const FRIEND_OFFER_KINDS = ["PERCENTAGE", "FIXED_AMOUNT", "FREE_SHIPPING"] as const;
export const REWARD_KINDS = ["CODE_PERCENTAGE", "CODE_FIXED_AMOUNT", "STORE_CREDIT", "CASH"] as const;
export const FRIEND_CODE_MODES = ["SHARED", "SINGLE_USE"] as const;

export const programSettingsSchema = z
  .object({
    enabled: z.boolean().default(true),
    friendOfferKind: z.enum(FRIEND_OFFER_KINDS).default("PERCENTAGE"),
    friendOfferValue: decimalString("The friend's discount").default("10"),
    rewardKind: z.enum(REWARD_KINDS).default("CODE_PERCENTAGE"),
    rewardValue: decimalString("The referrer's reward").default("10"),
    rewardExpiryDays: z.coerce.number().int().min(1).max(3650).nullable().default(null),
    minimumOrderAmount: decimalString("The minimum order").nullable().default(null),
    holdDays: z.coerce.number().int("Hold period must be whole days").min(0).max(365).default(30),
    maxRewardsPerReferrer: z.coerce.number().int().min(1, "The cap must be at least 1").nullable().default(null),
    firstOrderOnly: z.boolean().default(true),
    codePrefix: z
      .string()
      .transform(normalisePrefix)
      .refine((v) => v.length >= 2, "The code prefix needs at least 2 letters or digits")
      .default("FRIEND"),
    combinesWithProduct: z.boolean().default(false),
    combinesWithOrder: z.boolean().default(false),
    combinesWithShipping: z.boolean().default(true),
    terms: z.string().max(10_000, "Terms are limited to 10,000 characters").default(""),
    shareMessage: z.string().max(500, "The share message is limited to 500 characters").default(""),
    // Emails: who they are from, where replies go, and how they look.
    emailSenderName: z
      .string()
      .trim()
      .max(80, "The sender name is limited to 80 characters")
      .refine((v) => !/[\r\n<>"]/.test(v), "The sender name cannot contain line breaks, quotes or < >")
      .default(""),
    emailReplyTo: z.string().trim().max(254).email("Enter an email address for replies, or leave it empty").or(z.literal("")).default(""),
    emailLogoUrl: z
      .string()
      .trim()
      .max(2000)
      .refine((v) => v === "" || /^https:\/\/[^\s"'<>]+$/.test(v), "The logo must be an https:// address of an image, or empty")
      .default(""),
    emailAccentColor: z
      .string()
      .trim()
      .regex(/^#[0-9a-fA-F]{6}$/, "The accent colour must be a colour like #2c6ecb")
      .default("#2c6ecb"),
    rewardReminderDays: z.coerce.number().int("Reminder days must be whole days").min(1, "Remind at least 1 day before").max(365).default(7),
    // Leaked codes: how many of a referrer's orders are counted before judging,
    // what share of them typed without a link flags the referrer, how long a
    // rotated code keeps working, and whether a flag rotates the code at once.
    // Friends told a code by word of mouth type it too: the defaults (10 orders,
    // 80%) wait for a pattern, and a flag only asks the merchant to look.
    leakMinOrders: z.coerce
      .number({ invalid_type_error: "Enter a number of orders" })
      .int("The minimum must be a whole number of orders")
      .min(2, "Count at least 2 orders before flagging a referrer")
      .max(1000, "The minimum is limited to 1,000 orders")
      .default(10),
    leakThresholdPercent: z.coerce
      .number({ invalid_type_error: "Enter a percentage" })
      .int("The share must be a whole percentage")
      .min(1, "The share must be between 1 and 100%")
      .max(100, "The share must be between 1 and 100%")
      .default(80),
    leakGraceDays: z.coerce
      .number({ invalid_type_error: "Enter a number of days" })
      .int("The grace period must be whole days")
      .min(0, "The grace period cannot be negative")
      .max(90, "The grace period is limited to 90 days")
      .default(14),
    leakAutoRotate: z.boolean().default(false),
    // Single-use friend codes: each friend who arrives by link gets a code of
    // their own that works once (a code posted on a coupon site works once),
    // valid for friendCodeDays; at most friendCodesPerDay per referrer in 24 hours.
    friendCodeMode: z.enum(FRIEND_CODE_MODES).default("SHARED"),
    friendCodesPerDay: z.coerce
      .number({ invalid_type_error: "Enter a number of codes" })
      .int("The limit must be a whole number of codes")
      .min(1, "Allow at least 1 friend code a day")
      .max(1000, "The limit is 1,000 friend codes a day")
      .default(50),
    friendCodeDays: z.coerce
      .number({ invalid_type_error: "Enter a number of days" })
      .int("Friend codes last whole days")
      .min(1, "Friend codes last at least 1 day")
      .max(365, "Friend codes last at most 365 days")
      .default(30),
  })
  .superRefine((s, ctx) => {
    const percentOk = (v: string) => Number(v) > 0 && Number(v) <= 100;
    if (s.friendOfferKind === "PERCENTAGE" && !percentOk(s.friendOfferValue)) {
      ctx.addIssue({ code: "custom", path: ["friendOfferValue"], message: "The friend's discount must be between 0 and 100%" });
    }
    if (s.friendOfferKind === "FIXED_AMOUNT" && !(Number(s.friendOfferValue) > 0)) {
      ctx.addIssue({ code: "custom", path: ["friendOfferValue"], message: "The friend's discount must be more than 0" });
    }
    if (s.rewardKind === "CODE_PERCENTAGE" && !percentOk(s.rewardValue)) {
      ctx.addIssue({ code: "custom", path: ["rewardValue"], message: "The referrer's reward must be between 0 and 100%" });
    }
    if (s.rewardKind !== "CODE_PERCENTAGE" && !(Number(s.rewardValue) > 0)) {
      ctx.addIssue({ code: "custom", path: ["rewardValue"], message: "The referrer's reward must be more than 0" });
    }
  });

export type ProgramSettings = z.output<typeof programSettingsSchema>;
export type ProgramSettingsInput = z.input<typeof programSettingsSchema>;
export const DEFAULT_PROGRAM_SETTINGS: ProgramSettings = programSettingsSchema.parse({});

export type FieldErrors = Partial<Record<keyof ProgramSettings | "form", string>>;

export function parseProgramSettings(
  input: unknown,
): { ok: true; settings: ProgramSettings } | { ok: false; errors: FieldErrors } {
  const result = programSettingsSchema.safeParse(input);
  if (result.success) return { ok: true, settings: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = (issue.path[0] as keyof ProgramSettings | undefined) ?? "form";
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}
