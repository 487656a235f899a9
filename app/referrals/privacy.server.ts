// What the app must do when Shopify relays a privacy request (GDPR/CCPA): tell
// the merchant what it holds about a customer, erase a customer, erase a shop.
// Every query names the shop. A customer is the same person whether found by
// Shopify id or by any spelling of their email, as referrer and as friend.
import type { Db, Prisma } from "~/db.server";
import { isUniqueViolation } from "~/db-errors";
import { DEAD, INVALID, PENDING } from "~/queue/queue.server";
import { recordAudit } from "./audit.server";
import { erasePartners, partnerReport, partnersOf } from "~/partners/privacy.server";
import { requestCodeSync } from "./code-sync.server";
import { normaliseEmail } from "./email";
import { addMark, customerGid, emptyMarks, mentions, scrubText, type CustomerMarks } from "./personal-data";

type Tx = Prisma.TransactionClient;

export interface CustomerRequest {
  shop: string;
  /** Numeric Shopify customer id or its gid. */
  customerId?: string | number | null;
  email?: string | null;
}

export const DATA_REQUEST_ACTION = "privacy.data_request";
export const CUSTOMER_REDACT_ACTION = "privacy.customer_redact";


async function findCustomer(db: Db | Tx, request: CustomerRequest) {
  const { shop } = request;
  const gid = customerGid(request.customerId);
  const emailKey = request.email ? normaliseEmail(request.email) : null;
  if (!gid && !emailKey) return { gid, emailKey, referrers: [], friendReferrals: [] };
  const byKey = (email: string | null) => emailKey !== null && email !== null && normaliseEmail(email) === emailKey;
  const [referrers, friendReferrals] = await Promise.all([
    db.referrer.findMany({
      where: {
        shop,
        OR: [
          ...(gid ? [{ customerId: gid }] : []),
          ...(emailKey ? [{ emailKey }] : []),
          // A second account with an already-enrolled email keeps the email but no key.
          ...(emailKey ? [{ emailKey: null, email: { not: null } }] : []),
        ],
      },
      orderBy: { createdAt: "asc" },
    }),
    db.referral.findMany({
      where: {
        shop,
        OR: [
          ...(gid ? [{ friendCustomerId: gid }] : []),
          ...(emailKey ? [{ friendEmailKey: emailKey }, { friendEmailKey: null, friendEmail: { not: null } }] : []),
        ],
      },
      orderBy: { createdAt: "asc" },
      include: { referrer: { select: { code: true } } },
    }),
  ]);
  return {
    gid,
    emailKey,
    referrers: referrers.filter((r) => (gid !== null && r.customerId === gid) || (emailKey !== null && r.emailKey === emailKey) || byKey(r.email)),
    friendReferrals: friendReferrals.filter(
      (f) => (gid !== null && f.friendCustomerId === gid) || (emailKey !== null && f.friendEmailKey === emailKey) || byKey(f.friendEmail),
    ),
  };
}

// ---------------------------------------------------------------------------
// customers/data_request

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const decimal = (d: { toString(): string } | null) => (d === null ? null : d.toString());

export type CustomerDataReport = Awaited<ReturnType<typeof customerDataReport>>;

/**
 * Everything held about one customer of `shop`. The referrals they made list
 * orders and amounts but not who the friends are: that is other people's data.
 */
