// A fresh, migrated database for this test file, on the provider the project names.
import { afterAll } from "vitest";
import { createTestDatabase } from "../../scripts/test-database";

const database = await createTestDatabase((process.env.TEST_DATABASE as "sqlite" | "postgresql") ?? "sqlite");
process.env.DATABASE_URL = database.url;

afterAll(async () => {
  const { default: db } = await import("~/db.server");
  const { closeInbox } = await import("~/webhooks/inbox.server");
  await Promise.all([db.$disconnect(), closeInbox()]);
  await database.drop();
});
