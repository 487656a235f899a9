// Writes a new migration for BOTH databases from the one model in prisma/schema.prisma.
//   npm run db:migration -- <name>
// 1. regenerates prisma/postgresql/schema.prisma from the SQLite schema;
// 2. diffs the last migrated model (prisma/migrated.prisma) against the new one,
//    once per provider, with `prisma migrate diff` (no database needed);
// 3. records the new model as migrated.
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { PROJECT_ROOT } from "~/db-url";
import { postgresSchemaFrom, SCHEMA_FILES } from "./schema-files";

const name = (process.argv[2] ?? "").replace(/[^a-z0-9_]/gi, "_");
if (!name) {
  console.error("Usage: npm run db:migration -- <migration_name>");
  process.exit(1);
}

const sqliteSchema = fs.readFileSync(SCHEMA_FILES.sqlite, "utf8");
fs.mkdirSync(path.dirname(SCHEMA_FILES.postgresql), { recursive: true });
fs.writeFileSync(SCHEMA_FILES.postgresql, postgresSchemaFrom(sqliteSchema));

const previous = fs.existsSync(SCHEMA_FILES.migrated) ? fs.readFileSync(SCHEMA_FILES.migrated, "utf8") : null;
// The JS schema engine opens a connection even for a datamodel-to-datamodel diff.
const POSTGRES_FOR_DIFF = process.env.MIGRATION_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const tmp = fs.mkdtempSync(path.join(PROJECT_ROOT, ".migration-"));

try {
  let wrote = false;
  for (const provider of ["sqlite", "postgresql"] as const) {
    const toSchema = provider === "sqlite" ? sqliteSchema : postgresSchemaFrom(sqliteSchema);
    const toFile = path.join(tmp, `${provider}.to.prisma`);
    fs.writeFileSync(toFile, toSchema);
    const from = ["--from-empty"];
    if (previous !== null) {
      const fromFile = path.join(tmp, `${provider}.from.prisma`);
      fs.writeFileSync(fromFile, provider === "sqlite" ? previous : postgresSchemaFrom(previous));
      from.splice(0, 1, "--from-schema-datamodel", fromFile);
    }
    const sql = execFileSync(
      "npx",
      ["prisma", "migrate", "diff", ...from, "--to-schema-datamodel", toFile, "--script"],
      {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
        env: { ...process.env, DATABASE_URL: provider === "sqlite" ? "file:./data/migration.sqlite" : POSTGRES_FOR_DIFF },
      },
    );
    if (!/\b(CREATE|ALTER|DROP)\b/.test(sql)) continue;
    const dir = path.join(SCHEMA_FILES.migrationsDir[provider], `${stamp}_${name}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "migration.sql"), sql);
    fs.writeFileSync(
      path.join(SCHEMA_FILES.migrationsDir[provider], "migration_lock.toml"),
      `# Written by scripts/new-migration.ts\nprovider = "${provider}"\n`,
    );
    console.log(`wrote ${path.relative(PROJECT_ROOT, dir)}/migration.sql`);
    wrote = true;
  }
  if (!wrote) console.log("The model has not changed since the last migration: nothing written.");
  fs.writeFileSync(SCHEMA_FILES.migrated, sqliteSchema);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
