// `npm run generate`: everything derived from checked-in sources, into git-ignored
// places: Shopify's Admin and Discount Function schemas (from npm), the Prisma
// clients, the GraphQL types (Admin documents; the referral-discount function).
import { execFileSync } from "node:child_process";
import { PROJECT_ROOT } from "~/db-url";
import { ensureAdminSchema } from "./fetch-admin-schema";
import { generateFunctionTypes } from "./function-codegen";
import { generatePrismaClients } from "./prisma-clients";

await ensureAdminSchema();
generatePrismaClients();
execFileSync("npx", ["graphql-codegen", "--config", ".graphqlrc.ts"], { cwd: PROJECT_ROOT, stdio: "inherit" });
await generateFunctionTypes();
