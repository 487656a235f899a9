// GET /apps/referrals/print?kind=brochure|poster&paper=a4|letter: the signed-in
// referrer's printable brochure or QR poster, as a PDF download (app/printables).
// A guest is refused (403: sign in first), and so is anyone who is not an
// active referrer of a running program (404); neither gets a PDF. The words are
// in the storefront's language (?locale=), the link on the shop's own domain.
import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { pdfResponse, printChoice, referrerPrintout } from "~/printables/referrer-printables.server";
import { PRIVATE_HEADERS, rateLimited, verifyProxy } from "~/storefront/proxy-http.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { ctx } = await verifyProxy(request);
  const limited = await rateLimited(db, "print", ctx);
  if (limited) return limited;
  if (!ctx.customerId) return new Response(null, { status: 403, headers: PRIVATE_HEADERS });
  const choice = printChoice(new URL(request.url), ctx.locale.tag, request.headers.get("accept-language"));
  if (!choice) return new Response(null, { status: 404, headers: PRIVATE_HEADERS });
  const printout = await referrerPrintout(db, {
    ...choice,
    shop: ctx.shop,
    referrer: { customerId: ctx.customerId },
    locale: ctx.locale,
    requestedOrigin: ctx.requestedOrigin,
    now: new Date(),
  });
  if (!printout) return new Response(null, { status: 404, headers: PRIVATE_HEADERS });
  return pdfResponse(printout);
};
