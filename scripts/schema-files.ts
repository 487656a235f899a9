// Where the one model and its per-provider derivatives live, and how the
// PostgreSQL schema is derived from the SQLite one.
import path from "node:path";
import { PROJECT_ROOT } from "~/db-url";

export const SCHEMA_FILES = {
  sqlite: path.join(PROJECT_ROOT, "prisma/schema.prisma"),
  postgresql: path.join(PROJECT_ROOT, "prisma/postgresql/schema.prisma"),
  // The model as of the newest migration: the starting point of the next diff.
  migrated: path.join(PROJECT_ROOT, "prisma/migrated.prisma"),
  migrationsDir: {
    sqlite: path.join(PROJECT_ROOT, "prisma/migrations"),
    postgresql: path.join(PROJECT_ROOT, "prisma/postgresql/migrations"),
  },
} as const;

export function postgresSchemaFrom(sqliteSchema: string): string {
  const out = sqliteSchema
    .replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"')
    .replace(/output\s*=\s*"\.\.\/app\/generated\/sqlite"/, 'output       = "../../app/generated/postgresql"');
  if (out === sqliteSchema || !out.includes('"postgresql"') || !out.includes("generated/postgresql")) {
    throw new Error("prisma/schema.prisma no longer has the provider/output lines scripts/schema-files.ts rewrites");
  }
  return `// GENERATED from prisma/schema.prisma by scripts/new-migration.ts. Do not edit.\n${out}`;
}
