// Printable PDFs benchmark: the time and memory one referrer's brochure costs
// (app/printables/documents.server.ts renderPrintable, exactly as the routes
// call it, less the database reads and the logo fetch), in English and in
// Hindi (shaped Devanagari, the costliest script), and the QR poster.
//
// The baseline, in the same run: pdfkit's own one-line PDF (Helvetica, one
// text() call): what any PDF from this library costs at least. Figures: p50
// and p95 milliseconds a document (ratio to the baseline's p50), and the heap
// left after a full GC once N brochures were made against before (a leak
// would grow it). Printed, never asserted.
//
//   npx tsx bench/printables.ts [--documents 200] [--quick]
import { performance } from "node:perf_hooks";
import v8 from "node:v8";
import vm from "node:vm";
import PDFDocument from "pdfkit";
import { renderPrintable, type PrintableInput } from "~/printables/documents.server";
import { translator } from "~/storefront/i18n";
import { giveGetText, offerText } from "~/storefront/offer";
import { flag, option } from "./lib/cli";
import { reportFigures } from "./lib/figures";
import { fmt, keyValueTable, machineInfo, percentile, table, verdict } from "./lib/report";

const DOCUMENTS = Number(option("documents", flag("quick") ? "40" : "200"));
const WARM_UP = 5;
// A download link's answer: a quarter of a second on a shared two-core machine.
const TARGET_P95_MS = 250;
const TARGET_RETAINED_RATIO = 1.1;
const MB = 2 ** 20;

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

const program = { friendOfferKind: "PERCENTAGE", friendOfferValue: 15, currencyCode: "EUR", rewardKind: "STORE_CREDIT", rewardValue: 10 };
function input(language: string, kind: PrintableInput["kind"], n: number): PrintableInput {
  const t = translator(language);
  return {
    kind,
    paper: "A4",
    language,
    shopName: "Ħanut Żgħir",
    logo: null,
    accentColor: "#2c6ecb",
    name: "Rita",
    // A different link each time: nothing cached by content.
    link: `https://boutique.example/?ref=RITA-${n.toString(36).toUpperCase().padStart(4, "0")}`,
    code: `RITA-${n.toString(36).toUpperCase().padStart(4, "0")}`,
    offer: offerText(program, t, language),
    summary: giveGetText(program, t, language),
    programUrl: "https://boutique.example/apps/referrals",
    now: new Date("2026-03-01T00:00:00Z"),
  };
}

function barePdf(): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ size: "A4" });
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.text("Give your friends 15% off.");
    doc.end();
  });
}

async function warmUp(make: (n: number) => Promise<Buffer>) {
  for (let i = 0; i < WARM_UP; i++) await make(-1 - i);
}

async function time(label: string, make: (n: number) => Promise<Buffer>) {
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < DOCUMENTS; i++) {
    const started = performance.now();
    bytes += (await make(i)).length;
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  return { label, p50: percentile(ms, 50), p95: percentile(ms, 95), max: ms[ms.length - 1], kb: bytes / DOCUMENTS / 1024 };
}

async function main() {
  console.log(keyValueTable("Machine", machineInfo()));
  const makers = {
    en: (n: number) => renderPrintable(input("en", "brochure", n)),
    hi: (n: number) => renderPrintable(input("hi", "brochure", n)),
    poster: (n: number) => renderPrintable(input("en", "poster", n)),
  };
  // Modules, font files and caches loaded first: what stays after that is per document.
  await warmUp(() => barePdf());
  for (const make of Object.values(makers)) await warmUp(make);
  const baseline = await time("pdfkit one-line PDF (baseline)", () => barePdf());
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const en = await time("brochure, en", makers.en);
  const hi = await time("brochure, hi", makers.hi);
  const poster = await time("poster, en", makers.poster);
  clearInterval(sampler);
  gc();
  const heapAfter = process.memoryUsage().heapUsed;

  console.log(
    table(
      `${DOCUMENTS} documents each (after ${WARM_UP} to warm up)`,
      ["document", "p50 ms", "p95 ms", "max ms", "x baseline p50", "KB each"],
      [baseline, en, hi, poster].map((r) => [r.label, fmt(r.p50, 2), fmt(r.p95, 2), fmt(r.max, 1), fmt(r.p50 / baseline.p50, 1), fmt(r.kb, 1)]),
    ),
  );
  console.log(
    keyValueTable("Memory", [
      ["heap after a full GC, before the brochures", `${fmt(heapBefore / MB)} MiB`],
      ["heap after a full GC, after them", `${fmt(heapAfter / MB)} MiB (${fmt(heapAfter / heapBefore, 2)}x)`],
      ["peak RSS while making them", `${fmt(peakRss / MB)} MiB`],
    ]),
  );
  const worst = Math.max(en.p95, hi.p95, poster.p95);
  console.log(`p95 target < ${TARGET_P95_MS} ms: ${verdict(worst < TARGET_P95_MS)}`);
  const figure = (name: string, r: typeof en) => ({
    bench: "printables",
    figure: `${name} p95 (ms)`,
    value: Number(r.p95.toFixed(2)),
    unit: "ms",
    baseline: "pdfkit one-line PDF p50",
    baselineValue: Number(baseline.p50.toFixed(2)),
    ratio: Number((r.p95 / baseline.p50).toFixed(1)),
    target: `< ${TARGET_P95_MS} ms`,
    met: r.p95 < TARGET_P95_MS,
  });
  reportFigures([
    figure("brochure, en", en),
    figure("brochure, hi (Devanagari)", hi),
    figure("QR poster, en", poster),
    {
      bench: "printables",
      figure: `heap after GC, after ${DOCUMENTS * 3} documents (lower is better)`,
      value: Number((heapAfter / MB).toFixed(1)),
      unit: "MiB",
      baseline: "heap after GC before them",
      baselineValue: Number((heapBefore / MB).toFixed(1)),
      ratio: Number((heapAfter / heapBefore).toFixed(2)),
      target: `<= ${TARGET_RETAINED_RATIO}x`,
      met: heapAfter / heapBefore <= TARGET_RETAINED_RATIO,
    },
  ]);
}

await main();
