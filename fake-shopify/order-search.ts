// The subset of Shopify's order search syntax the app uses for
// reconciliation: `updated_at:>'2026-11-01T00:00:00Z' discount_code:FRIEND-ANNA`.
// Terms are ANDed. A filter the fake does not know is reported as a search
// warning (Shopify does the same for unknown fields) instead of matching all.
import type { FakeOrder } from "./store";

type Op = ">" | ">=" | "<" | "<=" | "=";
interface Term {
  field: string;
  op: Op;
  value: string;
}

export function parseOrderQuery(query: string | null | undefined): { terms: Term[]; warnings: string[] } {
  const terms: Term[] = [];
  const warnings: string[] = [];
  const re = /(\w+):(>=|<=|>|<)?(?:'([^']*)'|"([^"]*)"|(\S+))|(\S+)/g;
  for (const m of (query ?? "").matchAll(re)) {
    if (m[6]) {
      if (m[6].toUpperCase() !== "AND") warnings.push(`free text "${m[6]}" is not supported by the fake`);
      continue;
    }
    const field = m[1];
    if (!SUPPORTED.has(field)) {
      warnings.push(`Invalid search field for this query: ${field}`);
      continue;
    }
    terms.push({ field, op: (m[2] as Op) ?? "=", value: m[3] ?? m[4] ?? m[5] ?? "" });
  }
  return { terms, warnings };
}

const SUPPORTED = new Set(["updated_at", "created_at", "discount_code", "customer_id", "email", "test", "financial_status", "id"]);

export function matchesOrder(order: FakeOrder, terms: Term[]): boolean {
  return terms.every((t) => {
    switch (t.field) {
      case "updated_at":
      case "created_at":
        return compare(Date.parse(t.field === "updated_at" ? order.updatedAt : order.createdAt), Date.parse(t.value), t.op);
      case "discount_code":
        // Shopify: "Limited to the first discount code used on an order".
        return (order.discountCodes[0] ?? "").toLowerCase() === t.value.toLowerCase();
      case "customer_id":
        return !!order.customerId && numeric(order.customerId) === numeric(t.value);
      case "id":
        return compare(Number(numeric(order.id)), Number(numeric(t.value)), t.op);
      case "email":
        return (order.email ?? "").toLowerCase() === t.value.toLowerCase();
      case "test":
        return String(order.test) === t.value;
      case "financial_status":
        return (order.displayFinancialStatus ?? "").toLowerCase() === t.value.toLowerCase();
      default:
        return true;
    }
  });
}

const numeric = (id: string) => id.split("/").pop();

function compare(a: number, b: number, op: Op) {
  if (op === ">") return a > b;
  if (op === ">=") return a >= b;
  if (op === "<") return a < b;
  if (op === "<=") return a <= b;
  return a === b;
}
