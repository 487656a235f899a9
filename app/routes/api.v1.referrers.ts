// GET /api/v1/referrers: the shop's referrers, newest first, filtered and paged
// (app/api/resources.server.ts; the contract is app/api/openapi.ts).
import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { apiGet, methodNotAllowed } from "~/api/request.server";
import { listReferrers } from "~/api/resources.server";

export const loader = ({ request }: LoaderFunctionArgs) => apiGet(request, (shop, query) => listReferrers(db, shop, query));

export const action = methodNotAllowed;
