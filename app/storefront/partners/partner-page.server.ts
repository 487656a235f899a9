// The public partner page at /apps/referrals/partners (what the partner
// program is, the application with the agreement to sign, and "email me a
// sign-in link"), and the sign-in pages: the emailed link's page, whose one
// button redeems it, and the page that asks for a new link. Liquid rendered by
// Shopify inside the theme; works without JavaScript (forms POST).
import type { Db } from "~/db.server";
import { shopDisplayName } from "~/email/compose.server";
import { formatMoney } from "~/i18n/format";
import { currentAgreement } from "~/partners/partners.server";
import type { FieldErrors, PartnerField } from "~/partners/status";
import { money } from "~/referrals/money";
import { translatePlural, translator, type Translate } from "../i18n";
import { escapeLiquidHtml as esc } from "../liquid-escape";
import { formatPercent } from "../offer";
import type { ProxyContext } from "../proxy-context";
import { PARTNERS_PATH, actionOf, agreementFields, errorSummary, field, fieldId, pageFrame } from "./html";

/** The application's fields in the order the form shows them (and the error summary lists them). */
export const APPLY_ORDER: PartnerField[] = ["name", "businessName", "email", "website", "pitch", "payoutEmail", "agreement", "signature", "accepted"];
const APPLY_VALUES = ["name", "businessName", "email", "website", "pitch", "payoutEmail", "signature"] as const;

export interface PartnerPageExtra {
  /** What was typed, to refill the form after an error. */
  values?: Record<string, unknown>;
  errors?: FieldErrors;
  /** The application went through. */
  applied?: boolean;
  /** Refused by the rate limit. */
  limited?: boolean;
}

/** The typed values worth refilling (strings, cut at a sane length). */
export function refill(values: Record<string, unknown> = {}, fields: readonly string[] = APPLY_VALUES): Record<string, string> {
  return Object.fromEntries(fields.map((f) => [f, typeof values[f] === "string" ? (values[f] as string).slice(0, 2000) : ""]));
}

/** The program's standard partner fee in words: "10% of the order's subtotal", "€5.00 per order". */
export function partnerFeeText(program: { partnerFeeKind: string; partnerFeeValue: { toString(): string }; currencyCode: string }, t: Translate, localeTag: string): string {
  const value = program.partnerFeeValue.toString();
  if (program.partnerFeeKind === "FIXED") {
    return t("partners.page.fee_fixed", { value: formatMoney(money(value, program.currencyCode).amount, program.currencyCode, localeTag) });
  }
  return t("partners.page.fee_percent", { value: formatPercent(value, localeTag) });
}

/** The public partner page for this request. */
export async function partnerPageFor(db: Db, ctx: ProxyContext, extra: PartnerPageExtra = {}): Promise<string> {
  const { language, tag } = ctx.locale;
  const t = translator(language);
  const program = await db.program.findUnique({ where: { shop: ctx.shop } });
  if (!program) return pageFrame(language, [`<h1>${esc(t("partners.page.program"))}</h1>`, `<p>${esc(t("partners.page.unavailable"))}</p>`]);
  const shop = shopDisplayName(program);
  const agreement = program.partnerApplicationsOpen ? await currentAgreement(db, ctx.shop) : null;
  const days = translatePlural(t, language, tag, "partners.days", program.holdDays);
  const body = [
    `<h1>${esc(t("partners.page.title", { shop }))}</h1>`,
    `<p>${esc(t("partners.page.intro", { shop }))}</p>`,
    `<h2>${esc(t("partners.page.how_heading"))}</h2>`,
    `<ol>`,
    `<li>${esc(t("partners.page.step_apply"))}</li>`,
    `<li>${esc(t("partners.page.step_link"))}</li>`,
    `<li>${esc(t("partners.page.step_fee", { fee: partnerFeeText(program, t, tag), days }))} ${esc(t("partners.page.fee_note"))}</li>`,
    `</ol>`,
    `<section aria-labelledby="rfl-p-apply-heading"><h2 id="rfl-p-apply-heading">${esc(t("partners.page.apply_heading"))}</h2>`,
    extra.applied
      ? `<p role="status">${esc(t("partners.page.applied"))}</p>`
      : agreement
        ? applyForm(t, tag, { version: agreement.version, body: agreement.body }, extra)
        : `<p>${esc(t("partners.page.closed"))}</p>`,
    `</section>`,
    linkSection(t, tag, { heading: true }),
  ];
  return pageFrame(language, body);
}

