// PDFs read back as a reader would: the text content pdf.js extracts (the
// engine of Firefox's viewer), and the QR code rebuilt from the page's
// drawing operators (filled rectangles), rasterised and decoded by jsQR, the
// way a phone's camera would read the printed page. No canvas: pdf.js's
// legacy build in Node gives text and operator lists.
import jsQR from "jsqr";
import { getDocument, OPS } from "pdfjs-dist/legacy/build/pdf.mjs";

export interface PdfPage {
  width: number;
  height: number;
  /** The text items in reading order, each line ended by "\n". */
  text: string;
  /** The document's info dictionary (Title, Author, CreationDate, Lang...). */
  info: Record<string, unknown>;
  language: string | null;
  pages: number;
  /** Link annotations' URLs. */
  links: string[];
  operators: { fnArray: number[]; argsArray: unknown[][] };
}

export async function readPdf(bytes: Uint8Array | Buffer): Promise<PdfPage> {
  const document = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, useSystemFonts: false }).promise;
  try {
    const page = await document.getPage(1);
    const [width, height] = [page.view[2] - page.view[0], page.view[3] - page.view[1]];
    const content = await page.getTextContent();
    const text = content.items.map((item) => ("str" in item ? item.str + (item.hasEOL ? "\n" : "") : "")).join("");
    const metadata = await document.getMetadata();
    const annotations = await page.getAnnotations();
    const operators = await page.getOperatorList();
    return {
      width,
      height,
      text,
      info: metadata.info as Record<string, unknown>,
      language: ((metadata.info as Record<string, unknown>).Language as string | undefined) ?? null,
      pages: document.numPages,
      links: annotations.filter((a) => a.subtype === "Link" && a.url).map((a) => a.url as string),
      operators: { fnArray: operators.fnArray, argsArray: operators.argsArray as unknown[][] },
    };
  } finally {
    await document.destroy();
  }
}

/** Every page's text (as PdfPage.text gives the first page's), in page order. */
export async function readPdfPages(bytes: Uint8Array | Buffer): Promise<string[]> {
  const document = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, useSystemFonts: false }).promise;
  try {
    const texts: string[] = [];
    for (let n = 1; n <= document.numPages; n++) {
      const content = await (await document.getPage(n)).getTextContent();
      texts.push(content.items.map((item) => ("str" in item ? item.str + (item.hasEOL ? "\n" : "") : "")).join(""));
    }
    return texts;
  } finally {
    await document.destroy();
  }
}

/** Whitespace of any kind (pdf.js turns no-break spaces into spaces) as one space. */
export const squash = (text: string) => text.replace(/\s+/gu, " ").trim();

type Matrix = [number, number, number, number, number, number];
const multiply = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[1] * n[2],
  m[0] * n[1] + m[1] * n[3],
  m[2] * n[0] + m[3] * n[2],
  m[2] * n[1] + m[3] * n[3],
  m[4] * n[0] + m[5] * n[2] + n[4],
  m[4] * n[1] + m[5] * n[3] + n[5],
];
const apply = (m: Matrix, x: number, y: number): [number, number] => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];

export interface FilledRect {
  /** Page coordinates, origin at the top left, y down (as on paper). */
  x: number;
  y: number;
  width: number;
  height: number;
  colour: string;
}

/** Every filled path made only of rectangles, in page coordinates, with its fill colour. */
export function filledRectangles(page: PdfPage): FilledRect[][] {
  const { fnArray, argsArray } = page.operators;
  const stack: Matrix[] = [];
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  let colour = "#000000";
  let pending: { rects: number[][]; ctm: Matrix } | null = null;
  const paths: FilledRect[][] = [];
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i];
    const args = argsArray[i];
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? [1, 0, 0, 1, 0, 0];
    else if (fn === OPS.transform) ctm = multiply(args as Matrix, ctm);
    else if (fn === OPS.setFillRGBColor) colour = rgbHex(args);
    else if (fn === OPS.constructPath) {
      const [ops, coords] = args as [number[], number[]];
      if (ops.every((op) => op === OPS.rectangle)) {
        pending = { rects: ops.map((_, k) => coords.slice(k * 4, k * 4 + 4)), ctm };
      } else pending = null;
    } else if (fn === OPS.fill || fn === OPS.eoFill) {
      if (pending) {
        const transform = pending.ctm;
        paths.push(
          pending.rects.map(([x, y, w, h]) => {
            const [x0, y0] = apply(transform, x, y);
            const [x1, y1] = apply(transform, x + w, y + h);
            // PDF space has y up: measured from the page's top instead.
            return { x: Math.min(x0, x1), y: page.height - Math.max(y0, y1), width: Math.abs(x1 - x0), height: Math.abs(y1 - y0), colour };
          }),
        );
      }
      pending = null;
    } else if (fn === OPS.endPath) pending = null;
  }
  return paths;
}

