// GET /healthz: the process is up (for a load balancer's liveness check). No
// database, no Shopify, nothing about any shop.
export const loader = () =>
  new Response(JSON.stringify({ status: "ok" }), { headers: { "Content-Type": "application/json", "Cache-Control": "no-store" } });
