// `npm run generate`: everything derived from checked-in sources, into git-ignored
// places: Shopify's Admin schema (from npm), the Prisma clients, the GraphQL types.
import { execFileSync } from "node:child_process";
import { PROJECT_ROOT } from "~/db-url";
import { ensureAdminSchema } from "./fetch-admin-schema";
import { generatePrismaClients } from "./prisma-clients";

await ensureAdminSchema();
generatePrismaClients();
execFileSync("npx", ["graphql-codegen", "--config", ".graphqlrc.ts"], { cwd: PROJECT_ROOT, stdio: "inherit" });