function applyForm(t: Translate, tag: string, agreement: { version: number; body: string }, { values: typed, errors = {}, limited }: PartnerPageExtra): string {
  const values = refill(typed);
  const state = { values, errors };
  return [
    limited ? `<p class="rfl-error" role="alert">${esc(t("partners.error.rate"))}</p>` : "",
    errorSummary(t, errors, APPLY_ORDER, { version: agreement.version }),
    `<form method="post" action="${esc(actionOf("/apply", tag))}">`,
    field(t, { field: "name", autocomplete: "name" }, state),
    field(t, { field: "businessName", autocomplete: "organization" }, state),
    field(t, { field: "email", kind: "email", autocomplete: "email" }, state),
    field(t, { field: "website", autocomplete: "url", inputmode: "url", optional: true, hint: true }, state),
    field(t, { field: "pitch", kind: "textarea", optional: true }, state),
    field(t, { field: "payoutEmail", kind: "email", autocomplete: "email", optional: true, hint: true }, state),
    agreementFields(t, agreement, state),
    `<button type="submit" class="button">${esc(t("partners.page.apply"))}</button>`,
    `</form>`,
  ].join("\n");
}

/** "Already a partner? Email me a sign-in link", with what the last request answered. */
function linkSection(t: Translate, tag: string, { heading, email = "", error }: { heading: boolean; email?: string; error?: "required" | "invalid_email" }): string {
  const id = fieldId("link-email");
  const errorText = error ? t(`partners.error.${error === "required" ? "required" : "invalid_email"}`, { field: t("partners.field.email") }) : "";
  return [
    `<section aria-labelledby="rfl-p-link-heading">`,
    heading ? `<h2 id="rfl-p-link-heading">${esc(t("partners.link.heading"))}</h2>` : `<h2 id="rfl-p-link-heading">${esc(t("partners.link.button"))}</h2>`,
    `<p>${esc(t("partners.link.intro"))}</p>`,
    `<form method="post" action="${esc(actionOf("/link", tag))}">`,
    `<div class="rfl-field"><label for="${id}">${esc(t("partners.field.email"))}</label>`,
    `<input id="${id}" class="rfl-input" type="email" name="email" autocomplete="email" maxlength="254" required value="${esc(email)}"` +
      (error ? ` aria-invalid="true" aria-describedby="${id}-error"` : "") +
      `>`,
    error ? `<p id="${id}-error" class="rfl-error" role="alert">${esc(errorText)}</p>` : "",
    `</div>`,
    `<button type="submit" class="button">${esc(t("partners.link.button"))}</button>`,
    `</form></section>`,
  ].join("\n");
}

export type SignInMessage = "sent" | "invalid" | "expired" | "used" | "ended" | "rate";

/**
 * The page that asks for a new sign-in link: after a link request (the same
 * answer whoever asked), a link that no longer works, or a portal session
 * that ended. Private: not indexed.
 */
export function signInRequestPage(ctx: Pick<ProxyContext, "locale">, { message, email, error }: { message?: SignInMessage; email?: string; error?: "required" | "invalid_email" } = {}): string {
  const { language, tag } = ctx.locale;
  const t = translator(language);
  const text =
    message === "sent" ? t("partners.link.sent") : message === "rate" ? t("partners.error.rate") : message ? t(`partners.sign_in.${message}`) : null;
  return pageFrame(
    language,
    [
      `<h1>${esc(t("partners.sign_in.title"))}</h1>`,
      text ? `<p class="${message === "sent" ? "rfl-status" : "rfl-error"}" role="${message === "sent" ? "status" : "alert"}">${esc(text)}</p>` : "",
      linkSection(t, tag, { heading: false, email, error }),
      `<p><a href="${PARTNERS_PATH}">${esc(t("partners.sign_in.about"))}</a></p>`,
    ],
    { noindex: true },
  );
}

/** The emailed link's page: one button that redeems it (a GET never does: a mail scanner fetching the link cannot use it up). */
export function signInPage(ctx: Pick<ProxyContext, "locale">, token: string): string {
  const { language, tag } = ctx.locale;
  const t = translator(language);
  return pageFrame(
    language,
    [
      `<h1>${esc(t("partners.sign_in.title"))}</h1>`,
      `<p>${esc(t("partners.sign_in.intro"))}</p>`,
      `<form method="post" action="${esc(actionOf("/sign-in", tag))}">`,
      `<input type="hidden" name="token" value="${esc(token)}">`,
      `<button type="submit" class="button">${esc(t("partners.sign_in.button"))}</button>`,
      `</form>`,
    ],
    { noindex: true },
  );
}
