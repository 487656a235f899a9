// Every `#graphql` document in app/ must be valid against Shopify's real
// 2026-10 Admin schema: found by scanning the source (not by importing
// documents.ts), so an inline query in a route is checked too.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { Kind, parse, validate, type OperationDefinitionNode } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureAdminSchema } from "../../scripts/fetch-admin-schema";
import { adminSchema } from "../../fake-shopify/schema";
import { rootValue } from "../../fake-shopify/resolvers";
import { ShopState } from "../../fake-shopify/store";

const ROOT = join(import.meta.dirname, "..", "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return ["types", "generated"].includes(name) && dir.endsWith("app") ? [] : sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

const documents = sourceFiles(join(ROOT, "app")).flatMap((file) =>
  [...readFileSync(file, "utf8").matchAll(/`(#graphql[\s\S]*?)`/g)].map((m) => ({
    file: relative(ROOT, file),
    source: m[1],
  })),
);

describe("Admin GraphQL documents", () => {
  beforeAll(() => {
    ensureAdminSchema();
  });

  it("finds the app's documents", () => {
    expect(documents.length).toBeGreaterThanOrEqual(16);
  });

  it.each(documents.map((d) => [`${d.file}: ${/(query|mutation)\s+\w+/.exec(d.source)?.[0]}`, d] as const))(
    "%s is valid against Admin 2026-10",
    (_, d) => {
      expect(d.source, "no ${} interpolation: codegen keys types on the literal").not.toContain("${");
      const doc = parse(d.source);
      expect(validate(adminSchema(), doc).map((e) => e.message)).toEqual([]);
    },
  );

  it("gives every operation a unique name", () => {
    const names = documents.flatMap((d) =>
      parse(d.source).definitions.filter((x): x is OperationDefinitionNode => x.kind === Kind.OPERATION_DEFINITION).map((o) => o.name?.value),
    );
    expect(names).not.toContain(undefined);
    expect(new Set(names).size).toBe(names.length);
  });

  it("uses only root fields the fake Shopify implements", () => {
    const implemented = rootValue(new ShopState("x.myshopify.com", () => new Date(), 1), []);
    const missing = documents.flatMap((d) =>
      parse(d.source).definitions.flatMap((def) =>
        def.kind === Kind.OPERATION_DEFINITION
          ? def.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD && !(s.name.value in implemented) ? [`${d.file}: ${s.name.value}`] : []))
          : [],
      ),
    );
    expect(missing).toEqual([]);
  });
});
