// Prisma CLI configuration. Uses the JavaScript schema engine with a driver
// adapter so no native engine binary is ever downloaded (see README).
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { databaseTarget, schemaPathFor } from "./app/db-url";

const target = databaseTarget();

if (target.provider === "postgresql") reportNameColumnsAsText();

export default defineConfig({
  experimental: { adapter: true },
  schema: schemaPathFor(target.provider),
  engine: "js",
  async adapter() {
    if (target.provider === "postgresql") {
      // A short idle timeout lets the CLI exit as soon as it is done (the pool default keeps it alive 10 s).
      return new PrismaPg({ connectionString: target.url, idleTimeoutMillis: 100, allowExitOnIdle: true }, { schema: target.schema });
    }
    if (target.filePath !== ":memory:") fs.mkdirSync(path.dirname(target.filePath), { recursive: true });
    return new PrismaBetterSQLite3({ url: target.url });
  },
});

// Workaround for prisma/prisma#27403 (open as of 6.19): the schema engine reads
// catalog columns of type `name` (OID 19), which @prisma/adapter-pg cannot
// deserialize, so `migrate deploy` fails. Report them as `text` (OID 25).
// CLI process only; remove once Prisma fixes the issue.
function reportNameColumnsAsText() {
  const NAME_OID = 19;
  const TEXT_OID = 25;
  type Result = { fields?: { dataTypeID: number }[] } | undefined;
  const fix = (result: Result | Result[]) => {
    for (const r of Array.isArray(result) ? result : [result]) {
      for (const field of r?.fields ?? []) if (field.dataTypeID === NAME_OID) field.dataTypeID = TEXT_OID;
    }
    return result;
  };
  for (const proto of [pg.Client.prototype, pg.Pool.prototype] as { query: (...a: unknown[]) => unknown }[]) {
    const original = proto.query;
    proto.query = function patchedQuery(this: unknown, ...args: unknown[]) {
      const last = args[args.length - 1];
      if (typeof last === "function") {
        args[args.length - 1] = (err: unknown, res: Result) => (last as (e: unknown, r: Result) => void)(err, fix(res) as Result);
        return original.apply(this, args);
      }
      const out = original.apply(this, args);
      return out instanceof Promise ? out.then((res) => fix(res as Result)) : out;
    };
  }
}
