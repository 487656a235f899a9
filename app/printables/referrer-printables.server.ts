// A referrer's printables: their brochure or poster as the routes hand it out
// (the app proxy for the storefront, a signed link for the account page).
// Only an active referrer of a running program gets one; the words are in the
// asker's language, the link on the shop's own domain.
import type { Db } from "~/db.server";
import { shopDisplayName } from "~/email/compose.server";
import { translator } from "~/storefront/i18n";
import { giveGetText, offerText } from "~/storefront/offer";
import { shareOrigin } from "~/storefront/proxy-context";
import { canShare } from "~/storefront/referrer-view.server";
import { referralLink } from "~/storefront/share-text";
import { PAPER_SIZES, PRINTABLE_KINDS, renderPrintable, type PaperSize, type PrintableKind } from "./documents.server";
import { fetchLogo } from "./logo.server";

/**
 * Where Letter is the usual paper (the rest of the world prints on A4). The
 * app does not know the shop's country; the shopper's region stands for where
 * they print: the locale's region, else the browser's for the same language.
 */
const LETTER_REGIONS = new Set(["US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "CR", "DO", "PR"]);

export interface PrintChoice {
  kind: PrintableKind;
  paper: PaperSize;
}

function regionOf(tag: string): { language: string; region: string } | null {
  try {
    const locale = new Intl.Locale(tag.trim());
    return { language: locale.language, region: locale.region ?? "" };
  } catch {
    return null;
  }
}

/**
 * The kind and paper a request asks for (`?kind=brochure|poster&paper=a4|letter`);
 * without `paper`, by the region of `localeTag` or of the Accept-Language
 * entries in its language. Null for a kind that does not exist.
 */
export function printChoice(url: URL, localeTag: string, acceptLanguage: string | null = null): PrintChoice | null {
  return printChoiceOf(url.searchParams, localeTag, acceptLanguage);
}

/** The same from a form's fields (the partner portal posts `kind` and `paper`). */
export function printChoiceOf(params: URLSearchParams, localeTag: string, acceptLanguage: string | null = null): PrintChoice | null {
  const kind = (params.get("kind") || "brochure").toLowerCase();
  if (!PRINTABLE_KINDS.includes(kind as PrintableKind)) return null;
  const asked = (params.get("paper") ?? "").toUpperCase();
  if (PAPER_SIZES.includes(asked as PaperSize)) return { kind: kind as PrintableKind, paper: asked as PaperSize };
  const own = regionOf(localeTag);
  const browser = (acceptLanguage ?? "")
    .split(",")
    .slice(0, 10)
    .map((part) => regionOf(part.split(";")[0]))
    .find((entry) => entry?.region && entry.language === own?.language);
  const region = own?.region || browser?.region || "";
  return { kind: kind as PrintableKind, paper: LETTER_REGIONS.has(region) ? "LETTER" : "A4" };
}

export interface ReferrerPrintInput extends PrintChoice {
  shop: string;
  /** The referrer: by their Shopify customer (app proxy) or by id (signed link). */
  referrer: { customerId: string } | { id: string };
  locale: { tag: string; language: string };
  /** The storefront URL the page asked its links to use (checked by shareOrigin). */
  requestedOrigin: string | null;
  now: Date;
  /** Who hands it out, when not the referrer's first name: a partner's business. */
  name?: string | null;
}

export interface Printout {
  pdf: Buffer;
  filename: string;
}

/** The PDF, or null when there is none to give: no such active referrer, or the program off. */
export async function referrerPrintout(db: Db, input: ReferrerPrintInput): Promise<Printout | null> {
  const { shop } = input;
  const [program, referrer] = await Promise.all([
    db.program.findUnique({ where: { shop } }),
    "customerId" in input.referrer
      ? db.referrer.findUnique({ where: { shop_customerId: { shop, customerId: input.referrer.customerId } } })
      : db.referrer.findFirst({ where: { id: input.referrer.id, shop } }),
  ]);
  if (!program?.enabled || !referrer || !canShare(referrer)) return null;
  const t = translator(input.locale.language);
  const tag = input.locale.tag;
  const origin = shareOrigin(input.requestedOrigin, { shop, storefrontUrl: program.storefrontUrl });
  // Single-use friend codes: friends get their own code by the link, so the referrer's code is not printed.
  const code = program.friendCodeMode === "SINGLE_USE" ? null : referrer.code;
  const pdf = await renderPrintable({
    kind: input.kind,
    paper: input.paper,
    language: input.locale.language,
    shopName: shopDisplayName(program),
    logo: await fetchLogo(program.emailLogoUrl),
    accentColor: program.emailAccentColor,
    // A partner's business, or the name the referrer allowed friends to see, and only that.
    name: input.name !== undefined ? input.name : referrer.showFirstName && referrer.firstName ? referrer.firstName : null,
    link: referralLink(origin, referrer.code),
    code,
    offer: offerText(program, t, tag),
    summary: giveGetText(program, t, tag),
    programUrl: `${origin}/apps/referrals`,
    now: input.now,
  });
  return { pdf, filename: `referral-${input.kind}-${input.paper.toLowerCase()}-${referrer.code.toLowerCase().replace(/[^a-z0-9-]/g, "")}.pdf` };
}

/** The download: a PDF attachment that no shared cache keeps. */
export function pdfResponse({ pdf, filename }: Printout): Response {
  return new Response(new Uint8Array(pdf), {
    status: 200,
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Content-Length": String(pdf.length),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