export async function customerDataReport(db: Db | Tx, request: CustomerRequest & { now?: Date }) {
  const { shop } = request;
  const { gid, emailKey, referrers, friendReferrals } = await findCustomer(db, request);
  const ids = referrers.map((r) => r.id);
  const emailKeys = [...new Set([emailKey, ...referrers.map((r) => r.emailKey)].filter((k): k is string => Boolean(k)))];
  const [made, rewards, emails, suppressions, formerCodes, partners] = await Promise.all([
    db.referral.findMany({ where: { shop, referrerId: { in: ids } }, orderBy: { createdAt: "asc" } }),
    db.reward.findMany({ where: { shop, referrerId: { in: ids } }, orderBy: { createdAt: "asc" } }),
    db.emailMessage.findMany({ where: { shop, OR: [{ emailKey: { in: emailKeys } }, { referrerId: { in: ids } }] }, orderBy: { createdAt: "asc" } }),
    db.emailSuppression.findMany({ where: { shop, emailKey: { in: emailKeys } } }),
    db.referrerCode.findMany({ where: { shop, referrerId: { in: ids } }, orderBy: { createdAt: "asc" } }),
    partnersOf(db, shop, { emailKeys, referrerIds: ids }),
  ]);

  return {
    shop,
    generatedAt: (request.now ?? new Date()).toISOString(),
    request: { customerId: gid, email: request.email ?? null },
    asReferrer: referrers.map((r) => ({
      referrerId: r.id,
      customerId: r.customerId,
      email: r.email,
      firstName: r.firstName,
      lastName: r.lastName,
      code: r.code,
      // Codes replaced after a leak: until when each worked.
      formerCodes: formerCodes.filter((c) => c.referrerId === r.id).map((c) => ({ code: c.code, replacedAt: iso(c.createdAt), worksUntil: iso(c.retireAt) })),
      source: r.source,
      status: r.status,
      enrolledAt: iso(r.createdAt),
      redactedAt: iso(r.redactedAt),
      referrals: made
        .filter((m) => m.referrerId === r.id)
        .map((m) => ({
          referralId: m.id,
          orderId: m.orderId,
          orderName: m.orderName,
          status: m.status,
          subtotalAmount: decimal(m.subtotalAmount),
          totalAmount: decimal(m.totalAmount),
          refundedAmount: decimal(m.refundedAmount),
          currencyCode: m.currencyCode,
          orderCreatedAt: iso(m.orderCreatedAt),
          createdAt: iso(m.createdAt),
        })),
      rewards: rewards
        .filter((w) => w.referrerId === r.id)
        .map((w) => ({
          rewardId: w.id,
          referralId: w.referralId,
          kind: w.kind,
          valueType: w.valueType,
          value: decimal(w.value),
          currencyCode: w.currencyCode,
          code: w.code,
          status: w.status,
          expiresAt: iso(w.expiresAt),
          issuedAt: iso(w.issuedAt),
          paidAt: iso(w.paidAt),
          payoutReference: w.payoutReference,
          createdAt: iso(w.createdAt),
        })),
      linkEvents: { clicks: r.clickCount, shares: r.shareCount },
    })),
    // As the contact of a partner business (app/partners): the application and the agreements signed.
    asPartner: partners.map(partnerReport),
    // The emails the app sent them or meant to (its outbox and send log), and any opt-out.
    emails: emails.map((e) => ({
      kind: e.kind,
      to: e.recipient,
      language: e.locale,
      status: e.status,
      reason: e.reason,
      sentAt: iso(e.sentAt),
      createdAt: iso(e.createdAt),
    })),
    emailOptOuts: suppressions.map((s) => ({ reason: s.reason, since: iso(s.createdAt) })),
    asFriend: friendReferrals.map((f) => ({
      referralId: f.id,
      orderId: f.orderId,
      orderName: f.orderName,
      customerId: f.friendCustomerId,
      email: f.friendEmail,
      // Only a fingerprint of the shipping address is kept (self-referral checks).
      addressFingerprintHeld: f.friendAddressHash !== null,
      referredWithCode: f.codeUsed ?? f.referrer.code,
      attributedBy: f.attributedBy,
      // Where their visit began and came from, kept as evidence of leaked codes.
      landingSite: f.landingSite,
      referringSite: f.referringSite,
      status: f.status,
      subtotalAmount: decimal(f.subtotalAmount),
      totalAmount: decimal(f.totalAmount),
      currencyCode: f.currencyCode,
      orderCreatedAt: iso(f.orderCreatedAt),
      createdAt: iso(f.createdAt),
    })),
  };
}

/**
 * Stores the report where the merchant can read it (an audit event), once per
 * request: a redelivered webhook (same cause) does not store it twice.
 */
export async function recordCustomerDataRequest(
  db: Db,
  request: CustomerRequest & { cause: string; now?: Date },
): Promise<{ auditEventId: string; report: CustomerDataReport }> {
  const report = await customerDataReport(db, request);
  const existing = await db.auditEvent.findFirst({
    where: { shop: request.shop, action: DATA_REQUEST_ACTION, cause: request.cause },
    select: { id: true },
  });
  if (existing) return { auditEventId: existing.id, report };
  const created = await db.auditEvent.create({
    data: { shop: request.shop, action: DATA_REQUEST_ACTION, cause: request.cause, detail: JSON.stringify(report) },
    select: { id: true },
  });
  return { auditEventId: created.id, report };
}

