// A shop's published theme in the fake: its JSON files as Shopify stores them
// (settings_data.json and the editor-saved templates start with Shopify's
// "auto-generated" comment), and what the theme editor does to them when a
// merchant follows an app's deep link: switch an app embed on or off
// (config/settings_data.json `current.blocks`), add an app block to a
// template's main section (templates/<name>.json). Block types are
// `shopify://apps/<app handle>/blocks/<block handle>/<extension uuid>`.

const HEADER = `/*
 * ------------------------------------------------------------
 * IMPORTANT: The contents of this file are auto-generated.
 *
 * This file may be updated by the Shopify admin theme editor
 * or related systems. Please exercise caution as any changes
 * made to this file may be overwritten.
 * ------------------------------------------------------------
 */
`;

type Json = Record<string, unknown>;

export interface FakeThemeFile {
  filename: string;
  content: string;
  updatedAt: string;
}

/** The main section each template of the default theme has (Dawn's names); `target=mainSection` adds there. */
const MAIN_SECTIONS: Record<string, { id: string; type: string }> = {
  index: { id: "image_banner", type: "image-banner" },
  product: { id: "main", type: "main-product" },
  collection: { id: "product-grid", type: "main-collection-product-grid" },
  cart: { id: "cart-items", type: "main-cart-items" },
  page: { id: "main", type: "main-page" },
};

function template(name: string): Json {
  const main = MAIN_SECTIONS[name];
  return { sections: { [main.id]: { type: main.type, blocks: {}, block_order: [], settings: {} } }, order: [main.id] };
}

export class FakeTheme {
  readonly files = new Map<string, FakeThemeFile>();
  private nextBlock = 1;

  constructor(
    readonly id: string,
    public name: string,
    public role: "MAIN" | "UNPUBLISHED",
    private readonly now: () => Date,
  ) {
    this.write("config/settings_data.json", { current: { blocks: {}, sections: {} }, presets: {} });
    for (const name of Object.keys(MAIN_SECTIONS)) this.write(`templates/${name}.json`, template(name));
    this.write("sections/footer-group.json", { type: "footer", name: "Footer", sections: {}, order: [] });
  }

  /** Writes a file as the theme editor saves it: the header comment, then the JSON. A string is stored as given (tests: malformed files). */
  write(filename: string, body: Json | string) {
    const content = typeof body === "string" ? body : HEADER + JSON.stringify(body, null, 2);
    this.files.set(filename, { filename, content, updatedAt: this.now().toISOString() });
  }

  read(filename: string): Json {
    const file = this.files.get(filename);
    if (!file) throw new Error(`the fake theme has no ${filename}`);
    return JSON.parse(file.content.replace(/^\s*\/\*[\s\S]*?\*\/\s*/, "")) as Json;
  }

  /** Files whose name matches one of Shopify's patterns (`*`: zero or more characters), by name. */
  matching(patterns: string[] | null | undefined): FakeThemeFile[] {
    const res = (patterns ?? ["*"]).map((p) => new RegExp(`^${p.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`));
    return [...this.files.values()].filter((f) => res.some((r) => r.test(f.filename))).sort((a, b) => a.filename.localeCompare(b.filename));
  }

  /** The theme editor's "App embeds" switch for `type`, saved: added on first use, then enabled or disabled. */
  setAppEmbed(type: string, enabled: boolean) {
    const data = this.read("config/settings_data.json");
    const current = (data.current ?? {}) as Json;
    const blocks = (current.blocks ?? {}) as Record<string, Json>;
    const id = Object.keys(blocks).find((k) => blocks[k].type === type) ?? this.blockId();
    blocks[id] = { ...(blocks[id] ?? { type, settings: {} }), disabled: !enabled };
    data.current = { ...current, blocks };
    this.write("config/settings_data.json", data);
  }

  /** Whether the app embed of `type` is on (what the storefront would render). */
  appEmbedEnabled(type: string): boolean {
    const blocks = (((this.read("config/settings_data.json").current ?? {}) as Json).blocks ?? {}) as Record<string, Json>;
    return Object.values(blocks).some((b) => b.type === type && b.disabled !== true);
  }

  /** The theme editor's `addAppBlockId` deep link, saved: the block added to the template's main section (`target=mainSection`). */
  addAppBlock(templateName: string, type: string): string {
    const filename = `templates/${templateName}.json`;
    if (!this.files.has(filename)) throw new Error(`the fake theme has no template ${templateName}`);
    const data = this.read(filename);
    const sections = data.sections as Record<string, Json>;
    const mainId = MAIN_SECTIONS[templateName]?.id ?? (data.order as string[])[0];
    const section = sections[mainId];
    const id = this.blockId();
    section.blocks = { ...(section.blocks as Json), [id]: { type, settings: {} } };
    section.block_order = [...((section.block_order as string[]) ?? []), id];
    this.write(filename, data);
    return id;
  }

  /** Template names holding a block of `type`. */
  templatesWith(type: string): string[] {
    return this.matching(["templates/*.json"])
      .filter((f) => Object.values((this.read(f.filename).sections ?? {}) as Record<string, Json>).some((s) => Object.values((s.blocks ?? {}) as Record<string, Json>).some((b) => b.type === type)))
      .map((f) => f.filename.replace(/^templates\/|\.json$/g, ""));
  }

  // The theme editor's block ids: long digit strings.
  private blockId() {
    return `1700000000${String(this.nextBlock++).padStart(8, "0")}`;
  }
}
