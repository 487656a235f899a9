// The printable brochure and QR poster (app/printables) read back as a reader
// and a phone would: pdf.js's text content in each of the six storefront
// languages (Hindi shaped and extracted as the very characters typed, Maltese
// letters intact), and the QR code rebuilt from the page's vector squares and
// decoded. Plus the logo, paper sizes, and the same bytes for the same input.
import QRCode from "qrcode";
import { OPS } from "pdfjs-dist/legacy/build/pdf.mjs";
import { describe, expect, it, vi } from "vitest";
import { renderPrintable, type PrintableInput } from "~/printables/documents.server";
import { allowedLogoUrl, fetchLogo, forgetLogos, LOGO_MAX_BYTES, readImage } from "~/printables/logo.server";
import { newDocument, paragraph } from "~/printables/pdf-text.server";
import { STOREFRONT_LOCALES, translator } from "~/storefront/i18n";
import { giveGetText, offerText } from "~/storefront/offer";
import { decodeQr, readPdf, squash } from "../helpers/pdf";

const PROGRAM = { friendOfferKind: "PERCENTAGE", friendOfferValue: 15, currencyCode: "EUR", rewardKind: "STORE_CREDIT", rewardValue: 10 };
const LINK = "https://boutique.example/?ref=RITA-7X3K";
const NOW = new Date("2026-03-01T09:30:00Z");

function input(language: string, overrides: Partial<PrintableInput> = {}): PrintableInput {
  const t = translator(language);
  return {
    kind: "brochure",
    paper: "A4",
    language,
    shopName: "Ħanut Żgħir",
    logo: null,
    accentColor: "#2c6ecb",
    name: "Rita",
    link: LINK,
    code: "RITA-7X3K",
    offer: offerText(PROGRAM, t, language),
    summary: giveGetText(PROGRAM, t, language),
    programUrl: "https://boutique.example/apps/referrals",
    now: NOW,
    ...overrides,
  };
}

/** The glyphs' texts as pdf.js reads them from the drawing operators, in drawing order. */
function glyphTexts(page: Awaited<ReturnType<typeof readPdf>>): string[] {
  const out: string[] = [];
  page.operators.fnArray.forEach((fn, i) => {
    if (fn !== OPS.showText) return;
    for (const glyph of page.operators.argsArray[i][0] as unknown[]) if (glyph && typeof glyph === "object") out.push((glyph as { unicode: string }).unicode);
  });
  return out;
}

