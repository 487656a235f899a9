// Calls the embedded admin's loaders and actions the way App Bridge does: a
// request carrying a session token signed with the app's secret, answered by
// the app's own `authenticate.admin` against the shop's offline session in the
// test database. The shop comes from the token, as in production.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { seedInstalledShop } from "../../fake-shopify/seed";
import { sessionToken as signSessionToken } from "../../fake-shopify/sign";

/** The offline session `authenticate.admin` looks up (scopes equal to the app's, so no token exchange). */
export async function installShop(shop: string) {
  await seedInstalledShop(db, shop);
}

/** A session token for a staff member of `shop` (fake-shopify/sign.ts), signed with the app's secret unless `secret` says otherwise. */
export function sessionToken(shop: string, { user = "42", ttlSeconds = 3600, secret = process.env.SHOPIFY_API_SECRET! } = {}) {
  return signSessionToken({ shop, apiKey: process.env.SHOPIFY_API_KEY!, secret, user, ttlSeconds });
}

export function adminRequest(shop: string, path: string, form?: Record<string, string | string[]>) {
  const headers = new Headers({ Authorization: `Bearer ${sessionToken(shop)}` });
  if (!form) return new Request(`${process.env.SHOPIFY_APP_URL}${path}`, { headers });
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) for (const v of [value].flat()) body.append(key, v);
  return new Request(`${process.env.SHOPIFY_APP_URL}${path}`, { method: "POST", headers, body });
}

type Loader = (args: LoaderFunctionArgs) => unknown;
type Action = (args: ActionFunctionArgs) => unknown;

/** The loader's data (a returned Response is parsed as JSON), or the thrown Response. */
export async function load<L extends Loader>(loader: L, shop: string, path: string, params: Record<string, string> = {}) {
  return unwrap(await loader({ request: adminRequest(shop, path), params, context: {} })) as Awaited<ReturnType<L>> extends Response ? unknown : Awaited<ReturnType<L>>;
}

export async function act(action: Action, shop: string, path: string, form: Record<string, string | string[]>, params: Record<string, string> = {}) {
  const result = await action({ request: adminRequest(shop, path, form), params, context: {} });
  return result instanceof Response ? { status: result.status, data: await result.json() } : { status: 200, data: result };
}

async function unwrap(result: unknown) {
  if (result instanceof Response && result.headers.get("Content-Type")?.includes("json")) return result.json();
  return result;
}

/** The status of the Response the call throws (404 for another shop's ids), or fails. */
export async function thrownStatus(call: () => Promise<unknown>): Promise<number> {
  try {
    await call();
  } catch (error) {
    if (error instanceof Response) return error.status;
    throw error;
  }
  throw new Error("expected the call to throw a Response");
}
