// Once per test run: generated Prisma clients, Shopify's Admin and Discount Function schemas in their cache,
// and a reachable PostgreSQL server (the postgresql project needs it; fail loudly).
import pg from "pg";
import { generatePrismaClients } from "../../scripts/prisma-clients";
import { ensureAdminSchema, ensureDiscountFunctionSchema } from "../../scripts/fetch-admin-schema";
import { TEST_POSTGRES_URL } from "../../scripts/test-database";

export default async function globalSetup() {
  generatePrismaClients();
  await ensureAdminSchema();
  // Fetched here once, not by test files racing each other for it.
  ensureDiscountFunctionSchema();
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${TEST_POSTGRES_URL} (set TEST_POSTGRES_URL): ${(error as Error).message}`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}
