// Partners (docs/decisions/0021): businesses that send customers for a
// referral fee, under the shop's written agreement. A partner's link, code,
// referrals and fees are those of a referrer row of kind PARTNER, made when
// the merchant invites them or approves their application. That row is ACTIVE
// only while the partner is APPROVED and has accepted the agreement's current
// version (refreshPartnerLink); otherwise it is DISABLED, so attribution
// refuses its code and the code sync takes the code off the friend discount.
import type { Db, Prisma } from "~/db.server";
import { emailPartnerApproved, emailPartnerInvited, emailPartnerSignIn, type PartnerContact } from "~/email/partner-events.server";
import { kickOutbox } from "~/email/outbox.server";
import { EMAIL_LOCALES } from "~/email/kinds";
import { storefrontOrigin } from "~/email/compose.server";
import { recordAudit } from "~/referrals/audit.server";
import { requestCodeSync } from "~/referrals/code-sync.server";
import { generateReferralCode } from "~/referrals/codes";
import { normaliseEmail } from "~/referrals/email";
import { isUniqueViolation } from "~/db-errors";
import { toDecimal } from "~/referrals/money";
import { createSignInLink, SIGN_IN_LINK_MS, WELCOME_LINK_MS, CAN_SIGN_IN } from "./sign-in.server";
import { FEE_KINDS, PARTNER_FIELD_LIMITS, PartnerLinkPause, PartnerStatus, type FeeKind, type FieldErrors } from "./status";

type Tx = Prisma.TransactionClient;

/** Who acts on the shop's partners: the merchant (`merchant:<staff id>`) or the system. */
export interface PartnerAction {
  db: Db;
  shop: string;
  cause: string;
  now?: Date;
}

export interface PartnerFields {
  name: string;
  businessName: string;
  email: string;
  website: string | null;
  pitch: string | null;
  payoutEmail: string | null;
}

const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");

/** A website as typed ("shop.example", "https://…"): an http(s) URL with a host, or null when blank. */
export function parseWebsite(value: string): URL | null | "invalid" {
  if (!value) return null;
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:/i.test(value) ? value : `https://${value}`);
    if ((url.protocol !== "https:" && url.protocol !== "http:") || !url.hostname.includes(".")) return "invalid";
    return url;
  } catch {
    return "invalid";
  }
}

/** The contact fields of the application and invitation forms, checked field by field. */
export function parsePartnerFields(input: Record<string, unknown>): { ok: true; fields: PartnerFields } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const values = {
    name: text(input.name),
    businessName: text(input.businessName),
    email: text(input.email),
    website: text(input.website),
    pitch: text(input.pitch),
    payoutEmail: text(input.payoutEmail),
  };
  for (const field of ["name", "businessName", "email"] as const) if (!values[field]) errors[field] = "required";
  for (const field of Object.keys(values) as (keyof typeof values)[]) {
    if (values[field].length > PARTNER_FIELD_LIMITS[field]) errors[field] = "too_long";
  }
  if (!errors.email && !normaliseEmail(values.email)) errors.email = "invalid_email";
  if (values.payoutEmail && !errors.payoutEmail && !normaliseEmail(values.payoutEmail)) errors.payoutEmail = "invalid_email";
  const website = errors.website ? null : parseWebsite(values.website);
  if (website === "invalid") errors.website = "invalid_url";
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    fields: {
      name: values.name,
      businessName: values.businessName,
      email: values.email,
      website: website && website !== "invalid" ? website.toString() : null,
      pitch: values.pitch || null,
      payoutEmail: values.payoutEmail || null,
    },
  };
}

export interface FeeChoice {
  feeKind: FeeKind | null;
  feeValue: string | null;
}

/**
 * A fee as typed: a kind and a value, or neither (the group's or program's
 * fee applies). A percentage is at most 100; an amount at most 100,000.
 */
