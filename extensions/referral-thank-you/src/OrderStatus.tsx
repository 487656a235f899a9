/** @jsxImportSource preact */
// customer-account.order-status.block.render: the buyer came back to the order.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import type { Api } from "@shopify/ui-extensions/customer-account.order-status.block.render";
import { ReferralBlock } from "./ReferralBlock";

declare const shopify: Api;

export default async () => {
  render(<ReferralBlock host={shopify} orderId={shopify.order.value?.id} />, document.body);
};
