// What the buyer reads when a referral code is refused, in the languages of
// the app's storefront block (extensions/referral/locales): the buyer's
// checkout language (`localization.language.isoCode`), else English.

export type MessageKey = "NOT_CONFIGURED" | "NOT_A_REFERRAL_CODE" | "RETURNING_CUSTOMER" | "OWN_CODE" | "BELOW_MINIMUM";
export const LANGUAGES = ["en", "de", "es", "fr", "hi", "mt"] as const;
type Language = (typeof LANGUAGES)[number];

const MESSAGES: Record<Language, Record<MessageKey, string>> = {
  en: {
    NOT_CONFIGURED: "This referral code can't be used right now. Please try again later or contact the store.",
    NOT_A_REFERRAL_CODE: "This code isn't a referral code.",
    RETURNING_CUSTOMER: "Referral codes are for a first order, and you've ordered here before.",
    OWN_CODE: "This is your own referral code: share it with friends and they get the discount on their first order.",
    BELOW_MINIMUM: "Referral codes need an order of at least {amount} {currency}.",
  },
  de: {
    NOT_CONFIGURED: "Dieser Empfehlungscode kann gerade nicht verwendet werden. Bitte versuchen Sie es später noch einmal oder wenden Sie sich an den Shop.",
    NOT_A_REFERRAL_CODE: "Dieser Code ist kein Empfehlungscode.",
    RETURNING_CUSTOMER: "Empfehlungscodes gelten für eine erste Bestellung, und Sie haben hier schon bestellt.",
    OWN_CODE: "Das ist Ihr eigener Empfehlungscode: Teilen Sie ihn mit Freunden, dann erhalten sie den Rabatt auf ihre erste Bestellung.",
    BELOW_MINIMUM: "Empfehlungscodes gelten ab einem Bestellwert von {amount} {currency}.",
  },
  es: {
    NOT_CONFIGURED: "Este código de recomendación no se puede usar ahora mismo. Inténtalo más tarde o contacta con la tienda.",
    NOT_A_REFERRAL_CODE: "Este código no es un código de recomendación.",
    RETURNING_CUSTOMER: "Los códigos de recomendación son para un primer pedido, y ya has comprado aquí antes.",
    OWN_CODE: "Este es tu propio código de recomendación: compártelo con tus amigos y tendrán el descuento en su primer pedido.",
    BELOW_MINIMUM: "Los códigos de recomendación requieren un pedido de al menos {amount} {currency}.",
  },
  fr: {
    NOT_CONFIGURED: "Ce code de parrainage ne peut pas être utilisé pour le moment. Réessayez plus tard ou contactez la boutique.",
    NOT_A_REFERRAL_CODE: "Ce code n'est pas un code de parrainage.",
    RETURNING_CUSTOMER: "Les codes de parrainage sont réservés à une première commande, et vous avez déjà commandé ici.",
    OWN_CODE: "C'est votre propre code de parrainage : partagez-le avec vos amis, ils auront la réduction sur leur première commande.",
    BELOW_MINIMUM: "Les codes de parrainage nécessitent une commande d'au moins {amount} {currency}.",
  },
  hi: {
    NOT_CONFIGURED: "यह रेफ़रल कोड अभी इस्तेमाल नहीं किया जा सकता। कृपया बाद में फिर कोशिश करें या स्टोर से संपर्क करें।",
    NOT_A_REFERRAL_CODE: "यह कोड रेफ़रल कोड नहीं है।",
    RETURNING_CUSTOMER: "रेफ़रल कोड पहले ऑर्डर के लिए हैं, और आप यहाँ पहले ऑर्डर कर चुके हैं।",
    OWN_CODE: "यह आपका अपना रेफ़रल कोड है: इसे दोस्तों के साथ शेयर करें, उन्हें उनके पहले ऑर्डर पर छूट मिलेगी।",
    BELOW_MINIMUM: "रेफ़रल कोड के लिए कम से कम {amount} {currency} का ऑर्डर ज़रूरी है।",
  },
  mt: {
    NOT_CONFIGURED: "Dan il-kodiċi ta' referenza ma jistax jintuża bħalissa. Erġa' pprova aktar tard jew ikkuntattja lill-ħanut.",
    NOT_A_REFERRAL_CODE: "Dan il-kodiċi mhuwiex kodiċi ta' referenza.",
    RETURNING_CUSTOMER: "Il-kodiċijiet ta' referenza huma għall-ewwel ordni, u int diġà ordnajt minn hawn qabel.",
    OWN_CODE: "Dan huwa l-kodiċi ta' referenza tiegħek: aqsmu mal-ħbieb tiegħek u jieħdu l-iskont fuq l-ewwel ordni tagħhom.",
    BELOW_MINIMUM: "Il-kodiċijiet ta' referenza jeħtieġu ordni ta' mill-inqas {amount} {currency}.",
  },
};

/** Shopify's LanguageCode (EN, PT_BR, ...) to one of ours, else English. */
export function languageOf(isoCode: string | null | undefined): Language {
  const base = (isoCode ?? "").toLowerCase().split("_")[0];
  return (LANGUAGES as readonly string[]).includes(base) ? (base as Language) : "en";
}

export function message(key: MessageKey, isoCode: string | null | undefined, values: Record<string, string> = {}): string {
  return MESSAGES[languageOf(isoCode)][key].replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? "");
}
