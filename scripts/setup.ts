// `npm run setup`: generate the Prisma clients and apply every migration to DATABASE_URL
// (the SQLite file by default, or PostgreSQL). Safe to run any number of times.
import { execFileSync } from "node:child_process";
import { DEFAULT_DATABASE_URL, PROJECT_ROOT, databaseTarget } from "~/db-url";
import { generatePrismaClients } from "./prisma-clients";
import { loadDotEnv } from "./load-env";

loadDotEnv();
const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const target = databaseTarget(url);

generatePrismaClients();
execFileSync("npx", ["prisma", "migrate", "deploy"], {
  cwd: PROJECT_ROOT,
  stdio: "inherit",
  env: { ...process.env, DATABASE_URL: url },
});
console.log(`Database ready (${target.provider}).`);
