// On SQLite the web process and the workers are separate processes sharing one
// file (WAL). A transaction that reads before its first write takes a snapshot;
// if another process commits before that write, SQLite refuses the write
// (SQLITE_BUSY_SNAPSHOT) and the busy timeout cannot help. Enrolment must not
// fail so: here another process commits in a tight loop while shoppers enrol.
import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import db, { providerOf } from "~/db.server";
import { seedProgram } from "../../fake-shopify/seed";
import { enrolReferrer } from "~/referrals/referrers.server";
import { uniqueShop } from "../helpers/shops";

const WRITER = `
const Database = require("better-sqlite3");
const db = new Database(process.argv[1]);
db.pragma("journal_mode = WAL");
db.pragma("busy_timeout = 10000");
const put = db.prepare('INSERT INTO "RateLimit" ("key", "windowStart", "count") VALUES (?, ?, 1) ON CONFLICT("key") DO UPDATE SET "count" = "count" + 1');
const until = Date.now() + Number(process.argv[2]);
process.stdout.write("ready\\n");
while (Date.now() < until) put.run("other-process-" + (Date.now() % 50), Date.now());
`;

let writer: ReturnType<typeof spawn> | null = null;
afterEach(() => writer?.kill());

describe("SQLite shared with another process", () => {
  it.runIf(providerOf(db) === "sqlite")("enrolment goes through while another process keeps committing", async () => {
    const shop = uniqueShop();
    await seedProgram(db, shop);
    const file = process.env.DATABASE_URL!.replace(/^file:/, "");
    writer = spawn(process.execPath, ["-e", WRITER, file, "8000"], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve) => writer!.stdout!.once("data", () => resolve()));
    const failures: string[] = [];
    for (let i = 0; i < 150; i++) {
      await enrolReferrer(db, { shop, email: `shopper${i}@example.com`, source: "STOREFRONT", cause: "test" }).catch((error: Error) => failures.push(error.message.split("\n").pop() ?? ""));
    }
    expect(failures).toEqual([]);
    expect(await db.referrer.count({ where: { shop } })).toBe(150);
  }, 60_000);
});
