// Obtains Shopify's official Admin GraphQL introspection for the app's API
// version without reaching shopify.dev (unreachable from CI and from users
// behind a registry mirror): the schema ships inside the npm package
// @shopify/dev-mcp, so we `npm pack` it into a temp dir and extract only the
// one file. The package is NOT a dependency (it brings a whole CLI).
//
// Writes three git-ignored files:
//   .shopify-schema/admin-<ver>.schema.json  the cache (survives `rm -rf app/types`)
//   app/types/admin-<ver>.schema.json        where @shopify/api-codegen-preset 3
//                                            looks (`<outputDir>/admin-<ver>.schema.json`);
//                                            when it exists codegen runs offline.
//   .shopify-schema/functions-discount-<ver>.schema.json
//                                            the Discount Function API's input and
//                                            output schema, for the referral-discount
//                                            function's input queries and types.
// All hold `{ "__schema": ... }`, the shape the preset's own introspection
// plugin writes when it downloads the schema. One `npm pack` serves both.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { ADMIN_API_VERSION } from "~/shopify/api-version";

const DEV_MCP_PACKAGE = "@shopify/dev-mcp@1.16.0";
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const FILE_NAME = `admin-${ADMIN_API_VERSION}.schema.json`;

export const ADMIN_SCHEMA_CACHE = join(ROOT, ".shopify-schema", FILE_NAME);
export const ADMIN_SCHEMA_CODEGEN = join(ROOT, "app", "types", FILE_NAME);
/** The function's API version follows the app's: extensions/referral-discount/shopify.extension.toml says the same. */
export const FUNCTION_API_VERSION = ADMIN_API_VERSION;
export const DISCOUNT_FUNCTION_SCHEMA_CACHE = join(ROOT, ".shopify-schema", `functions-discount-${FUNCTION_API_VERSION}.schema.json`);

const ADMIN_MEMBER = `package/dist/data/admin_${ADMIN_API_VERSION}.json.gz`;
const DISCOUNT_FUNCTION_MEMBER = `package/dist/data/functions_discount_${FUNCTION_API_VERSION}.json.gz`;

/** Returns the path of the cached introspection, fetching it on first use. */
export function ensureAdminSchema(): string {
  if (!existsSync(ADMIN_SCHEMA_CACHE)) fetchSchemas();
  if (!existsSync(ADMIN_SCHEMA_CODEGEN)) {
    mkdirSync(dirname(ADMIN_SCHEMA_CODEGEN), { recursive: true });
    copyFileSync(ADMIN_SCHEMA_CACHE, ADMIN_SCHEMA_CODEGEN);
  }
  return ADMIN_SCHEMA_CACHE;
}

/** Parsed introspection (`{ __schema }`), for buildClientSchema. */
export function readAdminIntrospection(): { __schema: unknown } {
  return JSON.parse(readFileSync(ensureAdminSchema(), "utf8"));
}

/** The Discount Function API's introspection (input query root `Input`, results under `MutationRoot`). */
export function ensureDiscountFunctionSchema(): string {
  if (!existsSync(DISCOUNT_FUNCTION_SCHEMA_CACHE)) fetchSchemas();
  return DISCOUNT_FUNCTION_SCHEMA_CACHE;
}

export function readDiscountFunctionIntrospection(): { __schema: unknown } {
  return JSON.parse(readFileSync(ensureDiscountFunctionSchema(), "utf8"));
}

/** Both schemas from one package download; each cache file is written whole or not at all. */
function fetchSchemas() {
  const [admin, discountFunction] = downloadIntrospections([ADMIN_MEMBER, DISCOUNT_FUNCTION_MEMBER]);
  writeCache(ADMIN_SCHEMA_CACHE, normalise(admin, `Admin ${ADMIN_API_VERSION}`));
  writeCache(DISCOUNT_FUNCTION_SCHEMA_CACHE, normalise(discountFunction, `Discount Function ${FUNCTION_API_VERSION}`));
}

function downloadIntrospections(members: string[]): unknown[] {
  const dir = mkdtempSync(join(tmpdir(), "shopify-admin-schema-"));
  try {
    // npm pack goes through the user's npm config (registry, proxy, auth).
    const tarball = execFileSync("npm", ["pack", DEV_MCP_PACKAGE, "--silent", "--pack-destination", dir], {
      cwd: dir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    }).trim().split("\n").pop()!;
    execFileSync("tar", ["-xzf", join(dir, tarball), "-C", dir, ...members], { stdio: "inherit" });
    return members.map((member) => JSON.parse(gunzipSync(readFileSync(join(dir, member))).toString("utf8")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// dev-mcp 1.16 stores `{ data: { __schema }, offline_scopes }`; a raw
// introspection result is `{ __schema }`. Accept both, keep only __schema.
function normalise(raw: unknown, what: string): { __schema: unknown } {
  const json = raw as { data?: { __schema?: unknown }; __schema?: unknown };
  const schema = json.data?.__schema ?? json.__schema;
  if (!schema || typeof schema !== "object" || !("types" in schema)) {
    throw new Error(`${DEV_MCP_PACKAGE} has no ${what} introspection in the expected shape`);
  }
  return { __schema: schema };
}

function writeCache(path: string, introspection: { __schema: unknown }) {
  mkdirSync(dirname(path), { recursive: true });
  // Write then rename: a run that is killed half-way, or two test workers
  // fetching at once, never leave a truncated cache behind.
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(introspection));
  renameSync(tmp, path);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(`Admin ${ADMIN_API_VERSION} schema: ${ensureAdminSchema()}`);
  console.log(`Discount Function ${FUNCTION_API_VERSION} schema: ${ensureDiscountFunctionSchema()}`);
}
