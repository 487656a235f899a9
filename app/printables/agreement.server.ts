// One version of the shop's partner agreement as a PDF, for the partner to
// keep and the merchant to file: the shop's logo and name, the title with the
// version, when it was published, who the partner is, the agreement's text
// over as many pages as it needs, and who accepted it and when (or that
// nobody has yet). Numbered headings ("1. The parties") set in bold; a
// heading never ends a page. Every page is numbered ("2 / 3"), so the layout
// is worked out first and drawn once the page count is known. The same input
// gives the same bytes: the file is dated with the acceptance, else the
// publication.
import type { Logo } from "./logo.server";
import { newDocument, wrap, type Typesetter, type Weight } from "./pdf-text.server";

export interface AgreementPdfInput {
  shopName: string;
  logo: Logo | null;
  /** en, hi, mt, es, fr or de: the fixed words and the dates; the body is as the merchant wrote it. */
  language: string;
  version: number;
  publishedAt: Date;
  /** Headings and paragraphs separated by blank lines (app/partners/agreement-template.ts). */
  body: string;
  partner: { name: string; businessName: string } | null;
  acceptance: { signature: string; acceptedAt: Date } | null;
  /** The shop's time zone for the dates (UTC when absent). */
  timeZone?: string | null;
  paper?: "A4" | "LETTER";
}

interface Words {
  title: string;
  published: string;
  partner: string;
  acceptance: string;
  accepted: string;
  /** Accepted, without a partner to name (their data was erased). */
  acceptedBy: string;
  notAccepted: string;
}

/** The PDF's own words; {placeholders} filled here. */
const WORDS: Record<string, Words> = {
  en: {
    title: "Partner agreement — version {version}",
    published: "Published on {date}",
    partner: "Partner: {business} ({name})",
    acceptance: "Acceptance",
    accepted: "Accepted by {signature} for {business} on {date}",
    acceptedBy: "Accepted by {signature} on {date}",
    notAccepted: "Not accepted yet",
  },
  hi: {
    title: "पार्टनर समझौता — संस्करण {version}",
    published: "{date} को प्रकाशित",
    partner: "पार्टनर: {business} ({name})",
    acceptance: "स्वीकृति",
    accepted: "{business} की ओर से {signature} ने {date} स्वीकार किया",
    acceptedBy: "{signature} ने {date} स्वीकार किया",
    notAccepted: "अभी स्वीकार नहीं किया गया",
  },
  mt: {
    title: "Ftehim tas-sħab — verżjoni {version}",
    published: "Ippubblikat fil-{date}",
    partner: "Sieħeb: {business} ({name})",
    acceptance: "Aċċettazzjoni",
    accepted: "Aċċettat minn {signature} għal {business} fil-{date}",
    acceptedBy: "Aċċettat minn {signature} fil-{date}",
    notAccepted: "Għadu ma ġiex aċċettat",
  },
  es: {
    title: "Acuerdo de socios — versión {version}",
    published: "Publicado el {date}",
    partner: "Socio: {business} ({name})",
    acceptance: "Aceptación",
    accepted: "Aceptado por {signature} en nombre de {business} el {date}",
    acceptedBy: "Aceptado por {signature} el {date}",
    notAccepted: "Aún no aceptado",
  },
  fr: {
    title: "Accord partenaire — version {version}",
    published: "Publié le {date}",
    partner: "Partenaire : {business} ({name})",
    acceptance: "Acceptation",
    accepted: "Accepté par {signature} pour {business} le {date}",
    acceptedBy: "Accepté par {signature} le {date}",
    notAccepted: "Pas encore accepté",
  },
  de: {
    title: "Partnervereinbarung — Version {version}",
    published: "Veröffentlicht am {date}",
    partner: "Partner: {business} ({name})",
    acceptance: "Annahme",
    accepted: "Angenommen von {signature} für {business} am {date}",
    acceptedBy: "Angenommen von {signature} am {date}",
    notAccepted: "Noch nicht angenommen",
  },
};

const fill = (text: string, values: Record<string, string>) => text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);

