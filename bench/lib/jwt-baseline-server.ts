// The baseline for bench/extensions.ts: a bare node:http server that checks the
// extension session token as the app's extension routes do (HS256 signature
// with the app secret, exp and nbf, aud the app's key, dest a shop, sub a
// customer when given) and answers a constant JSON 200 (401 otherwise),
// reading no database and calling no Admin API. Run as a child process:
// `tsx bench/lib/jwt-baseline-server.ts <port>`; prints "ready" when listening.
import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";

const port = Number(process.argv[2]);
const secret = process.env.SHOPIFY_API_SECRET;
const apiKey = process.env.SHOPIFY_API_KEY;
if (!port || !secret || !apiKey) {
  console.error("usage: SHOPIFY_API_SECRET=... SHOPIFY_API_KEY=... tsx bench/lib/jwt-baseline-server.ts <port>");
  process.exit(2);
}

function verified(authorization: string | undefined): boolean {
  const token = /^Bearer (.+)$/.exec(authorization ?? "")?.[1];
  const parts = token?.split(".");
  if (!parts || parts.length !== 3) return false;
  const expected = createHmac("sha256", secret!).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  try {
    const header = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8")) as { alg?: string };
    const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    return (
      header.alg === "HS256" &&
      typeof claims.exp === "number" &&
      claims.exp > now &&
      (typeof claims.nbf !== "number" || claims.nbf <= now + 5) &&
      claims.aud === apiKey &&
      typeof claims.dest === "string" &&
      /^https:\/\/[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(claims.dest) &&
      (claims.sub === undefined || (typeof claims.sub === "string" && claims.sub.startsWith("gid://shopify/Customer/")))
    );
  } catch {
    return false;
  }
}

const server = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    if (!verified(req.headers.authorization)) return res.writeHead(401, { "Access-Control-Allow-Origin": "*" }).end();
    res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Access-Control-Allow-Origin": "*" }).end('{"ok":true}');
  });
});
server.keepAliveTimeout = 30_000;
server.listen(port, "127.0.0.1", () => console.log("ready"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
