// Joining the program from the storefront: a guest with an email and the terms
// ticked, or the logged-in customer (identity from the signed proxy request).
import { z } from "zod";
import type { Db } from "../db.server";
import { EnrolmentError, enrolReferrer, type ReferrerSource } from "../referrals/referrers.server";
import { translator, type Translate } from "./i18n";
import { canShare, liveProgram, memberView, type MemberView } from "./member-view.server";
import type { ProxyContext } from "./proxy-context";

export const MAX_EMAIL_LENGTH = 254;
const TICKED = ["on", "true", "1", "yes"];

/** Field errors are message keys in the extension's locale files, translated on the way out. */
const enrolmentSchema = z.object({
  email: z
    .string({ invalid_type_error: "block.error_email" })
    .trim()
    .max(MAX_EMAIL_LENGTH, "block.error_email")
    .email("block.error_email")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  terms: z
    .union([z.boolean(), z.string()], { required_error: "block.error_terms", invalid_type_error: "block.error_terms" })
    .refine((v) => v === true || (typeof v === "string" && TICKED.includes(v.toLowerCase())), "block.error_terms"),
});

export type EnrolmentField = "email" | "terms" | "form";
export type EnrolmentErrors = Partial<Record<EnrolmentField, string>>;

export type EnrolmentResult =
  | { ok: true; created: boolean; member: MemberView }
  | { ok: false; status: 422 | 409; errors: EnrolmentErrors };

export function parseEnrolment(input: unknown, { guest, t }: { guest: boolean; t: Translate }) {
  const parsed = enrolmentSchema.safeParse(input ?? {});
  const errors: EnrolmentErrors = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] === "email" || issue.path[0] === "terms" ? issue.path[0] : "form";
      errors[field] ??= t(issue.message.startsWith("block.") ? issue.message : "block.error_generic");
    }
  }
  // A guest is known by their email; a logged-in customer by the signed id.
  const email = parsed.success ? parsed.data.email : undefined;
  const emailGiven = typeof (input as { email?: unknown } | null)?.email === "string" && (input as { email: string }).email.trim() !== "";
  if (guest && !errors.email && !email && !emailGiven) errors.email = t("block.error_email");
  if (Object.keys(errors).length > 0) return { ok: false as const, errors };
  return { ok: true as const, email };
}

export async function enrolFromStorefront(
  db: Db,
  ctx: ProxyContext,
  input: unknown,
  source: Extract<ReferrerSource, "GUEST" | "STOREFRONT" | "PROGRAM_PAGE">,
): Promise<EnrolmentResult> {
  const live = await liveProgram(db, ctx);
  if (!live) return { ok: false, status: 409, errors: { form: translator(ctx.locale.language)("page.unavailable") } };
  const guest = !ctx.customerId;
  const parsed = parseEnrolment(input, { guest, t: live.t });
  if (!parsed.ok) return { ok: false, status: 422, errors: parsed.errors };
  try {
    const { referrer, created } = await enrolReferrer(db, {
      shop: ctx.shop,
      customerId: ctx.customerId,
      // A logged-in customer's typed email is never used: it could attach them
      // to someone else's guest enrolment (and take over its code and rewards).
      email: guest ? parsed.email : null,
      source: guest ? "GUEST" : source,
      cause: `storefront:${guest ? "guest" : "customer"}`,
    });
    if (!canShare(referrer)) return { ok: false, status: 409, errors: { form: live.t("page.unavailable") } };
    return { ok: true, created, member: await memberView(db, ctx, live, referrer, { withStats: !guest }) };
  } catch (error) {
    if (error instanceof EnrolmentError) {
      const field = error.field === "email" ? "email" : "form";
      return { ok: false, status: 422, errors: { [field]: field === "email" ? live.t("block.error_email") : live.t("page.unavailable") } };
    }
    throw error;
  }
}
