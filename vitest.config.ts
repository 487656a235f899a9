import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

// Every test file gets its own fresh database (tests/setup/database.ts). The
// "sqlite" project runs every test; the "postgresql" project runs again every
// test that touches the database, against the real server (TEST_POSTGRES_URL,
// default postgresql://postgres@127.0.0.1:5432/postgres).
const notOnPostgres = ["tests/shopify/**", "tests/browser/**", "tests/unit/**", "tests/e2e/**", "tests/extensions/**"];

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    globalSetup: ["tests/setup/global.ts"],
    setupFiles: ["tests/setup/env.ts", "tests/setup/database.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    reporters: ["default"],
    projects: [
      {
        extends: true,
        test: {
          name: "sqlite",
          include: ["tests/**/*.test.{ts,tsx}"],
          env: { TEST_DATABASE: "sqlite" },
        },
      },
      {
        extends: true,
        test: {
          name: "postgresql",
          include: ["tests/**/*.test.{ts,tsx}"],
          exclude: ["**/node_modules/**", ...notOnPostgres],
          env: { TEST_DATABASE: "postgresql" },
        },
      },
    ],
  },
});