describe("brochure and poster, in every storefront language", () => {
  it.each(STOREFRONT_LOCALES.flatMap((language) => (["brochure", "poster"] as const).map((kind) => [language, kind] as const)))(
    "%s %s: the shop, the offer, the link and the code as text, and a QR code that reads as the link",
    async (language, kind) => {
      const given = input(language, { kind });
      const page = await readPdf(await renderPrintable(given));
      const text = squash(page.text);
      const t = translator(language);
      expect(page.pages).toBe(1);
      expect(text).toContain("Ħanut Żgħir");
      expect(text).toContain(squash(given.offer));
      expect(text).toContain(LINK);
      expect(text).toContain("RITA-7X3K");
      if (kind === "brochure") {
        expect(text).toContain(squash(t("print.offer_headline", { offer: given.offer })));
        expect(text).toContain(squash(t("print.invite_named", { name: "Rita", shop: "Ħanut Żgħir" })));
        expect(text).toContain(squash(t("print.step_code", { code: "RITA-7X3K" })));
        expect(text).toContain(squash(given.summary!));
        expect(text).toContain(squash(t("print.terms", { url: "https://boutique.example/apps/referrals" })));
      } else {
        expect(text).toContain(squash(t("print.poster_cta", { offer: given.offer })));
        expect(text).toContain(squash(t("print.poster_sub", { shop: "Ħanut Żgħir" })));
      }
      // Nothing but the characters typed: no stand-in, no format character, no notdef.
      expect([...page.text].filter((c) => c.codePointAt(0)! < 0x09 || c === "\u2060" || c === "\ufffd")).toEqual([]);
      expect(page.info.Title).toBe(t(kind === "brochure" ? "print.doc_brochure" : "print.doc_poster", { shop: "Ħanut Żgħir" }));
      expect(page.language).toBe(language);
      expect(page.links).toContain(LINK);
      const qr = decodeQr(page);
      expect(qr?.text).toBe(LINK);
    },
  );

  it("Hindi comes out as the characters typed, conjuncts, nukta, reordered vowel signs and reph included", async () => {
    const shopName = "क्षितिज रेफ़रल धर्म";
    const page = await readPdf(await renderPrintable(input("hi", { shopName, name: "रीता" })));
    const text = squash(page.text);
    // Exact code points: क्ष (KA VIRAMA SSA), फ़ (PHA NUKTA), ि after its consonant, र्म (RA VIRAMA MA).
    expect([...text.slice(text.indexOf("क्षितिज"), text.indexOf("क्षितिज") + shopName.length)].map((c) => c.codePointAt(0)!.toString(16))).toEqual(
      [...shopName].map((c) => c.codePointAt(0)!.toString(16)),
    );
    expect(text).toContain("पहले ऑर्डर पर 15% की छूट");
    expect(text).toContain("रीता आपको क्षितिज रेफ़रल धर्म पर ख़रीदारी के लिए आमंत्रित करते हैं।");
    expect(text).toContain("अपने फ़ोन के कैमरे से QR कोड स्कैन करें, या लिंक टाइप करें।");
    expect(text).toContain("अपने दोस्तों को 15% की छूट दें, €10.00 का स्टोर क्रेडिट पाएँ।");
  });

  it("shapes Devanagari: a conjunct is one glyph, the i-matra is drawn before its consonant, the reph after it", async () => {
    const setter = newDocument({ size: "A4", title: "t", author: "a", subject: "s", lang: "hi", now: NOW });
    paragraph(setter, "क्ष कि धर्म रेफ़र", { x: 40, y: 40, width: 500, size: 20 });
    const bytes = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      setter.doc.on("data", (c: Buffer) => chunks.push(c));
      setter.doc.on("end", () => resolve(Buffer.concat(chunks)));
      setter.doc.end();
    });
    const page = await readPdf(bytes);
    const glyphs = glyphTexts(page).filter((g) => g !== "\u2060" && g !== " ");
    // Shaped, क्ष is one glyph (its text: क, then ्ष on a blank carrier); unshaped it would be क, ्, ष.
    // कि is drawn ि-first, so one glyph carries the cluster; धर्म's reph follows the म that carries र, then ्म.
    expect(glyphs).toEqual(["क", "्ष", "कि", "ध", "र", "्म", "र", "े", "फ", "़", "र"]);
    expect(squash(page.text)).toBe("क्ष कि धर्म रेफ़र");
  });

  it("reads a word as typed whatever was set before it (a glyph shaped one way first, another way later)", async () => {
    // Noto's blank glyph is the reph of र्ट first, then an empty filler after ई: it must not take the र and ् of ग्र.
    const setter = newDocument({ size: "A4", title: "t", author: "a", subject: "s", lang: "hi", now: NOW });
    paragraph(setter, "(“पार्टनर”)", { x: 40, y: 40, width: 500, size: 12 });
    paragraph(setter, "कोई नया ग्राहक, धर्मार्थ", { x: 40, y: 80, width: 500, size: 12 });
    const bytes = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      setter.doc.on("data", (c: Buffer) => chunks.push(c));
      setter.doc.on("end", () => resolve(Buffer.concat(chunks)));
      setter.doc.end();
    });
    expect(squash((await readPdf(bytes)).text)).toBe("(“पार्टनर”) कोई नया ग्राहक, धर्मार्थ");
  });

  it("keeps Maltese letters (ħ ġ ż ċ) in the text", async () => {
    const page = await readPdf(await renderPrintable(input("mt", { kind: "poster" })));
    const text = squash(page.text);
    expect(text).toContain("Skennja għal 15% skont");
    expect(text).toContain("fuq l-ewwel ordni tiegħek għand Ħanut Żgħir");
    expect(text).toContain("jew żur");
    expect(text).toContain("Il-kodiċi: RITA-7X3K");
  });
});

