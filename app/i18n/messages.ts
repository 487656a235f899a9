// The admin's catalogues, one per language, all bundled: a page renders in
// its language on the server and hydrates with the very same words, with no
// second request for a catalogue (docs/decisions/0010-admin-i18n.md).
import { de } from "./de";
import { en, type Messages } from "./en";
import { es } from "./es";
import { fr } from "./fr";
import { hi } from "./hi";
import type { AdminLocale } from "./locales";
import { mt } from "./mt";

export type { Messages };

export const MESSAGES: Record<AdminLocale, Messages> = { en, hi, mt, es, fr, de };

export function messages(locale: AdminLocale): Messages {
  return MESSAGES[locale] ?? en;
}
