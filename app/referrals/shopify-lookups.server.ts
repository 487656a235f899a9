// Read-only Admin API lookups attribution and rewards need.
import type { AdminClient } from "~/shopify/admin-client.server";
import { CUSTOMER_EARLIER_ORDERS, CUSTOMER_SIGN_IN_EMAIL } from "~/shopify/documents";

/**
 * Did this customer (or, for guest checkouts, this email) place an order other
 * than `orderId` before `before`?
 */
export async function hasEarlierOrder(
  admin: AdminClient,
  who: { customerId: string; orderId: string; before: Date } | { email: string; orderId: string; before: Date },
): Promise<boolean> {
  const filter = "customerId" in who ? `customer_id:${who.customerId.split("/").pop()}` : `email:${searchValue(who.email)}`;
  const data = await admin.query(CUSTOMER_EARLIER_ORDERS, {
    query: `${filter} created_at:<'${who.before.toISOString()}'`,
  });
  return data.orders.nodes.some((o: { id: string }) => o.id !== who.orderId);
}

/** A value in Shopify's search syntax: quoted, with the quote and backslash escaped (an email can hold both). */
function searchValue(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/**
 * The email Shopify holds for a customer, when the customer has proved it
 * (verifiedEmail: they signed in with a code sent to it, or the merchant or an
 * app created the customer). Null otherwise: an address typed into a classic
 * sign-up form proves nothing, and must not claim a guest enrolment made with it.
 */
export async function verifiedCustomerEmail(admin: AdminClient, customerId: string): Promise<string | null> {
  return (await customerContact(admin, customerId)).email;
}

/** The customer's verified email (as above), and the name they gave Shopify: what their emails greet them with. */
export async function customerContact(admin: AdminClient, customerId: string) {
  const data = await admin.query(CUSTOMER_SIGN_IN_EMAIL, { id: customerId });
  const customer = data.customer;
  return {
    email: customer?.verifiedEmail ? (customer.defaultEmailAddress?.emailAddress ?? null) : null,
    firstName: customer?.firstName ?? null,
    lastName: customer?.lastName ?? null,
  };
}
