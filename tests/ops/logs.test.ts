// Structured logs: JSON lines that carry the request id and the verified shop
// (or the worker's job, kind and shop), and never personal data.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { createWorker } from "~/jobs/worker.server";
import { createLogger, scrub } from "~/ops/logger.server";
import { requestIdOf, withRequestContext } from "~/ops/request-context.server";
import { enqueueJob } from "~/queue/queue.server";
import { seedInstalledShop } from "../../fake-shopify/seed";
import { APP_URL, callProxy, proxyUrl } from "../helpers/app-proxy";
import { captureLogs, type CapturedLogs } from "../helpers/logs";
import { uniqueShop } from "../helpers/shops";
import { seedProgram } from "../helpers/storefront";

const EMAIL = "mallory.private@example.com";
const IP = "203.0.113.77";

let logs: CapturedLogs;
beforeEach(() => {
  logs = captureLogs("debug");
});
afterEach(() => logs.restore());

/** The app proxy routes behind the same node:http wrapper as server.ts puts in front of the app. */
async function proxyServer() {
  const server = http.createServer(
    withRequestContext(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      const response = await callProxy(new Request(`${APP_URL}${req.url}`, { method: req.method, headers, body }));
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe("logs", () => {
  it("a storefront request's lines are JSON with its request id and shop, and hold no email or IP address", async () => {
    const shop = uniqueShop();
    await seedInstalledShop(db, shop, { scope: "write_customers" });
    await seedProgram(shop);
    const { server, port } = await proxyServer();
    try {
      const url = proxyUrl({ shop, path: "/enrol" });
      const response = await fetch(`http://127.0.0.1:${port}${url.pathname}${url.search}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Forwarded-For": IP, "X-Request-Id": "lb-7f3a9c", "User-Agent": "Mozilla/5.0 test" },
        body: JSON.stringify({ email: EMAIL, terms: true }),
      });
      expect(response.status).toBe(202);
      expect(response.headers.get("x-request-id")).toBe("lb-7f3a9c");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const lines = logs.lines();
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(["enrolment", "request"]));
    for (const line of lines) expect(line).toMatchObject({ requestId: "lb-7f3a9c", shop, level: expect.any(String), time: expect.any(String) });
    expect(lines.find((l) => l.msg === "request")).toMatchObject({ method: "POST", path: "/apps/referrals/enrol", status: 202 });
    const text = logs.raw.join("\n");
    for (const personal of [EMAIL, "mallory", IP, "Mozilla"]) expect(text).not.toContain(personal);
  });

  it("a request id from the load balancer is used only when it is a short token; otherwise one is made", () => {
    expect(requestIdOf("abc-123_X.y:z")).toBe("abc-123_X.y:z");
    for (const bad of ["", "has space", "<script>", "x".repeat(65), "a\nb"]) expect(requestIdOf(bad)).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdOf(undefined)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("redacts personal fields and masks email and IP addresses anywhere in a line", () => {
    const log = createLogger({ component: "test" });
    log.warn(`could not reach ${EMAIL} from ${IP}`, {
      email: EMAIL,
      customerEmail: EMAIL,
      firstName: "Mallory",
      ip: IP,
      headers: { authorization: "Bearer shpat_secret", "x-forwarded-for": IP },
      accessToken: "shpat_secret",
      error: new Error(`unique constraint failed for ${EMAIL}`),
      detail: [`seen at ${IP}`],
      count: 3,
    });
    const [line] = logs.lines();
    expect(line).toMatchObject({ level: "warn", component: "test", count: 3, email: "[redacted]", firstName: "[redacted]", ip: "[redacted]", accessToken: "[redacted]" });
    expect(line.error).toMatchObject({ type: "Error", message: "unique constraint failed for [email]" });
    expect(line.msg).toBe("could not reach [email] from [ip]");
    for (const personal of [EMAIL, IP, "Mallory", "shpat_secret"]) expect(logs.raw[0]).not.toContain(personal);
    expect(scrub("v1.2 on 10.0.0.1, a@b.co")).toBe("v1.2 on [ip], [email]");
  });

  it("respects LOG_LEVEL", () => {
    logs.restore();
    logs = captureLogs("warn");
    const log = createLogger();
    log.info("not written");
    log.warn("written");
    expect(logs.lines().map((l) => l.msg)).toEqual(["written"]);
  });

  it("the worker's lines, its handlers' included, carry the job id, kind and shop", async () => {
    const shop = uniqueShop();
    await enqueueJob(db, { shop, kind: "test-log", key: "k" });
    const job = await db.job.findUniqueOrThrow({ where: { shop_kind_key: { shop, kind: "test-log", key: "k" } } });
    const handlerLog = createLogger({ component: "handler" });
    const worker = createWorker({
      db,
      webhookHandlers: new Map(),
      jobHandlers: new Map([
        [
          "test-log",
          async () => {
            handlerLog.info("working");
            throw new Error(`Shopify refused ${EMAIL}`);
          },
        ],
      ]),
    });
    await worker.runOnce();
    const mine = logs.lines().filter((l) => l.shop === shop);
    expect(mine.map((l) => l.msg)).toEqual(["working", expect.stringContaining("failed (retry)")]);
    for (const line of mine) expect(line).toMatchObject({ queue: "job", jobId: job.id, kind: "test-log", shop });
    expect(mine[1]).toMatchObject({ component: "worker", level: "warn" });
    expect(logs.raw.join("\n")).not.toContain(EMAIL);
  });
});
