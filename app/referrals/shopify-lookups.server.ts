// Read-only Admin API lookups attribution and rewards need.
import type { AdminClient } from "../shopify/admin-client.server";

export const CUSTOMER_EARLIER_ORDERS = `#graphql
  query CustomerEarlierOrders($query: String!) {
    orders(first: 2, query: $query) {
      nodes {
        id
      }
    }
  }
`;

/** Did this customer place an order (other than `orderId`) before `before`? */
export async function hasEarlierOrder(
  admin: AdminClient,
  { customerId, orderId, before }: { customerId: string; orderId: string; before: Date },
): Promise<boolean> {
  const numericId = customerId.split("/").pop();
  const data = await admin.query(CUSTOMER_EARLIER_ORDERS, {
    query: `customer_id:${numericId} created_at:<'${before.toISOString()}'`,
  });
  return data.orders.nodes.some((o: { id: string }) => o.id !== orderId);
}
