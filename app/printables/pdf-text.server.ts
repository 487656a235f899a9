// Text in the printable PDFs: Noto Sans in every script the storefront speaks
// (Latin with Maltese's ħ ġ ż, Devanagari for Hindi), laid out line by line
// here rather than by pdfkit's wrapper, because one line may need several
// fonts. @fontsource ships Noto Sans cut per script ("subsets"), so a line is
// split into runs, each in the first font of the stack that has its
// characters, and the runs are drawn on one baseline.
//
// pdfkit shapes each run with fontkit (Devanagari conjuncts like क्ष, the
// nukta of फ़, the i-matra drawn before its consonant, the reph after it), but
// the text a reader copies out of a PDF comes from the ToUnicode map, one
// entry per glyph, in drawing order. Complex scripts break that: a glyph
// drawn first may stand for a character typed later (कि is drawn ि, क), and
// one glyph may stand for different text in different words. So each font's
// encoder is replaced (`logicalText`): every shaped cluster (the smallest run
// of glyphs covering a contiguous stretch of the source) gives its whole
// source text to its first glyph and a word joiner (U+2060, a format
// character extractors drop) to the others, each pairing of glyph and text
// getting its own glyph slot in the embedded subset. What a reader, a screen
// reader or a test extracts is then exactly the string that was drawn.
// This touches pdfkit's embedded-font internals (layout, subset, widths,
// unicode), pinned by package-lock and checked by tests/printables.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { inflateSync } from "node:zlib";
import PDFDocument from "pdfkit";

export type Weight = "regular" | "bold";

const FAMILIES = [
  { pkg: "@fontsource/noto-sans", subsets: ["latin", "latin-ext", "greek", "cyrillic", "vietnamese"] },
  { pkg: "@fontsource/noto-sans-devanagari", subsets: ["devanagari"] },
] as const;
const WEIGHT_FILE: Record<Weight, string> = { regular: "400", bold: "700" };

interface FontFile {
  /** The name pdfkit knows it by, e.g. "noto-sans-latin-ext-700". */
  key: string;
  weight: Weight;
  data: Buffer;
}

let files: FontFile[] | null = null;

/**
 * A WOFF font as the plain OpenType (sfnt) font it wraps: each table inflated
 * once. fontkit reads WOFF too, but inflates a table again on every access,
 * which made a Hindi brochure cost 0.6 s (bench/printables.ts); unwrapped
 * once per process, it is the same font at a fraction of the cost.
 */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.toString("latin1", 0, 4) !== "wOFF") throw new Error("not a WOFF font");
  const flavor = woff.readUInt32BE(4);
  const count = woff.readUInt16BE(12);
  const tables = Array.from({ length: count }, (_, i) => {
    const at = 44 + i * 20;
    const [tag, offset, compressed, length, checksum] = [0, 4, 8, 12, 16].map((o) => woff.readUInt32BE(at + o));
    const stored = woff.subarray(offset, offset + compressed);
    return { tag, checksum, data: compressed < length ? inflateSync(stored) : stored };
  });
  const power = 2 ** Math.floor(Math.log2(count));
  const header = Buffer.alloc(12 + 16 * count);
  header.writeUInt32BE(flavor, 0);
  header.writeUInt16BE(count, 4);
  header.writeUInt16BE(power * 16, 6);
  header.writeUInt16BE(Math.log2(power), 8);
  header.writeUInt16BE(count * 16 - power * 16, 10);
  const parts: Buffer[] = [header];
  let offset = header.length;
  tables.forEach((table, i) => {
    header.writeUInt32BE(table.tag, 12 + i * 16);
    header.writeUInt32BE(table.checksum, 16 + i * 16);
    header.writeUInt32BE(offset, 20 + i * 16);
    header.writeUInt32BE(table.data.length, 24 + i * 16);
    const padded = Buffer.alloc(Math.ceil(table.data.length / 4) * 4);
    table.data.copy(padded);
    parts.push(padded);
    offset += padded.length;
  });
  return Buffer.concat(parts);
}

/** The font files, read and unwrapped once per process (30 to 90 KB each). */
function fontFiles(): FontFile[] {
  if (files) return files;
  const require = createRequire(import.meta.url);
  const loaded: FontFile[] = [];
  for (const weight of ["regular", "bold"] as const) {
    for (const { pkg, subsets } of FAMILIES) {
      const base = pkg.split("/")[1];
      for (const subset of subsets) {
        const name = `${base}-${subset}-${WEIGHT_FILE[weight]}-normal`;
        const woff = readFileSync(require.resolve(`${pkg}/files/${name}.woff`));
        loaded.push({ key: `${base}-${subset}-${WEIGHT_FILE[weight]}`, weight, data: woffToSfnt(woff) });
      }
    }
  }
  files = loaded;
  return files;
}