export function parseFee(input: Record<string, unknown>, { required = false } = {}): { ok: true; fee: FeeChoice } | { ok: false; errors: FieldErrors } {
  const kind = text(input.feeKind);
  const value = text(input.feeValue).replace(",", ".");
  if (!kind && !value && !required) return { ok: true, fee: { feeKind: null, feeValue: null } };
  const errors: FieldErrors = {};
  if (!(FEE_KINDS as readonly string[]).includes(kind)) errors.feeKind = kind ? "unknown" : "required";
  if (!value) errors.feeValue = "required";
  else if (!/^\d{1,7}(\.\d{1,2})?$/.test(value)) errors.feeValue = "invalid_number";
  else if (Number(value) > (kind === "PERCENT" ? 100 : 100_000)) errors.feeValue = "too_large";
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, fee: { feeKind: kind as FeeKind, feeValue: toDecimal(value).toString() } };
}

/** The current (latest) agreement version, or null before the merchant publishes one. */
export function currentAgreement(db: Db | Tx, shop: string) {
  return db.agreementVersion.findFirst({ where: { shop }, orderBy: { version: "desc" } });
}

function contactOf(partner: { id: string; shop: string; referrerId: string | null; email: string; name: string; businessName: string; locale: string | null }): PartnerContact {
  return { id: partner.id, shop: partner.shop, referrerId: partner.referrerId, email: partner.email, name: partner.name, businessName: partner.businessName, locale: partner.locale };
}

async function originOf(db: Db | Tx, shop: string) {
  const program = await db.program.findUnique({ where: { shop } });
  return program ? storefrontOrigin(program) : `https://${shop}`;
}

/**
 * Sets the partner's referrer row ACTIVE or DISABLED as their state says: active
 * only when APPROVED, not erased, and the current agreement version is accepted.
 * Returns whether it changed (the caller then asks for a code sync).
 */
export async function refreshPartnerLink(tx: Db | Tx, shop: string, partnerId: string, cause: string): Promise<boolean> {
  const partner = await tx.partner.findFirst({ where: { id: partnerId, shop }, include: { referrer: { select: { id: true, status: true, disabledReason: true } } } });
  if (!partner?.referrer) return false;
  // Disabled for a reason of the merchant's (a fraud block before they became a partner) or an
  // erasure: the agreement does not lift it.
  const { status: was, disabledReason } = partner.referrer;
  if (was === "DISABLED" && disabledReason && !disabledReason.startsWith("PARTNER_")) return false;
  const current = await currentAgreement(tx, shop);
  const live = partner.status === PartnerStatus.APPROVED && !partner.redactedAt && current !== null && partner.acceptedVersionId === current.id;
  const ended = partner.status === PartnerStatus.ENDED || partner.status === PartnerStatus.DECLINED || partner.redactedAt !== null;
  const status = live ? "ACTIVE" : "DISABLED";
  const reason = live ? null : ended ? PartnerLinkPause.ENDED : PartnerLinkPause.AGREEMENT;
  if (partner.referrer.status === status && partner.referrer.disabledReason === reason) return false;
  await tx.referrer.updateMany({ where: { id: partner.referrer.id, shop }, data: { status, disabledReason: reason } });
  await recordAudit(tx, { shop, referrerId: partner.referrer.id, action: live ? "referrer.enabled" : "referrer.disabled", fromStatus: partner.referrer.status, toStatus: status, cause, detail: reason ?? `partner ${partner.id}: agreement version ${current?.version} accepted` });
  return true;
}

const MAX_CODE_ATTEMPTS = 5;

/**
 * Gives a partner their referrer row (link and code): a new one (kind PARTNER,
 * paused until the agreement is accepted), or, for an invitation, the shop's
 * referrer with the same email, who becomes a partner (a customer referrer who
 * is also a business keeps their code and history; referrals made before keep
 * the customer reward, later ones earn the partner fee). An application never
 * takes over a referrer: nobody has shown the address is the applicant's until
 * they sign in with the link sent to it, so an applicant using a customer's
 * address gets a new code of their own. Inside the caller's transaction.
 */
