// The pieces the partner pages share (app/storefront/partners): form fields
// with their label, hint and error tied together (aria-describedby,
// aria-invalid), the error summary, the agreement's text in a scrollable
// region, and the pages' frame. Liquid that Shopify renders inside the theme:
// every value goes through escapeLiquidHtml; the only Liquid is what is written here.
import type { FieldError, FieldErrors, PartnerField } from "~/partners/status";
import { PARTNER_FIELD_LIMITS } from "~/partners/status";
import type { Translate } from "../i18n";
import { escapeLiquidHtml as esc } from "../liquid-escape";

export const PARTNERS_PATH = "/apps/referrals/partners";

/** A form's action: the proxy path with the page's locale, so the answer is in the same language. */
export function actionOf(path: string, localeTag: string): string {
  return `${PARTNERS_PATH}${path}?locale=${encodeURIComponent(localeTag)}`;
}

export const fieldId = (field: string) => `rfl-p-${field}`;
const errorId = (field: string) => `${fieldId(field)}-error`;
const hintId = (field: string) => `${fieldId(field)}-hint`;

/** A field's error in words, naming the field. */
export function errorText(t: Translate, field: PartnerField, code: FieldError, extra: { version?: number } = {}): string {
  if (field === "accepted") return t("partners.error.accepted");
  if (field === "agreement") return t("partners.error.changed", { version: String(extra.version ?? "") });
  const label = t(`partners.field.${field}`);
  const max = field in PARTNER_FIELD_LIMITS ? String(PARTNER_FIELD_LIMITS[field as keyof typeof PARTNER_FIELD_LIMITS]) : "";
  const key = code === "too_long" || code === "invalid_email" || code === "invalid_url" ? code : "required";
  return t(`partners.error.${key}`, { field: label, max });
}

/** Where the summary's link for a field's error goes. */
const targetOf = (field: PartnerField) => (field === "agreement" ? "rfl-p-agreement" : fieldId(field));

/**
 * The errors at the top of a form, each a link to its field, in the form's
 * order. It is an alert (read out when the page loads) and takes the focus
 * first, so the keyboard goes summary, then the fields in order.
 */
export function errorSummary(t: Translate, errors: FieldErrors, order: PartnerField[], extra: { version?: number } = {}): string {
  const fields = order.filter((field) => errors[field]);
  if (!fields.length) return "";
  const items = fields.map((field) => `<li><a href="#${targetOf(field)}">${esc(errorText(t, field, errors[field]!, extra))}</a></li>`).join("");
  return `<div class="rfl-errors" role="alert" tabindex="-1" autofocus><p><strong>${esc(t("partners.error.summary"))}</strong></p><ul>${items}</ul></div>`;
}

export interface FieldSpec {
  field: PartnerField;
  kind?: "text" | "email" | "textarea";
  autocomplete?: string;
  optional?: boolean;
  /** A key under partners.hint. */
  hint?: boolean;
  inputmode?: string;
}

/** One labelled field, its hint and its error, refilled with what was typed. */
export function field(t: Translate, spec: FieldSpec, { values, errors }: { values: Record<string, string>; errors: FieldErrors }): string {
  const id = fieldId(spec.field);
  const error = errors[spec.field];
  const described = [spec.hint ? hintId(spec.field) : "", error ? errorId(spec.field) : ""].filter(Boolean).join(" ");
  const label = esc(t(`partners.field.${spec.field}`)) + (spec.optional ? ` <span class="rfl-optional">(${esc(t("partners.page.optional"))})</span>` : "");
  const max = PARTNER_FIELD_LIMITS[spec.field as keyof typeof PARTNER_FIELD_LIMITS];
  const common =
    `id="${id}" name="${spec.field}" class="rfl-input"` +
    (max ? ` maxlength="${max}"` : "") +
    (spec.autocomplete ? ` autocomplete="${spec.autocomplete}"` : "") +
    (spec.inputmode ? ` inputmode="${spec.inputmode}"` : "") +
    (spec.optional ? "" : " required") +
    (error ? ` aria-invalid="true"` : "") +
    (described ? ` aria-describedby="${described}"` : "");
  const value = values[spec.field] ?? "";
  const control =
    spec.kind === "textarea"
      ? `<textarea ${common} rows="4">${esc(value)}</textarea>`
      : `<input ${common} type="${spec.kind === "email" ? "email" : "text"}" value="${esc(value)}">`;
  return [
    `<div class="rfl-field"><label for="${id}">${label}</label>`,
    spec.hint ? `<p id="${hintId(spec.field)}" class="rfl-hint">${esc(t(`partners.hint.${spec.field}`))}</p>` : "",
    control,
    error ? `<p id="${errorId(spec.field)}" class="rfl-error">${esc(errorText(t, spec.field, error))}</p>` : "",
    `</div>`,
  ].join("");
}

