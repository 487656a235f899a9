// /email/unsubscribe/<token>: the unsubscribe link of every non-essential email.
// GET shows a page with one button (link scanners that open every URL in a
// message must not unsubscribe anyone); POST unsubscribes at once: the
// button, and the one-click POST mail clients send for List-Unsubscribe-Post
// (RFC 8058: body "List-Unsubscribe=One-Click", no cookies, no login).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { env } from "~/env.server";
import { fill, pickLocale } from "~/email/kinds";
import { DEFAULT_TEXTS } from "~/email/texts";
import { readUnsubscribeToken, suppress, UNSUBSCRIBED } from "~/email/unsubscribe.server";
import { escapeHtml } from "~/email/render.server";
import { shopDisplayName } from "~/email/compose.server";

const HEADERS = {
  "Content-Type": "text/html; charset=utf-8",
  "Cache-Control": "no-store",
  "X-Robots-Tag": "noindex",
  "Referrer-Policy": "no-referrer",
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
};

function page(lang: string, title: string, body: string, status = 200): Response {
  const html = `<!doctype html><html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;background:#f4f4f5;color:#18181b;margin:0;padding:48px 16px}main{max-width:480px;margin:0 auto;background:#fff;border-radius:8px;padding:32px}h1{font-size:22px;margin:0 0 16px}p{line-height:1.5}button{font:inherit;font-weight:600;background:#18181b;color:#fff;border:0;border-radius:6px;padding:12px 24px;cursor:pointer}</style></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
  return new Response(html, { status, headers: HEADERS });
}

async function read(request: Request, token: string | undefined) {
  const lang = pickLocale(new URL(request.url).searchParams.get("lang"), request.headers.get("accept-language"));
  const common = DEFAULT_TEXTS[lang].common;
  const target = token ? readUnsubscribeToken(env().SHOPIFY_API_SECRET, token) : null;
  if (!target) return { lang, common, target: null, shopName: "" };
  const program = await db.program.findUnique({ where: { shop: target.shop } });
  return { lang, common, target, shopName: program ? shopDisplayName(program) : target.shop };
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { lang, common, target, shopName } = await read(request, params.token);
  if (!target) return page(lang, common.unsub_invalid, "", 404);
  const already = await db.emailSuppression.findUnique({ where: { shop_emailKey: { shop: target.shop, emailKey: target.emailKey } } });
  if (already) return page(lang, fill(common.unsub_done, { shop_name: shopName }), "");
  return page(
    lang,
    fill(common.unsub_title, { shop_name: shopName }),
    `<p>${escapeHtml(common.unsub_explain)}</p><form method="post"><button type="submit">${escapeHtml(common.unsub_button)}</button></form>`,
  );
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST") return new Response("Method Not Allowed", { status: 405, headers: { Allow: "GET, POST" } });
  const { lang, common, target, shopName } = await read(request, params.token);
  if (!target) return page(lang, common.unsub_invalid, "", 404);
  await suppress(db, { shop: target.shop, emailKey: target.emailKey, reason: UNSUBSCRIBED });
  return page(lang, fill(common.unsub_done, { shop_name: shopName }), "");
};
