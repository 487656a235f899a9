// Preloaded (node --import) into the app server bench/memory.ts starts, which
// runs it with --expose-gc: samples the process's own heap every 50 ms and
// writes its memory figures to BENCH_MEMORY_FILE (JSON) every 100 ms. SIGUSR2
// runs a full garbage collection, records the heap left after it and starts a
// new peak, so the benchmark can measure one phase at a time. Nothing else
// about the server changes.
import fs from "node:fs";

const file = process.env.BENCH_MEMORY_FILE;
if (file) {
  let peakHeapUsed = 0;
  let heapAfterGc = null;
  let gcAt = null;
  const sample = () => {
    const m = process.memoryUsage();
    peakHeapUsed = Math.max(peakHeapUsed, m.heapUsed);
    return m;
  };
  const write = () => {
    const m = sample();
    fs.writeFileSync(file, JSON.stringify({ at: Date.now(), rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, peakHeapUsed, heapAfterGc, gcAt }));
  };
  setInterval(sample, 50).unref();
  setInterval(write, 100).unref();
  process.on("SIGUSR2", () => {
    globalThis.gc?.();
    heapAfterGc = process.memoryUsage().heapUsed;
    peakHeapUsed = heapAfterGc;
    gcAt = Date.now();
    write();
  });
  write();
}
