// The partner agreement a merchant starts from (in the admin, before they
// publish version 1): plain text in each admin language, numbered headings on
// lines of their own, paragraphs separated by blank lines (what the portal
// shows and the PDF typesets). It covers the parties, how a fee is earned and
// what may not earn one, the fee, when it is paid, records, customers'
// personal data, changes and ending the agreement. The merchant edits it as
// they see fit: it is a starting point, not legal advice. Import-free.

export type AgreementLanguage = "en" | "hi" | "mt" | "es" | "fr" | "de";

export interface AgreementFacts {
  shopName: string;
  /** The fee in words, already formatted (partnerFeePhrase). */
  fee: string;
  /** The return window after which a sale is complete (Program.holdDays). */
  holdDays: number;
}

export interface FeeTerms {
  kind: "PERCENT" | "FIXED";
  /** A decimal string: the percentage (10 for 10%) or the amount per order. */
  value: string;
  currencyCode: string;
}

type Section = [heading: string, ...paragraphs: string[]];

interface Wording {
  /** The return window's length in words ("30-day", "30 días"). */
  days: (n: number) => string;
  percent: (percent: string) => string;
  fixed: (amount: string) => string;
  sections: (shop: string, fee: string, days: string) => Section[];
}

const plural = (language: string, n: number) => new Intl.PluralRules(language).select(n);

