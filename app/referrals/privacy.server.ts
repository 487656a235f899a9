// What the app must do when Shopify relays a privacy request (GDPR/CCPA): tell
// the merchant what it holds about a customer, erase a customer, erase a shop.
// Every query names the shop. A customer is the same person whether found by
// Shopify id or by any spelling of their email, as referrer and as friend.
import type { Db, Prisma } from "../db.server";
import { DEAD, INVALID, PENDING } from "../jobs/queue.server";
import { recordAudit } from "./audit.server";
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

// Large enough that one page is one round trip, small enough to hold in memory.
const PAGE = 500;
// Redaction scans the shop's audit trail; give it more than Prisma's 5 s default.
const TX_OPTIONS = { maxWait: 10_000, timeout: 120_000 };

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
  const { gid, referrers, friendReferrals } = await findCustomer(db, request);
  const ids = referrers.map((r) => r.id);
  const [made, rewards, clicks, shares] = await Promise.all([
    db.referral.findMany({ where: { shop, referrerId: { in: ids } }, orderBy: { createdAt: "asc" } }),
    db.reward.findMany({ where: { shop, referrerId: { in: ids } }, orderBy: { createdAt: "asc" } }),
    db.linkEvent.groupBy({ by: ["referrerId"], where: { shop, referrerId: { in: ids }, type: "CLICK" }, _count: true }),
    db.linkEvent.groupBy({ by: ["referrerId"], where: { shop, referrerId: { in: ids }, type: "SHARE" }, _count: true }),
  ]);
  const countFor = (rows: { referrerId: string; _count: number }[], id: string) =>
    rows.find((r) => r.referrerId === id)?._count ?? 0;

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
      linkEvents: { clicks: countFor(clicks, r.id), shares: countFor(shares, r.id) },
    })),
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
  auditEvents: number;
  deliveries: number;
  jobs: number;
  sessions: number;
  otherRows: number;
}

/**
 * Erases one customer of `shop`: their referrer profile becomes anonymous and
 * disabled (the row keeps its code: it is random, and rewards and referrals
 * point at it; the code sync takes it off the friend discount), friend details on referrals are cleared, and every mention in free text
 * (audit details, stored webhook bodies, jobs) is cut out. Counts and amounts
 * stay, so the merchant's reports still add up.
 *
 * `currentWebhookId`: the delivery being processed; the worker clears its body
 * when it completes, and clearing it here would break a retry.
 */
export async function redactCustomer(
  db: Db,
  request: CustomerRequest & { cause: string; now: Date; currentWebhookId?: string },
): Promise<RedactionSummary> {
  const { shop, now } = request;
  const summary = await db.$transaction(async (tx) => {
    const { referrers, friendReferrals } = await findCustomer(tx, request);

    // Every spelling of the customer the app holds: the request's, and what the
    // matched rows recorded (an older email, an id found through the email).
    const marks = emptyMarks();
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
          redactedAt: now,
        },
      });
    }
    if (friendReferrals.length > 0) {
      await tx.referral.updateMany({
        where: { shop, id: { in: friendReferrals.map((f) => f.id) } },
        data: { friendCustomerId: null, friendEmail: null, friendEmailKey: null, friendAddressHash: null },
      });
    }

    const summary: RedactionSummary = {
      referrers: referrers.length,
      friendReferrals: friendReferrals.length,
      auditEvents: await scrubAuditEvents(tx, shop, marks),
      deliveries: await scrubDeliveries(tx, shop, marks, request.currentWebhookId),
      jobs: await scrubJobs(tx, shop, marks),
      sessions: await scrubSessions(tx, shop, marks),
      otherRows: await scrubFreeTextColumns(tx, shop, marks),
    };
    await recordAudit(tx, {
      shop,
      action: CUSTOMER_REDACT_ACTION,
      cause: request.cause,
      // Counts only: the record of an erasure must not say whom it erased.
      detail: JSON.stringify(summary),
    });
    return summary;
  }, TX_OPTIONS);
  // The erased referrer is disabled: their code must leave the friend discount.
  // Asked for whenever such a code is still there, so a retry of this delivery
  // after a crash right here still asks.
  const stillOnDiscount = await db.referrer.count({ where: { shop, status: "DISABLED", codeSyncedAt: { not: null } } });
  if (stillOnDiscount > 0) await requestCodeSync(db, shop, now);
  return summary;
}

/** Pages through rows of `shop` (by id) whose text columns are not all null. */
async function* pages<T extends { id: string }>(fetch: (cursor: string | undefined) => Promise<T[]>) {
  let cursor: string | undefined;
  for (;;) {
    const rows = await fetch(cursor);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < PAGE) return;
    cursor = rows[rows.length - 1].id;
  }
}

const after = (cursor: string | undefined) => (cursor ? { id: { gt: cursor } } : {});

