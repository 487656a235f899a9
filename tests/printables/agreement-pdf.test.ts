// The partner agreement as a PDF (app/printables/agreement.server.ts), read
// back as a reader would with pdf.js: in each language its title with the
// version, the publication date, the partner, every heading and paragraph,
// and who accepted it and when; a long agreement over several numbered pages
// with no word lost between them and no heading left at the foot of a page;
// Hindi extracted as the very characters typed; the logo; the same bytes for
// the same input.
import { OPS } from "pdfjs-dist/legacy/build/pdf.mjs";
import QRCode from "qrcode";
import { describe, expect, it } from "vitest";
import { agreementTemplate, partnerFeePhrase, type AgreementLanguage } from "~/partners/agreement-template";
import { agreementTitle, renderAgreementPdf, type AgreementPdfInput } from "~/printables/agreement.server";
import { readImage } from "~/printables/logo.server";
import { readPdf, readPdfPages, squash } from "../helpers/pdf";

const PUBLISHED = new Date("2026-03-01T09:30:00Z");
const ACCEPTED = new Date("2026-03-05T10:30:00Z");
const SHOP = "Ħanut Żgħir";

function template(language: AgreementLanguage) {
  return agreementTemplate(language, { shopName: SHOP, fee: partnerFeePhrase(language, { kind: "PERCENT", value: "10", currencyCode: "EUR" }), holdDays: 30 });
}

function input(language: AgreementLanguage, overrides: Partial<AgreementPdfInput> = {}): AgreementPdfInput {
  return {
    shopName: SHOP,
    logo: null,
    language,
    version: 3,
    publishedAt: PUBLISHED,
    body: template(language),
    partner: { name: "Marta Vella", businessName: "Studio Vella" },
    acceptance: { signature: "Marta Vella", acceptedAt: ACCEPTED },
    timeZone: "Europe/Malta",
    ...overrides,
  };
}

const blocks = (body: string) => body.split("\n\n").map(squash);

/** The pages' text without their footers ("shop · title", "n / pages"), joined: the document as read from start to end. */
function readingText(pages: string[], footer: string): string {
  return squash(pages.map((text, i) => text.replace(footer, " ").replace(`${i + 1} / ${pages.length}`, " ")).join(" "));
}

