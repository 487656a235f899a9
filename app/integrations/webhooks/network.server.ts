// How a webhook reaches the merchant's URL without being turned against the
// app: https only, public addresses only, checked when the URL is saved AND on
// every delivery, on the very address the socket connects to (the check runs
// inside the socket's own DNS lookup, so a name that answers a public address
// to the check and a private one to the connection, DNS rebinding, cannot
// win), no redirects followed, and a 10 second limit.
import { lookup as dnsLookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { env } from "~/env.server";
import { isPublicAddress } from "./addresses";

export interface ResolvedAddress {
  address: string;
  family: number;
}

export interface WebhookNetwork {
  /**
   * Outside production (or with WEBHOOKS_ALLOW_PRIVATE=true): http and any
   * address, so tests and the dev store can use a receiver on this machine.
   */
  allowPrivate: boolean;
  /** A name's addresses (the system resolver; tests answer for it). */
  resolve(hostname: string): Promise<ResolvedAddress[]>;
  timeoutMs: number;
}

export const TIMEOUT_MS = 10_000;
const MAX_URL_LENGTH = 2048;
/** What is read of a receiver's answer: enough to tell the merchant why it refused. */
const MAX_ANSWER_BYTES = 4096;

export function defaultNetwork(): WebhookNetwork {
  const config = env();
  return {
    allowPrivate: config.NODE_ENV !== "production" || config.WEBHOOKS_ALLOW_PRIVATE,
    resolve: (hostname) => dnsLookup(hostname, { all: true, verbatim: true }),
    timeoutMs: TIMEOUT_MS,
  };
}

/** Why a URL cannot be a webhook endpoint (a code the admin words), or null. */
export type UrlProblem = "INVALID" | "NOT_HTTPS" | "CREDENTIALS" | "NOT_FOUND" | "PRIVATE_ADDRESS";

export class WebhookAddressError extends Error {
  constructor(
    readonly problem: UrlProblem,
    message: string,
  ) {
    super(message);
    this.name = "WebhookAddressError";
  }
}

/** The URL parsed, if its form is acceptable (scheme, no user:password, length). */
export function parseEndpointUrl(input: string, network: Pick<WebhookNetwork, "allowPrivate">): URL {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new WebhookAddressError("INVALID", "Not a URL");
  }
  if (input.length > MAX_URL_LENGTH || !url.hostname) throw new WebhookAddressError("INVALID", "Not a URL");
  const schemes = network.allowPrivate ? ["https:", "http:"] : ["https:"];
  if (!schemes.includes(url.protocol)) throw new WebhookAddressError("NOT_HTTPS", `Only https URLs are allowed (got ${url.protocol})`);
  // The signature is the receiver's proof; credentials in the URL would be stored and sent in the clear.
  if (url.username || url.password) throw new WebhookAddressError("CREDENTIALS", "The URL must not contain a user name or password");
  url.hash = "";
  return url;
}

/** Save-time check: the URL's form, and every address its name resolves to now. */
export async function checkEndpointUrl(input: string, network: WebhookNetwork): Promise<URL> {
  const url = parseEndpointUrl(input, network);
  if (!network.allowPrivate) await publicAddresses(hostnameOf(url), network);
  return url;
}

function hostnameOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "");
}

/** The name's addresses, all public, or the reason it may not be reached. */
async function publicAddresses(hostname: string, network: WebhookNetwork): Promise<ResolvedAddress[]> {
  if (isIP(hostname)) {
    if (!isPublicAddress(hostname)) throw new WebhookAddressError("PRIVATE_ADDRESS", `${hostname} is not a public address`);
    return [{ address: hostname, family: isIP(hostname) }];
  }
  let addresses: ResolvedAddress[];
  try {
    addresses = await network.resolve(hostname);
  } catch (error) {
    throw new WebhookAddressError("NOT_FOUND", `${hostname} could not be resolved: ${(error as Error).message}`);
  }
  if (addresses.length === 0) throw new WebhookAddressError("NOT_FOUND", `${hostname} has no address`);
  // One private answer is enough to refuse: the connection could pick it.
  const blocked = addresses.find((a) => !isPublicAddress(a.address));
  if (blocked) throw new WebhookAddressError("PRIVATE_ADDRESS", `${hostname} resolves to ${blocked.address}, which is not a public address`);
  return addresses;
}

/** The socket's DNS lookup, refusing any name that resolves to an address that is not public. */
function guardedLookup(network: WebhookNetwork): LookupFunction {
  return (hostname, options, callback) => {
    publicAddresses(hostname, network).then(
      (addresses) => {
        // Node asks for every address when it races IPv4 and IPv6 (autoSelectFamily).
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
        if (wanted.length === 0) return callback(Object.assign(new Error(`${hostname} has no IPv${options.family} address`), { code: "ENOTFOUND" }), "", 0);
        if (options.all) return callback(null, wanted as never, 0);
        callback(null, wanted[0].address, wanted[0].family);
      },
      (error: Error) => callback(Object.assign(error, { code: "ENOTFOUND" }), "", 0),
    );
  };
}

export interface WebhookAnswer {
  status: number;
  /** Seconds or an HTTP date (429, 503). */
  retryAfter: string | null;
  /** The start of the body, for the delivery log. */
  body: string;
}

/**
 * POSTs `body` to `url` and returns the receiver's answer, whatever its status
 * (a 3xx is returned, never followed). Throws on a refused address, a network
 * error or the time limit.
 */
export async function postWebhook(url: URL, headers: Record<string, string>, body: string, network: WebhookNetwork): Promise<WebhookAnswer> {
  parseEndpointUrl(url.href, network);
  // An IP literal gets no DNS lookup, so it is checked here; a name is checked in the lookup.
  if (!network.allowPrivate && isIP(hostnameOf(url))) await publicAddresses(hostnameOf(url), network);
  const client = url.protocol === "https:" ? https : http;
  return new Promise<WebhookAnswer>((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "referral-program-webhooks", ...headers, "content-length": String(Buffer.byteLength(body)) },
        // A fresh connection each time: a pooled socket would skip the lookup that checks the address.
        agent: false,
        ...(network.allowPrivate ? {} : { lookup: guardedLookup(network) }),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          if (size < MAX_ANSWER_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        response.on("end", () => {
          clearTimeout(timer);
          const retryAfter = response.headers["retry-after"];
          resolve({ status: response.statusCode ?? 0, retryAfter: typeof retryAfter === "string" ? retryAfter : null, body: Buffer.concat(chunks).toString("utf8").slice(0, MAX_ANSWER_BYTES) });
        });
        response.on("error", fail);
      },
    );
    const timer = setTimeout(() => request.destroy(new Error(`No answer within ${network.timeoutMs / 1000} s`)), network.timeoutMs);
    function fail(error: Error) {
      clearTimeout(timer);
      reject(error);
    }
    request.on("error", fail);
    request.end(body);
  });
}