// ---------------------------------------------------------------------------
// customers/redact

export interface RedactionSummary {
  referrers: number;
  friendReferrals: number;
  /** Emails to them in the outbox and send log, and their opt-outs. */
  emails: number;
  auditEvents: number;
  deliveries: number;
  jobs: number;
  sessions: number;
  otherRows: number;
  /** Partners whose contact was them (app/partners/privacy.server.ts). */
  partners: number;
}

const NO_ROWS: RedactionSummary = { referrers: 0, friendReferrals: 0, emails: 0, auditEvents: 0, deliveries: 0, jobs: 0, sessions: 0, otherRows: 0, partners: 0 };

// Rows read per page of the free-text scan; each page's changes and the
// erasure's progress are written in one short transaction.
const SCAN_PAGE = 1000;
const PAGE_TX = { maxWait: 10_000, timeout: 30_000 };

interface RedactRequest extends CustomerRequest {
  cause: string;
  now: Date;
  /** The delivery being processed: the worker clears its body when it completes, and clearing it here would break a retry. */
  currentWebhookId?: string;
}

/**
 * Erases one customer of `shop`: their referrer profile becomes anonymous and
 * disabled (the row keeps its code: it is random, and rewards and referrals
 * point at it; the code sync takes it off the friend discount), friend details
 * on referrals are cleared, and every mention in free text (audit details,
 * stored webhook bodies, jobs, sessions, merchant notes) is cut out. Counts and
 * amounts stay, so the merchant's reports still add up.
 *
 * The free text of a large shop is scanned page by page, each page in its own
 * transaction with the erasure's progress (an Erasure row keyed by the
 * request's cause): a crash or a lost lease resumes at the last committed page,
 * and a finished erasure is not run again.
 */
export async function redactCustomer(db: Db, request: RedactRequest): Promise<RedactionSummary> {
  const { shop, now } = request;
  let erasure = await startErasure(db, request);
  if (!erasure.finishedAt) {
    const marks = marksFrom(erasure.marks);
    while (erasure.phase !== FINISHED) erasure = await scanPage(db, erasure, marks, request.currentWebhookId);
    await db.$transaction(async (tx) => {
      const { count } = await tx.erasure.updateMany({
        where: { shop, id: erasure.id, finishedAt: null },
        // The marks are the customer's data: they go with the last step.
        data: { marks: null, finishedAt: now },
      });
      if (count !== 1) return; // another worker finished it first
      await recordAudit(tx, {
        shop,
        action: CUSTOMER_REDACT_ACTION,
        cause: request.cause,
        // Counts only: the record of an erasure must not say whom it erased.
        detail: erasure.counts,
      });
    });
  }
  // The erased referrer is disabled: their code must leave the friend discount.
  // Asked for whenever such a code is still there, so a retry of this delivery
  // after a crash right here still asks.
  const stillOnDiscount = await db.referrer.count({ where: { shop, status: "DISABLED", codeSyncedAt: { not: null } } });
  if (stillOnDiscount > 0) await requestCodeSync(db, shop, now);
  return JSON.parse(erasure.counts) as RedactionSummary;
}

type ErasureRow = NonNullable<Awaited<ReturnType<Db["erasure"]["findUnique"]>>>;

/**
 * Erases the customer's own rows and records (or, on a retry, finds) the
 * erasure with every spelling of the customer the app held: the request's, and
 * what the matched rows recorded (an older email, an id found through the email),
 * which the rows no longer hold once erased.
 */
