// What the partner portal's forms do (POST /apps/referrals/partners/portal,
// and POST .../sign-in once the link is redeemed): each form carries the
// signed session and an intent. The session must be this app's, for this
// shop (the proxy's signed `shop`), not expired, and its partner must still
// be one who may sign in; anything else gets the "ask for a new link" page,
// never another partner's data.
import type { Db } from "~/db.server";
import { env } from "~/env.server";
import { acceptAgreement } from "~/partners/agreement.server";
import { partnerPortal, type PortalData } from "~/partners/portal.server";
import { portalSessionToken, readPortalSession } from "~/partners/sign-in.server";
import { acceptedAgreementPrintout } from "~/printables/partner-agreement.server";
import { printChoiceOf, referrerPrintout, pdfResponse } from "~/printables/referrer-printables.server";
import { deviceHashes } from "~/referrals/device";
import { PRIVATE_HEADERS, rateLimited } from "../proxy-http.server";
import type { ProxyContext } from "../proxy-context";
import { signInRequestPage } from "./partner-page.server";
import { portalPage, type PortalPageExtra } from "./portal-page.server";

/** The private pages (sign-in, portal): never cached, never indexed. */
export const NOINDEX_HEADERS = { ...PRIVATE_HEADERS, "X-Robots-Tag": "noindex, nofollow" } as const;

export const PORTAL_INTENTS = ["view", "accept", "brochure", "poster", "agreement-pdf"] as const;
export type PortalIntent = (typeof PORTAL_INTENTS)[number];

type Liquid = (body: string, init?: ResponseInit) => Response;

const text = (value: unknown) => (typeof value === "string" ? value : "");

/** The "your session ended, ask for a new link" page. */
export function sessionEnded(ctx: ProxyContext, liquid: Liquid, status = 401): Response {
  return liquid(signInRequestPage(ctx, { message: "ended" }), { status, headers: NOINDEX_HEADERS });
}

/** A new session for the partner who just redeemed a link, and their portal. */
export async function openPortal(db: Db, ctx: ProxyContext, liquid: Liquid, partnerId: string, now: Date): Promise<Response> {
  const data = await partnerPortal(db, { shop: ctx.shop, partnerId });
  if (!data) return sessionEnded(ctx, liquid);
  const session = portalSessionToken(env().SHOPIFY_API_SECRET, { shop: ctx.shop, partnerId, now });
  return liquid(portalPage(ctx, data, session), { headers: NOINDEX_HEADERS });
}

/** One portal form, as its intent says. */
export async function portalAction(db: Db, ctx: ProxyContext, liquid: Liquid, body: Record<string, unknown>, { now, acceptLanguage }: { now: Date; acceptLanguage: string | null }): Promise<Response> {
  const session = text(body.session);
  const checked = readPortalSession(env().SHOPIFY_API_SECRET, session, { shop: ctx.shop, now });
  if (!checked.ok) return sessionEnded(ctx, liquid);
  const partnerId = checked.session.partnerId;
  const intent = (text(body.intent) || "view") as PortalIntent;
  const page = async (extra: PortalPageExtra = {}, status = 200, data?: PortalData | null) => {
    const shown = data ?? (await partnerPortal(db, { shop: ctx.shop, partnerId }));
    if (!shown) return sessionEnded(ctx, liquid);
    return liquid(portalPage(ctx, shown, session, extra), { status, headers: NOINDEX_HEADERS });
  };
  const pdf = intent === "brochure" || intent === "poster" || intent === "agreement-pdf";
  const limited = await rateLimited(db, pdf ? "print" : "partner_portal", ctx);
  if (limited) return page({ limited: true }, 429).then((r) => withRetryAfter(r, limited));
  const data = await partnerPortal(db, { shop: ctx.shop, partnerId });
  if (!data) return sessionEnded(ctx, liquid);
  switch (intent) {
    case "view":
      return page({}, 200, data);
    case "accept":
      return accept(db, ctx, body, { partnerId, now, page });
    case "brochure":
    case "poster": {
      const choice = printChoiceOf(new URLSearchParams({ kind: intent, paper: text(body.paper) }), ctx.locale.tag, acceptLanguage);
      const printout =
        choice && data.referrer?.live && !data.agreement.mustAccept
          ? await referrerPrintout(db, { ...choice, shop: ctx.shop, referrer: { id: data.referrer.id }, locale: ctx.locale, requestedOrigin: ctx.requestedOrigin, now, name: data.partner.businessName })
          : null;
      return printout ? pdfResponse(printout) : page({ notLive: true }, 409, data);
    }
    case "agreement-pdf": {
      // The paper as for the brochure: asked for, else by the shopper's region.
      const paper = printChoiceOf(new URLSearchParams({ paper: text(body.paper) }), ctx.locale.tag, acceptLanguage)!.paper;
      const printout = await acceptedAgreementPrintout(db, { shop: ctx.shop, partnerId, language: ctx.locale.language, paper });
      return printout ? pdfResponse(printout) : page({}, 404, data);
    }
    default:
      return page({}, 400, data);
  }
}

async function accept(
  db: Db,
  ctx: ProxyContext,
  body: Record<string, unknown>,
  { partnerId, now, page }: { partnerId: string; now: Date; page: (extra?: PortalPageExtra, status?: number) => Promise<Response> },
): Promise<Response> {
  const signature = text(body.signature).slice(0, 500);
  const accepted = body.accepted === "on" || body.accepted === "true" || body.accepted === true;
  const ipHash = deviceHashes(ctx.shop, { ip: ctx.ip, userAgent: null }).ipHash;
  const outcome = await acceptAgreement(db, { shop: ctx.shop, partnerId, version: text(body.agreementVersion), signature, accepted, ipHash, now });
  if (outcome.ok) return page({ acceptedVersion: outcome.version });
  // "none": nothing to accept (no agreement, or no longer a partner who may): the portal as it is now says which.
  if (outcome.errors.agreement === "none") return page({}, 409);
  return page({ errors: outcome.errors, values: { signature } }, 422);
}

function withRetryAfter(response: Response, limited: Response): Response {
  response.headers.set("Retry-After", limited.headers.get("Retry-After") ?? "60");
  return response;
}
