// Shopify Flow as the fake sees it: the app's deployed trigger extensions
// (every extensions/*/shopify.extension.toml of type flow_trigger, as
// `shopify app deploy` would publish them) and what flowTriggerReceive
// refuses. Shopify's own limit: a payload of at most 50 KB.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "~/db-url";

export const FLOW_PAYLOAD_LIMIT_BYTES = 50_000;

let deployed: string[] | undefined;

/** The handles of the app's Flow trigger extensions. */
export function deployedFlowTriggers(): string[] {
  deployed ??= readdirSync(path.join(PROJECT_ROOT, "extensions"))
    .map((dir) => path.join(PROJECT_ROOT, "extensions", dir, "shopify.extension.toml"))
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file, "utf8"))
    .filter((toml) => /^\s*type\s*=\s*"flow_trigger"\s*$/m.test(toml))
    .map((toml) => /^\s*handle\s*=\s*"([^"]+)"/m.exec(toml)?.[1])
    .filter((handle): handle is string => !!handle);
  return deployed;
}

/** One flowTriggerReceive the fake accepted. */
export interface FakeFlowTrigger {
  handle: string;
  payload: Record<string, unknown>;
  receivedAt: string;
}
