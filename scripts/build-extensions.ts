// Bundles each UI extension (checkout / customer account) the way Shopify CLI's
// `shopify app build` does, so their size can be checked here without the CLI
// (which needs a Partner account): one entry per extension that imports every
// target's module and registers it with `shopify.extend(target, ...)`, bundled
// with Preact (nothing external: the sandbox provides only the `shopify`
// global), JSX automatic, `process.env.*` replaced at build time, minified,
// target es6, esbuild's default output format for the browser (as the CLI).
//
//   npx tsx scripts/build-extensions.ts      # writes build/extensions/<handle>.js
//
// APP_URL (else SHOPIFY_APP_URL) is the app's origin compiled into the bundle.
import { mkdirSync, readdirSync, readFileSync, existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const EXTENSIONS_DIR = path.join(ROOT, "extensions");
export const OUT_DIR = path.join(ROOT, "build", "extensions");

/**
 * Shopify's limit on a UI extension's JavaScript (API 2025-10 and later),
 * enforced per extension at deploy: 64 KB compressed, 128 KB for extensions
 * with a full-page customer account target. Counted here as 1000-byte KB,
 * the stricter reading. https://shopify.dev/docs/apps/build/app-extensions/optimize-bundle-size
 */
export const SIZE_LIMIT_BYTES = 64_000;
export const FULL_PAGE_SIZE_LIMIT_BYTES = 128_000;
const FULL_PAGE_TARGETS = new Set(["customer-account.page.render", "customer-account.order.page.render"]);

export interface ExtensionTarget {
  target: string;
  module: string;
}

export interface ExtensionBundle {
  handle: string;
  targets: ExtensionTarget[];
  file: string;
  bytes: number;
  gzipBytes: number;
  limitBytes: number;
}

/** The `[[extensions.targeting]]` entries of a ui_extension's shopify.extension.toml. */
export function readTargets(toml: string): ExtensionTarget[] {
  return toml
    .split(/^\s*\[\[extensions\.targeting\]\]\s*$/m)
    .slice(1)
    .map((block) => ({
      target: /^\s*target\s*=\s*"([^"]+)"/m.exec(block)?.[1] ?? "",
      module: /^\s*module\s*=\s*"([^"]+)"/m.exec(block)?.[1] ?? "",
    }))
    .filter((entry) => entry.target && entry.module);
}

/** Every extension folder whose toml declares `type = "ui_extension"` (the theme extension is not bundled). */
export function uiExtensions(): { handle: string; dir: string; targets: ExtensionTarget[] }[] {
  return readdirSync(EXTENSIONS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(EXTENSIONS_DIR, entry.name))
    .filter((dir) => existsSync(path.join(dir, "shopify.extension.toml")))
    .map((dir) => ({ dir, toml: readFileSync(path.join(dir, "shopify.extension.toml"), "utf8") }))
    .filter(({ toml }) => /^\s*type\s*=\s*"ui_extension"/m.test(toml))
    .map(({ dir, toml }) => ({
      dir,
      handle: /^\s*handle\s*=\s*"([^"]+)"/m.exec(toml)?.[1] ?? path.basename(dir),
      targets: readTargets(toml),
    }));
}

export async function buildExtensions(options: { appUrl: string; outDir?: string }): Promise<ExtensionBundle[]> {
  const outDir = options.outDir ?? OUT_DIR;
  mkdirSync(outDir, { recursive: true });
  const bundles: ExtensionBundle[] = [];
  for (const extension of uiExtensions()) {
    const file = path.join(outDir, `${extension.handle}.js`);
    const entry = extension.targets
      .map(({ target, module }, index) => `import Target_${index} from '${module}';shopify.extend('${target}', (...args) => Target_${index}(...args));`)
      .join("\n");
    const result = await build({
      stdin: { contents: entry, resolveDir: extension.dir, sourcefile: "extension-entry.js", loader: "js" },
      outfile: file,
      bundle: true,
      write: false,
      define: { "process.env.NODE_ENV": JSON.stringify("production"), "process.env.APP_URL": JSON.stringify(options.appUrl) },
      jsx: "automatic",
      jsxImportSource: "preact",
      loader: { ".esnext": "ts", ".js": "jsx" },
      legalComments: "none",
      minify: true,
      target: "es6",
      resolveExtensions: [".tsx", ".ts", ".js", ".json", ".esnext", ".mjs"],
      logLevel: "silent",
    });
    const code = result.outputFiles[0].contents;
    writeFileSync(file, code);
    const fullPage = extension.targets.some(({ target }) => FULL_PAGE_TARGETS.has(target));
    bundles.push({
      handle: extension.handle,
      targets: extension.targets,
      file,
      bytes: code.byteLength,
      gzipBytes: gzipSync(code, { level: 9 }).byteLength,
      limitBytes: fullPage ? FULL_PAGE_SIZE_LIMIT_BYTES : SIZE_LIMIT_BYTES,
    });
  }
  return bundles;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const appUrl = process.env.APP_URL ?? process.env.SHOPIFY_APP_URL;
  if (!appUrl) {
    console.error("Set APP_URL (or SHOPIFY_APP_URL) to the app's origin: it is compiled into the extensions.");
    process.exit(1);
  }
  for (const bundle of await buildExtensions({ appUrl })) {
    const status = bundle.gzipBytes <= bundle.limitBytes ? "ok" : "OVER THE LIMIT";
    console.log(`${bundle.handle}: ${bundle.bytes} B, ${bundle.gzipBytes} B gzip (limit ${bundle.limitBytes} B) ${status} -> ${path.relative(ROOT, bundle.file)}`);
  }
}
