// Shopify's cost model, approximated (exact numbers are Shopify's business;
// tests only need the same *behaviour*):
//   - a top-level mutation field costs 10;
//   - a field returning an object, interface or union costs 1;
//   - scalars and enums cost 0;
//   - a connection (type name ending in "Connection") costs 2, and what is
//     selected inside it counts `first` (or `last`, default 10) times.
// Requested cost is charged before execution and, as at Shopify, the
// actual cost equals the requested cost here (no refund of unused nodes).
// getArgumentValues from the package root, not "graphql/execution/values.js":
// under Vitest that path loads a second copy of graphql, whose checks reject
// this schema's types ("from another module or realm"), and every cost
// silently fell back to 1 (fake-shopify.ts catches and charges 1).
import {
  getArgumentValues,
  getNamedType,
  isCompositeType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  isObjectType,
  isInterfaceType,
} from "graphql";

export function requestedCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): number {
  const root = operation.operation === "mutation" ? schema.getMutationType()! : schema.getQueryType()!;
  const isMutation = operation.operation === "mutation";

  const walk = (set: SelectionSetNode, type: GraphQLNamedType, depth: number): number => {
    let cost = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const cond = sel.typeCondition ? schema.getType(sel.typeCondition.name.value)! : type;
        cost += walk(sel.selectionSet, cond, depth);
      } else if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const frag = fragments[sel.name.value];
        if (frag) cost += walk(frag.selectionSet, schema.getType(frag.typeCondition.name.value)!, depth);
      } else {
        const field = fieldOf(type, sel.name.value);
        if (!field) continue;
        const named = getNamedType(field.type);
        const inner = isCompositeType(named) && sel.selectionSet ? walk(sel.selectionSet, named, depth + 1) : 0;
        if (depth === 0 && isMutation) {
          cost += 10 + inner; // the payload object itself is part of the 10
        } else if (isCompositeType(named) && named.name.endsWith("Connection")) {
          const args = getArgumentValues(field, sel, variables) as { first?: number; last?: number };
          cost += 2 + inner * (args.first ?? args.last ?? 10);
        } else if (isCompositeType(named)) {
          cost += 1 + inner;
        }
      }
    }
    return cost;
  };
  return Math.max(1, walk(operation.selectionSet, root, 0));
}

function fieldOf(type: GraphQLNamedType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (isObjectType(type) || isInterfaceType(type)) return type.getFields()[name];
  return undefined; // __typename on unions
}

/** Shopify's leaky bucket: fills at restoreRate points per second up to maximumAvailable. */
export class LeakyBucket {
  private available: number;
  private seenAt: number;
  constructor(
    readonly maximumAvailable: number,
    readonly restoreRate: number,
    private readonly now: () => number,
  ) {
    this.available = maximumAvailable;
    this.seenAt = now();
  }

  currentlyAvailable(): number {
    const t = this.now();
    this.available = Math.min(this.maximumAvailable, this.available + ((t - this.seenAt) / 1000) * this.restoreRate);
    this.seenAt = t;
    return this.available;
  }

  /** Takes `cost` points if there are enough; false means THROTTLED. */
  take(cost: number): boolean {
    if (this.currentlyAvailable() < cost) return false;
    this.available -= cost;
    return true;
  }

  status() {
    return {
      maximumAvailable: this.maximumAvailable,
      currentlyAvailable: Math.floor(this.currentlyAvailable()),
      restoreRate: this.restoreRate,
    };
  }
}
