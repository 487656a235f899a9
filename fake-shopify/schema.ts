// The REAL Admin 2026-10 schema (Shopify's introspection, see
// scripts/fetch-admin-schema.ts). Parsing the 9 MB file takes about a second,
// so it is built once per test worker.
import { buildClientSchema, type GraphQLSchema } from "graphql";
import { readAdminIntrospection } from "../scripts/fetch-admin-schema";

let schema: GraphQLSchema | undefined;

export function adminSchema(): GraphQLSchema {
  schema ??= buildClientSchema(readAdminIntrospection() as never);
  return schema;
}