async function scrubAuditEvents(tx: Tx, shop: string, marks: CustomerMarks): Promise<number> {
  let count = 0;
  const batches = pages((cursor) =>
    tx.auditEvent.findMany({
      where: { shop, detail: { not: null }, ...after(cursor) },
      select: { id: true, action: true, detail: true },
      orderBy: { id: "asc" },
      take: PAGE,
    }),
  );
  for await (const rows of batches) {
    for (const row of rows) {
      if (!mentions(row.detail, marks)) continue;
      // A data report is about the customer through and through (names too): drop it whole.
      const detail =
        row.action === DATA_REQUEST_ACTION ? JSON.stringify({ redacted: true }) : scrubText(row.detail, marks);
      await tx.auditEvent.updateMany({ where: { shop, id: row.id }, data: { detail } });
      count++;
    }
  }
  return count;
}

async function scrubDeliveries(tx: Tx, shop: string, marks: CustomerMarks, currentWebhookId?: string): Promise<number> {
  let count = 0;
  const batches = pages((cursor) =>
    tx.webhookDelivery.findMany({
      where: {
        shop,
        OR: [{ payload: { not: null } }, { lastError: { not: null } }],
        ...(currentWebhookId ? { webhookId: { not: currentWebhookId } } : {}),
        ...after(cursor),
      },
      select: { id: true, status: true, payload: true, lastError: true },
      orderBy: { id: "asc" },
      take: PAGE,
    }),
  );
  for await (const rows of batches) {
    for (const row of rows) {
      const inPayload = mentions(row.payload, marks);
      if (!inPayload && !mentions(row.lastError, marks)) continue;
      // A waiting delivery about this customer must not run later and write
      // their data back: it is parked INVALID, with a reason the merchant can read.
      const parked = inPayload && (row.status === PENDING || row.status === DEAD);
      await tx.webhookDelivery.updateMany({
        where: { shop, id: row.id },
        data: {
          payload: inPayload ? null : row.payload,
          ...(parked
            ? { status: INVALID, lastError: "Body erased: its customer asked for their data to be deleted" }
            : { lastError: scrubText(row.lastError, marks) }),
        },
      });
      count++;
    }
  }
  return count;
}

async function scrubJobs(tx: Tx, shop: string, marks: CustomerMarks): Promise<number> {
  let count = 0;
  const rows = await tx.job.findMany({
    where: { shop, OR: [{ payload: { not: null } }, { lastError: { not: null } }] },
    select: { id: true, payload: true, lastError: true },
  });
  for (const row of rows) {
    if (!mentions(row.payload, marks) && !mentions(row.lastError, marks)) continue;
    await tx.job.updateMany({
      where: { shop, id: row.id },
      data: { payload: scrubText(row.payload, marks), lastError: scrubText(row.lastError, marks) },
    });
    count++;
  }
  return count;
}

/** Staff sessions hold a user's email; if that user is the customer, it goes. */
async function scrubSessions(tx: Tx, shop: string, marks: CustomerMarks): Promise<number> {
  const sessions = await tx.session.findMany({ where: { shop, email: { not: null } }, select: { id: true, email: true } });
  const theirs = sessions.filter((s) => mentions(s.email, marks)).map((s) => s.id);
  if (theirs.length === 0) return 0;
  const { count } = await tx.session.updateMany({
    where: { shop, id: { in: theirs } },
    data: { email: null, firstName: null, lastName: null },
  });
  return count;
}

/** Merchant-written notes (reasons, payout references) can quote an email too. */
async function scrubFreeTextColumns(tx: Tx, shop: string, marks: CustomerMarks): Promise<number> {
  let count = 0;
  const rewards = await tx.reward.findMany({
    where: { shop, OR: [{ reason: { not: null } }, { payoutReference: { not: null } }] },
    select: { id: true, reason: true, payoutReference: true },
  });
  for (const r of rewards) {
    if (!mentions(r.reason, marks) && !mentions(r.payoutReference, marks)) continue;
    await tx.reward.updateMany({
      where: { shop, id: r.id },
      data: { reason: scrubText(r.reason, marks), payoutReference: scrubText(r.payoutReference, marks) },
    });
    count++;
  }
  const referrals = await tx.referral.findMany({ where: { shop, reason: { not: null } }, select: { id: true, reason: true } });
  for (const r of referrals) {
    if (!mentions(r.reason, marks)) continue;
    await tx.referral.updateMany({ where: { shop, id: r.id }, data: { reason: scrubText(r.reason, marks) } });
    count++;
  }
  const referrers = await tx.referrer.findMany({
    where: { shop, disabledReason: { not: null } },
    select: { id: true, disabledReason: true },
  });
  for (const r of referrers) {
    if (!mentions(r.disabledReason, marks)) continue;
    await tx.referrer.updateMany({ where: { shop, id: r.id }, data: { disabledReason: scrubText(r.disabledReason, marks) } });
    count++;
  }
  return count;
}

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
  const [rewards, linkEvents, referrals, referrers, programs, auditEvents, jobs, deliveries, , sessions, rateLimits, shops, inviteRuns, dailyStats] =
    await db.$transaction([
      db.reward.deleteMany({ where: { shop } }),
      db.linkEvent.deleteMany({ where: { shop } }),
      db.referral.deleteMany({ where: { shop } }),
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
    ]);
  return {
    rewards: rewards.count,
    linkEvents: linkEvents.count,
    referrals: referrals.count,
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
  };
}
