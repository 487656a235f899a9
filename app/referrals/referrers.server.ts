// Enrolling referrers: one per customer (or per email for guests), each with a
// unique, unguessable code. Idempotent, also when two requests race.
import type { Db, Prisma } from "~/db.server";
import { deviceHashes } from "./device";
import { isUniqueViolation } from "~/db-errors";
import { recordAudit } from "./audit.server";
import { kickEvents, recordEvent } from "~/events/record.server";
import { canonicalCode, generateReferralCode } from "./codes";
import { countedTransaction, type StatChanges } from "./daily-stats.server";
import { requestCodeSync } from "./code-sync.server";
import { normaliseEmail } from "./email";
import { drawVariant, runningVariantIds } from "~/experiments/assignment.server";

export const REFERRER_SOURCES = ["STOREFRONT", "GUEST", "PROGRAM_PAGE", "THANK_YOU", "ACCOUNT", "INVITE", "ADMIN", "PARTNER"] as const;
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

  // A new referrer joins the running incentive experiment, if any (app/experiments).
  // Read before the transaction: on SQLite with several processes, a
  // transaction that reads before its first write fails (SQLITE_BUSY_SNAPSHOT)
  // when another process wrote in between; one that starts by writing waits
  // for the lock instead. An experiment started or ended in the instant between
  // is harmless: the referrer keeps whatever variant they got.
  const variantIds = await runningVariantIds(db, shop);
  for (let attempt = 0; attempt < MAX_CODE_ATTEMPTS; attempt++) {
    let deliveries = 0;
    try {
      const referrer = await countedTransaction(db, shop, async (tx, changes) => {
        const variantId = drawVariant(variantIds);
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
            variantId,
          },
        });
        changes.add({ at: created.createdAt, referrers: 1 });
        deliveries = await recordEvent(
          tx,
          shop,
          { type: "referrer.joined", key: `joined:${created.id}`, referrerId: created.id, occurredAt: created.createdAt, data: { referrer: { code: created.code, source: created.source } } },
          created.createdAt,
        );
        return created;
      });
      if (deliveries > 0) await kickEvents(db, shop, referrer.createdAt, referrer.createdAt);
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
  return matchExisting(await db.referrer.findMany({ where: { shop, OR: or } }), customerId, emailKey);
}

/** Of the shop's referrers with this customer id or email key, the person's own row, if any. */
function matchExisting<R extends { customerId: string | null; emailKey: string | null }>(rows: R[], customerId: string | null, emailKey: string | null) {
  const matches = rows.filter((r) => (customerId && r.customerId === customerId) || (emailKey && r.emailKey === emailKey));
  // The customer's own row wins over a guest row that shares the email.
  const match =
    matches.find((r) => customerId && r.customerId === customerId) ??
    matches.find((r) => !r.customerId || !customerId) ??
    null;
  const emailOwnedByOther = !match && matches.some((r) => r.emailKey === emailKey && r.customerId !== customerId);
  return { match, emailOwnedByOther };
}

type ReferrerRow = Awaited<ReturnType<Db["referrer"]["create"]>>;
type Tx = Prisma.TransactionClient;

/** One person of enrolReferrers: as EnrolInput, without what the batch shares. */
export type BatchPerson = Pick<EnrolInput, "customerId" | "email" | "firstName" | "lastName" | "locale">;

/** What enrolReferrers reads and returns of each referrer (a few columns: batches are large). */
const BATCH_FIELDS = { id: true, shop: true, customerId: true, email: true, emailKey: true, locale: true, status: true, source: true, code: true, createdAt: true } as const;
export type EnrolledReferrer = Prisma.ReferrerGetPayload<{ select: typeof BATCH_FIELDS }>;

export type BatchOutcome = { referrer: EnrolledReferrer; created: boolean } | { error: EnrolmentError };

/**
 * enrolReferrer for many people at once, inside the caller's transaction (so
 * the caller can record its own progress in the same commit): one query finds
 * who is enrolled already, one inserts the others with codes drawn in bulk
 * (checked against the shop's codes in one query), one writes their audit
 * trail, and their daily totals go into `changes`. The unique keys stay the
 * guarantee: a concurrent enrolment of the same person, or of a code drawn
 * meanwhile, aborts the transaction with a unique violation, and the caller
 * runs the batch again. Outcomes are in the order of `people`; the caller
 * asks for a code sync once the transaction committed.
 */
