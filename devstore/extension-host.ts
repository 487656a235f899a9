// Browser code for the dev store's extension pages: what Shopify's checkout
// and customer accounts do around a UI extension. It defines the `s-*`
// elements, puts the `shopify` global (fake-shopify/ui-extension-api.ts)
// configured for this page on `globalThis`, and once the extension's real
// bundle has registered its targets (`shopify.extend`), runs the page's
// target, which renders into document.body. The page's height is posted to
// the parent page that frames it.
import { fakeExtensionApi, type Translations } from "../fake-shopify/ui-extension-api";
import { defineElements, setExtensionPageUrl } from "./ui-elements";

export interface ExtensionHostConfig {
  target: string;
  language: string;
  translations: Translations;
  defaultTranslations: Translations;
  /** Answers a fresh session token signed like Shopify's (devstore/extension-pages.ts). */
  tokenUrl: string;
  orderId?: string;
  currency: string;
  shop: { name: string; myshopifyDomain: string; storefrontUrl: string };
  extensionPageUrl: string;
}

const host = window as unknown as {
  devstoreExtension: ExtensionHostConfig;
  shopify: ReturnType<typeof fakeExtensionApi>;
  runExtension: () => Promise<void>;
};
const config = host.devstoreExtension;
defineElements();
setExtensionPageUrl(config.extensionPageUrl);

host.shopify = fakeExtensionApi({
  ...config,
  sessionToken: async () => {
    const response = await fetch(config.tokenUrl, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`session token: ${response.status}`);
    return response.text();
  },
});

host.runExtension = async () => {
  const post = () => window.parent.postMessage({ devstoreExtensionHeight: document.documentElement.scrollHeight, target: config.target }, window.location.origin);
  new ResizeObserver(post).observe(document.documentElement);
  await host.shopify.run(config.target);
  document.documentElement.dataset.extensionRan = "true";
  post();
};
