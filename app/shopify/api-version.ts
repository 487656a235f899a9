import { ApiVersion } from "@shopify/shopify-api";

// The ONE Admin API version of the app. shopify.server.ts, codegen
// (.graphqlrc.ts), the schema cache and shopify.app.toml's
// `[webhooks] api_version` must all agree; a test checks the toml.
export const ADMIN_API_VERSION = "2026-10" as const;
export const ADMIN_API_VERSION_ENUM = ApiVersion.October26;

// Fails type-checking if the library's enum member ever stops matching.
const _sameVersion: typeof ADMIN_API_VERSION = ADMIN_API_VERSION_ENUM;
void _sameVersion;
