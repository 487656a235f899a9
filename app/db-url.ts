// Which database a DATABASE_URL names. Shared by the app (db.server.ts) and the
// Prisma CLI (prisma.config.ts) so both resolve the same file or server.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The folder holding package.json above this module: `app/` when run from
 * source (tsx, Vite), `build/server/` in the production bundle. Relative
 * SQLite paths resolve against it, so every process uses the same file.
 */
export const PROJECT_ROOT = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));

export function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, "..");
  }
}
export const DEFAULT_DATABASE_URL = "file:./data/app.sqlite";

export type DatabaseTarget =
  | { provider: "sqlite"; url: string; filePath: string }
  | { provider: "postgresql"; url: string; schema: string | undefined };

export function databaseTarget(url: string = process.env.DATABASE_URL || DEFAULT_DATABASE_URL): DatabaseTarget {
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
    const schema = new URL(url).searchParams.get("schema") ?? undefined;
    return { provider: "postgresql", url, schema };
  }
  if (url.startsWith("file:")) {
    const raw = url.slice("file:".length);
    // Relative paths are relative to the project root, whatever the working directory.
    const filePath = raw === ":memory:" ? raw : path.resolve(PROJECT_ROOT, raw);
    return { provider: "sqlite", url: `file:${filePath}`, filePath };
  }
  throw new Error(
    `DATABASE_URL must start with "file:" (SQLite) or "postgresql://" (PostgreSQL); got "${url.split(":")[0]}:..."`,
  );
}

export function schemaPathFor(provider: DatabaseTarget["provider"]): string {
  return provider === "sqlite"
    ? path.join(PROJECT_ROOT, "prisma/schema.prisma")
    : path.join(PROJECT_ROOT, "prisma/postgresql/schema.prisma");
}