async function giveReferrer(
  tx: Tx,
  shop: string,
  partner: { id: string; email: string; emailKey: string; name: string; locale: string | null; referrerId: string | null },
  cause: string,
  { mayTakeOver }: { mayTakeOver: boolean },
) {
  if (partner.referrerId) return partner.referrerId;
  const existing = await tx.referrer.findFirst({ where: { shop, emailKey: partner.emailKey }, select: { id: true, kind: true, redactedAt: true, partner: { select: { id: true } } } });
  let referrerId: string;
  if (existing && !existing.partner && !existing.redactedAt && mayTakeOver) {
    await tx.referrer.updateMany({ where: { id: existing.id, shop }, data: { kind: "PARTNER" } });
    await recordAudit(tx, { shop, referrerId: existing.id, action: "referrer.became-partner", cause, detail: `partner ${partner.id}` });
    referrerId = existing.id;
  } else {
    const program = await tx.program.findUnique({ where: { shop }, select: { codePrefix: true } });
    const created = await tx.referrer.create({
      data: {
        shop,
        kind: "PARTNER",
        email: partner.email,
        // The address's key belongs to a row that is already someone's partner row (not possible: one partner per email) or none.
        emailKey: existing ? null : partner.emailKey,
        firstName: partner.name,
        locale: partner.locale,
        code: generateReferralCode(program?.codePrefix ?? "PARTNER"),
        source: "PARTNER",
        status: "DISABLED",
        disabledReason: PartnerLinkPause.AGREEMENT,
      },
    });
    await recordAudit(tx, { shop, referrerId: created.id, action: "referrer.enrolled", cause, detail: `PARTNER ${partner.id}` });
    referrerId = created.id;
  }
  await tx.partner.updateMany({ where: { id: partner.id, shop }, data: { referrerId } });
  return referrerId;
}

/** Runs a partner transaction, again with a fresh code when the random code collided. */
async function withCodeRetry<T>(db: Db, work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= MAX_CODE_ATTEMPTS) throw error;
    }
  }
}

export type InviteOutcome = { ok: true; partnerId: string; emailed: boolean } | { ok: false; errors: FieldErrors };

/**
 * The merchant invites a business by email: an INVITED partner with their link
 * and code (paused), emailed a sign-in link to read and accept the agreement.
 * The agreement must be published first.
 */
export async function invitePartner(action: PartnerAction, input: Record<string, unknown>): Promise<InviteOutcome> {
  const { db, shop, cause, now = new Date() } = action;
  const parsed = parsePartnerFields(input);
  const fee = parseFee(input);
  const errors: FieldErrors = { ...(parsed.ok ? {} : parsed.errors), ...(fee.ok ? {} : fee.errors) };
  const groupId = text(input.groupId) || null;
  if (groupId && !(await db.partnerGroup.findFirst({ where: { id: groupId, shop }, select: { id: true } }))) errors.groupId = "unknown";
  if (!(await currentAgreement(db, shop))) errors.agreement = "none";
  if (!parsed.ok || !fee.ok || Object.keys(errors).length) return { ok: false, errors };
  const emailKey = normaliseEmail(parsed.fields.email)!;
  if (await db.partner.findFirst({ where: { shop, emailKey }, select: { id: true } })) return { ok: false, errors: { email: "taken" } };
  const origin = await originOf(db, shop);
  // The language of their emails, as the merchant chose it; none: the shop's.
  const locale = (EMAIL_LOCALES as readonly string[]).includes(text(input.locale)) ? text(input.locale) : null;
  try {
    const { partnerId, emailed } = await withCodeRetry(db, () =>
      db.$transaction(async (tx) => {
        const partner = await tx.partner.create({
          data: { shop, status: PartnerStatus.INVITED, ...parsed.fields, emailKey, locale, groupId, feeKind: fee.fee.feeKind, feeValue: fee.fee.feeValue, decidedAt: now, decidedBy: cause, createdAt: now },
        });
        const referrerId = await giveReferrer(tx, shop, partner, cause, { mayTakeOver: true });
        await refreshPartnerLink(tx, shop, partner.id, cause);
        await recordAudit(tx, { shop, referrerId, action: "partner.invited", toStatus: PartnerStatus.INVITED, cause, detail: partner.id });
        const link = await createSignInLink(tx, { shop, partnerId: partner.id, storefrontOrigin: origin, ttlMs: WELCOME_LINK_MS, now });
        const outcome = await emailPartnerInvited(tx, contactOf({ ...partner, referrerId }), link, now);
        return { partnerId: partner.id, emailed: outcome === "queued" || outcome === "exists" };
      }),
    );
    await afterChange(db, shop, now);
    return { ok: true, partnerId, emailed };
  } catch (error) {
    // The same address invited by another request at the same instant.
    if (isUniqueViolation(error) && (await db.partner.findFirst({ where: { shop, emailKey }, select: { id: true } }))) return { ok: false, errors: { email: "taken" } };
    throw error;
  }
}

