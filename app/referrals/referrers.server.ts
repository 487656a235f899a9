// Enrolling referrers: one per customer (or per email for guests), each with a
// unique, unguessable code. Idempotent, also when two requests race.
import type { Db } from "~/db.server";
import { deviceHashes } from "./device";
import { isUniqueViolation } from "~/db-errors";
import { recordAudit } from "./audit.server";
import { canonicalCode, generateReferralCode } from "./codes";
import { countedTransaction } from "./daily-stats.server";
import { requestCodeSync } from "./code-sync.server";
import { normaliseEmail } from "./email";

export const REFERRER_SOURCES = ["STOREFRONT", "GUEST", "PROGRAM_PAGE", "THANK_YOU", "ACCOUNT", "INVITE", "ADMIN"] as const;
export type ReferrerSource = (typeof REFERRER_SOURCES)[number];

export interface EnrolInput {
  shop: string;
  /** Customer gid (gid://shopify/Customer/123). */
  customerId?: string | null;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  /** The person's language (Shopify's Customer.locale, the storefront's): their emails are written in it. */
  locale?: string | null;
  source: ReferrerSource;
  cause: string;
  now?: Date;
}

export class EnrolmentError extends Error {
  constructor(
    message: string,
    readonly field: "email" | "customerId" | "program",
  ) {
    super(message);
    this.name = "EnrolmentError";
  }
}

const MAX_CODE_ATTEMPTS = 5;

export async function enrolReferrer(db: Db, input: EnrolInput) {
  const { shop } = input;
  const customerId = input.customerId || null;
  const emailKey = input.email ? normaliseEmail(input.email) : null;
  if (input.email && !emailKey) throw new EnrolmentError("Enter a valid email address", "email");
  if (!customerId && !emailKey) throw new EnrolmentError("A customer or an email address is needed", "email");

  const program = await db.program.findUnique({ where: { shop }, select: { codePrefix: true } });
  if (!program) throw new EnrolmentError("This shop has no referral program yet", "program");

  const { match: existing, emailOwnedByOther } = await findExisting(db, shop, customerId, emailKey);
  if (existing) return { referrer: await attachCustomer(db, existing, customerId), created: false };

  for (let attempt = 0; attempt < MAX_CODE_ATTEMPTS; attempt++) {
    try {
      const referrer = await countedTransaction(db, shop, async (tx, changes) => {
        const created = await tx.referrer.create({
          data: {
            shop,
            customerId,
            email: input.email?.trim() || null,
            // Two customer accounts can share an email; only the first keeps the unique key.
            emailKey: emailOwnedByOther ? null : emailKey,
            firstName: input.firstName || null,
            lastName: input.lastName || null,
            locale: input.locale?.trim().slice(0, 20) || null,
            code: generateReferralCode(program.codePrefix),
            source: input.source,
          },
        });
        changes.add({ at: created.createdAt, referrers: 1 });
        return created;
      });
      await recordAudit(db, { shop, action: "referrer.enrolled", referrerId: referrer.id, cause: input.cause, detail: input.source });
      await requestCodeSync(db, shop, input.now);
      return { referrer, created: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Either a concurrent request enrolled the same person (return theirs),
      // or the random code collided (try another).
      const { match: winner } = await findExisting(db, shop, customerId, emailKey);
      if (winner) return { referrer: await attachCustomer(db, winner, customerId), created: false };
    }
  }
  throw new Error(`Could not find a free referral code for ${shop} after ${MAX_CODE_ATTEMPTS} attempts`);
}

async function findExisting(db: Db, shop: string, customerId: string | null, emailKey: string | null) {
  const or = [...(customerId ? [{ customerId }] : []), ...(emailKey ? [{ emailKey }] : [])];
  const matches = await db.referrer.findMany({ where: { shop, OR: or } });
  // The customer's own row wins over a guest row that shares the email.
  const match =
    matches.find((r) => customerId && r.customerId === customerId) ??
    matches.find((r) => !r.customerId || !customerId) ??
    null;
  const emailOwnedByOther = !match && matches.some((r) => r.emailKey === emailKey && r.customerId !== customerId);
  return { match, emailOwnedByOther };
}

type ReferrerRow = Awaited<ReturnType<Db["referrer"]["create"]>>;

/** A guest who enrolled by email and later logs in keeps their code. */
async function attachCustomer(db: Db, referrer: ReferrerRow, customerId: string | null): Promise<ReferrerRow> {
  if (!customerId || referrer.customerId) return referrer;
  const updated = await db.referrer.updateMany({
    where: { id: referrer.id, shop: referrer.shop, customerId: null },
    data: { customerId },
  });
  if (updated.count === 0) return referrer;
  // The discount function reads the code from the customer: the sync writes it there.
  await requestCodeSync(db, referrer.shop);
  return (await db.referrer.findFirst({ where: { id: referrer.id, shop: referrer.shop } })) ?? referrer;
}

export async function findReferrerByCode(db: Db, shop: string, code: string) {
  return db.referrer.findUnique({ where: { shop_code: { shop, code: canonicalCode(code) } } });
}

/** What the merchant's actions on one referrer take: who acts (`cause`) and why. */
export interface MerchantAction {
  db: Db;
  shop: string;
  referrerId: string;
  cause: string;
  reason: string;
  now?: Date;
}

/** A disabled referrer's new referrals are rejected at attribution and their code leaves the friend discount; what was issued stays. */
export async function setReferrerStatus({ db, shop, referrerId, cause, reason, now = new Date() }: MerchantAction, status: "ACTIVE" | "DISABLED") {
  const before = await db.referrer.findFirst({ where: { id: referrerId, shop }, select: { status: true } });
  if (!before) return null;
  await db.referrer.updateMany({ where: { id: referrerId, shop }, data: { status, disabledReason: status === "DISABLED" ? reason : null } });
  await recordAudit(db, { shop, referrerId, action: status === "DISABLED" ? "referrer.disabled" : "referrer.enabled", fromStatus: before.status, toStatus: status, cause, detail: reason || null });
  // Disabling takes the code off the friend discount (a leaked code stops working);
  // enabling puts it back.
  await requestCodeSync(db, shop, now);
  return status;
}

/**
 * The device a referrer joined from (keyed hashes only, device.ts): a friend
 * order from the same browser and network address within the hold period is
 * held for review. Recorded when the person at that device is surely the
 * referrer: a signed-in customer, or whoever just created the enrolment.
 */
export async function rememberReferrerDevice(db: Db, input: { shop: string; referrerId: string; ip: string | null; userAgent: string | null; now?: Date }) {
  const hashes = deviceHashes(input.shop, { ip: input.ip, userAgent: input.userAgent });
  if (!hashes.ipHash || !hashes.uaHash) return;
  await db.referrer.updateMany({
    where: { id: input.referrerId, shop: input.shop, redactedAt: null },
    data: { deviceIpHash: hashes.ipHash, deviceUaHash: hashes.uaHash, deviceSeenAt: input.now ?? new Date() },
  });
}
