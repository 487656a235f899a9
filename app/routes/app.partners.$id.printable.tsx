// GET /app/partners/<id>/printable?kind=brochure|poster&paper=a4|letter: the
// partner's brochure or poster (their link, code and business name), in the
// partner's language, for the merchant to send them or print. Another shop's
// partner, one without a working link, or an unknown kind: 404.
import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { pdfResponse, printChoice, referrerPrintout } from "~/printables/referrer-printables.server";
import { pickLocale } from "~/storefront/i18n";
import { notFound, requireAdmin } from "~/shopify/admin-request.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const partner = await db.partner.findFirst({ where: { id: params.id ?? "", shop }, select: { referrerId: true, locale: true, businessName: true } });
  if (!partner?.referrerId) notFound();
  const program = await db.program.findUnique({ where: { shop }, select: { primaryLocale: true } });
  const locale = pickLocale(partner.locale ?? program?.primaryLocale);
  const choice = printChoice(new URL(request.url), locale.tag);
  if (!choice) notFound();
  const printout = await referrerPrintout(db, { ...choice, shop, referrer: { id: partner.referrerId }, locale, requestedOrigin: null, now: new Date(), name: partner.businessName });
  if (!printout) notFound();
  return pdfResponse(printout);
};