async function startErasure(db: Db, request: RedactRequest): Promise<ErasureRow> {
  const { shop, cause } = request;
  for (let round = 0; ; round++) {
    try {
      return await db.$transaction(async (tx) => {
        const existing = await tx.erasure.findUnique({ where: { shop_cause: { shop, cause } } });
        if (existing?.finishedAt) return existing;
        const { referrers, friendReferrals } = await findCustomer(tx, request);
        const marks = existing ? marksFrom(existing.marks) : emptyMarks();
        addMark(marks, request);
        for (const r of referrers) addMark(marks, r);
        for (const f of friendReferrals) addMark(marks, { customerId: f.friendCustomerId, email: f.friendEmail });

        if (referrers.length > 0) {
          await tx.referrer.updateMany({
            where: { shop, id: { in: referrers.map((r) => r.id) } },
            data: {
              customerId: null,
              email: null,
              emailKey: null,
              firstName: null,
              lastName: null,
              status: "DISABLED",
              disabledReason: "Customer data erased at the customer's request",
              redactedAt: request.now,
              // What could still single them out: their address and device, as hashes.
              addressHash: null,
              streetHash: null,
              deviceIpHash: null,
              deviceUaHash: null,
              deviceSeenAt: null,
            },
          });
        }
        if (friendReferrals.length > 0) {
          await tx.referral.updateMany({
            where: { shop, id: { in: friendReferrals.map((f) => f.id) } },
            // Where their visit began and came from is theirs too (leak evidence).
            data: {
              friendCustomerId: null,
              friendEmail: null,
              friendEmailKey: null,
              friendAddressHash: null,
              friendStreetHash: null,
              friendIpHash: null,
              friendUaHash: null,
              landingSite: null,
              referringSite: null,
            },
          });
          // The single-use code their browser was given: its hashes are their device.
          const orderIds = friendReferrals.map((f) => f.orderId).filter((id): id is string => Boolean(id));
          if (orderIds.length > 0) await tx.friendCode.updateMany({ where: { shop, orderId: { in: orderIds } }, data: { ipHash: null, uaHash: null } });
        }
        // Their emails (queued, sent or not) and their opt-outs hold their address: deleted.
        const emailKeys = [...marks.emailKeys];
        const referrerIds = referrers.map((r) => r.id);
        // The partner business they are the contact of: its personal data goes, the fees stay.
        const partners = (await partnersOf(tx, shop, { emailKeys, referrerIds })).filter((p) => !p.redactedAt);
        const erasedPartners = await erasePartners(tx, shop, partners.map((p) => p.id), request.now);
        const emails = await tx.emailMessage.deleteMany({ where: { shop, OR: [{ emailKey: { in: emailKeys } }, { referrerId: { in: referrerIds } }] } });
        const optOuts = await tx.emailSuppression.deleteMany({ where: { shop, emailKey: { in: emailKeys } } });
        // Their referral events (and the deliveries of them not yet made): nothing more goes out about them.
        // And the events about their orders as a friend: a merchant's reason for a decision may name them.
        await tx.referralEvent.deleteMany({ where: { shop, OR: [{ referrerId: { in: referrerIds } }, { referralId: { in: friendReferrals.map((f) => f.id) } }] } });
        const before: RedactionSummary = { ...NO_ROWS, ...(existing ? JSON.parse(existing.counts) : {}) };
        const counts = JSON.stringify({
          ...before,
          referrers: before.referrers + referrers.length,
          friendReferrals: before.friendReferrals + friendReferrals.length,
          emails: before.emails + emails.count + optOuts.count,
          partners: before.partners + erasedPartners,
        });
        const data = { marks: JSON.stringify({ ids: [...marks.ids], emailKeys: [...marks.emailKeys] }), counts };
        return existing
          ? tx.erasure.update({ where: { id: existing.id }, data })
          : tx.erasure.create({ data: { shop, cause, phase: SCANS[0].phase, ...data } });
      }, PAGE_TX);
    } catch (error) {
      // Two workers started the same erasure at once: the second reads the first's row.
      if (round < 2 && isUniqueViolation(error)) continue;
      throw error;
    }
  }
}

function marksFrom(json: string | null): CustomerMarks {
  const stored = json ? (JSON.parse(json) as { ids: string[]; emailKeys: string[] }) : { ids: [], emailKeys: [] };
  return { ids: new Set(stored.ids), emailKeys: new Set(stored.emailKeys) };
}

