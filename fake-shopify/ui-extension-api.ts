// A stand-in for the `shopify` global that checkout and customer account UI
// extensions run against (API 2026-07): the parts the referral extensions use,
// behaving as Shopify documents them. Used by the extension tests (Vitest with
// happy-dom) and meant for the dev store's thank-you and account pages; it has
// no Node imports so it also runs in a browser.
//
// Translation follows Shopify's extension i18n: dotted keys into the
// extension's locales/<lang>.json, `{{name}}` replacements, and for a `count`
// option the CLDR plural category of the language (`one`, `two`, `few`,
// `many`, `other`), falling back to en.default.json, then to the key itself.

export type Translations = { [key: string]: string | Translations };

export interface FakeExtensionApiOptions {
  target: string;
  /** BCP 47 tag of the buyer's language ("en", "hi", "mt", "pt-BR"). */
  language: string;
  /** The extension's locale file for `language`, and its en.default.json. */
  translations: Translations;
  defaultTranslations: Translations;
  sessionToken: () => string | Promise<string>;
  /** purchase.thank-you.*: the order just placed. customer-account.order-status.*: the order shown. */
  orderId?: string;
  currency?: string;
  shop?: { name: string; myshopifyDomain: string; storefrontUrl?: string };
}

/** Shopify's SubscribableSignalLike, for values that do not change during a test. */
export function staticSignal<T>(value: T) {
  return {
    value,
    current: value,
    subscribe: () => () => {},
    destroy: async () => {},
  };
}

function lookup(translations: Translations, key: string): string | Translations | undefined {
  let node: string | Translations | undefined = translations;
  for (const part of key.split(".")) {
    if (typeof node !== "object" || node === null) return undefined;
    node = node[part];
  }
  return node;
}

export function translate(options: Pick<FakeExtensionApiOptions, "language" | "translations" | "defaultTranslations">) {
  const plural = new Intl.PluralRules(options.language);
  return (key: string, replacements: Record<string, string | number> = {}): string => {
    const choose = (entry: string | Translations | undefined): string | undefined => {
      if (typeof entry === "string" || entry === undefined) return entry;
      if (typeof replacements.count !== "number") return undefined;
      const form = entry[plural.select(replacements.count)] ?? entry.other;
      return typeof form === "string" ? form : undefined;
    };
    const template = choose(lookup(options.translations, key)) ?? choose(lookup(options.defaultTranslations, key)) ?? key;
    return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (match, name: string) => (name in replacements ? String(replacements[name]) : match));
  };
}

export function fakeExtensionApi(options: FakeExtensionApiOptions) {
  const extensions = new Map<string, (...args: unknown[]) => unknown>();
  const language = staticSignal({ isoCode: options.language });
  const order = options.orderId ? { id: options.orderId } : undefined;
  return {
    extension: { target: options.target, apiVersion: "2026-07", capabilities: staticSignal(["network_access"]) },
    localization: {
      language,
      extensionLanguage: language,
      currency: staticSignal({ isoCode: options.currency ?? "USD" }),
    },
    i18n: {
      translate: translate(options),
      formatNumber: (value: number | bigint, format?: Intl.NumberFormatOptions) => new Intl.NumberFormat(options.language, format).format(value),
      formatCurrency: (value: number | bigint, format?: Intl.NumberFormatOptions) =>
        new Intl.NumberFormat(options.language, { style: "currency", currency: options.currency ?? "USD", ...format }).format(value),
      formatDate: (date: Date, format?: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(options.language, format).format(date),
    },
    sessionToken: { get: async () => options.sessionToken() },
    settings: staticSignal({}),
    shop: options.shop ?? { name: "Demo shop", myshopifyDomain: "demo.myshopify.com", storefrontUrl: "https://demo.example" },
    orderConfirmation: staticSignal(order ? { order, isFirstOrder: true } : undefined),
    order: staticSignal(order),
    /** What a bundle registers: `shopify.extend(target, render)`, as the CLI's entry does. */
    extend(target: string, render: (...args: unknown[]) => unknown) {
      extensions.set(target, render);
    },
    reload() {},
    /** Runs what the bundle registered for the target, as the host does when the page shows it. */
    async run(target = options.target) {
      const render = extensions.get(target);
      if (!render) throw new Error(`Nothing registered for ${target}`);
      await render();
    },
  };
}

export type FakeExtensionApi = ReturnType<typeof fakeExtensionApi>;
