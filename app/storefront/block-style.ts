// The referral block's CSS, inline in the block (snippets/referral-block-style.liquid):
// a stylesheet the block linked to was one more request before the page settled
// (Lighthouse counted it in LCP), and loading it late would shift the block's
// layout once it arrived. assets/referral-block.css stays the one source: the
// launcher still fetches it on its first click (its panel's budget has no room
// for it before the click), and `npm run generate` writes the snippet from it;
// tests/unit/block-style.test.ts fails when the two differ.
import fs from "node:fs";
import path from "node:path";

export const BLOCK_CSS = path.join("extensions", "referral", "assets", "referral-block.css");
export const BLOCK_STYLE_SNIPPET = path.join("extensions", "referral", "snippets", "referral-block-style.liquid");

/** The snippet's text for the CSS (its comment lines dropped, one rule per line kept). */
export function blockStyleSnippet(css: string): string {
  const rules = css
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .join("\n");
  return `{%- comment -%}
  Generated from assets/referral-block.css by \`npm run generate\` (app/storefront/block-style.ts): edit the CSS file, not this.
{%- endcomment -%}
<style>
${rules}
</style>
`;
}

/** Writes the snippet from the CSS file; returns whether it changed. */
export function writeBlockStyleSnippet(root: string): boolean {
  const next = blockStyleSnippet(fs.readFileSync(path.join(root, BLOCK_CSS), "utf8"));
  const file = path.join(root, BLOCK_STYLE_SNIPPET);
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === next) return false;
  fs.writeFileSync(file, next);
  return true;
}
