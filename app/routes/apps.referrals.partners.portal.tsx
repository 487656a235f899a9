// POST /apps/referrals/partners/portal: the partner portal's forms (view,
// accept the agreement, the brochure, the poster, the signed agreement), each
// carrying the signed session in a hidden field (app/storefront/partners).
// A GET (a reload, a bookmark) has no session: the page to ask for a new link.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { portalAction, sessionEnded } from "~/storefront/partners/portal-actions.server";
import { methodNotAllowed, readBody, verifyProxy } from "~/storefront/proxy-http.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { ctx, liquid } = await verifyProxy(request);
  return sessionEnded(ctx, liquid, 200);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return methodNotAllowed("GET, POST");
  const { ctx, liquid } = await verifyProxy(request);
  const body = await readBody(request);
  return portalAction(db, ctx, liquid, body, { now: new Date(), acceptLanguage: request.headers.get("accept-language") });
};
