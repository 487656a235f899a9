// Loads .env into process.env when the file exists (variables already set win).
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "~/db-url";

export function loadDotEnv(file = path.join(PROJECT_ROOT, ".env")): void {
  if (fs.existsSync(file)) process.loadEnvFile(file);
}

/** Loads .env and validates the environment, or prints what is wrong and exits 1. */
export async function loadEnvOrExit(): Promise<void> {
  loadDotEnv();
  const { EnvError, env } = await import("~/env.server");
  try {
    env();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
