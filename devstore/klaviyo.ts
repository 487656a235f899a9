// The dev store's Klaviyo: the fake Klaviyo the tests run through msw
// (fake-shopify/klaviyo.ts), served over HTTP on 127.0.0.1 for the running
// app (KLAVIYO_API_ORIGIN). The same two endpoint functions answer both ways;
// this adapter only turns Node's request into a fetch Request and back.
// Any private key starting pk_demo is a key this Klaviyo knows.
import http from "node:http";
import { FakeKlaviyo } from "../fake-shopify/klaviyo";
import { listenOnLoopback } from "./loopback";

/** The key the README tells a newcomer to paste on the app's Klaviyo page. */
export const DEMO_KLAVIYO_KEY = "pk_demo1234567890abcdef";

const DEMO_KEY = /^pk_demo[A-Za-z0-9]*$/;
/** A Create Event body is a few KB; anything far bigger is not one. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface KlaviyoServer {
  /** KLAVIYO_API_ORIGIN. */
  origin: string;
  klaviyo: FakeKlaviyo;
  close(): Promise<void>;
}

export async function startKlaviyoServer(options: { port?: number } = {}): Promise<KlaviyoServer> {
  const klaviyo = new FakeKlaviyo();
  klaviyo.acceptKey = (key) => DEMO_KEY.test(key);
  const server = http.createServer((req, res) => {
    answer(req)
      .then((response) => write(res, response))
      .catch((error: unknown) => {
        console.error("[devstore klaviyo]", error);
        if (res.headersSent) return res.destroy();
        res.writeHead(500, { "Content-Type": "text/plain" }).end("fake Klaviyo failed");
      });
  });

  async function answer(req: http.IncomingMessage): Promise<Response> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const route = `${req.method} ${url.pathname.replace(/\/$/, "")}`;
    if (route !== "GET /api/accounts" && route !== "POST /api/events") {
      return Response.json({ errors: [{ status: 404, code: "not_found", detail: `The dev store's Klaviyo has no ${route}` }] }, { status: 404 });
    }
    const body = req.method === "POST" ? await readBody(req) : undefined;
    if (body === null) return new Response("Payload Too Large", { status: 413 });
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(name, value);
      else if (Array.isArray(value)) headers.set(name, value.join(", "));
    }
    const request = new Request(url, { method: req.method, headers, body: body === undefined ? undefined : new Uint8Array(body) });
    return route === "GET /api/accounts" ? klaviyo.getAccounts(request) : klaviyo.createEvent(request);
  }

  const listening = await listenOnLoopback(server, options.port);
  return { origin: listening.origin, klaviyo, close: listening.close };
}

/** The body, or null past the limit. */
async function readBody(req: http.IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function write(res: http.ServerResponse, response: Response) {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
}
