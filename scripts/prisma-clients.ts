// Generates the Prisma client for both providers (the code imports both), and
// skips the work when the generated client is newer than its schema.
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { PROJECT_ROOT } from "~/db-url";
import { SCHEMA_FILES } from "./schema-files";

const CLIENTS = [
  { schema: SCHEMA_FILES.sqlite, out: path.join(PROJECT_ROOT, "app/generated/sqlite/client.ts"), url: "file:./data/app.sqlite" },
  { schema: SCHEMA_FILES.postgresql, out: path.join(PROJECT_ROOT, "app/generated/postgresql/client.ts"), url: "postgresql://127.0.0.1/unused" },
];

export function generatePrismaClients({ force = false } = {}): void {
  for (const client of CLIENTS) {
    const fresh = fs.existsSync(client.out) && fs.statSync(client.out).mtimeMs >= fs.statSync(client.schema).mtimeMs;
    if (fresh && !force) continue;
    execFileSync("npx", ["prisma", "generate", "--schema", client.schema], {
      cwd: PROJECT_ROOT,
      stdio: ["ignore", "ignore", "inherit"],
      // prisma.config.ts picks its adapter from DATABASE_URL; generating needs no connection.
      env: { ...process.env, DATABASE_URL: client.url },
    });
  }
}
