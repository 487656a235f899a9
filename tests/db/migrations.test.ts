// The real Prisma CLI applies the migrations to an empty database, and the
// checked-in schemas and migrations agree with the one model.
import fs from "node:fs";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "~/db-url";
import { postgresSchemaFrom, SCHEMA_FILES } from "../../scripts/schema-files";
import { createEmptyDatabase, type Provider } from "../../scripts/test-database";

const provider = (process.env.TEST_DATABASE ?? "sqlite") as Provider;

function prisma(args: string[], url: string): string {
  return execFileSync("npx", ["prisma", ...args], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: url },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe(`migrations on ${provider}`, () => {
  it("`prisma migrate deploy` applies every migration to an empty database and `migrate status` agrees", async () => {
    const empty = await createEmptyDatabase(provider);
    try {
      expect(prisma(["migrate", "deploy"], empty.url)).toMatch(/successfully applied/);
      expect(prisma(["migrate", "status"], empty.url)).toMatch(/Database schema is up to date/);
    } finally {
      await empty.drop();
    }
  }, 120_000);

  it("the PostgreSQL schema is generated from the SQLite one, and no model change is left unmigrated", () => {
    const sqlite = fs.readFileSync(SCHEMA_FILES.sqlite, "utf8");
    expect(fs.readFileSync(SCHEMA_FILES.postgresql, "utf8")).toBe(postgresSchemaFrom(sqlite));
    expect(fs.readFileSync(SCHEMA_FILES.migrated, "utf8")).toBe(sqlite);
  });
});
