// The one endpoint every webhook subscription in shopify.app.toml posts to
// (see app/jobs/receive-webhook.server.ts for what it does).
import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { env } from "../env.server";
import { methodNotAllowed, receiveWebhook } from "../jobs/receive-webhook.server";

export const loader = () => methodNotAllowed();

export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, { db, secret: env().SHOPIFY_API_SECRET });
