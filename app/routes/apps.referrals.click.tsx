// POST /apps/referrals/click: the embed reports a visit through a referral link.
// The answer is the same whether the code exists, is disabled or is unknown,
// except that it names an active referrer who allowed their first name to be
// shown ({ offer, referrer: "Rita" }); otherwise referrer is null. With
// single-use friend codes (friend-codes.server.ts) a visit by an active
// referrer's link also gets the friend's own code ({ code: "FRIEND-..." }),
// which the embed applies instead of the referrer's; code is null otherwise.
import type { ActionFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { normaliseChannel, recordClick } from "~/storefront/link-events.server";
import { liveForReferrer, liveProgram } from "~/storefront/referrer-view.server";
import { friendCodeFor } from "~/referrals/friend-codes.server";
import { adminForShop } from "~/shopify/admin-for-shop.server";
import { methodNotAllowed, privateJson, rateLimited, readBody, verifyProxy } from "~/storefront/proxy-http.server";

// The friend is on the page: one quick retry, then the link alone (the embed waits 1.5 s at most).
const SHOPPER_WAITS = { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 200, timeoutMs: 3000 };

export const loader = () => methodNotAllowed("POST");

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return methodNotAllowed("POST");
  const { ctx } = await verifyProxy(request);
  const limited = await rateLimited(db, "click", ctx);
  if (limited) return limited;
  const body = await readBody(request);
  const code = typeof body.code === "string" ? body.code.slice(0, 64) : "";
  const [live, click] = await Promise.all([
    liveProgram(db, ctx),
    code ? recordClick(db, { shop: ctx.shop, code, channel: normaliseChannel(body.channel), visitor: { ip: ctx.ip, userAgent: ctx.userAgent } }) : null,
  ]);
  const friend =
    live && click?.referrer
      ? await friendCodeFor(db, { shop: ctx.shop, program: live.program, referrer: click.referrer, visitor: click.visitor, admin: () => adminForShop(ctx.shop, SHOPPER_WAITS), now: new Date() })
      : null;
  // The offer of the referrer's incentive experiment variant, when they are in one.
  const offer = live && click?.referrer ? (await liveForReferrer(db, ctx, live, click.referrer)).offer : (live?.offer ?? null);
  // The referrer's first name for the welcome banner, only when they allowed it.
  return privateJson({ offer, referrer: (live && click?.firstName) || null, code: friend?.code ?? null });
};
