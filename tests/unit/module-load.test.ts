// The configuration must load without opening the database: db.server opens
// DATABASE_URL when it is imported, and the environment is validated (and .env
// loaded) before anything decides which database that is. `npm run demo` and
// `npm start` set DATABASE_URL after importing env.server.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "~/db-url";

function loadedModules(entry: string): string[] {
  const script = `import(${JSON.stringify(entry)}).then(() => console.log(JSON.stringify({ db: globalThis.__referralDb !== undefined })));`;
  const out = execFileSync("npx", ["tsx", "--eval", script], { cwd: PROJECT_ROOT, encoding: "utf8", env: { ...process.env, DATABASE_URL: "" } });
  return [out.trim().split("\n").pop() ?? ""];
}

describe("module loading", () => {
  it.each(["./app/env.server.ts", "./devstore/demo-shop.ts", "./devstore/stack.ts"])("%s loads without creating the database client", (entry) => {
    expect(loadedModules(entry)).toEqual([JSON.stringify({ db: false })]);
  });
});
