// What the fake Shopify Admin API charges for one of the app's documents (its own cost model).
import { getOperationAST, Kind, parse, type DocumentNode, type FragmentDefinitionNode } from "graphql";
import { requestedCost } from "../../fake-shopify/cost";
import { adminSchema } from "../../fake-shopify/schema";

/** Points the fake charges for `document` (source text or parsed) with these variables. */
export function costOf(document: string | DocumentNode, variables: Record<string, unknown> = {}): number {
  const doc = typeof document === "string" ? parse(document) : document;
  const operation = getOperationAST(doc)!;
  const fragments = Object.fromEntries(
    doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  return requestedCost(adminSchema(), operation, fragments, variables);
}
