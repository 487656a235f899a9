// Joining the program from the storefront: a guest with an email and the terms
// ticked, or the logged-in customer (identity from the signed proxy request).
// Only the signed-in customer is shown a code (see enrolFromStorefront).
import { z } from "zod";
import type { Db } from "~/db.server";
import { EnrolmentError, enrolReferrer, rememberReferrerDevice, type ReferrerSource } from "~/referrals/referrers.server";
import { customerContact, verifiedCustomerEmail } from "~/referrals/shopify-lookups.server";
import type { AdminClient } from "~/shopify/admin-client.server";
import { translator, type Translate } from "./i18n";
import { emailConfig } from "~/email/config.server";
import { ShopifyApiError } from "~/shopify/errors";
import { isUniqueViolation } from "~/db-errors";
import { normaliseEmail } from "~/referrals/email";
import { emailGuestLink, emailYourLink } from "~/email/events.server";
import { canShare, liveProgram, referrerView, type ReferrerView } from "./referrer-view.server";
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
  /**
   * A guest: the same answer whether the email was new, already enrolled or
   * disabled. `emailed`: email is on, so the link went to the address (when it
   * may join); otherwise the guest is told to sign in with it.
   */
  | { ok: true; guest: true; emailed: boolean }
  | { ok: true; guest: false; created: boolean; view: ReferrerView }
  | { ok: false; status: 422 | 409; errors: EnrolmentErrors };

/**
 * How long a guest's answer takes at least. A new email writes the referrer,
 * its audit row and a code-sync request; a known one writes nothing. Without
 * a floor the time alone would tell who is enrolled.
 */
export const GUEST_ANSWER_MS = 200;

export interface EnrolmentOptions {
  /** The shop's Admin API, only asked for when a signed-in customer may own a guest enrolment. */
  admin: () => Promise<AdminClient>;
}

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

/**
 * A guest is shown no code and no link: an email proves nothing, so anyone
 * could type someone else's and read their code (or learn that they are
 * enrolled). The guest is enrolled by email (once, however it is spelled) and
 * the link is emailed to that address (double opt-in: only its owner reads
 * it); without email, they are told to sign in with it, and the code reaches
 * its owner signed in, when the customer account with that (verified) email
 * claims the guest enrolment.
 */
export async function enrolFromStorefront(
  db: Db,
  ctx: ProxyContext,
  input: unknown,
  source: Extract<ReferrerSource, "GUEST" | "STOREFRONT" | "PROGRAM_PAGE">,
  options: EnrolmentOptions,
): Promise<EnrolmentResult> {
  const started = Date.now();
  const live = await liveProgram(db, ctx);
  if (!live) return { ok: false, status: 409, errors: { form: translator(ctx.locale.language)("page.unavailable") } };
  const guest = !ctx.customerId;
  const parsed = parseEnrolment(input, { guest, t: live.t });
  if (!parsed.ok) return { ok: false, status: 422, errors: parsed.errors };
  try {
    if (!ctx.customerId) {
      const { referrer, created } = await enrolReferrer(db, { shop: ctx.shop, email: parsed.email, locale: ctx.locale.tag, source: "GUEST", cause: "storefront:guest" });
      if (created) await rememberReferrerDevice(db, { shop: ctx.shop, referrerId: referrer.id, ip: ctx.ip, userAgent: ctx.userAgent });
      // The link goes to the address typed: only its owner reads it. Asked
      // again, it goes again (once a day at most), new or known alike.
      const emailed = emailConfig() !== null;
      if (emailed) await emailGuestLink(db, { ...referrer, email: parsed.email ?? referrer.email });
      await sleep(started + GUEST_ANSWER_MS - Date.now());
      return { ok: true, guest: true, emailed };
    }
    const { referrer, created } = await enrolReferrer(db, {
      shop: ctx.shop,
      customerId: ctx.customerId,
      // A typed email is never used: it could attach the customer to someone
      // else's guest enrolment (and take over its code and rewards). The email
      // Shopify verified for this customer may.
      email: await claimingEmail(db, ctx.shop, ctx.customerId, options),
      locale: ctx.locale.tag,
      source,
      cause: "storefront:customer",
    });
    if (!canShare(referrer)) return { ok: false, status: 409, errors: { form: live.t("page.unavailable") } };
    await rememberReferrerDevice(db, { shop: ctx.shop, referrerId: referrer.id, ip: ctx.ip, userAgent: ctx.userAgent });
    // Their link by email, once (asked on every join, so a join whose email
    // Shopify could not tell gets it on the next one).
    if (emailConfig()) {
      try {
        await emailYourLink(db, await withCustomerEmail(db, referrer, ctx.customerId, options));
      } catch (error) {
        if (!(error instanceof ShopifyApiError)) throw error;
      }
    }
    return { ok: true, guest: false, created, view: await referrerView(db, ctx, live, referrer, { withStats: true }) };
  } catch (error) {
    if (error instanceof EnrolmentError) {
      const field = error.field === "email" ? "email" : "form";
      return { ok: false, status: 422, errors: { [field]: field === "email" ? live.t("block.error_email") : live.t("page.unavailable") } };
    }
    throw error;
  }
}

/**
 * The customer's verified email, when it may claim a guest enrolment: only
 * asked of Shopify when the customer is not enrolled yet and the shop has
 * guest enrolments nobody has claimed (most requests need no Admin API call).
 */
async function claimingEmail(db: Db, shop: string, customerId: string, { admin }: EnrolmentOptions): Promise<string | null> {
  const [own, unclaimed] = await Promise.all([
    db.referrer.findUnique({ where: { shop_customerId: { shop, customerId } }, select: { id: true } }),
    db.referrer.findFirst({ where: { shop, customerId: null, emailKey: { not: null } }, select: { id: true } }),
  ]);
  if (own || !unclaimed) return null;
  return verifiedCustomerEmail(await admin(), customerId);
}

/**
 * The referrer with the email Shopify verified for their customer account and
 * their name, stored (their emails go there, and greet them by name: their
 * link, their friends' orders, their rewards). The email's key is stored too
 * unless another enrolment holds it (then only the address).
 */
async function withCustomerEmail<R extends { id: string; shop: string; email: string | null; firstName: string | null; lastName: string | null }>(
  db: Db,
  referrer: R,
  customerId: string,
  { admin }: EnrolmentOptions,
): Promise<R> {
  if (referrer.email && referrer.firstName) return referrer;
  const contact = await customerContact(await admin(), customerId);
  const names = { firstName: referrer.firstName ?? contact.firstName, lastName: referrer.lastName ?? contact.lastName };
  const where = { id: referrer.id, shop: referrer.shop };
  const email = referrer.email ?? contact.email;
  const emailKey = !referrer.email && email ? normaliseEmail(email) : null;
  try {
    await db.referrer.updateMany({ where, data: { ...names, ...(emailKey ? { email, emailKey } : {}) } });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    await db.referrer.updateMany({ where, data: { ...names, email } });
  }
  return { ...referrer, ...names, email };
}

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve());