/** Scans one page of the current phase and commits its changes with the erasure's new position. */
async function scanPage(db: Db, erasure: ErasureRow, marks: CustomerMarks, currentWebhookId?: string): Promise<ErasureRow> {
  const { shop } = erasure;
  const index = SCANS.findIndex((s) => s.phase === erasure.phase);
  if (index === -1) throw new Error(`erasure ${erasure.id} is in an unknown phase ${erasure.phase}`);
  const scan = SCANS[index];
  const rows = await scan.fetch(db, { shop, after: erasure.cursor, take: SCAN_PAGE, currentWebhookId });
  const changes = rows.flatMap((row) => {
    const data = scan.scrub(row, marks);
    // What the changed columns held when read: the write is conditional on them.
    return data ? [{ id: row.id, data, read: Object.fromEntries(Object.keys(data).filter((k) => k in row).map((k) => [k, row[k]])) }] : [];
  });
  const lastPage = rows.length < SCAN_PAGE;
  const counts = JSON.parse(erasure.counts) as RedactionSummary;
  counts[scan.counter] += changes.length;
  const next = {
    phase: lastPage ? (SCANS[index + 1]?.phase ?? FINISHED) : scan.phase,
    cursor: lastPage ? null : rows[rows.length - 1].id,
    counts: JSON.stringify(counts),
  };
  return db.$transaction(async (tx) => {
    // Compare-and-set on the position: of two workers on one erasure, one writes each page.
    const moved = await tx.erasure.updateMany({ where: { shop, id: erasure.id, phase: erasure.phase, cursor: erasure.cursor }, data: next });
    if (moved.count !== 1) throw new Error(`erasure ${erasure.id} moved on under this worker (another one is running it)`);
    for (const change of changes) {
      const { count } = await scan.update(tx, shop, change.id, change.data, change.read);
      // Written since it was read (a note, a redelivery): nothing of this page
      // is kept, and the retry reads the row as it is now.
      if (count !== 1) throw new Error(`erasure ${erasure.id}: a row changed while it was being scrubbed; the page is read again`);
    }
    return { ...erasure, ...next };
  }, PAGE_TX);
}

const FINISHED = "finished";

type Row = { id: string } & Record<string, string | null>;
type Changes = Record<string, string | null>;

interface Scan {
  phase: string;
  counter: Exclude<keyof RedactionSummary, "referrers" | "friendReferrals">;
  fetch(db: Db, page: { shop: string; after: string | null; take: number; currentWebhookId?: string }): Promise<Row[]>;
  /** The row's new text columns, or null when it does not mention the customer. */
  scrub(row: Row, marks: CustomerMarks): Changes | null;
  /** Writes `data` if the row still holds `read` (compare-and-set). */
  update(tx: Tx, shop: string, id: string, data: Changes, read: Changes): Promise<{ count: number }>;
}

const after = (cursor: string | null) => (cursor ? { id: { gt: cursor } } : {});
const page = (take: number) => ({ orderBy: { id: "asc" as const }, take });

/** Scrubs the given text columns of a row; null when none mentions the customer. */
function scrubColumns(row: Row, columns: string[], marks: CustomerMarks): Changes | null {
  if (!columns.some((c) => mentions(row[c], marks))) return null;
  return Object.fromEntries(columns.map((c) => [c, scrubText(row[c], marks)]));
}

