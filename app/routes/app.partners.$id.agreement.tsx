// GET /app/partners/<id>/agreement[?version=N]: the agreement a partner
// accepted, as PDF, with their acceptance (typed name, date and time in the
// shop's time zone): the version they accepted last, or the one asked for
// among those they accepted. Another shop's partner, or a version they did not
// accept: 404.
import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { shopDisplayName } from "~/email/compose.server";
import { fetchLogo } from "~/printables/logo.server";
import { renderAgreementPdf } from "~/printables/agreement.server";
import { pdfResponse } from "~/printables/referrer-printables.server";
import { notFound, requireAdmin } from "~/shopify/admin-request.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, locale } = await requireAdmin(request);
  const partner = await db.partner.findFirst({ where: { id: params.id ?? "", shop } });
  if (!partner) notFound();
  const asked = Number.parseInt(new URL(request.url).searchParams.get("version") ?? "", 10);
  const acceptance = await db.agreementAcceptance.findFirst({
    where: { shop, partnerId: partner.id, ...(Number.isSafeInteger(asked) ? { version: asked } : partner.acceptedVersionId ? { versionId: partner.acceptedVersionId } : {}) },
    orderBy: { acceptedAt: "desc" },
    include: { agreementVersion: true },
  });
  if (!acceptance) notFound();
  const program = await db.program.findUnique({ where: { shop } });
  const pdf = await renderAgreementPdf({
    shopName: program ? shopDisplayName(program) : shop,
    logo: await fetchLogo(program?.emailLogoUrl),
    language: locale,
    version: acceptance.version,
    publishedAt: acceptance.agreementVersion.publishedAt,
    body: acceptance.agreementVersion.body,
    // Erased at their request: the record of the acceptance stays, without the person.
    partner: partner.redactedAt ? null : { name: partner.name, businessName: partner.businessName },
    acceptance: { signature: acceptance.signature, acceptedAt: acceptance.acceptedAt },
    timeZone: program?.timezone ?? null,
  });
  const slug = partner.businessName.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40) || "partner";
  return pdfResponse({ pdf, filename: `partner-agreement-v${acceptance.version}-${slug}.pdf` });
};
