// Relative SQLite paths resolve against the project root from source and from
// the production bundle alike, so `npm start` and the Prisma CLI use one file.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { databaseTarget, findProjectRoot, PROJECT_ROOT } from "~/db-url";

describe("database URL", () => {
  it("finds the project root from app/ and from the bundle's build/server/", () => {
    expect(findProjectRoot(path.join(PROJECT_ROOT, "app"))).toBe(PROJECT_ROOT);
    expect(findProjectRoot(path.join(PROJECT_ROOT, "build", "server"))).toBe(PROJECT_ROOT);
  });

  it("resolves a relative SQLite file against the project root, whatever the working directory", () => {
    expect(databaseTarget("file:./data/app.sqlite")).toMatchObject({ provider: "sqlite", filePath: path.join(PROJECT_ROOT, "data/app.sqlite") });
    expect(databaseTarget("file:/tmp/x.sqlite")).toMatchObject({ filePath: "/tmp/x.sqlite" });
    expect(databaseTarget("postgresql://u@h:5432/db?schema=s")).toMatchObject({ provider: "postgresql", schema: "s" });
    expect(() => databaseTarget("mysql://x")).toThrow(/DATABASE_URL must start with/);
  });
});
