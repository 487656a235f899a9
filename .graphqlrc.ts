// graphql-codegen config (`npm run codegen`). Offline: `npm run schema` puts
// Shopify's 2026-10 introspection at app/types/admin-2026-10.schema.json,
// the file @shopify/api-codegen-preset reads instead of calling shopify.dev.
import { ApiType, shopifyApiProject } from "@shopify/api-codegen-preset";
import { ADMIN_API_VERSION } from "./app/shopify/api-version";

export default {
  projects: {
    default: shopifyApiProject({
      apiType: ApiType.Admin,
      apiVersion: ADMIN_API_VERSION,
      documents: ["./app/**/*.{ts,tsx}", "!./app/types/**"],
      outputDir: "./app/types",
      // Enums as string unions: code can pass "USD" / "ALL" instead of
      // importing generated TS enums into domain code.
      enumsAsConst: true,
    }),
  },
};