// ---------------------------------------------------------------- pdfkit's font internals

interface Glyph {
  id: number;
  advanceWidth: number;
  codePoints: number[];
}
interface GlyphPosition {
  xAdvance: number;
  advanceWidth: number;
  [key: string]: number;
}
/** What this module uses of pdfkit's EmbeddedFont (see the file's header). */
interface FontkitFont {
  hasGlyphForCodePoint(codePoint: number): boolean;
  glyphForCodePoint(codePoint: number): { id: number };
  getGlyph(id: number, codePoints?: number[]): Glyph;
}
interface EmbeddedFont {
  font: FontkitFont;
  layout(text: string, features?: unknown): { glyphs: Glyph[]; positions: GlyphPosition[] };
  encode(text: string, features?: unknown): [string[], GlyphPosition[]];
  subset: { includeGlyph(id: number): number; glyphs: number[] };
  widths: number[];
  unicode: number[][];
  scale: number;
  ascender: number;
  descender: number;
}

const currentFont = (doc: PDFKit.PDFDocument) => (doc as unknown as { _font: EmbeddedFont })._font;

/** A format character (Unicode Cf), which readers drop: the text of a cluster's glyphs after its carriers. */
const SILENT = [0x2060];
/** A position offset too small to print, which makes pdfkit place the glyph with an absolute text matrix. */
const PLACE = 1e-7;

export interface Cluster {
  /** Glyph indices [start, end) in drawing order. */
  start: number;
  end: number;
  /** The source text the glyphs stand for, in logical order. */
  text: number[];
}

/**
 * The shaped glyphs grouped into clusters, each the smallest run of glyphs
 * (in drawing order) that covers a contiguous stretch of the source. Glyphs
 * are matched to source characters by their code points (earliest unused
 * occurrence); a cluster ends after glyph k when every source index used so
 * far is below every index used after it; characters no glyph claimed join
 * the cluster before them, and so do glyphs that claimed no character. Whatever the matching, the clusters' texts
 * concatenate to the source.
 */
export function clusters(source: number[], glyphCodePoints: number[][]): Cluster[] {
  const used = source.map(() => false);
  const indices = glyphCodePoints.map((codePoints) => {
    const mine: number[] = [];
    for (const cp of codePoints) {
      const at = used.findIndex((u, j) => !u && source[j] === cp);
      if (at >= 0) {
        used[at] = true;
        mine.push(at);
      }
    }
    return mine;
  });
  const n = glyphCodePoints.length;
  const suffixMin = new Array<number>(n + 1).fill(Infinity);
  for (let k = n - 1; k >= 0; k--) suffixMin[k] = Math.min(suffixMin[k + 1], ...indices[k]);
  const out: Cluster[] = [];
  let from = 0;
  let first = 0;
  let prefixMax = -1;
  for (let k = 0; k < n; k++) {
    prefixMax = Math.max(prefixMax, ...indices[k]);
    const last = k === n - 1;
    if (last || (prefixMax >= 0 && prefixMax < suffixMin[k + 1])) {
      const to = last ? source.length : suffixMin[k + 1];
      if (to > from) {
        out.push({ start: first, end: k + 1, text: source.slice(from, to) });
        first = k + 1;
      } else if (out.length) {
        // Glyphs that claimed no character (a shaper's decomposition or insertion) belong with the cluster before.
        out[out.length - 1].end = k + 1;
        first = k + 1;
      }
      // (At the start they wait for the next cluster.)
      from = to;
    }
  }
  return out;
}

const isMark = (cp: number) => /\p{Mn}|\p{Cf}/u.test(String.fromCodePoint(cp));

/**
 * Replaces the font's encoder so that readers extract the source text, in
 * logical order and without invented spaces. Readers (pdf.js among them) take
 * each glyph's text from ToUnicode in drawing order and advance past a glyph
 * by its width, except when its text holds a non-spacing mark (then it is a
 * diacritic and does not advance) or is a format character (skipped). So a
 * cluster of several glyphs, or whose text holds a mark, is written as:
 *   - its first glyph, the carrier: the text before the first mark, and the
 *     width of the whole cluster (the reader is now past the cluster);
 *   - an invisible glyph (a zero-width copy of the space) carrying the rest of
 *     the text, marks and all;
 *   - its other glyphs with no width and a format character for text;
 * each glyph after the carrier placed by an absolute text matrix, so the page
 * looks exactly as shaped. Every (glyph, text, width) gets its own slot in the
 * embedded subset: a copy of the outline under a new id when needed.
 */