/** When it was accepted, as the runtime's ICU writes a date and time in the language (its words vary between ICU versions). */
const acceptedAt = (language: string) =>
  new Intl.DateTimeFormat(language, { year: "numeric", month: "long", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short", timeZone: "Europe/Malta" }).format(ACCEPTED);

const ACCEPTED_LINES: Record<AgreementLanguage, (at: string) => string> = {
  en: (at) => `Accepted by Marta Vella for Studio Vella on ${at}`,
  hi: (at) => `Studio Vella की ओर से Marta Vella ने ${at} स्वीकार किया`,
  mt: (at) => `Aċċettat minn Marta Vella għal Studio Vella fil-${at}`,
  es: (at) => `Aceptado por Marta Vella en nombre de Studio Vella el ${at}`,
  fr: (at) => `Accepté par Marta Vella pour Studio Vella le ${at}`,
  de: (at) => `Angenommen von Marta Vella für Studio Vella am ${at}`,
};

describe("partner agreement PDF", () => {
  it.each(["en", "hi", "mt", "es", "fr", "de"] as const)("%s: the title and version, the publication, the partner, every heading and paragraph, and the acceptance", async (language) => {
    const given = input(language);
    const started = performance.now();
    const bytes = await renderAgreementPdf(given);
    const took = performance.now() - started;
    const pages = await readPdfPages(bytes);
    const info = await readPdf(bytes);
    // How long a typical agreement takes (for the log; fonts are loaded once per process, by the first).
    console.info(`agreement PDF (${language}, ${pages.length} pages, ${bytes.length} bytes) rendered in ${took.toFixed(0)} ms`);

    const title = agreementTitle(language, 3);
    const text = readingText(pages, `${SHOP} · ${title}`);
    expect(text.startsWith(`${SHOP} ${squash(title)}`)).toBe(true);
    for (const block of blocks(given.body)) expect(text, block.slice(0, 40)).toContain(block);
    expect(text).toContain("Studio Vella");
    expect(text).toContain(squash(ACCEPTED_LINES[language](acceptedAt(language))));
    expect(info.info.Title).toBe(`${title} — ${SHOP}`);
    expect(info.language).toBe(language);
    expect(info.info.Author).toBe(SHOP);
    pages.forEach((page, i) => expect(page).toContain(`${i + 1} / ${pages.length}`));
    // Nothing but the characters typed: no stand-in, no format character, no notdef.
    expect([...pages.join("")].filter((c) => c.codePointAt(0)! < 0x09 || c === "\u2060" || c === "\ufffd")).toEqual([]);
  });

  it("says the dates in the shop's time zone and language", async () => {
    const text = squash((await readPdfPages(await renderAgreementPdf(input("en", { timeZone: "America/New_York" })))).join(" "));
    expect(text).toContain("Published on March 1, 2026");
    expect(text).toContain("Accepted by Marta Vella for Studio Vella on March 5, 2026 at 5:30 AM EST");
    const mt = squash((await readPdfPages(await renderAgreementPdf(input("mt")))).join(" "));
    expect(mt).toContain(`Ippubblikat fil-${new Intl.DateTimeFormat("mt", { year: "numeric", month: "long", day: "numeric", timeZone: "Europe/Malta" }).format(PUBLISHED)}`);
  });

  /** Sections of three paragraphs, every word its own (so a lost or doubled word shows); `extra` words more in the first. */
  function longBody(sections: number, extra = 0) {
    let n = 0;
    const word = () => `w${(n++).toString(36)}`;
    const paragraph = (words: number) => Array.from({ length: words }, word).join(" ") + ".";
    const body = Array.from({ length: sections }, (_, i) => [`${i + 1}. Section ${i + 1}`, paragraph(45 + (i === 0 ? extra : 0)), paragraph(60), paragraph(30)].join("\n\n")).join("\n\n");
    return { body, words: Array.from({ length: n }, (_, i) => `w${i.toString(36)}`) };
  }
  const FOOTER = `${SHOP} · ${agreementTitle("en", 3)}`;
  /** A page's lines of body text (without the footer). */
  const bodyLines = (page: string, pages: number) =>
    page
      .split("\n")
      .map((line) => squash(line.replace(FOOTER, "").replace(new RegExp(`\\d+ / ${pages}`), "")))
      .filter(Boolean);

  it("spans three numbered pages for a long agreement, every paragraph's words on them once and in order", async () => {
    const { body, words } = longBody(9);
    const bytes = await renderAgreementPdf(input("en", { body }));
    const pages = await readPdfPages(bytes);
    expect(pages).toHaveLength(3);
    pages.forEach((page, i) => expect(page).toContain(`${i + 1} / 3`));
    const text = readingText(pages, FOOTER);
    for (const block of blocks(body)) expect(text).toContain(block);
    expect(text.match(/\bw[0-9a-z]+\b/g)).toEqual(words);
    // The acceptance is on the last page.
    expect(squash(pages[2])).toContain("Accepted by Marta Vella for Studio Vella on");
  });

  it("never leaves a heading alone at the foot of a page", async () => {
    // Lengthening the first paragraph word by word moves every later heading down past the foot of page 1 at some point.
    let movedOver = 0;
    for (let extra = 0; extra < 60; extra += 3) {
      const pages = await readPdfPages(await renderAgreementPdf(input("en", { body: longBody(4, extra).body })));
      const first = bodyLines(pages[0], pages.length);
      expect(first.at(-1), `${extra} more words`).not.toMatch(/^\d+\. Section \d+$/);
      if (/^\d+\. Section \d+$/.test(bodyLines(pages[1], pages.length)[0])) movedOver++;
    }
    expect(movedOver).toBeGreaterThan(0);
  });

  it("Hindi comes out as the characters typed", async () => {
    const given = input("hi", { partner: { name: "रीता शर्मा", businessName: "क्षितिज स्टूडियो" }, acceptance: { signature: "रीता शर्मा", acceptedAt: ACCEPTED } });
    const pages = await readPdfPages(await renderAgreementPdf(given));
    const text = readingText(pages, `${SHOP} · ${agreementTitle("hi", 3)}`);
    expect(text).toContain("पार्टनर समझौता — संस्करण 3");
    expect(text).toContain("पार्टनर: क्षितिज स्टूडियो (रीता शर्मा)");
    expect(text).toContain("1. पक्ष");
    expect(text).toContain("क्षितिज स्टूडियो की ओर से रीता शर्मा ने");
    expect(text).toContain(squash(blocks(given.body).find((b) => b.startsWith("पार्टनर ये काम नहीं कर सकता"))!));
  });

  it("says when nobody has accepted it yet, and leaves out a partner it does not have", async () => {
    const text = squash((await readPdfPages(await renderAgreementPdf(input("de", { partner: null, acceptance: null })))).join(" "));
    expect(text).toContain("Annahme Noch nicht angenommen");
    expect(text).not.toContain("Partner: ");
    expect(text).not.toContain("Angenommen von");
    // Accepted, but the partner's data since erased: the signature alone.
    const erased = squash((await readPdfPages(await renderAgreementPdf(input("en", { partner: null })))).join(" "));
    expect(erased).toContain("Accepted by Marta Vella on March 5, 2026");
  });

  it("draws the shop's logo on the first page only, and gives the same bytes for the same input", async () => {
    const logo = readImage(await QRCode.toBuffer("logo", { width: 120 }))!;
    const withLogo = await renderAgreementPdf(input("fr", { logo }));
    expect((await readPdf(withLogo)).operators.fnArray.filter((fn) => fn === OPS.paintImageXObject)).toHaveLength(1);
    expect((await renderAgreementPdf(input("fr", { logo }))).equals(withLogo)).toBe(true);
    const accepted = await renderAgreementPdf(input("fr"));
    expect((await readPdf(accepted)).info.CreationDate).toBe("D:20260305103000Z");
    expect((await readPdf(await renderAgreementPdf(input("fr", { acceptance: null })))).info.CreationDate).toBe("D:20260301093000Z");
  });
});