describe("layout", () => {
  it("prints on A4 or Letter, the QR code square, over 5 cm a side on the brochure and 9.5 cm on the poster, at least 1.5 mm a module", async () => {
    const sizes: Record<string, { width: number; height: number; side: number; module: number }> = {};
    for (const paper of ["A4", "LETTER"] as const) {
      for (const kind of ["brochure", "poster"] as const) {
        const page = await readPdf(await renderPrintable(input("en", { kind, paper })));
        const qr = decodeQr(page)!;
        expect(qr.text).toBe(LINK);
        expect(qr.box.width).toBeCloseTo(qr.box.height, 3);
        sizes[`${paper} ${kind}`] = { width: page.width, height: page.height, side: qr.box.width, module: qr.moduleSize };
      }
    }
    expect(sizes["A4 brochure"]).toMatchObject({ width: 595.28, height: 841.89 });
    expect(sizes["LETTER poster"]).toMatchObject({ width: 612, height: 792 });
    const mm = 72 / 25.4;
    for (const paper of ["A4", "LETTER"]) {
      expect(sizes[`${paper} brochure`].side).toBeGreaterThan(50 * mm);
      expect(sizes[`${paper} poster`].side).toBeGreaterThan(95 * mm);
    }
    for (const size of Object.values(sizes)) expect(size.module).toBeGreaterThanOrEqual(1.5 * mm);
  });

  it("gives the same bytes for the same input and clock, and dates the file with that clock", async () => {
    const first = await renderPrintable(input("fr"));
    const second = await renderPrintable(input("fr"));
    expect(second.equals(first)).toBe(true);
    const later = await renderPrintable(input("fr", { now: new Date("2026-03-02T09:30:00Z") }));
    expect(later.equals(first)).toBe(false);
    expect((await readPdf(first)).info.CreationDate).toBe("D:20260301093000Z");
  });

  it("with single-use friend codes prints the link alone, and leaves the name out when there is none", async () => {
    const page = await readPdf(await renderPrintable(input("de", { code: null, name: null })));
    const text = squash(page.text);
    const t = translator("de");
    expect(text).not.toContain(squash(t("print.step_code", { code: "RITA-7X3K" })));
    // The code's label is a line of its own when there is a code.
    expect(page.text.split("\n").map(squash)).not.toContain(t("print.code_label"));
    expect((await readPdf(await renderPrintable(input("de")))).text.split("\n").map(squash)).toContain(t("print.code_label"));
    expect(text).toContain(squash(t("print.invite", { shop: "Ħanut Żgħir" })));
    expect(text).not.toContain("Rita");
    expect(decodeQr(page)?.text).toBe(LINK);
  });

  it("fits a long shop name, a long link and a long offer on the page, and the QR code still reads", async () => {
    const link = `https://a-very-long-storefront-domain-name.example/?ref=${"X".repeat(40)}`;
    const shopName = "The Extraordinarily Long Name Of A Small Family Shop In The Old Town";
    const page = await readPdf(await renderPrintable(input("es", { link, shopName, kind: "poster" })));
    expect(decodeQr(page)?.text).toBe(link);
    expect(squash(page.text).replace(/ /g, "")).toContain(link);
    expect(squash(page.text)).toContain(shopName);
  });
});

