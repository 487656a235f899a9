// The Emails page's read model and changes: each email's switch and texts (per
// language), a preview rendered as the recipient would get it (sample values),
// test sends, and the log of recent sends.
import { randomUUID } from "node:crypto";
import type { Db } from "~/db.server";
import { emailConfig, emailOffReason } from "~/email/config.server";
import { en, type Messages } from "~/i18n/en";
import { allowedValues, sampleValuesFor, shapeFor } from "~/email/compose.server";
import { EMAIL_KINDS, ESSENTIAL, KIND_PLACEHOLDERS, ON_BY_DEFAULT, TEST_KIND, unknownPlaceholders, type EmailKind, type EmailLocale } from "~/email/kinds";
import { queueEmail } from "~/email/outbox.server";
import { renderEmail } from "~/email/render.server";
import { DEFAULT_TEXTS, type KindText } from "~/email/texts";
import { unsubscribeUrl } from "~/email/unsubscribe.server";
import { normaliseEmail } from "~/referrals/email";
import type { ProgramRow } from "~/referrals/programs.server";
import { recordAudit } from "~/referrals/audit.server";

export const LOG_SIZE = 50;

/** What the send log shows for one message's state. */
export function logStatus(m: { status: string; attempts: number }): "sent" | "retrying" | "queued" | "sending" | "failed" | "suppressed" {
  if (m.status === "SENT") return "sent";
  if (m.status === "FAILED") return "failed";
  if (m.status === "SUPPRESSED") return "suppressed";
  if (m.status === "SENDING") return "sending";
  return m.attempts > 0 ? "retrying" : "queued";
}

function testedKind(payload: string | null): string {
  try {
    const kind = (JSON.parse(payload ?? "{}") as { kind?: unknown }).kind;
    return typeof kind === "string" ? kind : TEST_KIND;
  } catch {
    return TEST_KIND;
  }
}

export async function emailsPage(db: Db, shop: string) {
  const [switches, texts, log, suppressed, klaviyo] = await Promise.all([
    db.emailSwitch.findMany({ where: { shop } }),
    db.emailText.findMany({ where: { shop }, select: { kind: true, locale: true } }),
    db.emailMessage.findMany({
      where: { shop },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: LOG_SIZE,
      select: { id: true, kind: true, recipient: true, locale: true, status: true, reason: true, attempts: true, createdAt: true, sentAt: true, availableAt: true, payload: true },
    }),
    db.emailSuppression.groupBy({ by: ["reason"], where: { shop }, _count: { _all: true } }),
    db.klaviyoConnection.findUnique({ where: { shop }, select: { sendAppEmails: true, status: true } }),
  ]);
  const on = new Map(switches.map((s) => [s.kind, s.enabled]));
  return {
    emailOff: emailOffReason() !== null,
    // Shopper emails go from Klaviyo flows (Integrations > Klaviyo): the switches below wait until that is undone.
    fromKlaviyo: klaviyo?.sendAppEmails === false && klaviyo.status === "ACTIVE",
    kinds: EMAIL_KINDS.map((kind) => ({
      kind,
      enabled: on.get(kind) ?? ON_BY_DEFAULT.has(kind),
      essential: ESSENTIAL.has(kind),
      editedLocales: texts.filter((t) => t.kind === kind).map((t) => t.locale),
    })),
    log: log.map((m) => ({
      id: m.id,
      kind: m.kind === TEST_KIND ? testedKind(m.payload) : m.kind,
      test: m.kind === TEST_KIND,
      recipient: m.recipient,
      locale: m.locale,
      status: logStatus(m),
      reason: m.reason,
      createdAt: m.createdAt.toISOString(),
      sentAt: m.sentAt?.toISOString() ?? null,
      nextAttemptAt: m.status === "QUEUED" ? m.availableAt.toISOString() : null,
    })),
    suppressed: Object.fromEntries(suppressed.map((s) => [s.reason, s._count._all])) as Record<string, number>,
  };
}

export async function setEmailEnabled(db: Db, { shop, kind, enabled, cause }: { shop: string; kind: EmailKind; enabled: boolean; cause: string }) {
  await db.emailSwitch.upsert({ where: { shop_kind: { shop, kind } }, create: { shop, kind, enabled }, update: { enabled } });
  await recordAudit(db, { shop, action: enabled ? "email.enabled" : "email.disabled", cause, detail: kind });
}

/** The texts the editor shows for one email and language: the merchant's, or the defaults. */
export async function editorTexts(db: Db, shop: string, kind: EmailKind, locale: EmailLocale) {
  const own = await db.emailText.findUnique({ where: { shop_kind_locale: { shop, kind, locale } } });
  const fallback = DEFAULT_TEXTS[locale].kinds[kind];
  return { subject: own?.subject ?? fallback.subject, heading: own?.heading ?? fallback.heading, body: own?.body ?? fallback.body, edited: Boolean(own) };
}

export type TextField = "subject" | "heading" | "body";
export type TextErrors = Partial<Record<TextField, string>>;
const LIMITS: Record<TextField, number> = { subject: 200, heading: 200, body: 5000 };

