// Loads .env into process.env when the file exists (variables already set win).
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../app/db-url";

export function loadDotEnv(file = path.join(PROJECT_ROOT, ".env")): void {
  if (fs.existsSync(file)) process.loadEnvFile(file);
}
