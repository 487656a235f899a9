// The partner agreement the merchant starts from: in each of the six
// languages it names the shop, the fee and the return window, has its
// numbered sections (headings on lines of their own, paragraphs apart), and
// is a translation, not the English again. The fee reads as each language
// writes percentages and money.
import { describe, expect, it } from "vitest";
import { agreementTemplate, partnerFeePhrase, type AgreementLanguage } from "~/partners/agreement-template";

const LANGUAGES: AgreementLanguage[] = ["en", "hi", "mt", "es", "fr", "de"];
const SHOP = "Ħanut Żgħir";

const sections = (text: string) => [...text.matchAll(/^(\d+)\. (.+)$/gm)].map((m) => ({ number: Number(m[1]), heading: m[2] }));

describe("agreement template", () => {
  it.each(LANGUAGES)("%s: the shop, the fee and the hold days, in at least six numbered sections", (language) => {
    const fee = partnerFeePhrase(language, { kind: "PERCENT", value: "12.5", currencyCode: "EUR" });
    const text = agreementTemplate(language, { shopName: SHOP, fee, holdDays: 30 });
    expect(text).toContain(SHOP);
    expect(text).toContain(fee);
    expect(text).toMatch(/(^|\D)30(\D|$)/);
    const found = sections(text);
    expect(found.length).toBeGreaterThanOrEqual(6);
    expect(found.map((s) => s.number)).toEqual(found.map((_, i) => i + 1));
    // Headings and paragraphs are blocks of their own, none empty, no placeholder left.
    const blocks = text.split("\n\n");
    expect(blocks.every((b) => b.trim() === b && b.length > 0 && !b.includes("\n"))).toBe(true);
    expect(blocks.length).toBeGreaterThan(found.length * 2 - 1);
    expect(text).not.toMatch(/\$\{|\{[a-zA-Z_]+\}|undefined|NaN/);
    if (language !== "en") {
      const english = agreementTemplate("en", { shopName: SHOP, fee, holdDays: 30 }).split("\n\n");
      expect(blocks.filter((b) => english.includes(b))).toEqual([]);
    }
    if (language === "hi") expect(text).toMatch(/[\u0900-\u097F]{3}/);
    if (language === "mt") expect(text).toMatch(/[ħġżċ]/);
  });

  it("covers what the agreement must say (English)", () => {
    const text = agreementTemplate("en", { shopName: SHOP, fee: "$15.00 per order", holdDays: 14 });
    for (const phrase of [
      "first order",
      "link",
      "code",
      "refer themselves",
      "coupon, deal or cashback sites",
      "paid search",
      "spam",
      "The fee is $15.00 per order.",
      "14-day return window",
      "refund or cancellation",
      "batches",
      "reference",
      "partner portal",
      "in writing",
      "sales completed before the agreement ends are still paid",
      "new version",
      "paused until they accept",
      "does not share its customers' personal data",
    ]) {
      expect(text, phrase).toContain(phrase);
    }
  });

  it("counts the hold days in each language's grammar", () => {
    const windowOf = (language: AgreementLanguage, holdDays: number) => agreementTemplate(language, { shopName: SHOP, fee: "x", holdDays });
    expect(windowOf("es", 1)).toContain("plazo de devolución de 1 día.");
    expect(windowOf("es", 30)).toContain("plazo de devolución de 30 días.");
    expect(windowOf("fr", 1)).toContain("délai de retour de 1 jour est");
    expect(windowOf("de", 14)).toContain("Rückgabefrist von 14 Tagen ist");
    expect(windowOf("mt", 2)).toContain("ritorn ta' jumejn");
    expect(windowOf("mt", 7)).toContain("ritorn ta' 7 ijiem");
    expect(windowOf("mt", 30)).toContain("ritorn ta' 30 jum");
  });

  it("writes the fee as each language writes percentages and money", () => {
    expect(partnerFeePhrase("en", { kind: "PERCENT", value: "10", currencyCode: "USD" })).toBe("10% of the order subtotal after refunds");
    expect(partnerFeePhrase("en", { kind: "FIXED", value: "15.00", currencyCode: "USD" })).toBe("$15.00 per order");
    expect(partnerFeePhrase("de", { kind: "PERCENT", value: "12.5", currencyCode: "EUR" })).toBe("12,5\u00a0% der Zwischensumme der Bestellung nach Erstattungen");
    expect(partnerFeePhrase("fr", { kind: "FIXED", value: "15", currencyCode: "EUR" })).toBe("15,00\u00a0€ par commande");
    expect(partnerFeePhrase("es", { kind: "PERCENT", value: "10", currencyCode: "EUR" })).toBe("el 10\u00a0% del subtotal del pedido después de reembolsos");
    expect(partnerFeePhrase("hi", { kind: "FIXED", value: "500", currencyCode: "INR" })).toBe("हर ऑर्डर पर ₹500.00");
    expect(partnerFeePhrase("mt", { kind: "FIXED", value: "7.5", currencyCode: "EUR" })).toMatch(/^€\s?7[.,]50 għal kull ordni$/);
    // A code Intl does not know is written as it is.
    expect(partnerFeePhrase("en", { kind: "FIXED", value: "3", currencyCode: "XX1" })).toBe("3 XX1 per order");
  });
});