const SCANS: Scan[] = [
  {
    phase: "auditEvents",
    counter: "auditEvents",
    fetch: (db, { shop, after: cursor, take }) =>
      db.auditEvent.findMany({ where: { shop, detail: { not: null }, ...after(cursor) }, select: { id: true, action: true, detail: true }, ...page(take) }),
    scrub: (row, marks) => {
      if (!mentions(row.detail, marks)) return null;
      // A data report is about the customer through and through (names too): drop it whole.
      return { detail: row.action === DATA_REQUEST_ACTION ? JSON.stringify({ redacted: true }) : scrubText(row.detail, marks) };
    },
    update: (tx, shop, id, data, read) => tx.auditEvent.updateMany({ where: { shop, id, ...read }, data }),
  },
  {
    phase: "deliveries",
    counter: "deliveries",
    fetch: (db, { shop, after: cursor, take, currentWebhookId }) =>
      db.webhookDelivery.findMany({
        where: {
          shop,
          OR: [{ payload: { not: null } }, { lastError: { not: null } }],
          ...(currentWebhookId ? { webhookId: { not: currentWebhookId } } : {}),
          ...after(cursor),
        },
        select: { id: true, status: true, payload: true, lastError: true },
        ...page(take),
      }),
    scrub: (row, marks) => {
      const inPayload = mentions(row.payload, marks);
      if (!inPayload && !mentions(row.lastError, marks)) return null;
      // A waiting delivery about this customer must not run later and write
      // their data back: it is parked INVALID, with a reason the merchant can read.
      const parked = inPayload && (row.status === PENDING || row.status === DEAD);
      return {
        payload: inPayload ? null : row.payload,
        ...(parked
          ? { status: INVALID, lastError: "Body erased: its customer asked for their data to be deleted" }
          : { lastError: scrubText(row.lastError, marks) }),
      };
    },
    update: (tx, shop, id, data, read) => tx.webhookDelivery.updateMany({ where: { shop, id, ...read }, data }),
  },
  {
    phase: "jobs",
    counter: "jobs",
    fetch: (db, { shop, after: cursor, take }) =>
      db.job.findMany({
        where: { shop, OR: [{ payload: { not: null } }, { lastError: { not: null } }], ...after(cursor) },
        select: { id: true, payload: true, lastError: true },
        ...page(take),
      }),
    scrub: (row, marks) => scrubColumns(row, ["payload", "lastError"], marks),
    update: (tx, shop, id, data, read) => tx.job.updateMany({ where: { shop, id, ...read }, data }),
  },
  {
    // Staff sessions hold a user's email; if that user is the customer, it goes.
    phase: "sessions",
    counter: "sessions",
    fetch: (db, { shop, after: cursor, take }) =>
      db.session.findMany({ where: { shop, email: { not: null }, ...after(cursor) }, select: { id: true, email: true }, ...page(take) }),
    scrub: (row, marks) => (mentions(row.email, marks) ? { email: null, firstName: null, lastName: null } : null),
    update: (tx, shop, id, data, read) => tx.session.updateMany({ where: { shop, id, ...read }, data }),
  },
  // Merchant-written notes (reasons, payout references) can quote an email too.
  {
    phase: "rewards",
    counter: "otherRows",
    fetch: (db, { shop, after: cursor, take }) =>
      db.reward.findMany({
        where: { shop, OR: [{ reason: { not: null } }, { payoutReference: { not: null } }], ...after(cursor) },
        select: { id: true, reason: true, payoutReference: true },
        ...page(take),
      }),
    scrub: (row, marks) => scrubColumns(row, ["reason", "payoutReference"], marks),
    update: (tx, shop, id, data, read) => tx.reward.updateMany({ where: { shop, id, ...read }, data }),
  },
  {
    phase: "referrals",
    counter: "otherRows",
    fetch: (db, { shop, after: cursor, take }) =>
      db.referral.findMany({ where: { shop, reason: { not: null }, ...after(cursor) }, select: { id: true, reason: true }, ...page(take) }),
    scrub: (row, marks) => scrubColumns(row, ["reason"], marks),
    update: (tx, shop, id, data, read) => tx.referral.updateMany({ where: { shop, id, ...read }, data }),
  },
  {
    phase: "referrers",
    counter: "otherRows",
    fetch: (db, { shop, after: cursor, take }) =>
      db.referrer.findMany({ where: { shop, disabledReason: { not: null }, ...after(cursor) }, select: { id: true, disabledReason: true }, ...page(take) }),
    scrub: (row, marks) => scrubColumns(row, ["disabledReason"], marks),
    update: (tx, shop, id, data, read) => tx.referrer.updateMany({ where: { shop, id, ...read }, data }),
  },
];

// ---------------------------------------------------------------------------
// shop/redact

/** Rate-limit keys carry the shop as one ":"-separated part (e.g. "proxy:<shop>:<ip>"). */
function rateLimitKeysOf(shop: string) {
  return [{ key: shop }, { key: { startsWith: `${shop}:` } }, { key: { contains: `:${shop}:` } }, { key: { endsWith: `:${shop}` } }];
}

/**
 * Deletes every row of `shop`, in one transaction. The delivery being processed
 * (`currentWebhookId`) keeps its row, emptied of its body: the worker must still
 * mark it done, and it is what recognises a redelivery of the same request.
 */
