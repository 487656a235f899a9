// Whether this process is shutting down (SIGTERM received): /readyz then
// answers 503, so a load balancer that still probes it takes the process out
// of rotation while its requests in flight finish. Kept on globalThis: server.ts
// and the app build are separate copies of this module in one process.
const STOPPING = Symbol.for("referral-app.stopping");
const state = globalThis as Record<symbol, unknown>;

export function markShuttingDown() {
  state[STOPPING] = true;
}

export function isShuttingDown(): boolean {
  return state[STOPPING] === true;
}
