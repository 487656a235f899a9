// The referral block's inline CSS is generated from assets/referral-block.css
// (the launcher's, fetched on its click): the two never drift apart.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "~/db-url";
import { BLOCK_CSS, BLOCK_STYLE_SNIPPET, blockStyleSnippet } from "~/storefront/block-style";

describe("the block's inline CSS", () => {
  it("is the CSS file's rules, as `npm run generate` writes them", () => {
    const css = fs.readFileSync(path.join(PROJECT_ROOT, BLOCK_CSS), "utf8");
    expect(fs.readFileSync(path.join(PROJECT_ROOT, BLOCK_STYLE_SNIPPET), "utf8"), "run `npm run generate` after editing referral-block.css").toBe(blockStyleSnippet(css));
  });

  it("keeps every rule and drops only comments", () => {
    const snippet = blockStyleSnippet("/* a comment */\n.a{color:red}\n\n  .b{margin:0} /* trailing */\n");
    expect(snippet).toContain("<style>\n.a{color:red}\n.b{margin:0}\n</style>");
    expect(snippet).not.toContain("a comment");
  });
});