function logicalText(font: EmbeddedFont & { logical?: true }): void {
  if (font.logical) return;
  font.logical = true;
  ownCodePoints(font.font);
  const slots = new Map<string, number>();
  const included = new Set<number>();
  const slot = (glyphId: number, text: number[], width: number): string => {
    const key = `${glyphId}:${text.join(",")}:${width}`;
    let at = slots.get(key);
    if (at === undefined) {
      if (!included.has(glyphId)) {
        included.add(glyphId);
        at = font.subset.includeGlyph(glyphId);
      } else {
        font.subset.glyphs.push(glyphId);
        at = font.subset.glyphs.length - 1;
      }
      font.widths[at] = width;
      font.unicode[at] = text;
      slots.set(key, at);
    }
    return `0000${at.toString(16)}`.slice(-4);
  };
  const space = font.font.glyphForCodePoint(0x20).id;
  font.encode = (text, features) => {
    const { glyphs, positions } = font.layout(text, features);
    const encoded: string[] = [];
    const placed: GlyphPosition[] = [];
    for (const c of clusters([...text].map((ch) => ch.codePointAt(0) as number), glyphs.map((g) => g.codePoints))) {
      const carrier = glyphs[c.start];
      const split = c.text.findIndex(isMark);
      if (c.end - c.start === 1 && split < 0) {
        encoded.push(slot(carrier.id, c.text, carrier.advanceWidth * font.scale));
        placed.push(positions[c.start]);
        continue;
      }
      let width = 0;
      for (let k = c.start; k < c.end; k++) width += positions[k].xAdvance;
      // Text that starts with a mark (a lone mark's cluster) rides on the carrier: it has no width to lose.
      const head = split > 0 ? c.text.slice(0, split) : c.text.length ? c.text : SILENT;
      const tail = split > 0 ? c.text.slice(split) : [];
      encoded.push(slot(carrier.id, head, width));
      placed.push({ ...positions[c.start], advanceWidth: width });
      if (tail.length) {
        encoded.push(slot(space, tail, 0));
        placed.push({ xAdvance: 0, yAdvance: 0, xOffset: PLACE, yOffset: 0, advanceWidth: 0 });
      }
      for (let k = c.start + 1; k < c.end; k++) {
        encoded.push(slot(glyphs[k].id, SILENT, 0));
        placed.push({ ...positions[k], xOffset: positions[k].xOffset || PLACE, advanceWidth: 0 });
      }
    }
    return [encoded, placed];
  };
}

// ---------------------------------------------------------------- documents and runs

/**
 * Makes each glyph of a layout carry the code points it stands for in that
 * layout. fontkit keeps one Glyph object per glyph id and gives it the code
 * points of the layout that first asked for it, so a glyph shaped differently
 * later (Noto's blank glyph, first the reph of र्ट, later an empty filler
 * after ई) would claim characters that are not its own, and `clusters` would
 * hand a neighbour's text to the wrong glyph (कोई ग्राहक read back as कोई ्र ाहक).
 * A glyph asked for with other code points is now a view of the shared one
 * (same id, metrics and outline) with its own code points.
 */
function ownCodePoints(font: FontkitFont & { ownCodePoints?: true }): void {
  if (font.ownCodePoints) return;
  font.ownCodePoints = true;
  const shared = font.getGlyph.bind(font);
  font.getGlyph = (id, codePoints = []) => {
    const glyph = shared(id, codePoints);
    const same = glyph.codePoints.length === codePoints.length && glyph.codePoints.every((cp, i) => cp === codePoints[i]);
    return same ? glyph : (Object.create(glyph, { codePoints: { value: [...codePoints], enumerable: true } }) as Glyph);
  };
}

const FALLBACK_SPACE: Record<number, number> = { 0x202f: 0x00a0, 0x2009: 0x0020, 0x2007: 0x00a0 };

export interface Typesetter {
  doc: PDFKit.PDFDocument;
  /** Runs of one font each; characters no font has are left out (a space for a space). */
  runs(text: string, weight: Weight): { key: string; text: string }[];
  width(text: string, size: number, weight: Weight): number;
  /** Draws one line with its baseline at y. */
  line(text: string, x: number, baseline: number, size: number, weight: Weight): void;
}

export interface DocumentInfo {
  size: "A4" | "LETTER";
  title: string;
  author: string;
  subject: string;
  /** BCP 47, the document's language (/Lang). */
  lang: string;
  /** The creation date written in the file: the same input at the same instant gives the same bytes. */
  now: Date;
}

