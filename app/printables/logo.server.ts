// The shop's logo on its printables: Program.emailLogoUrl, an https address
// the merchant typed. Fetching a URL someone else chose from the server is a
// server-side request forgery risk (internal addresses, cloud metadata, slow
// or endless answers, images that decompress into gigabytes), so
// (docs/decisions/0019-printable-material.md):
//   - only Shopify's file CDN (https://cdn.shopify.com, where the admin's
//     Files and the theme editor's images live) is asked; any other address is
//     not fetched and the printable goes without the logo;
//   - no redirect is followed, the answer must come within LOGO_TIMEOUT_MS and
//     be at most LOGO_MAX_BYTES, read in chunks and dropped past the cap;
//   - only PNG and JPEG (what pdfkit embeds), recognised by their bytes, at
//     most LOGO_MAX_SIDE pixels a side; a PNG is inflated and checked here,
//     within its expected size, before pdfkit sees it (pdfkit decodes some
//     PNGs in a callback, where an error would not be caught);
//   - the answer (image or refusal) is kept in memory for a while, so a
//     printable does not cost a fetch each time.
import { inflateSync } from "node:zlib";
import { createLogger } from "~/ops/logger.server";

const log = createLogger({ component: "printables" });

export const LOGO_HOSTS = new Set(["cdn.shopify.com"]);
export const LOGO_TIMEOUT_MS = 2_000;
export const LOGO_MAX_BYTES = 1024 * 1024;
export const LOGO_MAX_SIDE = 2_000;
const KEEP_MS = 10 * 60_000;
const KEEP_REFUSED_MS = 60_000;
const KEEP_ENTRIES = 200;

export interface Logo {
  data: Buffer;
  type: "png" | "jpeg";
  width: number;
  height: number;
}

/** The address when it is one the app may fetch: https on an allowed host, no credentials, the default port. */
export function allowedLogoUrl(raw: string | null | undefined): URL | null {
  if (!raw || raw.length > 2048) return null;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== "https:" || url.username || url.password || url.port) return null;
  return LOGO_HOSTS.has(url.hostname) ? url : null;
}

const cache = new Map<string, { logo: Logo | null; until: number }>();

export interface LogoFetchOptions {
  fetch?: typeof globalThis.fetch;
  now?: () => number;
  timeoutMs?: number;
}

/** The logo at the address, or null (not allowed, unreachable, too big, not a PNG or JPEG, or broken). Never throws. */
export async function fetchLogo(raw: string | null | undefined, options: LogoFetchOptions = {}): Promise<Logo | null> {
  const url = allowedLogoUrl(raw);
  if (!url) return null;
  const now = options.now ?? Date.now;
  const key = url.toString();
  const kept = cache.get(key);
  if (kept && kept.until > now()) return kept.logo;
  const logo = await download(url, options).catch((error: unknown) => {
    log.warn("logo not fetched", { reason: error instanceof Error ? error.message : String(error) });
    return null;
  });
  if (cache.size >= KEEP_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(key, { logo, until: now() + (logo ? KEEP_MS : KEEP_REFUSED_MS) });
  return logo;
}

/** Forgets every kept logo (tests). */
export function forgetLogos(): void {
  cache.clear();
}

async function download(url: URL, options: LogoFetchOptions): Promise<Logo | null> {
  const signal = AbortSignal.timeout(options.timeoutMs ?? LOGO_TIMEOUT_MS);
  const response = await (options.fetch ?? fetch)(url, { redirect: "error", signal, headers: { Accept: "image/png, image/jpeg" } });
  if (response.status !== 200 || !response.body) throw new Error(`status ${response.status}`);
  const declared = Number(response.headers.get("content-length") ?? 0);
  if (declared > LOGO_MAX_BYTES) {
    await response.body.cancel();
    throw new Error("too large");
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > LOGO_MAX_BYTES) {
      await reader.cancel();
      throw new Error("too large");
    }
    chunks.push(value);
  }
  return readImage(Buffer.concat(chunks));
}

/** A PNG or JPEG pdfkit can embed safely, with its size; null for anything else. */
export function readImage(data: Buffer): Logo | null {
  const image = data.subarray(0, 8).equals(PNG_SIGNATURE) ? readPng(data) : data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff ? readJpeg(data) : null;
  if (!image || image.width < 1 || image.height < 1 || image.width > LOGO_MAX_SIDE || image.height > LOGO_MAX_SIDE) return null;
  return image;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Walks the chunks, then inflates the pixel data (within the size its header
 * promises) and checks each row's filter byte: what pdfkit's PNG decoder would
 * otherwise throw on in a callback. 8-bit, non-interlaced images only.
 */
function readPng(data: Buffer): Logo | null {
  let at = 8;
  let header: { width: number; height: number; depth: number; colour: number; interlace: number } | null = null;
  const idat: Buffer[] = [];
  while (at + 12 <= data.length) {
    const length = data.readUInt32BE(at);
    const type = data.toString("latin1", at + 4, at + 8);
    const body = data.subarray(at + 8, at + 8 + length);
    if (body.length !== length) return null;
    if (type === "IHDR" && length >= 13) {
      header = { width: body.readUInt32BE(0), height: body.readUInt32BE(4), depth: body[8], colour: body[9], interlace: body[12] };
    } else if (type === "IDAT") {
      idat.push(body);
    } else if (type === "IEND") {
      break;
    }
    at += 12 + length;
  }
  if (!header || header.depth !== 8 || header.interlace !== 0 || !(header.colour in PNG_CHANNELS) || !idat.length) return null;
  if (header.width > LOGO_MAX_SIDE || header.height > LOGO_MAX_SIDE) return null;
  const row = 1 + header.width * PNG_CHANNELS[header.colour];
  let pixels: Buffer;
  try {
    pixels = inflateSync(Buffer.concat(idat), { maxOutputLength: row * header.height });
  } catch {
    return null;
  }
  if (pixels.length !== row * header.height) return null;
  for (let y = 0; y < header.height; y++) if (pixels[y * row] > 4) return null;
  return { data, type: "png", width: header.width, height: header.height };
}

/** The frame size from the first start-of-frame marker. */
function readJpeg(data: Buffer): Logo | null {
  let at = 2;
  while (at + 9 < data.length) {
    if (data[at] !== 0xff) return null;
    const marker = data[at + 1];
    if (marker === 0xff) {
      at++;
      continue;
    }
    const length = data.readUInt16BE(at + 2);
    const startOfFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (startOfFrame) return { data, type: "jpeg", width: data.readUInt16BE(at + 7), height: data.readUInt16BE(at + 5) };
    if (marker === 0xda || length < 2) return null;
    at += 2 + length;
  }
  return null;
}
