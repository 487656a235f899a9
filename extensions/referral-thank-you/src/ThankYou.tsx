/** @jsxImportSource preact */
// purchase.thank-you.block.render: the order was just placed.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import type { Api } from "@shopify/ui-extensions/purchase.thank-you.block.render";
import { ReferralBlock } from "./ReferralBlock";

declare const shopify: Api;

export default async () => {
  const orderId = shopify.orderConfirmation.value.order.id;
  const storefront = shopify.shop.storefrontUrl?.replace(/\/+$/, "");
  render(<ReferralBlock host={shopify} orderId={orderId} accountUrl={storefront ? `${storefront}/account` : undefined} />, document.body);
};