export async function enrolReferrers(
  tx: Tx,
  changes: StatChanges,
  { shop, people, source, cause }: { shop: string; people: BatchPerson[]; source: ReferrerSource; cause: string },
): Promise<BatchOutcome[]> {
  const program = await tx.program.findUnique({ where: { shop }, select: { codePrefix: true } });
  const keyed = people.map((person) => {
    const customerId = person.customerId || null;
    const emailKey = person.email ? normaliseEmail(person.email) : null;
    if (person.email && !emailKey) return { person, error: new EnrolmentError("Enter a valid email address", "email") };
    if (!customerId && !emailKey) return { person, error: new EnrolmentError("A customer or an email address is needed", "email") };
    if (!program) return { person, error: new EnrolmentError("This shop has no referral program yet", "program") };
    return { person, customerId, emailKey };
  });
  const customerIds = keyed.flatMap((k) => ("customerId" in k && k.customerId ? [k.customerId] : []));
  const emailKeys = keyed.flatMap((k) => ("emailKey" in k && k.emailKey ? [k.emailKey] : []));
  // Two queries, not one OR: SQLite takes at most 999 parameters a statement.
  const byId = new Map<string, EnrolledReferrer>();
  for (const where of [{ customerId: { in: customerIds } }, { emailKey: { in: emailKeys } }]) {
    if (where.customerId?.in.length === 0 || where.emailKey?.in.length === 0) continue;
    for (const row of await tx.referrer.findMany({ where: { shop, ...where }, select: BATCH_FIELDS })) byId.set(row.id, row);
  }
  const known = [...byId.values()];

  // Decided in order, as one enrolment after another would: a person met twice
  // in the batch, or sharing an email with someone earlier in it, sees that row.
  type New = { data: Prisma.ReferrerCreateManyInput; row?: EnrolledReferrer };
  type Step = { error: EnrolmentError } | { existing: EnrolledReferrer } | { new: New } | { twin: New };
  const seen: { customerId: string | null; emailKey: string | null; step: Step }[] = known.map((row) => ({ ...row, step: { existing: row } }));
  const steps: Step[] = keyed.map((k) => {
    if ("error" in k) return { error: k.error! };
    const { person, customerId, emailKey } = k;
    const { match, emailOwnedByOther } = matchExisting(seen, customerId, emailKey);
    if (match) return "new" in match.step ? { twin: match.step.new } : match.step;
    const data: Prisma.ReferrerCreateManyInput = {
      shop,
      customerId,
      email: person.email?.trim() || null,
      // Two customer accounts can share an email; only the first keeps the unique key.
      emailKey: emailOwnedByOther ? null : emailKey,
      firstName: person.firstName || null,
      lastName: person.lastName || null,
      locale: person.locale?.trim().slice(0, 20) || null,
      code: "",
      source,
    };
    const step = { new: { data } };
    seen.push({ customerId, emailKey: data.emailKey ?? null, step });
    return step;
  });

  const fresh = steps.flatMap((s) => ("new" in s ? [s.new] : []));
  const codes = await freeCodes(tx, shop, program?.codePrefix ?? "", fresh.length);
  // Each new referrer joins the running incentive experiment, if any, drawn one by one (app/experiments).
  const variantIds = fresh.length ? await runningVariantIds(tx, shop) : [];
  fresh.forEach((n, i) => {
    n.data.code = codes[i];
    n.data.variantId = drawVariant(variantIds);
  });
  if (fresh.length) {
    const created = await tx.referrer.createManyAndReturn({ data: fresh.map((n) => n.data), select: BATCH_FIELDS });
    // Matched back by code (unique in the shop), not by position.
    const byCode = new Map(created.map((r) => [r.code, r]));
    for (const n of fresh) n.row = byCode.get(n.data.code);
    await tx.auditEvent.createMany({ data: created.map((r) => ({ shop, action: "referrer.enrolled", referrerId: r.id, cause, detail: source })) });
    for (const r of created) changes.add({ at: r.createdAt, referrers: 1 });
  }

  const outcomes = steps.map((step): BatchOutcome => {
    if ("error" in step) return step;
    if ("new" in step) return { referrer: step.new.row!, created: true };
    return { referrer: "twin" in step ? step.twin.row! : step.existing, created: false };
  });
  // A guest who enrolled by email keeps their code when they are enrolled as a customer (attachCustomer).
  for (const [i, outcome] of outcomes.entries()) {
    const k = keyed[i];
    if (!("referrer" in outcome) || outcome.created || "error" in k || !k.customerId || outcome.referrer.customerId) continue;
    const { count } = await tx.referrer.updateMany({ where: { id: outcome.referrer.id, shop, customerId: null }, data: { customerId: k.customerId } });
    if (count) outcome.referrer = { ...outcome.referrer, customerId: k.customerId };
  }
  return outcomes;
}

/** `count` codes free in the shop now, drawn at random and checked in one query a round. */
async function freeCodes(tx: Tx, shop: string, prefix: string, count: number): Promise<string[]> {
  const codes = new Set<string>();
  for (let round = 0; codes.size < count; round++) {
    if (round === MAX_CODE_ATTEMPTS) throw new Error(`Could not find ${count} free referral codes for ${shop} after ${MAX_CODE_ATTEMPTS} rounds`);
    const drawn = new Set<string>();
    while (drawn.size < count - codes.size) {
      const code = generateReferralCode(prefix);
      if (!codes.has(code)) drawn.add(code);
    }
    const taken = new Set((await tx.referrer.findMany({ where: { shop, code: { in: [...drawn] } }, select: { code: true } })).map((r) => r.code));
    for (const code of drawn) if (!taken.has(code)) codes.add(code);
  }
  return [...codes];
}

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
  const before = await db.referrer.findFirst({ where: { id: referrerId, shop }, select: { status: true, kind: true } });
  // A partner's link follows their agreement (app/partners): it is ended or resumed from the Partners page.
  if (!before || before.kind === "PARTNER") return null;
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
