// What `shopify app dev`'s tunnel is to a real store: the app's public URL
// (SHOPIFY_APP_URL) in front of the app server. It passes everything through
// and adds the dev store's admin origin to the app's
// `Content-Security-Policy: frame-ancestors`, which names only the shop and
// admin.shopify.com: without it the browser would refuse to frame the app in
// the local admin. The app itself is unchanged.
//
// It also serves the build's fingerprinted /assets from a copy taken when the
// app started (`assets`), as a CDN would: a rebuild while the demo runs (npm
// run build empties build/) would otherwise leave the running app's pages
// pointing at files that no longer exist.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { listenOnLoopback } from "./loopback";

export interface Tunnel {
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { ".js": "text/javascript", ".css": "text/css", ".map": "application/json", ".woff2": "font/woff2", ".svg": "image/svg+xml", ".png": "image/png" };

export async function startTunnel(options: { target: string; adminOrigin: string; assets?: string; port?: number }): Promise<Tunnel> {
  const target = new URL(options.target);
  const server = http.createServer((req, res) => {
    const asset = options.assets && /^\/assets\/[\w.-]+$/.test(req.url ?? "") ? path.join(options.assets, path.basename(req.url!)) : null;
    if (asset && fs.existsSync(asset)) {
      res.writeHead(200, { "Content-Type": TYPES[path.extname(asset)] ?? "application/octet-stream", "Cache-Control": "public, max-age=31536000, immutable" });
      fs.createReadStream(asset).pipe(res);
      return;
    }
    let answered = false;
    const upstream = http.request(
      // A connection per request, as a simple proxy: no pooled socket the app may have closed meanwhile.
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent: false },
      (answer) => {
        answered = true;
        const headers = { ...answer.headers };
        const csp = headers["content-security-policy"];
        if (typeof csp === "string") headers["content-security-policy"] = allowFraming(csp, options.adminOrigin);
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", (error) => {
      // The app answered before reading the whole body and cut the connection
      // (a body too large even to drain): the rest of the upload fails, and the
      // answer already on its way is what the client must get.
      if (answered) return;
      if (res.headersSent) return res.destroy();
      res.writeHead(502, { "Content-Type": "text/plain" });
      res.end(`The app at ${options.target} is not answering (${error.message}); is it still starting?`);
    });
    // The app may have answered and closed while the body was still coming: stop sending it.
    upstream.on("close", () => {
      if (answered) req.unpipe(upstream);
    });
    req.pipe(upstream);
  });
  const { origin, close } = await listenOnLoopback(server, options.port);
  return { url: origin, close };
}

export function allowFraming(csp: string, origin: string): string {
  return csp.replace(/frame-ancestors([^;]*)/, (directive, sources: string) =>
    sources.includes("'none'") ? directive : `frame-ancestors${sources} ${origin}`,
  );
}