/** The agreement's text: paragraphs at blank lines, line breaks kept. */
export function agreementText(body: string): string {
  return body
    .replace(/\r\n/g, "\n")
    .split(/\n{2,}/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean)
    .map((paragraph) => `<p>${esc(paragraph).replace(/\n/g, "<br>")}</p>`)
    .join("");
}

/**
 * The agreement to read and sign: its text in a scrollable region the
 * keyboard can scroll (it takes the focus), the typed signature, the box to
 * tick and the version shown (a newer one published meanwhile is refused).
 */
export function agreementFields(
  t: Translate,
  agreement: { version: number; body: string },
  { values, errors }: { values: Record<string, string>; errors: FieldErrors },
): string {
  const heading = esc(t("partners.agreement.heading", { version: String(agreement.version) }));
  const changed = errors.agreement === "changed";
  const accepted = errors.accepted;
  return [
    `<h3 id="rfl-p-agreement-heading">${heading}</h3>`,
    changed ? `<p id="rfl-p-agreement-error" class="rfl-error">${esc(errorText(t, "agreement", "changed", { version: agreement.version }))}</p>` : "",
    `<div id="rfl-p-agreement" class="rfl-agreement" role="region" tabindex="0" aria-labelledby="rfl-p-agreement-heading"${changed ? ' aria-describedby="rfl-p-agreement-error"' : ""}>${agreementText(agreement.body)}</div>`,
    `<input type="hidden" name="agreementVersion" value="${esc(String(agreement.version))}">`,
    field(t, { field: "signature", autocomplete: "name", hint: true }, { values, errors }),
    `<div class="rfl-field rfl-check"><input id="${fieldId("accepted")}" type="checkbox" name="accepted" value="on" required` +
      (accepted ? ` aria-invalid="true" aria-describedby="${errorId("accepted")}"` : "") +
      `><label for="${fieldId("accepted")}">${esc(t("partners.field.accepted", { version: String(agreement.version) }))}</label>` +
      (accepted ? `<p id="${errorId("accepted")}" class="rfl-error">${esc(errorText(t, "accepted", accepted))}</p>` : "") +
      `</div>`,
  ].join("\n");
}

/** The pages' frame: the theme's width, the language, and (for the private pages) no indexing. */
export function pageFrame(language: string, body: string[], { noindex = false } = {}): string {
  return [
    noindex ? `<meta name="robots" content="noindex, nofollow">` : "",
    `<div class="rfl-page rfl-partners page-width" lang="${esc(language)}">`,
    ...body,
    `</div>`,
    STYLE,
  ]
    .filter(Boolean)
    .join("\n");
}

// Colours and fonts come from the theme; only spacing, the scrollable agreement, tables and the focus ring are set.
const STYLE = `<style>
.rfl-partners{max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
.rfl-partners section{margin:2rem 0}
.rfl-partners .rfl-field{margin:1rem 0}
.rfl-partners label{display:block;margin-bottom:.25rem}
.rfl-partners .rfl-check{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-start}
.rfl-partners .rfl-check label{display:inline;margin:0;flex:1}
.rfl-partners .rfl-check .rfl-error{flex-basis:100%}
.rfl-partners .rfl-input{box-sizing:border-box;width:100%;max-width:34rem;padding:.6rem;font:inherit;color:inherit;background:transparent;border:1px solid currentColor}
.rfl-partners .rfl-hint{margin:0 0 .25rem;font-size:.9em;opacity:.85}
.rfl-partners .rfl-error{font-weight:600;margin:.25rem 0 0}
.rfl-partners .rfl-errors{border:2px solid currentColor;padding:.75rem 1rem;margin:1rem 0}
.rfl-partners .rfl-agreement{max-height:22rem;overflow:auto;border:1px solid currentColor;padding:0 1rem;margin:.5rem 0 1rem}
.rfl-partners table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
.rfl-partners th,.rfl-partners td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid currentColor;vertical-align:top}
.rfl-partners .rfl-num{text-align:right;white-space:nowrap}
.rfl-partners .rfl-totals{display:flex;flex-wrap:wrap;gap:2rem}
.rfl-partners .rfl-totals dd{margin:0;font-size:1.4em;font-weight:600}
.rfl-partners .rfl-qr{width:11rem;height:11rem;display:block;margin:1rem 0}
.rfl-partners .rfl-buttons{display:flex;flex-wrap:wrap;gap:.75rem}
.rfl-partners :focus-visible{outline:2px solid currentColor;outline-offset:2px}
</style>`;
