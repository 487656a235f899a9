// GET /api/v1/referrals: the shop's referrals, newest first, filtered and paged
// (app/api/resources.server.ts; the contract is app/api/openapi.ts).
import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { apiGet, methodNotAllowed } from "~/api/request.server";
import { listReferrals } from "~/api/resources.server";

export const loader = ({ request }: LoaderFunctionArgs) => apiGet(request, (shop, query) => listReferrals(db, shop, query));

export const action = methodNotAllowed;