export async function redactShop(db: Db, { shop, currentWebhookId }: { shop: string; currentWebhookId?: string }) {
  const keepCurrent = currentWebhookId ? { webhookId: { not: currentWebhookId } } : {};
  const [rewards, linkEvents, referrals, formerCodes, friendCodes, referrers, programs, auditEvents, jobs, deliveries, , sessions, rateLimits, shops, inviteRuns, dailyStats, erasures, referralEvents, flowTriggerUses, klaviyoConnections, webhookEndpoints, apiKeys, milestones, experimentVariants, experiments, partnerSignIns, agreementAcceptances, partners, agreementVersions, partnerGroups, payoutBatches, ...emails] =
    await db.$transaction([
      db.reward.deleteMany({ where: { shop } }),
      db.linkEvent.deleteMany({ where: { shop } }),
      db.referral.deleteMany({ where: { shop } }),
      db.referrerCode.deleteMany({ where: { shop } }),
      db.friendCode.deleteMany({ where: { shop } }),
      db.referrer.deleteMany({ where: { shop } }),
      db.program.deleteMany({ where: { shop } }),
      db.auditEvent.deleteMany({ where: { shop } }),
      db.job.deleteMany({ where: { shop } }),
      db.webhookDelivery.deleteMany({ where: { shop, ...keepCurrent } }),
      db.webhookDelivery.updateMany({ where: { shop, webhookId: currentWebhookId ?? "" }, data: { payload: null } }),
      db.session.deleteMany({ where: { shop } }),
      db.rateLimit.deleteMany({ where: { OR: rateLimitKeysOf(shop) } }),
      db.shop.deleteMany({ where: { shop } }),
      db.inviteRun.deleteMany({ where: { shop } }),
      db.dailyStat.deleteMany({ where: { shop } }),
      db.erasure.deleteMany({ where: { shop } }),
      // Their deliveries go with them (onDelete: Cascade).
      db.referralEvent.deleteMany({ where: { shop } }),
      db.flowTriggerUse.deleteMany({ where: { shop } }),
      db.klaviyoConnection.deleteMany({ where: { shop } }),
      db.webhookEndpoint.deleteMany({ where: { shop } }),
      // Read API keys (their rate-limit rows go with rateLimitKeysOf).
      db.apiKey.deleteMany({ where: { shop } }),
      // The program's milestone rewards (their product's title is the shop's data).
      db.milestone.deleteMany({ where: { shop } }),
      // Incentive experiments (their variants first: they name the experiment).
      db.experimentVariant.deleteMany({ where: { shop } }),
      db.experiment.deleteMany({ where: { shop } }),
      // Partners: their sign-in links and acceptances first (they name the
      // partner and the agreement version), then groups and payout batches.
      db.partnerSignIn.deleteMany({ where: { shop } }),
      db.agreementAcceptance.deleteMany({ where: { shop } }),
      db.partner.deleteMany({ where: { shop } }),
      db.agreementVersion.deleteMany({ where: { shop } }),
      db.partnerGroup.deleteMany({ where: { shop } }),
      db.payoutBatch.deleteMany({ where: { shop } }),
      db.emailMessage.deleteMany({ where: { shop } }),
      db.emailSuppression.deleteMany({ where: { shop } }),
      db.emailSwitch.deleteMany({ where: { shop } }),
      db.emailText.deleteMany({ where: { shop } }),
      db.shopDayTotal.deleteMany({ where: { shop } }),
    ]);
  return {
    rewards: rewards.count,
    linkEvents: linkEvents.count,
    referrals: referrals.count,
    formerCodes: formerCodes.count,
    friendCodes: friendCodes.count,
    referrers: referrers.count,
    programs: programs.count,
    auditEvents: auditEvents.count,
    jobs: jobs.count,
    deliveries: deliveries.count,
    sessions: sessions.count,
    rateLimits: rateLimits.count,
    shops: shops.count,
    inviteRuns: inviteRuns.count,
    dailyStats: dailyStats.count,
    erasures: erasures.count,
    referralEvents: referralEvents.count,
    flowTriggerUses: flowTriggerUses.count,
    klaviyoConnections: klaviyoConnections.count,
    webhookEndpoints: webhookEndpoints.count,
    apiKeys: apiKeys.count,
    milestones: milestones.count,
    experiments: experiments.count,
    experimentVariants: experimentVariants.count,
    partners: partners.count,
    partnerSignIns: partnerSignIns.count,
    agreementAcceptances: agreementAcceptances.count,
    agreementVersions: agreementVersions.count,
    partnerGroups: partnerGroups.count,
    payoutBatches: payoutBatches.count,
    emails: emails.reduce((n, r) => n + r.count, 0),
  };
}
