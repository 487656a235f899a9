// The partner portal as Liquid (POST /apps/referrals/partners/portal): the
// agreement to accept while their link is paused, else their link, code, QR
// code and printables; the fees pending, approved and paid; the orders they
// referred (no customer's personal data: app/partners/portal.server.ts reads
// none); the agreement they signed. Shopify's app proxy drops cookies, so the
// session is a signed token each form carries in a hidden field, never in a URL.
import { formatDate, formatMoney } from "~/i18n/format";
import type { PortalData, PortalFee } from "~/partners/portal.server";
import type { FieldErrors, PartnerField } from "~/partners/status";
import { qrPath } from "~/printables/qr.server";
import { translator, type Translate } from "../i18n";
import { escapeLiquidHtml as esc } from "../liquid-escape";
import { shareOrigin, type ProxyContext } from "../proxy-context";
import { referralLink } from "../share-text";
import { actionOf, agreementFields, errorSummary, pageFrame } from "./html";

const ACCEPT_ORDER: PartnerField[] = ["agreement", "signature", "accepted"];

export interface PortalPageExtra {
  errors?: FieldErrors;
  values?: Record<string, string>;
  /** The version just accepted. */
  acceptedVersion?: number;
  /** A printable or the agreement asked for while there is none to give. */
  notLive?: boolean;
  limited?: boolean;
}

interface Formats {
  t: Translate;
  money: (amount: string, currencyCode: string) => string;
  date: (date: Date | null) => string;
}

/** The portal's link: on the shop's own domain (the one the page was asked for, if it is the shop's). */
export function portalLink(data: PortalData, ctx: Pick<ProxyContext, "shop" | "requestedOrigin">): string | null {
  if (!data.referrer) return null;
  return referralLink(shareOrigin(ctx.requestedOrigin, { shop: ctx.shop, storefrontUrl: data.program.storefrontUrl }), data.referrer.code);
}

export function portalPage(ctx: Pick<ProxyContext, "shop" | "locale" | "requestedOrigin">, data: PortalData, session: string, extra: PortalPageExtra = {}): string {
  const { language, tag } = ctx.locale;
  const t = translator(language);
  const zone = data.program.timezone ?? "UTC";
  const f: Formats = {
    t,
    money: (amount, currencyCode) => formatMoney(amount, currencyCode, tag),
    date: (date) => (date ? formatDate(date.toISOString(), zone, tag) : "—"),
  };
  const hidden = `<input type="hidden" name="session" value="${esc(session)}">`;
  const form = (inner: string) => `<form method="post" action="${esc(actionOf("/portal", tag))}">${hidden}${inner}</form>`;
  const body = [
    `<h1>${esc(t("partners.portal.title", { business: data.partner.businessName }))}</h1>`,
    extra.acceptedVersion ? `<p role="status">${esc(t("partners.portal.accepted_now", { version: String(extra.acceptedVersion) }))}</p>` : "",
    extra.notLive ? `<p class="rfl-error" role="alert">${esc(t("partners.portal.not_live"))}</p>` : "",
    extra.limited ? `<p class="rfl-error" role="alert">${esc(t("partners.error.rate"))}</p>` : "",
    data.agreement.mustAccept && data.agreement.current ? acceptSection(t, data.agreement.current, form, extra) : linkSection(f, data, portalLink(data, ctx), form),
    feesSection(f, data),
    ordersSection(f, data),
    agreementSection(f, data, form),
    form(`<button type="submit" name="intent" value="view" class="button">${esc(t("partners.portal.refresh"))}</button>`),
  ];
  return pageFrame(language, body, { noindex: true });
}

function acceptSection(t: Translate, current: { version: number; body: string }, form: (inner: string) => string, { errors = {}, values = {} }: PortalPageExtra): string {
  return [
    `<section aria-labelledby="rfl-p-accept-heading"><h2 id="rfl-p-accept-heading">${esc(t("partners.portal.accept"))}</h2>`,
    `<p><strong>${esc(t("partners.portal.paused"))}</strong></p>`,
    errorSummary(t, errors, ACCEPT_ORDER, { version: current.version }),
    form(
      [
        `<input type="hidden" name="intent" value="accept">`,
        agreementFields(t, current, { values, errors }),
        `<button type="submit" class="button">${esc(t("partners.portal.accept"))}</button>`,
      ].join("\n"),
    ),
    `</section>`,
  ].join("\n");
}

/** The symbol of the link as inline SVG, named for screen readers. */
function qrSvg(link: string, label: string): string {
  const { side, d } = qrPath(link);
  return (
    `<svg class="rfl-qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}" role="img" aria-labelledby="rfl-p-qr-title" shape-rendering="crispEdges">` +
    `<title id="rfl-p-qr-title">${esc(label)}</title><rect width="${side}" height="${side}" fill="#fff"/><path fill="#000" d="${d}"/></svg>`
  );
}

