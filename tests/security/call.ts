// Calls a route module's loader or action as Remix would and reduces the
// answer to a status and the body text (a thrown Response is the answer; plain
// data is what Remix would serialise as JSON).
import type { RouteModule } from "./routes";

export interface Answer {
  status: number;
  body: string;
  headers: Headers;
}

export async function answerOf(
  handler: NonNullable<RouteModule["loader"]>,
  request: Request,
  params: Record<string, string> = {},
): Promise<Answer> {
  let result: unknown;
  try {
    result = await handler({ request, params, context: {} });
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    result = thrown;
  }
  if (result instanceof Response) return { status: result.status, body: await result.text(), headers: result.headers };
  return { status: 200, body: JSON.stringify(result ?? null), headers: new Headers() };
}

/** The handler Remix runs for the method: the loader for GET/HEAD, the action otherwise. */
export function handlerFor(module: RouteModule, method: string) {
  return method === "GET" || method === "HEAD" ? module.loader : module.action;
}

/** React's escaping of text content (react-dom/server escapeTextForBrowser). */
export function reactEscaped(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" })[c]!);
}
