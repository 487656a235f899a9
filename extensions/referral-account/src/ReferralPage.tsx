/** @jsxImportSource preact */
// customer-account.page.render: the full-page referral home.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import type { Api } from "@shopify/ui-extensions/customer-account.page.render";
import { ReferralHome } from "./ReferralHome";

declare const shopify: Api;

export default async () => {
  render(<ReferralHome host={shopify} />, document.body);
};
