// The printable material a referrer (and later a partner) hands out: a
// one-page brochure and a QR poster, as PDF. Everything on them comes in as
// input (who hands it out, their link and code, the offer, the shop's name and
// logo, the language), so the same pages serve any kind of referrer; the
// words are the storefront's catalogues (extensions/referral/locales, section
// "print"). The same input and clock give the same bytes.
import { translator } from "~/storefront/i18n";
import type { Logo } from "./logo.server";
import { fitSize, newDocument, paragraph, wrap, type Typesetter } from "./pdf-text.server";
import { drawQr } from "./qr.server";

export const PRINTABLE_KINDS = ["brochure", "poster"] as const;
export type PrintableKind = (typeof PRINTABLE_KINDS)[number];
export const PAPER_SIZES = ["A4", "LETTER"] as const;
export type PaperSize = (typeof PAPER_SIZES)[number];

export interface PrintableInput {
  kind: PrintableKind;
  paper: PaperSize;
  /** A storefront language (en, hi, mt, es, fr, de): the words; and the document's /Lang. */
  language: string;
  shopName: string;
  logo: Logo | null;
  /** The shop's colour (#rrggbb) for headings; a neutral dark blue when absent or malformed. */
  accentColor?: string | null;
  /** Who hands it out: a referrer's first name, a partner's business; null says "you're invited" without a name. */
  name: string | null;
  /** The share link the QR code carries. */
  link: string;
  /** The code a friend may type at checkout; null when friends get codes of their own (the link alone). */
  code: string | null;
  /** The friend's offer in words ("15% off"). */
  offer: string;
  /** The program in one sentence (give and get), for the brochure; null leaves the section out. */
  summary: string | null;
  /** The program page (join and terms), or null. */
  programUrl: string | null;
  /** Written as the document's creation date. */
  now: Date;
}

const PAGE = { A4: { width: 595.28, height: 841.89 }, LETTER: { width: 612, height: 792 } } as const;
const MARGIN = 48;
const INK = "#1a1a1a";
const MUTED = "#555555";

function accent(color: string | null | undefined): string {
  return color && /^#[0-9a-f]{6}$/i.test(color) ? color : "#1f3a68";
}

/** The PDF's bytes. */
export async function renderPrintable(input: PrintableInput): Promise<Buffer> {
  const t = translator(input.language);
  const shop = input.shopName;
  const title = t(input.kind === "brochure" ? "print.doc_brochure" : "print.doc_poster", { shop });
  const setter = newDocument({ size: input.paper, title, author: shop, subject: input.offer, lang: input.language, now: input.now });
  if (input.kind === "brochure") brochure(setter, input);
  else poster(setter, input);
  return finish(setter.doc);
}

function finish(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    doc.end();
  });
}

/** The logo scaled into the box (keeping its proportions), drawn from (x, y); returns its width, 0 when not drawn. */
function drawLogo(doc: PDFKit.PDFDocument, logo: Logo | null, x: number, y: number, maxWidth: number, maxHeight: number, align: "left" | "center" = "left"): number {
  if (!logo) return 0;
  const scale = Math.min(maxWidth / logo.width, maxHeight / logo.height);
  const width = logo.width * scale;
  const height = logo.height * scale;
  try {
    doc.image(logo.data, align === "center" ? x + (maxWidth - width) / 2 : x, y + (maxHeight - height) / 2, { width, height });
  } catch {
    return 0;
  }
  return width;
}

/** The link as a line that fits (smaller type for a long link), clickable in a PDF viewer. */
function linkLine(s: Typesetter, link: string, x: number, y: number, width: number, max: number, align: "left" | "center"): number {
  const size = fitSize(s, link, width, max, 7);
  const lines = wrap(s, link, width, size);
  let at = y;
  for (const line of lines) {
    const w = s.width(line, size, "regular");
    const left = align === "center" ? x + (width - w) / 2 : x;
    s.doc.fillColor(INK);
    s.line(line, left, at + size, size, "regular");
    s.doc.link(left, at, w, size * 1.3, link);
    at += size * 1.45;
  }
  return at;
}

