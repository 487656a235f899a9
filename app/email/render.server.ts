// Turns one email into its subject, HTML and plain text. The layout (React
// Email) is rendered once per shape (shop look, email, language, texts, which
// parts it has) with the {placeholders} left in, and cached; each recipient's
// values are then filled in one pass, HTML-escaped in the HTML part, as they
// are in the plain-text part, with line breaks stripped from the subject. So
// 10,000 invitations cost one React render, and no value (a hostile first name)
// can add markup or placeholders.
import { createElement } from "react";
import { render, toPlainText } from "@react-email/render";
import { fill, type EmailKind, type PlaceholderValues } from "./kinds";
import { EmailLayout, type LayoutProps } from "./layout";
import type { CommonText, KindText, PartnerText } from "./texts";

export interface Brand {
  shopName: string;
  logoUrl: string | null;
  accentColor: string;
}

/** Everything but the recipient's values: what the cached layout depends on. */
export interface EmailShape {
  kind: EmailKind;
  locale: string;
  brand: Brand;
  text: KindText;
  common: CommonText;
  /** The partner emails' fixed parts (footer "partner"). */
  partners?: PartnerText;
  /** Which optional parts this email has. */
  parts: {
    button: boolean;
    code: boolean;
    /** The code's expiry line ({expires_on}). */
    expiry: boolean;
    /** How to use the reward, already filled ({amount}...). */
    after: string | null;
    /** Lines the app adds after it (milestone progress, store credit expiry), already filled, braces removed. */
    notes?: string[];
    unsubscribe: boolean;
    /** A line under the button, {placeholders} filled per recipient (a sign-in link's expiry). */
    buttonNote?: string | null;
    footer: "referrer" | "merchant" | "partner";
    /** The digest's rows, already formatted (not cached: one per shop a week). */
    table: LayoutProps["table"];
  };
}

/** The recipient's values, and where the button and the unsubscribe link go. */
export interface EmailValues extends PlaceholderValues {
  button_href?: string;
  unsubscribe_href?: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

interface Template {
  subject: string;
  html: string;
  text: string;
}

const MAX_CACHED = 500;
const cache = new Map<string, Promise<Template>>();

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);

export async function renderEmail(shape: EmailShape, values: EmailValues): Promise<RenderedEmail> {
  const template = await templateFor(shape);
  const link = values.link;
  const htmlValues: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) if (value !== undefined) htmlValues[name] = escapeHtml(value);
  // A link in running text is made clickable.
  if (link !== undefined) htmlValues.link = `<a href="${escapeHtml(link)}" style="color:${escapeHtml(shape.brand.accentColor)}">${escapeHtml(link)}</a>`;
  return {
    subject: fill(template.subject, values).replace(/[\r\n]+/g, " ").trim(),
    html: fill(template.html, htmlValues as PlaceholderValues),
    text: fill(template.text, values),
  };
}

async function templateFor(shape: EmailShape): Promise<Template> {
  if (shape.parts.table) return buildTemplate(shape);
  const key = JSON.stringify(shape);
  let entry = cache.get(key);
  if (!entry) {
    entry = buildTemplate(shape);
    cache.set(key, entry);
    entry.catch(() => cache.delete(key));
    if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  }
  return entry;
}

async function buildTemplate(shape: EmailShape): Promise<Template> {
  const { text, common, parts, brand } = shape;
  const props: LayoutProps = {
    lang: shape.locale,
    shopName: brand.shopName,
    logoUrl: brand.logoUrl,
    accentColor: brand.accentColor,
    heading: text.heading,
    paragraphs: text.body
      .split(/\n\s*\n/)
      .map((p) => p.trim())
      .filter(Boolean),
    button: parts.button ? { label: text.button, href: "{button_href}", note: parts.buttonNote ?? null } : null,
    code: parts.code ? { label: common.code_label, value: "{code}", note: parts.expiry ? common.expires_line : null } : null,
    after: parts.after,
    notes: parts.notes ?? [],
    table: parts.table,
    footer: fill(footerText(shape), { shop_name: brand.shopName }),
    unsubscribe: parts.unsubscribe ? { label: common.unsubscribe, href: "{unsubscribe_href}" } : null,
  };
  const html = await render(createElement(EmailLayout, props));
  const plain = toPlainText(html, {
    selectors: [
      { selector: "h1", options: { uppercase: false } },
      { selector: "a", options: { hideLinkHrefIfSameAsText: true } },
    ],
    wordwrap: false,
  });
  return { subject: text.subject, html, text: plain };
}

function footerText({ parts, common, partners }: EmailShape): string {
  if (parts.footer === "merchant") return common.footer_merchant;
  if (parts.footer === "partner" && partners) return partners.footer;
  return common.footer_reason;
}

/** For tests and the benchmark: forget every cached layout. */
export function clearTemplateCache(): void {
  cache.clear();
}
