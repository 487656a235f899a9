// Every HTTP request runs in a log context of its own: its request id (the load
// balancer's X-Request-Id when it sent a well-formed one, else a new one, echoed
// back in the response) and, once a session or signature has verified it, its
// shop. One line per request is logged when the answer is sent: method, path
// (never the query string: it can carry an email being searched for), status,
// duration. Health checks, metrics scrapes and accepted webhooks log at debug:
// they are most of the traffic and say nothing new.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { createLogger, liveLogContext, withLogContext } from "./logger.server";

const log = createLogger({ component: "http" });
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const QUIET_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

/** The load balancer's request id when it is a short token, else a fresh one. */
export function requestIdOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && REQUEST_ID.test(value) ? value : randomUUID();
}

export function withRequestContext(next: RequestListener): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const requestId = requestIdOf(req.headers["x-request-id"]);
    res.setHeader("X-Request-Id", requestId);
    withLogContext({ requestId, shop: null }, () => {
      const started = performance.now();
      const context = liveLogContext()!;
      // Listeners run in the context of whoever emits: log in the request's own (with the shop set since).
      res.once("finish", () => withLogContext(context, () => {
        const path = (req.url ?? "/").split("?")[0];
        const quiet = QUIET_PATHS.has(path) || (path.startsWith("/webhooks") && res.statusCode < 300);
        const fields = { method: req.method, path, status: res.statusCode, ms: Math.round((performance.now() - started) * 10) / 10 };
        if (res.statusCode >= 500) log.warn("request", fields);
        else if (quiet) log.debug("request", fields);
        else log.info("request", fields);
      }));
      next(req, res);
    });
  };
}