describe("the shop's logo", () => {
  const png = () => QRCode.toBuffer("logo", { width: 120, color: { dark: "#2c6ecbff", light: "#00000000" } });

  it("draws a PNG with transparency at the top of the brochure and the foot of the poster", async () => {
    const logo = readImage(await png())!;
    expect(logo).toMatchObject({ type: "png", width: 120, height: 120 });
    for (const kind of ["brochure", "poster"] as const) {
      const withLogo = await readPdf(await renderPrintable(input("en", { kind, logo })));
      expect(withLogo.operators.fnArray.filter((fn) => fn === OPS.paintImageXObject)).toHaveLength(1);
      const without = await readPdf(await renderPrintable(input("en", { kind })));
      expect(without.operators.fnArray).not.toContain(OPS.paintImageXObject);
      expect(decodeQr(withLogo)?.text).toBe(LINK);
    }
  });

  it("fetches only from Shopify's CDN over https, with no credentials or other port", async () => {
    expect(allowedLogoUrl("https://cdn.shopify.com/s/files/1/0/logo.png")?.hostname).toBe("cdn.shopify.com");
    for (const refused of [
      "http://cdn.shopify.com/s/files/logo.png",
      "https://cdn.shopify.com:8443/logo.png",
      "https://user:pw@cdn.shopify.com/logo.png",
      "https://cdn.shopify.com.evil.example/logo.png",
      "https://169.254.169.254/latest/meta-data",
      "https://127.0.0.1/logo.png",
      "https://shop.example/logo.png",
      "file:///etc/passwd",
      "",
    ]) {
      expect(allowedLogoUrl(refused), refused).toBeNull();
    }
    const fetcher = vi.fn<typeof fetch>();
    expect(await fetchLogo("https://169.254.169.254/latest/meta-data", { fetch: fetcher })).toBeNull();
    expect(fetcher).not.toHaveBeenCalled();
  });

  it("takes a PNG or JPEG within the size cap, follows no redirect, gives up on a slow answer, and keeps the answer a while", async () => {
    forgetLogos();
    const image = await png();
    const calls: RequestInit[] = [];
    const answer = (body: BodyInit | null, init: ResponseInit = {}) =>
      vi.fn<typeof fetch>(async (_url, options) => {
        calls.push(options ?? {});
        return new Response(body, init);
      });
    let clock = 1_000_000;
    const now = () => clock;

    const ok = answer(new Uint8Array(image), { headers: { "Content-Type": "image/png" } });
    expect(await fetchLogo("https://cdn.shopify.com/a.png", { fetch: ok, now })).toMatchObject({ type: "png", width: 120 });
    expect(calls[0]).toMatchObject({ redirect: "error" });
    expect(calls[0].signal).toBeInstanceOf(AbortSignal);
    // Kept: no second fetch within the cache's time.
    expect(await fetchLogo("https://cdn.shopify.com/a.png", { fetch: ok, now })).not.toBeNull();
    expect(ok).toHaveBeenCalledTimes(1);
    clock += 11 * 60_000;
    await fetchLogo("https://cdn.shopify.com/a.png", { fetch: ok, now });
    expect(ok).toHaveBeenCalledTimes(2);

    const huge = answer(new Uint8Array(LOGO_MAX_BYTES + 1));
    expect(await fetchLogo("https://cdn.shopify.com/huge.png", { fetch: huge, now })).toBeNull();
    const declared = answer(new Uint8Array(image), { headers: { "Content-Length": String(LOGO_MAX_BYTES + 1) } });
    expect(await fetchLogo("https://cdn.shopify.com/declared.png", { fetch: declared, now })).toBeNull();
    const html = answer("<html>not an image</html>", { headers: { "Content-Type": "image/png" } });
    expect(await fetchLogo("https://cdn.shopify.com/html.png", { fetch: html, now })).toBeNull();
    const missing = answer("gone", { status: 404 });
    expect(await fetchLogo("https://cdn.shopify.com/missing.png", { fetch: missing, now })).toBeNull();
    const redirect = vi.fn<typeof fetch>(async () => {
      throw new TypeError("fetch failed: unexpected redirect");
    });
    expect(await fetchLogo("https://cdn.shopify.com/moved.png", { fetch: redirect, now })).toBeNull();
    const slow = vi.fn<typeof fetch>(
      (_url, options) => new Promise((_, reject) => options?.signal?.addEventListener("abort", () => reject(options.signal!.reason))),
    );
    const started = Date.now();
    expect(await fetchLogo("https://cdn.shopify.com/slow.png", { fetch: slow, now, timeoutMs: 200 })).toBeNull();
    expect(Date.now() - started).toBeLessThan(2_000);
    // A refusal is kept too, for a shorter while.
    expect(await fetchLogo("https://cdn.shopify.com/slow.png", { fetch: slow, now, timeoutMs: 200 })).toBeNull();
    expect(slow).toHaveBeenCalledTimes(1);
  });

  it("refuses images pdfkit would choke on: corrupt, interlaced, 16-bit or huge PNGs, and JPEGs too large", async () => {
    const image = await png();
    expect(readImage(image)).not.toBeNull();
    // The pixel data cut short: pdfkit would fail inside a callback, where nothing catches it.
    const idat = image.indexOf("IDAT");
    const cut = Buffer.concat([image.subarray(0, idat + 12), image.subarray(image.indexOf("IEND") - 4)]);
    expect(readImage(cut)).toBeNull();
    const header = (patch: (ihdr: Buffer) => void) => {
      const copy = Buffer.from(image);
      patch(copy.subarray(16, 29));
      return copy;
    };
    expect(readImage(header((h) => (h[12] = 1)))).toBeNull(); // interlaced
    expect(readImage(header((h) => (h[8] = 16)))).toBeNull(); // 16 bits a channel
    expect(readImage(header((h) => h.writeUInt32BE(100_000, 0)))).toBeNull(); // 100 000 px wide
    const jpeg = (width: number, height: number) =>
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 255, width >> 8, width & 255, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(readImage(jpeg(400, 200))).toMatchObject({ type: "jpeg", width: 400, height: 200 });
    expect(readImage(jpeg(30_000, 200))).toBeNull();
    expect(readImage(Buffer.from("GIF89a"))).toBeNull();
  });
});