/** Field errors of an edited text: empty, too long, a placeholder the app does not know. */
export function validateTexts(input: Record<TextField, string>, kind: EmailKind, t: Messages = en): TextErrors {
  const errors: TextErrors = {};
  for (const field of ["subject", "heading", "body"] as const) {
    const value = input[field];
    const unknown = unknownPlaceholders(value, kind);
    if (!value.trim()) errors[field] = t.emails.textEmpty;
    else if (value.length > LIMITS[field]) errors[field] = t.emails.textTooLong(LIMITS[field]);
    else if (unknown.length) errors[field] = t.emails.unknownPlaceholder(unknown.join(", "), KIND_PLACEHOLDERS[kind].map((p) => `{${p}}`).join(", "));
    else if (field === "subject" && /[\r\n]/.test(value)) errors[field] = t.emails.subjectOneLine;
  }
  return errors;
}

export async function saveTexts(
  db: Db,
  { shop, kind, locale, texts, cause, t = en }: { shop: string; kind: EmailKind; locale: EmailLocale; texts: Record<TextField, string>; cause: string; t?: Messages },
): Promise<TextErrors> {
  const errors = validateTexts(texts, kind, t);
  if (Object.keys(errors).length) return errors;
  const data = { subject: texts.subject.trim(), heading: texts.heading.trim(), body: texts.body.trim() };
  await db.emailText.upsert({ where: { shop_kind_locale: { shop, kind, locale } }, create: { shop, kind, locale, ...data }, update: data });
  await recordAudit(db, { shop, action: "email.text_saved", cause, detail: `${kind} ${locale}` });
  return {};
}

export async function resetTexts(db: Db, { shop, kind, locale, cause }: { shop: string; kind: EmailKind; locale: EmailLocale; cause: string }) {
  await db.emailText.deleteMany({ where: { shop, kind, locale } });
  await recordAudit(db, { shop, action: "email.text_reset", cause, detail: `${kind} ${locale}` });
}

/** The email as a recipient would get it, with sample values and the texts being edited (not yet saved). */
export async function previewEmail(program: ProgramRow, kind: EmailKind, locale: EmailLocale, texts: Record<TextField, string>, now = new Date()) {
  const fallback = DEFAULT_TEXTS[locale].kinds[kind];
  const text: KindText = { ...texts, button: fallback.button };
  const common = DEFAULT_TEXTS[locale].common;
  const config = emailConfig();
  const unsubscribe = !ESSENTIAL.has(kind);
  const values = {
    ...allowedValues(kind, sampleValuesFor(kind, program, locale, now)),
    ...(unsubscribe ? { unsubscribe_href: unsubscribeUrl(config?.appUrl ?? "https://example.com", "preview", program.shop, "preview@example.com", locale) } : {}),
  };
  const table =
    kind === "MERCHANT_DIGEST"
      ? { rows: [[common.digest_referrals, "12"], [common.digest_revenue, "1,234.00"], [common.digest_rewards, "9"]] as [string, string][], title: common.digest_top, lines: [common.digest_top_line.replace("{name}", "Rita Sample").replace("{count}", "4")] }
      : null;
  const shape = shapeFor({
    kind,
    locale,
    program,
    text,
    hasCode: kind === "INVITATION" || kind === "YOUR_LINK" || kind === "REWARD_ISSUED" || kind === "REWARD_REMINDER",
    hasExpiry: kind === "REWARD_ISSUED" || kind === "REWARD_REMINDER",
    rewardKind: kind === "REWARD_ISSUED" ? (program.rewardKind.startsWith("CODE_") ? "CODE" : program.rewardKind) : null,
    unsubscribe,
    table,
  });
  return renderEmail(shape, values);
}

export type TestSendResult = { ok: true } | { ok: false; field: "to" | "form"; message: string };

/** Queues a test of one email in one language to `to`, with sample values. */
/** Test sends per shop per hour, at most: the operator's SMTP account and sender domain are not a free mailer. */
export const TEST_SENDS_PER_HOUR = 20;

export async function sendTest(
  db: Db,
  { shop, kind, locale, to, now = new Date(), t = en }: { shop: string; kind: EmailKind; locale: EmailLocale; to: string; now?: Date; t?: Messages },
): Promise<TestSendResult> {
  if (!emailConfig()) return { ok: false, field: "form", message: t.emails.smtpOff };
  if (!normaliseEmail(to) || to.length > 254) return { ok: false, field: "to", message: t.emails.testToInvalid };
  const lastHour = await db.emailMessage.count({ where: { shop, kind: TEST_KIND, createdAt: { gt: new Date(now.getTime() - 3_600_000) } } });
  if (lastHour >= TEST_SENDS_PER_HOUR) return { ok: false, field: "form", message: t.emails.testLimit(TEST_SENDS_PER_HOUR) };
  await queueEmail(db, { shop, kind: TEST_KIND, key: `test:${randomUUID()}`, recipient: to.trim(), locale, payload: { kind, locale } }, now);
  return { ok: true };
}