function rgbHex(args: unknown[] | unknown): string {
  if (typeof args === "string") return args.toLowerCase();
  const values = Array.isArray(args) ? args : Object.values(args as Record<string, number>);
  if (typeof values[0] === "string") return (values[0] as string).toLowerCase();
  return `#${(values as number[]).map((v) => Math.round(v).toString(16).padStart(2, "0")).join("")}`;
}

export interface FoundQr {
  /** What jsQR decoded. */
  text: string;
  /** Modules a side (without the quiet zone) and their size in points. */
  modules: number;
  moduleSize: number;
  /** The symbol's box on the page (points, from the top left). */
  box: { x: number; y: number; width: number; height: number };
}

/**
 * The page's QR code: the black-filled path with the most rectangles, its
 * grid rebuilt from the rectangles (a module is the smallest height), drawn
 * at 6 pixels a module inside a white quiet zone of 4 modules, decoded.
 */
export function decodeQr(page: PdfPage): FoundQr | null {
  const candidates = filledRectangles(page).filter((rects) => rects.length > 20 && rects.every((r) => r.colour === "#000000"));
  const rects = candidates.sort((a, b) => b.length - a.length)[0];
  if (!rects) return null;
  const moduleSize = Math.min(...rects.map((r) => r.height));
  const left = Math.min(...rects.map((r) => r.x));
  const top = Math.min(...rects.map((r) => r.y));
  const right = Math.max(...rects.map((r) => r.x + r.width));
  const bottom = Math.max(...rects.map((r) => r.y + r.height));
  const modules = Math.round((right - left) / moduleSize);
  if (Math.round((bottom - top) / moduleSize) !== modules) return null;
  const grid = Array.from({ length: modules }, () => new Array<boolean>(modules).fill(false));
  for (const r of rects) {
    const row0 = Math.round((r.y - top) / moduleSize);
    const col0 = Math.round((r.x - left) / moduleSize);
    const rows = Math.round(r.height / moduleSize);
    const cols = Math.round(r.width / moduleSize);
    for (let row = row0; row < row0 + rows; row++) for (let col = col0; col < col0 + cols; col++) grid[row][col] = true;
  }
  const text = decodeGrid(grid);
  return text === null ? null : { text, modules, moduleSize, box: { x: left, y: top, width: right - left, height: bottom - top } };
}

/**
 * A QR code drawn as inline SVG on a web page (the partner portal): its path
 * of runs ("M x y h w v 1 h -w z", in modules, offset by the quiet zone in
 * the viewBox) rebuilt into the grid and decoded the same way.
 */
export function decodeSvgQr(svg: string): string | null {
  const side = Number(svg.match(/viewBox="0 0 (\d+) \1"/)?.[1]);
  const d = svg.match(/<path[^>]* d="([^"]+)"/)?.[1];
  if (!side || !d) return null;
  const grid = Array.from({ length: side }, () => new Array<boolean>(side).fill(false));
  for (const [, x, y, w] of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)) {
    for (let col = Number(x); col < Number(x) + Number(w); col++) grid[Number(y)][col] = true;
  }
  return decodeGrid(grid);
}

/** Draws the module grid at 6 pixels a module inside a white quiet zone of 4 modules, and reads it as a camera would. */
function decodeGrid(grid: boolean[][]): string | null {
  const modules = grid.length;
  const scale = 6;
  const quiet = 4;
  const side = (modules + 2 * quiet) * scale;
  const rgba = new Uint8ClampedArray(side * side * 4).fill(255);
  for (let row = 0; row < modules; row++) {
    for (let col = 0; col < modules; col++) {
      if (!grid[row][col]) continue;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const at = (((quiet + row) * scale + dy) * side + (quiet + col) * scale + dx) * 4;
          rgba[at] = rgba[at + 1] = rgba[at + 2] = 0;
        }
      }
    }
  }
  return jsQR(rgba, side, side, { inversionAttempts: "dontInvert" })?.data ?? null;
}
