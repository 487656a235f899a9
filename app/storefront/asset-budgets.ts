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

/**
 * The floating launcher's budget for what a page loads before its button is
 * clicked: the markup, inline CSS and inline script the embed adds when the
 * launcher is on (the panel's content is an inert <template> in it; the
 * panel's script and CSS are the block's, fetched on the first click).
 */
export const LAUNCHER_BUDGET = { name: "launcher before the click", maxGzipBytes: 3 * 1024 } as const;

/** The text `withLauncher` adds to `without` (the same embed rendered with the launcher off): exactly what the launcher puts on the page. */
export function addedText(without: string, withLauncher: string): string {
  let start = 0;
  while (start < without.length && without[start] === withLauncher[start]) start++;
  let end = 0;
  while (end < without.length - start && without[without.length - 1 - end] === withLauncher[withLauncher.length - 1 - end]) end++;
  return withLauncher.slice(start, withLauncher.length - end);
}

/** Gzip of a string at the default level. */
export function gzippedTextSize(text: string): number {
  return gzipSync(Buffer.from(text, "utf8")).length;
}
