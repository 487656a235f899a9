import type { EmailLocale } from "../kinds";
import type { EmailTexts } from "./types";
import { en } from "./en";
import { hi } from "./hi";
import { mt } from "./mt";
import { es } from "./es";
import { fr } from "./fr";
import { de } from "./de";

export const DEFAULT_TEXTS: Record<EmailLocale, EmailTexts> = { en, hi, mt, es, fr, de };
export type { EmailTexts, KindText, CommonText, MilestoneText, PartnerText, PluralText } from "./types";
