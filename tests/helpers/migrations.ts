// The migration directories of a provider, by name, in order.
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "~/db-url";

export function migrationNames(provider: "sqlite" | "postgresql"): string[] {
  const dir = path.join(PROJECT_ROOT, provider === "sqlite" ? "prisma/migrations" : "prisma/postgresql/migrations");
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}