const WORDING: Record<AgreementLanguage, Wording> = {
  en: {
    days: (n) => `${n}-day`,
    percent: (p) => `${p} of the order subtotal after refunds`,
    fixed: (a) => `${a} per order`,
    sections: (shop, fee, days) => [
      [
        "The parties",
        `This agreement is between ${shop} (“the shop”) and the business that accepts it (“the partner”). The partner accepts it in the partner portal by typing their name; the shop keeps a record of which version was accepted, by whom and when.`,
      ],
      [
        "How the partner earns a fee",
        "The partner earns a fee when a new customer places their first order with the shop through the partner's link or with the partner's code. Orders from customers who have ordered from the shop before, and orders placed without the link or code, earn no fee.",
        "The partner may not refer themselves or place orders through their own link or code; publish the code on coupon, deal or cashback sites; bid on the shop's name or brand in paid search ads; or promote the shop by spam or other unsolicited messages. Orders that come from any of these earn no fee.",
      ],
      ["The fee", `The fee is ${fee}. The partner is responsible for any tax due on the fees they receive.`],
      [
        "When the fee is paid",
        `A fee is due once the sale is complete: the order has been paid and its ${days} return window has passed. A refund or cancellation reverses the fee, or reduces it in proportion to a partial refund.`,
        "Fees are paid in batches. Each payment carries a reference, and the partner portal shows which fees it paid.",
      ],
      [
        "Records and the partner portal",
        "The shop's records of links, codes, orders, refunds and fees decide what is owed. The partner can see their referred orders, fees and payments in the partner portal at any time, and can raise any entry they disagree with by writing to the shop.",
      ],
      [
        "Customers' personal data",
        "The shop does not share its customers' personal data with the partner. The partner sees orders and fees, never the customers behind them: no names, email addresses or postal addresses.",
      ],
      [
        "Changes to this agreement",
        "The shop may change this agreement by publishing a new version. The partner is told by email, and their link and code are paused until they accept the new version in the partner portal. Fees earned before the change are not affected.",
      ],
      [
        "Ending the agreement",
        "Either party may end this agreement at any time by telling the other in writing; an email is enough. Fees earned on sales completed before the agreement ends are still paid; orders placed after it ends earn no fee.",
      ],
    ],
  },
  hi: {
    days: (n) => `${n} दिन`,
    percent: (p) => `रिफ़ंड के बाद ऑर्डर के सबटोटल का ${p}`,
    fixed: (a) => `हर ऑर्डर पर ${a}`,
    sections: (shop, fee, days) => [
      [
        "पक्ष",
        `यह समझौता ${shop} (“दुकान”) और इसे स्वीकार करने वाले व्यवसाय (“पार्टनर”) के बीच है। पार्टनर, पार्टनर पोर्टल में अपना नाम लिखकर इसे स्वीकार करता है; दुकान यह रिकॉर्ड रखती है कि कौन-सा संस्करण, किसने और कब स्वीकार किया।`,
      ],
      [
        "पार्टनर फ़ीस कैसे कमाता है",
        "जब कोई नया ग्राहक पार्टनर के लिंक से या पार्टनर के कोड से दुकान पर अपना पहला ऑर्डर देता है, तब पार्टनर फ़ीस कमाता है। उन ग्राहकों के ऑर्डर पर कोई फ़ीस नहीं मिलती जो पहले भी दुकान से ऑर्डर कर चुके हैं, और न ही उन ऑर्डर पर जो लिंक या कोड के बिना दिए गए हों।",
        "पार्टनर ये काम नहीं कर सकता: ख़ुद को रेफ़र करना या अपने ही लिंक या कोड से ऑर्डर देना; कोड को कूपन, डील या कैशबैक साइटों पर प्रकाशित करना; पेड सर्च विज्ञापनों में दुकान के नाम या ब्रांड पर बोली लगाना; या स्पैम या बिना माँगे भेजे गए संदेशों से दुकान का प्रचार करना। इनमें से किसी भी तरीक़े से आए ऑर्डर पर कोई फ़ीस नहीं मिलती।",
      ],
      ["फ़ीस", `फ़ीस ${fee} है। मिलने वाली फ़ीस पर लगने वाले किसी भी टैक्स की ज़िम्मेदारी पार्टनर की है।`],
      [
        "फ़ीस का भुगतान कब होता है",
        `बिक्री पूरी होने पर फ़ीस देय होती है: यानी ऑर्डर का भुगतान हो चुका हो और उसकी ${days} की रिटर्न अवधि बीत चुकी हो। रिफ़ंड या ऑर्डर रद्द होने पर फ़ीस वापस ले ली जाती है, या आंशिक रिफ़ंड के अनुपात में घटा दी जाती है।`,
        "फ़ीस का भुगतान बैचों में होता है। हर भुगतान के साथ एक संदर्भ (रेफ़रेंस) होता है, और पार्टनर पोर्टल दिखाता है कि उस भुगतान में कौन-सी फ़ीस शामिल थीं।",
      ],
      [
        "रिकॉर्ड और पार्टनर पोर्टल",
        "लिंक, कोड, ऑर्डर, रिफ़ंड और फ़ीस के दुकान के रिकॉर्ड से तय होता है कि कितना देय है। पार्टनर किसी भी समय पार्टनर पोर्टल में अपने रेफ़र किए गए ऑर्डर, फ़ीस और भुगतान देख सकता है, और जिस प्रविष्टि से वह सहमत न हो, उसके बारे में दुकान को लिखकर बता सकता है।",
      ],
      [
        "ग्राहकों का निजी डेटा",
        "दुकान अपने ग्राहकों का निजी डेटा पार्टनर के साथ साझा नहीं करती। पार्टनर ऑर्डर और फ़ीस देखता है, उनके पीछे के ग्राहकों को कभी नहीं: न नाम, न ईमेल पते, न डाक पते।",
      ],
      [
        "इस समझौते में बदलाव",
        "दुकान नया संस्करण प्रकाशित करके इस समझौते को बदल सकती है। पार्टनर को ईमेल से सूचित किया जाता है, और जब तक वह पार्टनर पोर्टल में नया संस्करण स्वीकार नहीं करता, उसका लिंक और कोड रुके रहते हैं। बदलाव से पहले कमाई गई फ़ीस पर कोई असर नहीं पड़ता।",
      ],
      [
        "समझौते का अंत",
        "कोई भी पक्ष किसी भी समय दूसरे पक्ष को लिखित रूप में बताकर यह समझौता ख़त्म कर सकता है; एक ईमेल काफ़ी है। समझौता ख़त्म होने से पहले पूरी हुई बिक्री पर कमाई गई फ़ीस फिर भी दी जाती है; उसके बाद दिए गए ऑर्डर पर कोई फ़ीस नहीं मिलती।",
      ],
    ],
  },
  mt: {
    // Maltese counts: a dual for two, "ijiem" from three to ten, "jum" from eleven.
    days: (n) => (({ one: "jum wieħed", two: "jumejn", few: `${n} ijiem` }) as Partial<Record<Intl.LDMLPluralRule, string>>)[plural("mt", n)] ?? `${n} jum`,
    percent: (p) => `${p} tas-subtotal tal-ordni wara r-rifużjonijiet`,
    fixed: (a) => `${a} għal kull ordni`,
    sections: (shop, fee, days) => [
      [
        "Il-partijiet",
        `Dan il-ftehim huwa bejn ${shop} (“il-ħanut”) u n-negozju li jaċċettah (“is-sieħeb”). Is-sieħeb jaċċettah fil-portal tas-sħab billi jikteb ismu; il-ħanut iżomm rekord ta' liema verżjoni ġiet aċċettata, minn min u meta.`,
      ],
      [
        "Kif is-sieħeb jaqla' tariffa",
        "Is-sieħeb jaqla' tariffa meta klijent ġdid jagħmel l-ewwel ordni tiegħu mal-ħanut permezz tal-link tas-sieħeb jew bil-kodiċi tas-sieħeb. Ordnijiet minn klijenti li diġà ordnaw mill-ħanut qabel, u ordnijiet magħmula mingħajr il-link jew il-kodiċi, ma jaqilgħu l-ebda tariffa.",
        "Is-sieħeb ma jistax jirreferi lilu nnifsu jew jagħmel ordnijiet bil-link jew bil-kodiċi tiegħu stess; jippubblika l-kodiċi fuq siti ta' kupuni, offerti jew cashback; jagħmel offerti fuq l-isem jew il-marka tal-ħanut f'reklami mħallsa tat-tfittxija; jew jippromwovi l-ħanut bi spam jew b'messaġġi oħra mhux mitluba. Ordnijiet li jiġu minn xi waħda minn dawn ma jaqilgħu l-ebda tariffa.",
      ],
      ["It-tariffa", `It-tariffa hija ${fee}. Is-sieħeb huwa responsabbli għal kull taxxa dovuta fuq it-tariffi li jirċievi.`],
      [
        "Meta titħallas it-tariffa",
        `Tariffa issir dovuta meta l-bejgħ ikun komplut: l-ordni tkun tħallset u l-perjodu ta' ritorn ta' ${days} ikun għadda. Rifużjoni jew kanċellazzjoni tħassar it-tariffa, jew tnaqqasha skont il-proporzjon ta' rifużjoni parzjali.`,
        "It-tariffi jitħallsu f'lottijiet. Kull pagament ikollu referenza, u l-portal tas-sħab juri liema tariffi ħallas.",
      ],
      [
        "Ir-rekords u l-portal tas-sħab",
        "Ir-rekords tal-ħanut tal-links, tal-kodiċijiet, tal-ordnijiet, tar-rifużjonijiet u tat-tariffi jiddeċiedu x'inhu dovut. Is-sieħeb jista' jara l-ordnijiet li rrefera, it-tariffi u l-pagamenti tiegħu fil-portal tas-sħab f'kull ħin, u jista' jikkontesta kull entrata li ma jaqbilx magħha billi jikteb lill-ħanut.",
      ],
      [
        "Id-dejta personali tal-klijenti",
        "Il-ħanut ma jaqsamx id-dejta personali tal-klijenti tiegħu mas-sieħeb. Is-sieħeb jara l-ordnijiet u t-tariffi, qatt il-klijenti ta' warajhom: l-ebda isem, indirizz tal-email jew indirizz postali.",
      ],
      [
        "Bidliet f'dan il-ftehim",
        "Il-ħanut jista' jibdel dan il-ftehim billi jippubblika verżjoni ġdida. Is-sieħeb jiġi infurmat bl-email, u l-link u l-kodiċi tiegħu jibqgħu sospiżi sakemm jaċċetta l-verżjoni l-ġdida fil-portal tas-sħab. It-tariffi li nqalgħu qabel il-bidla ma jintlaqtux.",
      ],
      [
        "It-tmiem tal-ftehim",
        "Kull parti tista' ttemm dan il-ftehim f'kull ħin billi tgħarraf lill-oħra bil-miktub; email hija biżżejjed. It-tariffi li nqalgħu fuq bejgħ li tlesta qabel ma jintemm il-ftehim jitħallsu xorta; ordnijiet magħmula wara li jintemm ma jaqilgħu l-ebda tariffa.",
      ],
    ],
  },
  es: {
    days: (n) => (plural("es", n) === "one" ? `${n} día` : `${n} días`),
    percent: (p) => `el ${p} del subtotal del pedido después de reembolsos`,
    fixed: (a) => `${a} por pedido`,
    sections: (shop, fee, days) => [
      [
        "Las partes",
        `Este acuerdo se celebra entre ${shop} («la tienda») y el negocio que lo acepta («el socio»). El socio lo acepta en el portal de socios escribiendo su nombre; la tienda guarda constancia de qué versión se aceptó, quién la aceptó y cuándo.`,
      ],
      [
        "Cómo gana el socio una comisión",
        "El socio gana una comisión cuando un cliente nuevo hace su primer pedido en la tienda a través del enlace del socio o con su código. Los pedidos de clientes que ya habían comprado antes en la tienda, y los pedidos hechos sin el enlace ni el código, no generan comisión.",
        "El socio no puede recomendarse a sí mismo ni hacer pedidos con su propio enlace o código; publicar el código en sitios de cupones, ofertas o cashback; pujar por el nombre o la marca de la tienda en anuncios de búsqueda de pago; ni promocionar la tienda mediante spam u otros mensajes no solicitados. Los pedidos que provengan de cualquiera de estas prácticas no generan comisión.",
      ],
      ["La comisión", `La comisión es ${fee}. El socio es responsable de los impuestos que correspondan sobre las comisiones que recibe.`],
      [
        "Cuándo se paga la comisión",
        `La comisión se debe cuando la venta está completada: el pedido se ha pagado y ha pasado su plazo de devolución de ${days}. Un reembolso o una cancelación anula la comisión, o la reduce en proporción a un reembolso parcial.`,
        "Las comisiones se pagan por lotes. Cada pago lleva una referencia, y el portal de socios muestra qué comisiones incluye.",
      ],
      [
        "Registros y portal de socios",
        "Los registros de la tienda sobre enlaces, códigos, pedidos, reembolsos y comisiones determinan lo que se debe. El socio puede consultar en cualquier momento sus pedidos recomendados, sus comisiones y sus pagos en el portal de socios, y puede reclamar por escrito a la tienda cualquier anotación con la que no esté de acuerdo.",
      ],
      [
        "Datos personales de los clientes",
        "La tienda no comparte con el socio los datos personales de sus clientes. El socio ve pedidos y comisiones, nunca a los clientes que hay detrás: ni nombres, ni direcciones de correo electrónico, ni direcciones postales.",
      ],
      [
        "Cambios en este acuerdo",
        "La tienda puede cambiar este acuerdo publicando una nueva versión. Se avisa al socio por correo electrónico, y su enlace y su código quedan en pausa hasta que acepte la nueva versión en el portal de socios. Las comisiones ganadas antes del cambio no se ven afectadas.",
      ],
      [
        "Fin del acuerdo",
        "Cualquiera de las partes puede poner fin a este acuerdo en cualquier momento comunicándolo a la otra por escrito; basta un correo electrónico. Las comisiones ganadas por ventas completadas antes del fin del acuerdo se siguen pagando; los pedidos hechos después no generan comisión.",
      ],
    ],
  },
  fr: {
    days: (n) => (plural("fr", n) === "one" ? `${n} jour` : `${n} jours`),
    percent: (p) => `${p} du sous-total de la commande après remboursements`,
    fixed: (a) => `${a} par commande`,
    sections: (shop, fee, days) => [
      [
        "Les parties",
        `Le présent accord est conclu entre ${shop} (« la boutique ») et l'entreprise qui l'accepte (« le partenaire »). Le partenaire l'accepte dans l'espace partenaires en saisissant son nom ; la boutique conserve la trace de la version acceptée, de la personne qui l'a acceptée et de la date.`,
      ],
      [
        "Comment le partenaire gagne une commission",
        "Le partenaire gagne une commission lorsqu'un nouveau client passe sa première commande auprès de la boutique via le lien du partenaire ou avec son code. Les commandes de clients ayant déjà commandé auprès de la boutique, et les commandes passées sans le lien ni le code, ne donnent lieu à aucune commission.",
        "Le partenaire ne peut pas se recommander lui-même ni passer commande avec son propre lien ou code ; publier le code sur des sites de coupons, de bons plans ou de cashback ; enchérir sur le nom ou la marque de la boutique dans des annonces de recherche payantes ; ni promouvoir la boutique par du spam ou d'autres messages non sollicités. Les commandes issues de l'une de ces pratiques ne donnent lieu à aucune commission.",
      ],
      ["La commission", `La commission est de ${fee}. Le partenaire est responsable des impôts et taxes dus sur les commissions qu'il perçoit.`],
      [
        "Quand la commission est versée",
        `Une commission est due une fois la vente finalisée : la commande a été payée et son délai de retour de ${days} est écoulé. Un remboursement ou une annulation annule la commission, ou la réduit en proportion d'un remboursement partiel.`,
        "Les commissions sont versées par lots. Chaque paiement porte une référence, et l'espace partenaires indique quelles commissions il règle.",
      ],
      [
        "Registres et espace partenaires",
        "Les registres de la boutique (liens, codes, commandes, remboursements et commissions) font foi de ce qui est dû. Le partenaire peut consulter à tout moment ses commandes recommandées, ses commissions et ses paiements dans l'espace partenaires, et contester par écrit auprès de la boutique toute ligne avec laquelle il n'est pas d'accord.",
      ],
      [
        "Données personnelles des clients",
        "La boutique ne communique pas au partenaire les données personnelles de ses clients. Le partenaire voit des commandes et des commissions, jamais les clients qui les ont passées : ni noms, ni adresses e-mail, ni adresses postales.",
      ],
      [
        "Modifications du présent accord",
        "La boutique peut modifier le présent accord en publiant une nouvelle version. Le partenaire en est informé par e-mail, et son lien et son code sont suspendus jusqu'à ce qu'il accepte la nouvelle version dans l'espace partenaires. Les commissions gagnées avant la modification ne sont pas concernées.",
      ],
      [
        "Fin de l'accord",
        "Chaque partie peut mettre fin au présent accord à tout moment en informant l'autre par écrit ; un e-mail suffit. Les commissions gagnées sur des ventes finalisées avant la fin de l'accord restent dues ; les commandes passées après n'ouvrent droit à aucune commission.",
      ],
    ],
  },
  de: {
    days: (n) => (plural("de", n) === "one" ? `${n} Tag` : `${n} Tagen`),
    percent: (p) => `${p} der Zwischensumme der Bestellung nach Erstattungen`,
    fixed: (a) => `${a} pro Bestellung`,
    sections: (shop, fee, days) => [
      [
        "Die Parteien",
        `Diese Vereinbarung wird zwischen ${shop} („der Shop“) und dem Unternehmen geschlossen, das sie annimmt („der Partner“). Der Partner nimmt sie im Partnerportal an, indem er seinen Namen eingibt; der Shop hält fest, welche Version wer wann angenommen hat.`,
      ],
      [
        "Wie der Partner eine Provision verdient",
        "Der Partner verdient eine Provision, wenn eine Neukundin oder ein Neukunde über den Link des Partners oder mit seinem Code die erste Bestellung im Shop aufgibt. Bestellungen von Kundschaft, die schon früher im Shop bestellt hat, und Bestellungen ohne den Link oder Code bringen keine Provision.",
        "Der Partner darf sich nicht selbst werben oder über seinen eigenen Link oder Code bestellen, den Code nicht auf Gutschein-, Schnäppchen- oder Cashback-Seiten veröffentlichen, nicht in bezahlten Suchanzeigen auf den Namen oder die Marke des Shops bieten und den Shop nicht mit Spam oder anderen unerwünschten Nachrichten bewerben. Bestellungen, die auf eine dieser Arten zustande kommen, bringen keine Provision.",
      ],
      ["Die Provision", `Die Provision beträgt ${fee}. Der Partner ist für alle Steuern verantwortlich, die auf die erhaltenen Provisionen anfallen.`],
      [
        "Wann die Provision gezahlt wird",
        `Eine Provision ist fällig, sobald der Verkauf abgeschlossen ist: Die Bestellung ist bezahlt und ihre Rückgabefrist von ${days} ist abgelaufen. Eine Erstattung oder Stornierung hebt die Provision auf oder mindert sie im Verhältnis einer Teilerstattung.`,
        "Provisionen werden gesammelt ausgezahlt. Jede Zahlung trägt eine Referenz, und das Partnerportal zeigt, welche Provisionen sie begleicht.",
      ],
      [
        "Aufzeichnungen und Partnerportal",
        "Maßgeblich dafür, was geschuldet ist, sind die Aufzeichnungen des Shops über Links, Codes, Bestellungen, Erstattungen und Provisionen. Der Partner kann seine vermittelten Bestellungen, Provisionen und Zahlungen jederzeit im Partnerportal einsehen und jeden Eintrag, mit dem er nicht einverstanden ist, schriftlich beim Shop beanstanden.",
      ],
      [
        "Personenbezogene Daten der Kundschaft",
        "Der Shop gibt keine personenbezogenen Daten seiner Kundschaft an den Partner weiter. Der Partner sieht Bestellungen und Provisionen, nie die Personen dahinter: keine Namen, keine E-Mail-Adressen, keine Postanschriften.",
      ],
      [
        "Änderungen dieser Vereinbarung",
        "Der Shop kann diese Vereinbarung ändern, indem er eine neue Version veröffentlicht. Der Partner wird per E-Mail informiert, und sein Link und sein Code sind pausiert, bis er die neue Version im Partnerportal akzeptiert. Vor der Änderung verdiente Provisionen bleiben davon unberührt.",
      ],
      [
        "Beendigung",
        "Jede Partei kann diese Vereinbarung jederzeit beenden, indem sie dies der anderen schriftlich mitteilt; eine E-Mail genügt. Provisionen aus Verkäufen, die vor dem Ende der Vereinbarung abgeschlossen wurden, werden weiterhin gezahlt; Bestellungen nach dem Ende bringen keine Provision.",
      ],
    ],
  },
};

/** The agreement as plain text: "1. Heading" lines, paragraphs separated by blank lines. */
export function agreementTemplate(language: AgreementLanguage, facts: AgreementFacts): string {
  const wording = WORDING[language];
  const sections = wording.sections(facts.shopName.trim(), facts.fee, wording.days(facts.holdDays));
  return sections.map(([heading, ...paragraphs], i) => [`${i + 1}. ${heading}`, ...paragraphs].join("\n\n")).join("\n\n");
}

/** The fee in words for the agreement: "10% of the order subtotal after refunds", "$15.00 per order". */
export function partnerFeePhrase(language: AgreementLanguage, terms: FeeTerms): string {
  const wording = WORDING[language];
  const value = Number(terms.value);
  if (terms.kind === "PERCENT") {
    return wording.percent(new Intl.NumberFormat(language, { style: "percent", maximumFractionDigits: 2 }).format(value / 100));
  }
  let amount: string;
  try {
    amount = new Intl.NumberFormat(language, { style: "currency", currency: terms.currencyCode }).format(value);
  } catch {
    // A currency code Intl does not know: the amount and the code as they are.
    amount = `${terms.value} ${terms.currencyCode}`;
  }
  return wording.fixed(amount);
}
