// Wakes the in-process worker as soon as the webhook route stored a delivery,
// so it need not wait for its next poll. An optimisation only: the worker also
// polls, and a nudge nobody hears is harmless.
//
// Kept on globalThis because the route and the worker can be loaded by two
// module graphs in one process (Vite's SSR loader and tsx in development, the
// Remix build and tsx in production).
declare global {
  var __referralWorkerNudge: EventTarget | undefined;
}

const target: EventTarget = (globalThis.__referralWorkerNudge ??= new EventTarget());

export function nudgeWorker(): void {
  target.dispatchEvent(new Event("nudge"));
}

/** Calls `listener` on every nudge; returns the unsubscribe function. */
export function onNudge(listener: () => void): () => void {
  target.addEventListener("nudge", listener);
  return () => target.removeEventListener("nudge", listener);
}