/** The agreement's title in the language ("Partner agreement — version 3"), also the document's /Title. */
export function agreementTitle(language: string, version: number): string {
  return fill(wordsFor(language).title, { version: String(version) });
}

function wordsFor(language: string): Words {
  return WORDS[language.toLowerCase().split(/[-_]/)[0]] ?? WORDS.en;
}

const PAGE = { A4: { width: 595.28, height: 841.89 }, LETTER: { width: 612, height: 792 } } as const;
const MARGIN = 56;
/** Room kept at the foot of each page for its number. */
const FOOTER = 36;
const INK = "#1a1a1a";
const MUTED = "#555555";
const RULE = "#cccccc";
const BODY_SIZE = 10.5;
const HEADING_SIZE = 12.5;
/** Devanagari's marks above and below need more room between lines. */
const LEADING = 1.55;

/** One drawn line: its text, where its box starts, how it is set. */
interface Line {
  text: string;
  x: number;
  y: number;
  size: number;
  weight: Weight;
  color: string;
}

interface Page {
  lines: Line[];
  /** Horizontal rules: [x, y, width]. */
  rules: [number, number, number][];
}

/** The PDF's bytes. */
export async function renderAgreementPdf(input: AgreementPdfInput): Promise<Buffer> {
  const words = wordsFor(input.language);
  const paper = input.paper ?? "A4";
  const title = agreementTitle(input.language, input.version);
  const setter = newDocument({
    size: paper,
    title: `${title} — ${input.shopName}`,
    author: input.shopName,
    subject: input.partner ? `${input.partner.businessName} (${input.partner.name})` : title,
    lang: input.language,
    now: input.acceptance?.acceptedAt ?? input.publishedAt,
  });
  const pages = layout(setter, input, words, PAGE[paper]);
  draw(setter, pages, input, PAGE[paper]);
  return finish(setter.doc);
}

