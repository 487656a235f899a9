// `npm run generate`: everything derived from checked-in sources, into git-ignored
// places: Shopify's Admin and Discount Function schemas (from npm), the Prisma
// clients, the GraphQL types (Admin documents; the referral-discount function);
// and the referral block's inline CSS snippet, from its CSS file (checked in:
// `shopify app deploy` ships extensions/ as it is).
import { execFileSync } from "node:child_process";
import { PROJECT_ROOT } from "~/db-url";
import { ensureAdminSchema } from "./fetch-admin-schema";
import { generateFunctionTypes } from "./function-codegen";
import { generatePrismaClients } from "./prisma-clients";
import { writeBlockStyleSnippet } from "~/storefront/block-style";

await ensureAdminSchema();
generatePrismaClients();
execFileSync("npx", ["graphql-codegen", "--config", ".graphqlrc.ts"], { cwd: PROJECT_ROOT, stdio: "inherit" });
await generateFunctionTypes();
if (writeBlockStyleSnippet(PROJECT_ROOT)) console.log("wrote extensions/referral/snippets/referral-block-style.liquid from referral-block.css");
