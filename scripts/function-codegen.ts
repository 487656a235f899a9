// TypeScript types for the referral-discount function, from Shopify's Discount
// Function API schema (scripts/fetch-admin-schema.ts caches it): the input of
// each target as its input query selects it, and the targets' result types.
// Written to extensions/referral-discount/generated/api.ts (git-ignored), the
// file `shopify app function typegen` writes, so the extension builds the same
// way with the Shopify CLI.
import { generate } from "@graphql-codegen/cli";
import { join } from "node:path";
import { PROJECT_ROOT } from "~/db-url";
import { ensureDiscountFunctionSchema } from "./fetch-admin-schema";

export const FUNCTION_DIR = join(PROJECT_ROOT, "extensions", "referral-discount");

export async function generateFunctionTypes() {
  await generate(
    {
      schema: ensureDiscountFunctionSchema(),
      documents: join(FUNCTION_DIR, "src", "*.graphql"),
      generates: {
        [join(FUNCTION_DIR, "generated", "api.ts")]: {
          plugins: ["typescript", "typescript-operations"],
          // Enums as string unions, Shopify's Decimal/ID as strings (JSON carries them so).
          config: { enumsAsTypes: true, scalars: { Decimal: "string", ID: "string", JSON: "unknown", Handle: "string", Void: "void", Date: "string", DateTime: "string", DateTimeWithoutTimezone: "string", TimeWithoutTimezone: "string", URL: "string" }, skipTypename: true, avoidOptionals: { field: true, inputValue: false, object: false } },
        },
      },
      silent: true,
    },
    true,
  );
}
