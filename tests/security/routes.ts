// Every route the app serves, discovered the way Remix discovers them
// (@remix-run/dev's flatRoutes over app/routes, the same convention and ignore
// patterns as vite.config.ts), each module imported. A route added later is
// swept by the hostile-input suite without anyone listing it here. From the
// same manifest: a real Remix server build, so admin pages can be rendered to
// HTML by the app's own entry.server.tsx, exactly as the server renders them.
import path from "node:path";
import { flatRoutes } from "@remix-run/dev/dist/config/flat-routes.js";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { PROJECT_ROOT } from "~/db-url";

export interface RouteModule {
  loader?: (args: { request: Request; params: Record<string, string>; context: object }) => unknown;
  action?: (args: { request: Request; params: Record<string, string>; context: object }) => unknown;
  default?: unknown;
  ErrorBoundary?: unknown;
  [key: string]: unknown;
}

export type Surface = "webhook" | "proxy" | "admin" | "extension" | "auth" | "other";

export interface DiscoveredRoute {
  id: string;
  file: string;
  parentId: string;
  /** The URL pattern with params (":id") and splats ("*"), e.g. /app/referrals/:id. */
  pattern: string;
  index: boolean;
  params: string[];
  surface: Surface;
  module: RouteModule;
}

const APP_DIR = path.join(PROJECT_ROOT, "app");
// As in vite.config.ts.
const IGNORED = ["**/.*", "**/*.test.{ts,tsx}"];

// Vite/vitest resolve these statically; a new file under app/routes is still
// picked up (the glob is evaluated by the transform at import time).
const modules = import.meta.glob<RouteModule>(["../../app/routes/**/*.{ts,tsx}", "!../../app/routes/**/*.test.{ts,tsx}"]);

function surfaceOf(pattern: string): Surface {
  if (pattern === "/webhooks" || pattern.startsWith("/webhooks/")) return "webhook";
  if (pattern.startsWith("/apps/")) return "proxy";
  if (pattern.startsWith("/api/extensions/")) return "extension";
  if (pattern === "/app" || pattern.startsWith("/app/")) return "admin";
  if (pattern.startsWith("/auth")) return "auth";
  return "other";
}

let discovered: Promise<{ routes: DiscoveredRoute[]; root: RouteModule }> | null = null;

export function discoverRoutes() {
  discovered ??= (async () => {
    const manifest = flatRoutes(APP_DIR, IGNORED);
    const byId = new Map(Object.values(manifest).map((r) => [r.id, r]));
    const patternOf = (id: string | undefined): string => {
      if (!id || id === "root") return "";
      const r = byId.get(id)!;
      const own = r.path ? `/${r.path}` : "";
      return `${patternOf(r.parentId)}${own}`;
    };
    const routes: DiscoveredRoute[] = [];
    for (const r of Object.values(manifest)) {
      const key = `../../app/${r.file}`;
      const load = modules[key];
      if (!load) throw new Error(`route ${r.id} (${r.file}) is not in the import glob of tests/security/routes.ts`);
      const pattern = patternOf(r.id) || "/";
      routes.push({
        id: r.id,
        file: r.file,
        parentId: r.parentId ?? "root",
        pattern,
        index: Boolean(r.index),
        params: [...pattern.matchAll(/:(\w+)/g)].map((m) => m[1]).concat(pattern.endsWith("*") ? ["*"] : []),
        surface: surfaceOf(pattern),
        module: await load(),
      });
    }
    const root = (await import("~/root")) as RouteModule;
    return { routes: routes.sort((a, b) => a.pattern.localeCompare(b.pattern) || a.id.localeCompare(b.id)), root };
  })();
  return discovered;
}

/** The route's URL with its params filled in. */
export function urlFor(route: DiscoveredRoute, params: Record<string, string> = {}): string {
  return route.pattern.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params[name] ?? "x")).replace(/\*$/, params["*"] ?? "");
}

/** A Remix server build of the discovered routes with the app's entry.server.tsx: documents as the server renders them. */
export async function appRequestHandler() {
  const { routes, root } = await discoverRoutes();
  const entry = await import("~/entry.server");
  const serverRoutes: ServerBuild["routes"] = {
    root: { id: "root", path: "", module: root as never },
  };
  const entryRoutes: ServerBuild["assets"]["routes"] = {
    root: entryRoute("root", undefined, "", false, root),
  };
  for (const r of routes) {
    const own = r.pattern.slice(patternOfParent(routes, r.parentId).length).replace(/^\//, "");
    serverRoutes[r.id] = { id: r.id, parentId: r.parentId, path: own || undefined, index: r.index || undefined, module: r.module as never };
    entryRoutes[r.id] = entryRoute(r.id, r.parentId, own || undefined, r.index, r.module);
  }
  const build: ServerBuild = {
    mode: "production",
    entry: { module: entry as never },
    routes: serverRoutes,
    assets: { entry: { imports: [], module: "/build/entry.client.js" }, routes: entryRoutes, url: "/build/manifest.js", version: "test" },
    publicPath: "/build/",
    assetsBuildDirectory: "build/client",
    future: { v3_fetcherPersist: true, v3_relativeSplatPath: true, v3_throwAbortReason: true, v3_lazyRouteDiscovery: true, v3_singleFetch: false, v3_routeConfig: false } as never,
    isSpaMode: false,
  };
  return createRequestHandler(build, "production");
}

function patternOfParent(routes: DiscoveredRoute[], parentId: string): string {
  if (parentId === "root") return "";
  return routes.find((r) => r.id === parentId)!.pattern;
}

function entryRoute(id: string, parentId: string | undefined, routePath: string | undefined, index: boolean, module: RouteModule) {
  return {
    id,
    parentId,
    path: routePath,
    index: index || undefined,
    caseSensitive: undefined,
    hasAction: typeof module.action === "function",
    hasLoader: typeof module.loader === "function",
    hasClientAction: false,
    hasClientLoader: false,
    hasErrorBoundary: typeof module.ErrorBoundary === "function",
    imports: [],
    css: [],
    module: `/build/${id}.js`,
  };
}
