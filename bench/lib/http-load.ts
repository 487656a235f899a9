// A small HTTP load generator over node:http keep-alive connections, for the
// benchmarks: a closed loop (N connections, each sends its next request when
// the previous answer arrived: maximum throughput) and an open loop (a fixed
// request rate whatever the server does; latency counted from when each
// request was DUE, so a stalled server cannot hide its queue: no coordinated
// omission). Every loop ends at its deadline; requests time out after 10 s.
import http from "node:http";
import { performance } from "node:perf_hooks";

export interface Target {
  name: string;
  host: string;
  port: number;
  path: string;
  /** POST unless said (a GET is sent with an empty body). */
  method?: string;
}

export interface OutgoingRequest {
  body: Buffer;
  headers: Record<string, string>;
  /** Reported back for requests answered 200 (e.g. the webhook id). */
  id: string;
  /** This request's path (with its query), when not the target's. */
  path?: string;
}

export interface LoadResult {
  target: string;
  sent: number;
  ok: number;
  /** status code -> count, "error" for transport failures and timeouts. */
  outcomes: Record<string, number>;
  /** Milliseconds, ascending, of every answered request. */
  latencies: number[];
  elapsedMs: number;
  okIds: string[];
  /** Open loop only: how late the generator itself was at sending, worst case (ms). */
  maxSendLagMs?: number;
}

const REQUEST_TIMEOUT_MS = 10_000;

function send(agent: http.Agent, target: Target, req: OutgoingRequest): Promise<number | "error"> {
  return new Promise((resolve) => {
    const r = http.request(
      {
        agent,
        host: target.host,
        port: target.port,
        path: req.path ?? target.path,
        method: target.method ?? "POST",
        headers: { ...req.headers, ...(req.body.length || target.method === undefined ? { "Content-Length": String(req.body.length) } : {}) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve("error"));
      },
    );
    r.setTimeout(REQUEST_TIMEOUT_MS, () => r.destroy(new Error("timeout")));
    r.on("error", () => resolve("error"));
    r.end(req.body);
  });
}

function emptyResult(target: Target): LoadResult {
  return { target: target.name, sent: 0, ok: 0, outcomes: {}, latencies: [], elapsedMs: 0, okIds: [] };
}

function record(result: LoadResult, req: OutgoingRequest, outcome: number | "error", latencyMs: number) {
  result.outcomes[String(outcome)] = (result.outcomes[String(outcome)] ?? 0) + 1;
  if (outcome === "error") return;
  result.latencies.push(latencyMs);
  if (outcome === 200) {
    result.ok++;
    result.okIds.push(req.id);
  }
}

/** `connections` requests in flight at all times for `durationMs`. */
export async function closedLoop(target: Target, o: { connections: number; durationMs: number; next: () => OutgoingRequest }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
  const result = emptyResult(target);
  const start = performance.now();
  const deadline = start + o.durationMs;
  const lane = async () => {
    while (performance.now() < deadline) {
      const req = o.next();
      result.sent++;
      const t = performance.now();
      const outcome = await send(agent, target, req);
      record(result, req, outcome, performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: o.connections }, lane));
  result.elapsedMs = performance.now() - start;
  agent.destroy();
  result.latencies.sort((a, b) => a - b);
  return result;
}

/** `rate` requests per second for `durationMs`, sent on schedule whatever the answers. */
export async function openLoop(target: Target, o: { rate: number; durationMs: number; next: () => OutgoingRequest; maxConnections?: number }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.maxConnections ?? 256 });
  const result = emptyResult(target);
  const total = Math.floor((o.rate * o.durationMs) / 1000);
  const interval = 1000 / o.rate;
  const inFlight: Promise<void>[] = [];
  let maxLag = 0;
  const start = performance.now();
  for (let i = 0; i < total; ) {
    const now = performance.now();
    while (i < total && start + i * interval <= now) {
      const due = start + i * interval;
      maxLag = Math.max(maxLag, now - due);
      const req = o.next();
      result.sent++;
      inFlight.push(send(agent, target, req).then((outcome) => record(result, req, outcome, performance.now() - due)));
      i++;
    }
    if (i < total) await new Promise((r) => setTimeout(r, Math.max(0, start + i * interval - performance.now())));
  }
  await Promise.all(inFlight);
  result.elapsedMs = performance.now() - start;
  result.maxSendLagMs = maxLag;
  agent.destroy();
  result.latencies.sort((a, b) => a - b);
  return result;
}

/** Sends each of `requests` once, `connections` at a time. */
export async function sendAll(target: Target, requests: OutgoingRequest[], connections = 4): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const result = emptyResult(target);
  const start = performance.now();
  let i = 0;
  const lane = async () => {
    while (i < requests.length) {
      const req = requests[i++];
      result.sent++;
      const t = performance.now();
      record(result, req, await send(agent, target, req), performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: connections }, lane));
  result.elapsedMs = performance.now() - start;
  agent.destroy();
  result.latencies.sort((a, b) => a - b);
  return result;
}