async function afterChange(db: Db, shop: string, now: Date) {
  await requestCodeSync(db, shop, now);
  await kickOutbox(db, shop, now, now);
}

export type ApplyOutcome = { ok: true } | { ok: false; errors: FieldErrors };

/**
 * A business applies on the public partner page, accepting the agreement version
 * it was shown (typed name, keyed hash of the address). It then waits for the
 * merchant. An address that already applied or is a partner gets the same
 * answer as a new one (the page must not tell who is a partner), and nothing changes.
 */
export async function applyAsPartner(
  db: Db,
  { shop, input, ipHash, locale, now = new Date() }: { shop: string; input: Record<string, unknown>; ipHash: string | null; locale: string | null; now?: Date },
): Promise<ApplyOutcome> {
  const parsed = parsePartnerFields(input);
  const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors };
  const signature = text(input.signature);
  if (!signature) errors.signature = "required";
  else if (signature.length > PARTNER_FIELD_LIMITS.signature) errors.signature = "too_long";
  if (input.accepted !== "on" && input.accepted !== "true" && input.accepted !== true) errors.accepted = "required";
  const [program, current] = await Promise.all([db.program.findUnique({ where: { shop }, select: { partnerApplicationsOpen: true } }), currentAgreement(db, shop)]);
  if (!program?.partnerApplicationsOpen || !current) return { ok: false, errors: { agreement: "none" } };
  if (text(input.agreementVersion) !== String(current.version)) errors.agreement = "changed";
  if (!parsed.ok || Object.keys(errors).length) return { ok: false, errors };
  const emailKey = normaliseEmail(parsed.fields.email)!;
  try {
    await db.$transaction(async (tx) => {
      const partner = await tx.partner.create({
        data: { shop, status: PartnerStatus.APPLIED, ...parsed.fields, emailKey, locale: locale?.slice(0, 20) || null, acceptedVersionId: current.id, acceptedAt: now, createdAt: now },
      });
      await tx.agreementAcceptance.create({ data: { shop, partnerId: partner.id, versionId: current.id, version: current.version, signature, ipHash, acceptedAt: now } });
      await recordAudit(tx, { shop, action: "partner.applied", toStatus: PartnerStatus.APPLIED, cause: "partner", detail: `${partner.id} accepted agreement version ${current.version}` });
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  return { ok: true };
}

export type DecisionOutcome = { ok: true; status: string } | { ok: false; reason: "not-found" | "not-waiting" };

/**
 * The merchant approves an application: the partner gets their link and code
 * (working at once when the agreement they accepted is still current, paused
 * until they accept it otherwise) and an email with a sign-in link.
 */
export async function approvePartner(action: PartnerAction, partnerId: string): Promise<DecisionOutcome> {
  const { db, shop, cause, now = new Date() } = action;
  const partner = await db.partner.findFirst({ where: { id: partnerId, shop } });
  if (!partner) return { ok: false, reason: "not-found" };
  if ((partner.status !== PartnerStatus.APPLIED && partner.status !== PartnerStatus.DECLINED) || partner.redactedAt) return { ok: false, reason: "not-waiting" };
  const origin = await originOf(db, shop);
  const approved = await withCodeRetry(db, () =>
    db.$transaction(async (tx) => {
      const changed = await tx.partner.updateMany({
        where: { id: partnerId, shop, status: partner.status, redactedAt: null },
        data: { status: PartnerStatus.APPROVED, decidedAt: now, decidedBy: cause },
      });
      if (changed.count === 0) return false; // Decided by another request meanwhile.
      const referrerId = await giveReferrer(tx, shop, partner, cause, { mayTakeOver: false });
      await refreshPartnerLink(tx, shop, partnerId, cause);
      await recordAudit(tx, { shop, referrerId, action: "partner.approved", fromStatus: partner.status, toStatus: PartnerStatus.APPROVED, cause, detail: partnerId });
      const link = await createSignInLink(tx, { shop, partnerId, storefrontOrigin: origin, ttlMs: WELCOME_LINK_MS, now });
      await emailPartnerApproved(tx, contactOf({ ...partner, referrerId }), link, now);
      return true;
    }),
  );
  if (!approved) return { ok: false, reason: "not-waiting" };
  await afterChange(db, shop, now);
  return { ok: true, status: PartnerStatus.APPROVED };
}

/** The merchant declines an application (with a note for the record). */
export async function declinePartner(action: PartnerAction, partnerId: string, note: string): Promise<DecisionOutcome> {
  const { db, shop, cause, now = new Date() } = action;
  const changed = await db.partner.updateMany({
    where: { id: partnerId, shop, status: PartnerStatus.APPLIED },
    data: { status: PartnerStatus.DECLINED, decidedAt: now, decidedBy: cause, decisionNote: note.trim().slice(0, 500) || null },
  });
  if (changed.count === 0) return (await db.partner.findFirst({ where: { id: partnerId, shop }, select: { id: true } })) ? { ok: false, reason: "not-waiting" } : { ok: false, reason: "not-found" };
  await recordAudit(db, { shop, action: "partner.declined", fromStatus: PartnerStatus.APPLIED, toStatus: PartnerStatus.DECLINED, cause, detail: partnerId });
  return { ok: true, status: PartnerStatus.DECLINED };
}

/**
 * The merchant ends a partner's agreement: the link stops at once (the code leaves
 * the friend discount); orders already referred still earn their fee when complete.
 */
export async function endPartner(action: PartnerAction, partnerId: string, note: string): Promise<DecisionOutcome> {
  const { db, shop, cause, now = new Date() } = action;
  // Conditional on the status read, again if it changed meanwhile (an invited partner accepting at that instant).
  for (let attempt = 0; attempt < 3; attempt++) {
    const partner = await db.partner.findFirst({ where: { id: partnerId, shop }, select: { status: true } });
    if (!partner) return { ok: false, reason: "not-found" };
    if (partner.status !== PartnerStatus.APPROVED && partner.status !== PartnerStatus.INVITED) return { ok: false, reason: "not-waiting" };
    const ended = await db.$transaction(async (tx) => {
      const changed = await tx.partner.updateMany({
        where: { id: partnerId, shop, status: partner.status },
        data: { status: PartnerStatus.ENDED, decidedAt: now, decidedBy: cause, decisionNote: note.trim().slice(0, 500) || null },
      });
      if (changed.count === 0) return false;
      await refreshPartnerLink(tx, shop, partnerId, cause);
      await recordAudit(tx, { shop, action: "partner.ended", fromStatus: partner.status, toStatus: PartnerStatus.ENDED, cause, detail: partnerId });
      return true;
    });
    if (!ended) continue;
    await requestCodeSync(db, shop, now);
    return { ok: true, status: PartnerStatus.ENDED };
  }
  return { ok: false, reason: "not-waiting" };
}

export type SettingsOutcome = { ok: true } | { ok: false; errors: FieldErrors } | { ok: false; reason: "not-found" };

/** The merchant sets a partner's own fee (or none: the group's applies), group and payout email. */
export async function savePartnerTerms(action: PartnerAction, partnerId: string, input: Record<string, unknown>): Promise<SettingsOutcome> {
  const { db, shop, cause } = action;
  // An erased partner's shell takes no new data.
  const partner = await db.partner.findFirst({ where: { id: partnerId, shop, redactedAt: null }, select: { id: true, referrerId: true } });
  if (!partner) return { ok: false, reason: "not-found" };
  const fee = parseFee(input);
  const errors: FieldErrors = fee.ok ? {} : { ...fee.errors };
  const groupId = text(input.groupId) || null;
  if (groupId && !(await db.partnerGroup.findFirst({ where: { id: groupId, shop }, select: { id: true } }))) errors.groupId = "unknown";
  const payoutEmail = text(input.payoutEmail);
  if (payoutEmail.length > PARTNER_FIELD_LIMITS.payoutEmail) errors.payoutEmail = "too_long";
  else if (payoutEmail && !normaliseEmail(payoutEmail)) errors.payoutEmail = "invalid_email";
  if (!fee.ok || Object.keys(errors).length) return { ok: false, errors };
  await db.partner.updateMany({ where: { id: partnerId, shop }, data: { feeKind: fee.fee.feeKind, feeValue: fee.fee.feeValue, groupId, payoutEmail: payoutEmail || null } });
  await recordAudit(db, { shop, referrerId: partner.referrerId, action: "partner.terms-changed", cause, detail: `${partnerId}: fee ${fee.fee.feeKind ?? "group"} ${fee.fee.feeValue ?? ""}, group ${groupId ?? "none"}` });
  return { ok: true };
}

/** Creates or renames a partner group with its fee. */
export async function saveGroup(action: PartnerAction, input: Record<string, unknown>): Promise<{ ok: true; groupId: string } | { ok: false; errors: FieldErrors }> {
  const { db, shop, cause } = action;
  const name = text(input.groupName);
  const errors: FieldErrors = {};
  if (!name) errors.groupName = "required";
  else if (name.length > 80) errors.groupName = "too_long";
  const fee = parseFee(input, { required: true });
  if (!fee.ok) Object.assign(errors, fee.errors);
  const id = text(input.groupId);
  if (id && !(await db.partnerGroup.findFirst({ where: { id, shop }, select: { id: true } }))) errors.groupId = "unknown";
  if (!fee.ok || Object.keys(errors).length) return { ok: false, errors };
  const data = { name, feeKind: fee.fee.feeKind!, feeValue: fee.fee.feeValue! };
  try {
    const group = id ? (await db.partnerGroup.updateMany({ where: { id, shop }, data }), { id }) : await db.partnerGroup.create({ data: { shop, ...data } });
    await recordAudit(db, { shop, action: id ? "partner-group.changed" : "partner-group.created", cause, detail: `${group.id} ${name}: ${data.feeKind} ${data.feeValue}` });
    return { ok: true, groupId: group.id };
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, errors: { groupName: "taken" } };
    throw error;
  }
}

/** Deletes a group; its partners keep their own fee or fall back to the program's. */
export async function deleteGroup(action: PartnerAction, groupId: string): Promise<boolean> {
  const { db, shop, cause } = action;
  const deleted = await db.$transaction(async (tx) => {
    await tx.partner.updateMany({ where: { shop, groupId }, data: { groupId: null } });
    return (await tx.partnerGroup.deleteMany({ where: { id: groupId, shop } })).count;
  });
  if (deleted) await recordAudit(db, { shop, action: "partner-group.deleted", cause, detail: groupId });
  return deleted > 0;
}

/**
 * A partner asks for a sign-in link on the partner page. The answer is the same
 * whoever asks: a link is emailed only to a partner who may sign in.
 */
export async function requestSignInLink(db: Db, { shop, email, now = new Date() }: { shop: string; email: string; now?: Date }): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  const value = email.trim();
  if (!value) return { ok: false, errors: { email: "required" } };
  const emailKey = value.length <= PARTNER_FIELD_LIMITS.email ? normaliseEmail(value) : null;
  if (!emailKey) return { ok: false, errors: { email: "invalid_email" } };
  const partner = await db.partner.findFirst({ where: { shop, emailKey, status: { in: [...CAN_SIGN_IN] }, redactedAt: null } });
  if (!partner) return { ok: true };
  const origin = await originOf(db, shop);
  await db.$transaction(async (tx) => {
    const link = await createSignInLink(tx, { shop, partnerId: partner.id, storefrontOrigin: origin, ttlMs: SIGN_IN_LINK_MS, now });
    await emailPartnerSignIn(tx, contactOf(partner), link, now);
  });
  await kickOutbox(db, shop, now, now);
  return { ok: true };
}
