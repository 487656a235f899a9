// Shopify's own linter (theme-check, the engine of `shopify theme check`) on
// the theme app extension: no offence of any severity. A copy with a
// parser-blocking script proves the run really checks something.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { themeCheckRun } from "@shopify/theme-check-node";
import { describe, expect, it } from "vitest";
import { EXTENSION_DIR } from "../helpers/liquid";

const describeOffences = (offenses: Awaited<ReturnType<typeof themeCheckRun>>["offenses"]) =>
  offenses.map((o) => `${o.check} (${o.severity}) ${o.uri.split("/extensions/").pop()}: ${o.message}`);

describe("theme-check", () => {
  it("runs clean on extensions/referral with the theme app extension checks", async () => {
    const { offenses, config } = await themeCheckRun(EXTENSION_DIR, undefined, () => {});
    expect(config.context).toBe("app");
    expect(config.checks.map((c) => c.meta.code)).toEqual(
      expect.arrayContaining(["AppBlockValidTags", "AssetSizeAppBlockJavaScript", "ParserBlockingScript", "MatchingTranslations", "ValidSchema"]),
    );
    expect(describeOffences(offenses)).toEqual([]);
  }, 60_000);

  it("reports a parser-blocking script in a copy of the extension", async () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "theme-check-"));
    try {
      fs.cpSync(EXTENSION_DIR, copy, { recursive: true });
      const block = path.join(copy, "blocks/referral.liquid");
      fs.writeFileSync(block, `<script src="{{ 'referral-block.js' | asset_url }}"></script>\n${fs.readFileSync(block, "utf8")}`);
      const { offenses } = await themeCheckRun(copy, undefined, () => {});
      expect(offenses.map((o) => o.check)).toContain("ParserBlockingScript");
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  }, 60_000);
});
