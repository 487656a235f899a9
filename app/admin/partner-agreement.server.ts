// The first agreement's starting text: the template in the merchant's
// language, filled in with the program's facts (the shop's name, the default
// partner fee, the hold before a fee is earned). The merchant reads and edits
// it before publishing; nothing is published from it by itself.
import type { Db } from "~/db.server";
import { shopDisplayName } from "~/email/compose.server";
import type { AdminLocale } from "~/i18n/locales";
import { agreementTemplate, partnerFeePhrase } from "~/partners/agreement-template";

export async function agreementStarter(db: Db, shop: string, language: AdminLocale): Promise<string> {
  const program = await db.program.findUnique({ where: { shop } });
  if (!program) return "";
  const fee = partnerFeePhrase(language, { kind: program.partnerFeeKind === "FIXED" ? "FIXED" : "PERCENT", value: program.partnerFeeValue.toString(), currencyCode: program.currencyCode });
  return agreementTemplate(language, { shopName: shopDisplayName(program), fee, holdDays: program.holdDays });
}
