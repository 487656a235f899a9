// The QR code of a share link, drawn as vector squares: it prints sharp at any
// size, and a reader (or a test) finds the modules as rectangles. Each run of
// dark modules in a row is one rectangle, all in one path filled once, so
// viewers draw no hairline seams between neighbouring modules.
import QRCode from "qrcode";

/**
 * The QR modules of the text: medium error correction (15% of the symbol may
 * be damaged or dirty), enough for a printout on a counter or a wall.
 */
export function qrModules(text: string): { size: number; dark: (row: number, col: number) => boolean } {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
  return { size: modules.size, dark: (row, col) => Boolean(modules.get(row, col)) };
}

/** The quiet zone a scanner needs around the symbol, in modules (ISO/IEC 18004). */
export const QUIET_MODULES = 4;

/**
 * Draws the symbol with its top-left corner at (x, y), `side` points wide
 * including the quiet zone (painted white, so a coloured background cannot
 * eat into it). Returns the size of one module in points.
 */
export function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, side: number): number {
  const qr = qrModules(text);
  const module = side / (qr.size + 2 * QUIET_MODULES);
  const left = x + QUIET_MODULES * module;
  const top = y + QUIET_MODULES * module;
  doc.save();
  doc.rect(x, y, side, side).fill("#ffffff");
  for (let row = 0; row < qr.size; row++) {
    let col = 0;
    while (col < qr.size) {
      if (!qr.dark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < qr.size && qr.dark(row, col)) col++;
      doc.rect(left + start * module, top + row * module, (col - start) * module, module);
    }
  }
  doc.fill("#000000");
  doc.restore();
  return module;
}

/**
 * The symbol for a web page (inline SVG, app/storefront/partners): its side in
 * modules with the quiet zone, and one path of the dark runs, row by row,
 * offset by the quiet zone ("M x y h run v 1 h -run z" per run).
 */
export function qrPath(text: string): { side: number; d: string } {
  const qr = qrModules(text);
  const parts: string[] = [];
  for (let row = 0; row < qr.size; row++) {
    let col = 0;
    while (col < qr.size) {
      if (!qr.dark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < qr.size && qr.dark(row, col)) col++;
      parts.push(`M${start + QUIET_MODULES} ${row + QUIET_MODULES}h${col - start}v1h-${col - start}z`);
    }
  }
  return { side: qr.size + 2 * QUIET_MODULES, d: parts.join("") };
}
