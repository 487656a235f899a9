// The storefront's size budgets (issue 5): checked by tests/unit and printed by bench/storefront.ts.
import fs from "node:fs";
import { gzipSync } from "node:zlib";

export const ASSET_BUDGETS = [
  { name: "app block", files: ["referral-block.js", "referral-block.css"], maxGzipBytes: 8 * 1024 },
  { name: "app embed", files: ["referral-embed.js"], maxGzipBytes: 2 * 1024 },
] as const;

/** Gzip at the default level, as a CDN serves it. */
export function gzippedSize(file: string): number {
  return gzipSync(fs.readFileSync(file)).length;
}
