// Calls the extension routes as Shopify's UI extensions do: a Bearer session
// token signed with the app secret (fake-shopify/sign.ts), from another origin.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { extensionSessionToken } from "../../fake-shopify/sign";

type Handler = (args: LoaderFunctionArgs & ActionFunctionArgs) => unknown;

export const EXTENSION_ORIGIN = "https://extensions.shopifycdn.com";

export function extensionToken(shop: string, options: { customerId?: string | null; ttlSeconds?: number; apiKey?: string; secret?: string } = {}) {
  return extensionSessionToken({
    shop,
    apiKey: options.apiKey ?? process.env.SHOPIFY_API_KEY!,
    secret: options.secret ?? process.env.SHOPIFY_API_SECRET!,
    customerId: options.customerId ?? null,
    ttlSeconds: options.ttlSeconds,
  });
}

export interface CallInput {
  path: string;
  method?: string;
  token?: string | null;
  body?: unknown;
  ip?: string;
}

export interface CallResult {
  status: number;
  json: Record<string, unknown> | null;
  text: string;
  headers: Headers;
}

/** The handler Remix runs for the method (loader for GET, action otherwise); a thrown Response is the answer. */
export async function callExtension(module: { loader?: Handler; action?: Handler }, input: CallInput): Promise<CallResult> {
  const method = input.method ?? (input.body === undefined ? "GET" : "POST");
  const headers = new Headers({ Origin: EXTENSION_ORIGIN, "X-Forwarded-For": input.ip ?? "203.0.113.7" });
  if (input.token) headers.set("Authorization", `Bearer ${input.token}`);
  if (input.body !== undefined) headers.set("Content-Type", "application/json");
  const request = new Request(`${process.env.SHOPIFY_APP_URL}${input.path}`, {
    method,
    headers,
    body: input.body === undefined ? undefined : JSON.stringify(input.body),
  });
  const handler = method === "GET" || method === "HEAD" ? module.loader : module.action;
  let result: unknown;
  try {
    result = await handler!({ request, params: {}, context: {} });
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    result = thrown;
  }
  const response = result as Response;
  const text = await response.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : null;
  } catch {
    json = null;
  }
  return { status: response.status, json, text, headers: response.headers };
}