function brochure(s: Typesetter, input: PrintableInput): void {
  const { doc } = s;
  const t = translator(input.language);
  const page = PAGE[input.paper];
  const colour = accent(input.accentColor);
  const width = page.width - 2 * MARGIN;
  let y = MARGIN;

  // The shop: logo and name.
  const logoWidth = drawLogo(doc, input.logo, MARGIN, y, 160, 52);
  const nameX = MARGIN + (logoWidth ? logoWidth + 14 : 0);
  const nameSize = fitSize(s, input.shopName, page.width - MARGIN - nameX, 22, 12, "bold");
  doc.fillColor(INK);
  s.line(input.shopName, nameX, y + 26 + nameSize * 0.35, nameSize, "bold");
  y += 64;
  doc.rect(MARGIN, y, width, 3).fill(colour);
  y += 24;

  // The invitation and the offer.
  const invite = input.name ? t("print.invite_named", { name: input.name, shop: input.shopName }) : t("print.invite", { shop: input.shopName });
  y = paragraph(s, invite, { x: MARGIN, y, width, size: 15, color: MUTED });
  y += 4;
  const headline = t("print.offer_headline", { offer: input.offer });
  const headlineSize = fitSize(s, headline, width, 34, 22, "bold");
  y = paragraph(s, headline, { x: MARGIN, y, width, size: headlineSize, weight: "bold", color: colour, leading: 1.3 });
  y += 20;

  // The QR code beside how to use it.
  const qrSide = 196;
  const boxTop = y;
  drawQr(doc, input.link, MARGIN, boxTop, qrSide);
  paragraph(s, t("print.scan"), { x: MARGIN, y: boxTop + qrSide, width: qrSide, size: 11, align: "center", color: MUTED });
  const textX = MARGIN + qrSide + 24;
  const textWidth = page.width - MARGIN - textX;
  let ty = paragraph(s, t("print.how_heading"), { x: textX, y: boxTop + 10, width: textWidth, size: 16, weight: "bold", color: INK });
  const steps = [t("print.step_scan"), t("print.step_checkout"), ...(input.code ? [t("print.step_code", { code: input.code })] : [])];
  steps.forEach((step, i) => {
    doc.fillColor(colour);
    s.line(`${i + 1}.`, textX, ty + 4 + 12 * 0.95 + (12 * 1.45 - 12) / 2, 12, "bold");
    ty = paragraph(s, step, { x: textX + 18, y: ty + 4, width: textWidth - 18, size: 12, color: INK });
  });
  y = Math.max(boxTop + qrSide + 26, ty) + 18;

  // The link and the code in words, for whoever cannot scan.
  doc.roundedRect(MARGIN, y, width, input.code ? 96 : 62, 8).lineWidth(1).stroke(colour);
  let by = paragraph(s, t("print.link_label"), { x: MARGIN + 16, y: y + 10, width: width - 32, size: 10, weight: "bold", color: MUTED });
  by = linkLine(s, input.link, MARGIN + 16, by, width - 32, 15, "left");
  if (input.code) {
    by = paragraph(s, t("print.code_label"), { x: MARGIN + 16, y: by + 2, width: width - 32, size: 10, weight: "bold", color: MUTED });
    paragraph(s, input.code, { x: MARGIN + 16, y: by - 2, width: width - 32, size: 18, weight: "bold", color: INK, leading: 1.2 });
  }
  y += (input.code ? 96 : 62) + 28;

  // The program, for a friend who wants to refer in turn.
  if (input.summary) {
    y = paragraph(s, t("print.program_heading"), { x: MARGIN, y, width, size: 16, weight: "bold", color: INK });
    y = paragraph(s, input.summary, { x: MARGIN, y: y + 2, width, size: 12, color: INK });
    if (input.programUrl) y = paragraph(s, t("print.program_join", { url: input.programUrl }), { x: MARGIN, y: y + 2, width, size: 12, color: INK });
  }

  // The terms, at the foot of the page.
  if (input.programUrl) {
    doc.rect(MARGIN, page.height - MARGIN - 30, width, 0.75).fill("#cccccc");
    paragraph(s, t("print.terms", { url: input.programUrl }), { x: MARGIN, y: page.height - MARGIN - 24, width, size: 9, color: MUTED });
  }
}

function poster(s: Typesetter, input: PrintableInput): void {
  const { doc } = s;
  const t = translator(input.language);
  const page = PAGE[input.paper];
  const colour = accent(input.accentColor);
  const width = page.width - 2 * MARGIN;

  // A band of the shop's colour with the call to action.
  const cta = t("print.poster_cta", { offer: input.offer });
  const ctaSize = fitSize(s, cta, width - 24, 46, 26, "bold");
  const ctaLines = wrap(s, cta, width - 24, ctaSize, "bold").length;
  const bandHeight = MARGIN + ctaLines * ctaSize * 1.25 + 60;
  doc.rect(0, 0, page.width, bandHeight).fill(colour);
  let y = paragraph(s, cta, { x: MARGIN + 12, y: MARGIN, width: width - 24, size: ctaSize, weight: "bold", align: "center", color: "#ffffff", leading: 1.25 });
  paragraph(s, t("print.poster_sub", { shop: input.shopName }), { x: MARGIN, y: y + 2, width, size: 18, align: "center", color: "#ffffff" });
  y = bandHeight + 28;

  // The QR code, as large as the page allows with room for the words below.
  const footer = 150 + (input.code ? 40 : 0);
  const side = Math.min(width - 40, page.height - y - footer - MARGIN);
  drawQr(doc, input.link, (page.width - side) / 2, y, side);
  y += side + 8;

  y = paragraph(s, t("print.poster_or"), { x: MARGIN, y, width, size: 13, align: "center", color: MUTED });
  y = linkLine(s, input.link, MARGIN, y, width, 18, "center") + 4;
  if (input.code) {
    y = paragraph(s, `${t("print.code_label")}: ${input.code}`, { x: MARGIN, y, width, size: 20, weight: "bold", align: "center", color: INK }) + 4;
  }

  // The shop at the foot: logo and name.
  const footTop = page.height - MARGIN - 44;
  const logoWidth = drawLogo(doc, input.logo, MARGIN, footTop, width, 44, "center");
  if (!logoWidth) paragraph(s, input.shopName, { x: MARGIN, y: footTop + 6, width, size: 20, weight: "bold", align: "center", color: INK });
  else paragraph(s, input.shopName, { x: MARGIN, y: Math.max(y, footTop - 30), width, size: 13, weight: "bold", align: "center", color: INK });
}
