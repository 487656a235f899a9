// README: "app/ has no circular imports". Checked here on the source: every
// value import (`import type` and type-only specifiers are erased by the
// compiler and cannot form a cycle at run time) between app/ modules, and no
// strongly connected group of more than one module, nor a module importing itself.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const APP = path.resolve(__dirname, "../../app");

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" ? [] : sources(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

function resolve(from: string, spec: string, files: Set<string>): string | null {
  const base = spec.startsWith("~/") ? path.join(APP, spec.slice(2)) : spec.startsWith(".") ? path.resolve(path.dirname(from), spec) : null;
  if (!base) return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")]) if (files.has(candidate)) return candidate;
  return null;
}

/** The app/ modules a file imports values from. */
export function valueImports(file: string, text: string, files: Set<string>): string[] {
  const found: string[] = [];
  const statement = /^(import|export)\s+(type\s+)?([^;]*?)\s+from\s+"([^"]+)"/gms;
  for (const match of text.matchAll(statement)) {
    if (match[2]) continue; // import type / export type
    const clause = match[3].trim();
    const named = clause.match(/^\{([^}]*)\}$/s);
    if (named && named[1].split(",").every((s) => !s.trim() || s.trim().startsWith("type "))) continue;
    const target = resolve(file, match[4], files);
    if (target) found.push(target);
  }
  for (const match of text.matchAll(/^import\s+"([^"]+)"/gm)) {
    const target = resolve(file, match[1], files);
    if (target) found.push(target);
  }
  return found;
}

/** Tarjan's strongly connected components with more than one module (or a self-import). */
export function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.map((f) => path.relative(APP, f)).sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("app/ imports", () => {
  it("form no cycle", () => {
    const files = sources(APP);
    const set = new Set(files);
    const graph = new Map(files.map((f) => [f, valueImports(f, fs.readFileSync(f, "utf8"), set)] as const));
    expect(graph.size).toBeGreaterThan(200);
    expect(cycles(graph)).toEqual([]);
  });

  it("the check finds a cycle, and ignores type-only imports", () => {
    const a = path.join(APP, "x/a.ts");
    const b = path.join(APP, "x/b.ts");
    const c = path.join(APP, "x/c.ts");
    const files = new Set([a, b, c]);
    expect(valueImports(a, 'import { f } from "./b";\nimport type { T } from "./c";\nimport { type U } from "~/x/c";', files)).toEqual([b]);
    const graph = new Map([
      [a, [b]],
      [b, [c]],
      [c, [a]],
    ]);
    expect(cycles(graph)).toEqual([["x/a.ts", "x/b.ts", "x/c.ts"]]);
    expect(cycles(new Map([[a, [b]], [b, []]]))).toEqual([]);
  });
});