function linkSection({ t }: Formats, data: PortalData, link: string | null, form: (inner: string) => string): string {
  const heading = `<section aria-labelledby="rfl-p-link-heading"><h2 id="rfl-p-link-heading">${esc(t("partners.portal.link_heading"))}</h2>`;
  if (!link || !data.referrer?.live) return [heading, `<p>${esc(t("partners.portal.no_print"))}</p>`, `</section>`].join("\n");
  return [
    heading,
    data.program.enabled ? "" : `<p><strong>${esc(t("partners.portal.program_off"))}</strong></p>`,
    `<label for="rfl-p-link">${esc(t("partners.portal.link_label"))}</label>`,
    `<input id="rfl-p-link" class="rfl-input" type="text" readonly value="${esc(link)}">`,
    data.program.linkOnly ? "" : `<p>${esc(t("partners.portal.code_label"))}: <strong><code>${esc(data.referrer.code)}</code></strong></p>`,
    qrSvg(link, t("partners.portal.qr")),
    `<h3>${esc(t("partners.portal.print_heading"))}</h3>`,
    form(
      `<div class="rfl-buttons">` +
        `<button type="submit" name="intent" value="brochure" class="button">${esc(t("partners.portal.brochure"))}</button>` +
        `<button type="submit" name="intent" value="poster" class="button">${esc(t("partners.portal.poster"))}</button>` +
        `</div>`,
    ),
    `</section>`,
  ].join("\n");
}

/** A table named by the heading above it (`labelledBy`: the heading's id). */
function table(labelledBy: string, headings: string[], rows: string[][], numeric: number[]): string {
  const cell = (tag: "th" | "td", i: number, text: string) => `<${tag}${numeric.includes(i) ? ' class="rfl-num"' : ""}${tag === "th" ? ' scope="col"' : ""}>${text}</${tag}>`;
  return (
    `<table aria-labelledby="${labelledBy}"><thead><tr>${headings.map((h, i) => cell("th", i, esc(h))).join("")}</tr></thead>` +
    `<tbody>${rows.map((row) => `<tr>${row.map((text, i) => cell("td", i, esc(text))).join("")}</tr>`).join("")}</tbody></table>`
  );
}

function feesSection(f: Formats, data: PortalData): string {
  const { t } = f;
  const { fees } = data;
  const total = (key: string, amount: string) => `<div><dt>${esc(t(`partners.portal.${key}`))}</dt><dd>${esc(f.money(amount, fees.currencyCode))}</dd></div>`;
  const amount = (fee: PortalFee) => {
    const text = f.money(fee.amount, fee.currencyCode);
    return fee.estimated ? t("partners.portal.estimate", { amount: text }) : text;
  };
  const order = (fee: PortalFee) => fee.orderName ?? "—";
  const list = (id: string, rows: PortalFee[], headings: string[], row: (fee: PortalFee) => string[], note = "") =>
    [
      `<h3 id="rfl-p-${id}-heading">${esc(t(`partners.portal.${id}_heading`))}</h3>`,
      rows.length && note ? `<p>${esc(note)}</p>` : "",
      rows.length ? table(`rfl-p-${id}-heading`, headings, rows.map(row), [1]) : `<p>${esc(t("partners.portal.none"))}</p>`,
    ].join("");
  const col = (key: string) => t(`partners.portal.col_${key}`);
  return [
    `<section aria-labelledby="rfl-p-fees-heading"><h2 id="rfl-p-fees-heading">${esc(t("partners.portal.fees_heading"))}</h2>`,
    `<dl class="rfl-totals">${total("total_pending", fees.totals.pending)}${total("total_approved", fees.totals.approved)}${total("total_paid", fees.totals.paid)}</dl>`,
    list("pending", fees.pending, [col("order"), col("fee"), col("release")], (fee) => [order(fee), amount(fee), f.date(fee.releaseAt)], t("partners.portal.pending_note")),
    list("approved", fees.approved, [col("order"), col("fee"), col("approved")], (fee) => [order(fee), amount(fee), f.date(fee.approvedAt)]),
    list("paid", fees.paid, [col("order"), col("fee"), col("paid_on"), col("reference")], (fee) => [order(fee), amount(fee), f.date(fee.paidAt), fee.reference ?? "—"]),
    `</section>`,
  ].join("\n");
}

function ordersSection(f: Formats, data: PortalData): string {
  const { t } = f;
  const heading = t("partners.portal.orders_heading");
  const col = (key: string) => t(`partners.portal.col_${key}`);
  return [
    `<section aria-labelledby="rfl-p-orders-heading"><h2 id="rfl-p-orders-heading">${esc(heading)}</h2>`,
    data.orders.length
      ? table(
          "rfl-p-orders-heading",
          [col("order"), col("date"), col("subtotal"), col("status")],
          data.orders.map((o) => [o.orderName ?? "—", f.date(o.placedAt), f.money(o.subtotal, o.currencyCode), t(`partners.portal.status.${o.status}`)]),
          [2],
        )
      : `<p>${esc(t("partners.portal.no_orders"))}</p>`,
    `</section>`,
  ].join("\n");
}

function agreementSection(f: Formats, data: PortalData, form: (inner: string) => string): string {
  const accepted = data.agreement.accepted;
  if (!accepted) return "";
  const { t } = f;
  return [
    `<section aria-labelledby="rfl-p-signed-heading"><h2 id="rfl-p-signed-heading">${esc(t("partners.portal.agreement_heading"))}</h2>`,
    `<p>${esc(t("partners.portal.agreement_accepted", { version: String(accepted.version), date: f.date(accepted.acceptedAt), signature: accepted.signature }))}</p>`,
    form(`<button type="submit" name="intent" value="agreement-pdf" class="button">${esc(t("partners.portal.agreement_pdf"))}</button>`),
    `</section>`,
  ].join("\n");
}
