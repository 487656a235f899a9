// GET /api/v1/rewards: the shop's rewards, newest first, filtered and paged
// (app/api/resources.server.ts; the contract is app/api/openapi.ts).
import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { apiGet, methodNotAllowed } from "~/api/request.server";
import { listRewards } from "~/api/resources.server";

export const loader = ({ request }: LoaderFunctionArgs) => apiGet(request, (shop, query) => listRewards(db, shop, query));

export const action = methodNotAllowed;