export function newDocument(info: DocumentInfo): Typesetter {
  const doc = new PDFDocument({
    size: info.size,
    margin: 0,
    autoFirstPage: true,
    lang: info.lang,
    displayTitle: true,
    pdfVersion: "1.7",
    info: { Title: info.title, Author: info.author, Subject: info.subject, Creator: info.author, CreationDate: info.now, ModDate: info.now },
  });
  const stack = fontFiles();
  for (const file of stack) doc.registerFont(file.key, file.data);
  const coverage = new Map<string, EmbeddedFont["font"]>();
  const fontOf = (key: string) => {
    let font = coverage.get(key);
    if (!font) {
      doc.font(key);
      font = currentFont(doc).font;
      coverage.set(key, font);
    }
    return font;
  };
  const pick = (cp: number, weight: Weight, current: string | null): string | null => {
    if (current && fontOf(current).hasGlyphForCodePoint(cp)) return current;
    return stack.find((f) => f.weight === weight && fontOf(f.key).hasGlyphForCodePoint(cp))?.key ?? null;
  };
  const runs: Typesetter["runs"] = (text, weight) => {
    const out: { key: string; text: string }[] = [];
    let current: string | null = null;
    for (const char of text.normalize("NFC")) {
      let cp = char.codePointAt(0) as number;
      // Combining marks and joiners stay with their base's font, which shapes them together.
      const joins = /\p{M}|\u200c|\u200d/u.test(char);
      let key: string | null = joins && current ? current : pick(cp, weight, current);
      if (!key && /\s/.test(char)) {
        cp = FALLBACK_SPACE[cp] ?? 0x20;
        key = pick(cp, weight, current);
      }
      if (!key) continue;
      const piece = String.fromCodePoint(cp);
      if (key === current) out[out.length - 1].text += piece;
      else out.push({ key, text: piece });
      current = key;
    }
    return out;
  };
  const use = (key: string, size: number) => {
    doc.font(key).fontSize(size);
    logicalText(currentFont(doc));
  };
  return {
    doc,
    runs,
    width(text, size, weight) {
      let total = 0;
      for (const run of runs(text, weight)) {
        use(run.key, size);
        total += doc.widthOfString(run.text);
      }
      return total;
    },
    line(text, x, baseline, size, weight) {
      let at = x;
      for (const run of runs(text, weight)) {
        use(run.key, size);
        doc.text(run.text, at, baseline, { lineBreak: false, baseline: "alphabetic" });
        at += doc.widthOfString(run.text);
      }
    },
  };
}

// ---------------------------------------------------------------- paragraphs

export interface Paragraph {
  x: number;
  /** The top of the first line's box. */
  y: number;
  width: number;
  size: number;
  weight?: Weight;
  align?: "left" | "center";
  /** Line height as a multiple of the size (Devanagari's marks above and below need room). */
  leading?: number;
  color?: string;
}

/** Where text may break: after spaces, keeping each word whole. */
function words(text: string): string[] {
  return text.split(/(?<=\s)/u);
}

const graphemes = (text: string) => [...new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(text)].map((s) => s.segment);

/** The lines of text in the width: words moved to the next line as needed, a word wider than the line cut between graphemes. */
export function wrap(t: Typesetter, text: string, width: number, size: number, weight: Weight = "regular"): string[] {
  const lines: string[] = [];
  let line = "";
  const fits = (candidate: string) => t.width(candidate.trimEnd(), size, weight) <= width;
  for (const word of words(text.trim())) {
    if (fits(line + word)) {
      line += word;
      continue;
    }
    if (line) lines.push(line.trimEnd());
    line = "";
    if (fits(word)) {
      line = word;
      continue;
    }
    for (const g of graphemes(word)) {
      if (line && !fits(line + g)) {
        lines.push(line.trimEnd());
        line = "";
      }
      line += g;
    }
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines;
}

/** Draws a wrapped paragraph; returns the y below its last line. */
export function paragraph(t: Typesetter, text: string, p: Paragraph): number {
  const weight = p.weight ?? "regular";
  const step = p.size * (p.leading ?? 1.45);
  let y = p.y;
  t.doc.fillColor(p.color ?? "#1a1a1a");
  for (const line of wrap(t, text, p.width, p.size, weight)) {
    const width = t.width(line, p.size, weight);
    const x = p.align === "center" ? p.x + (p.width - width) / 2 : p.x;
    // The baseline sits at about 1.1 em below the line's top, as in Noto's ascent.
    t.line(line, x, y + (step - p.size) / 2 + p.size * 0.95, p.size, weight);
    y += step;
  }
  return y;
}

/** The largest size (down to min) at which the text fits on one line of the width. */
export function fitSize(t: Typesetter, text: string, width: number, max: number, min: number, weight: Weight = "regular"): number {
  const at = t.width(text, max, weight);
  if (at <= width) return max;
  return Math.max(min, Math.floor(((max * width) / at) * 10) / 10);
}