function dateFormatter(language: string, timeZone: string | null | undefined, withTime: boolean): (at: Date) => string {
  const options: Intl.DateTimeFormatOptions = withTime
    ? { year: "numeric", month: "long", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short" }
    : { year: "numeric", month: "long", day: "numeric" };
  const make = (zone: string) => new Intl.DateTimeFormat(language, { ...options, timeZone: zone });
  let format: Intl.DateTimeFormat;
  try {
    format = make(timeZone || "UTC");
  } catch {
    format = make("UTC");
  }
  return (at) => format.format(at);
}

/** Numbered headings ("1. The parties", "12. Termination") on a line of their own. */
const isHeading = (block: string) => !block.includes("\n") && block.length <= 120 && /^\d{1,2}\.\s+\S/u.test(block);

/** Works out every page's lines: the header, the body's blocks, the acceptance. */
function layout(s: Typesetter, input: AgreementPdfInput, words: Words, page: { width: number; height: number }): Page[] {
  const width = page.width - 2 * MARGIN;
  const bottom = page.height - MARGIN - FOOTER;
  const pages: Page[] = [{ lines: [], rules: [] }];
  let y = MARGIN;
  const current = () => pages[pages.length - 1];
  const newPage = () => {
    pages.push({ lines: [], rules: [] });
    y = MARGIN;
  };
  const step = (size: number) => size * LEADING;
  /** Sets the text's wrapped lines from y, breaking pages as needed. */
  const put = (text: string, size: number, weight: Weight, color: string, x = MARGIN, w = width) => {
    for (const line of wrap(s, text, w, size, weight)) {
      if (y + step(size) > bottom) newPage();
      current().lines.push({ text: line, x, y, size, weight, color });
      y += step(size);
    }
  };
  const heightOf = (text: string, size: number, weight: Weight, w = width) => wrap(s, text, w, size, weight).length * step(size);

  // The shop (logo beside its name), a rule, the title, the publication, the partner.
  const logoWidth = input.logo ? logoBox(input.logo).width : 0;
  const nameX = MARGIN + (logoWidth ? logoWidth + 12 : 0);
  put(input.shopName, 15, "bold", INK, nameX, page.width - MARGIN - nameX);
  y = Math.max(y, MARGIN + (input.logo ? logoBox(input.logo).height : 0)) + 8;
  current().rules.push([MARGIN, y, width]);
  y += 16;
  put(fill(words.title, { version: String(input.version) }), 18, "bold", INK);
  y += 2;
  put(fill(words.published, { date: dateFormatter(input.language, input.timeZone, false)(input.publishedAt) }), 10, "regular", MUTED);
  if (input.partner) put(fill(words.partner, { business: input.partner.businessName, name: input.partner.name }), 10, "regular", MUTED);
  y += 14;

  // The body: headings kept with the start of what follows them.
  const blocks = input.body
    .replace(/\r\n?/g, "\n")
    .split(/\n[ \t]*\n/)
    .map((b) => b.trim())
    .filter(Boolean);
  for (const block of blocks) {
    if (isHeading(block)) {
      if (y + heightOf(block, HEADING_SIZE, "bold") + 2 * step(BODY_SIZE) + 6 > bottom) newPage();
      else y += 6;
      put(block, HEADING_SIZE, "bold", INK);
      y += 2;
      continue;
    }
    // A single line break inside a paragraph (a list the merchant typed) starts a new line.
    for (const line of block.split("\n")) put(line.trim(), BODY_SIZE, "regular", INK);
    y += step(BODY_SIZE) * 0.5;
  }

  // The acceptance, kept together.
  const when = input.acceptance ? dateFormatter(input.language, input.timeZone, true)(input.acceptance.acceptedAt) : "";
  const statement = !input.acceptance
    ? words.notAccepted
    : input.partner
      ? fill(words.accepted, { signature: input.acceptance.signature, business: input.partner.businessName, date: when })
      : fill(words.acceptedBy, { signature: input.acceptance.signature, date: when });
  const needed = 18 + heightOf(words.acceptance, HEADING_SIZE, "bold") + heightOf(statement, 11, input.acceptance ? "bold" : "regular");
  if (y + needed > bottom) newPage();
  y += 10;
  current().rules.push([MARGIN, y, width]);
  y += 8;
  put(words.acceptance, HEADING_SIZE, "bold", INK);
  put(statement, 11, input.acceptance ? "bold" : "regular", input.acceptance ? INK : MUTED);
  return pages;
}

/** The logo's box at the top of the first page (its proportions kept). */
function logoBox(logo: Logo): { width: number; height: number } {
  const scale = Math.min(120 / logo.width, 40 / logo.height);
  return { width: logo.width * scale, height: logo.height * scale };
}

function draw(s: Typesetter, pages: Page[], input: AgreementPdfInput, page: { width: number; height: number }): void {
  const { doc } = s;
  const footerText = `${input.shopName} · ${agreementTitle(input.language, input.version)}`;
  pages.forEach((p, i) => {
    if (i > 0) doc.addPage();
    if (i === 0 && input.logo) {
      const box = logoBox(input.logo);
      try {
        doc.image(input.logo.data, MARGIN, MARGIN, box);
      } catch {
        // An image pdfkit cannot embed: the page goes without it (the name is beside where it would be).
      }
    }
    for (const [x, y, width] of p.rules) doc.rect(x, y, width, 0.75).fill(RULE);
    for (const line of p.lines) {
      doc.fillColor(line.color);
      // The baseline sits at about 1.1 em below the line's top, as in Noto's ascent (pdf-text.server.ts paragraph).
      s.line(line.text, line.x, line.y + (line.size * LEADING - line.size) / 2 + line.size * 0.95, line.size, line.weight);
    }
    // The foot: the document on the left, "page / pages" on the right.
    const footY = page.height - MARGIN - 10;
    const number = `${i + 1} / ${pages.length}`;
    const numberWidth = s.width(number, 9, "regular");
    doc.rect(MARGIN, footY - 12, page.width - 2 * MARGIN, 0.5).fill(RULE);
    doc.fillColor(MUTED);
    const left = wrap(s, footerText, page.width - 2 * MARGIN - numberWidth - 24, 9)[0] ?? "";
    s.line(left, MARGIN, footY, 9, "regular");
    s.line(number, page.width - MARGIN - numberWidth, footY, 9, "regular");
  });
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
