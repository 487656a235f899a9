// GET /printables/<token>?kind=brochure|poster&paper=a4|letter: a referrer's
// printable, by the short-lived signed link the customer account page gets
// from its API (app/printables/print-links.server.ts). The extension cannot
// send its session token with a download, so the link is the proof: a link
// not signed by the app is 404, an expired one 410 (the account page, opened
// again, has a fresh one), and a referrer no longer active, or a shop that
// uninstalled the app, gets nothing (404).
import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { env } from "~/env.server";
import { setLogShop } from "~/ops/logger.server";
import { readPrintToken } from "~/printables/print-links.server";
import { pdfResponse, printChoice, referrerPrintout } from "~/printables/referrer-printables.server";
import { callerIp } from "~/storefront/extension-auth.server";
import { hitRateLimits, storefrontRules } from "~/storefront/rate-limit.server";

const HEADERS = { "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex" } as const;

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const now = new Date();
  const check = readPrintToken(env().SHOPIFY_API_SECRET, params.token ?? "", now);
  if (!check.ok) return new Response(null, { status: check.reason === "expired" ? 410 : 404, headers: HEADERS });
  const { grant } = check;
  setLogShop(grant.shop);
  const limits = await hitRateLimits(db, storefrontRules("print", { shop: grant.shop, ip: callerIp(request.headers, env().TRUSTED_PROXY_HOPS) }));
  if (!limits.ok) return new Response(null, { status: 429, headers: { ...HEADERS, "Retry-After": String(limits.retryAfterSeconds) } });
  const choice = printChoice(new URL(request.url), grant.localeTag, request.headers.get("accept-language"));
  // Shopify stops proxying for an uninstalled app; a link handed out before must stop too.
  const installed = await db.shop.findUnique({ where: { shop: grant.shop }, select: { active: true } });
  if (!choice || !installed?.active) return new Response(null, { status: 404, headers: HEADERS });
  const printout = await referrerPrintout(db, {
    ...choice,
    shop: grant.shop,
    referrer: { id: grant.referrerId },
    locale: { tag: grant.localeTag, language: grant.language },
    requestedOrigin: null,
    now,
  });
  if (!printout) return new Response(null, { status: 404, headers: HEADERS });
  const response = pdfResponse(printout);
  response.headers.set("Referrer-Policy", "no-referrer");
  response.headers.set("X-Robots-Tag", "noindex");
  return response;
};
