// The agreement a partner accepted, as a PDF (app/printables/agreement.server.ts):
// the version they accepted last, with their typed name and when, in the
// asker's language and paper. For the partner portal's download.
import type { Db } from "~/db.server";
import { shopDisplayName } from "~/email/compose.server";
import { acceptedAgreement } from "~/partners/portal.server";
import { renderAgreementPdf } from "./agreement.server";
import type { PaperSize } from "./documents.server";
import { fetchLogo } from "./logo.server";
import type { Printout } from "./referrer-printables.server";

export async function acceptedAgreementPrintout(
  db: Db,
  { shop, partnerId, language, paper }: { shop: string; partnerId: string; language: string; paper: PaperSize },
): Promise<Printout | null> {
  const [program, accepted, partner] = await Promise.all([
    db.program.findUnique({ where: { shop } }),
    acceptedAgreement(db, { shop, partnerId }),
    db.partner.findFirst({ where: { id: partnerId, shop }, select: { name: true, businessName: true, redactedAt: true } }),
  ]);
  if (!program || !accepted || !partner) return null;
  const { version, acceptance } = accepted;
  const pdf = await renderAgreementPdf({
    shopName: shopDisplayName(program),
    logo: await fetchLogo(program.emailLogoUrl),
    language,
    version: version.version,
    publishedAt: version.publishedAt,
    body: version.body,
    partner: partner.redactedAt ? null : { name: partner.name, businessName: partner.businessName },
    acceptance: { signature: acceptance.signature, acceptedAt: acceptance.acceptedAt },
    timeZone: program.timezone,
    paper,
  });
  return { pdf, filename: `partner-agreement-v${version.version}-${paper.toLowerCase()}.pdf` };
}
