// The settings page's live preview: the storefront block, the launcher and the
// emails as a shopper would see them with the settings being edited (not
// saved). The block and the launcher are the theme extension's own Liquid
// (app/storefront/theme-liquid.server.ts) in the chosen language, with its
// CSS and script inlined, and the app proxy's answers (what the block fetches)
// computed here from the unsaved settings by the same functions the proxy
// uses. The emails are the Emails page's preview (previewEmail). Nothing here
// writes: the program is read, never created or changed.
import type { Db } from "~/db.server";
import { EMAIL_LOCALES, isEmailKind, type EmailKind, type EmailLocale } from "~/email/kinds";
import { emailConfig } from "~/email/config.server";
import { ADMIN_LOCALES, type AdminLocale } from "~/i18n/locales";
import type { Messages } from "~/i18n/messages";
import { toDecimal } from "~/referrals/money";
import type { ProgramSettings } from "~/referrals/program-settings";
import type { ProgramRow } from "~/referrals/programs.server";
import { rewardFor } from "~/referrals/rewards.server";
import { pickLocale, STOREFRONT_LOCALES, translator } from "~/storefront/i18n";
import { offerText } from "~/storefront/offer";
import { summariseStats } from "~/storefront/referrer-stats.server";
import type { BlockData } from "~/storefront/referrer-view.server";
import { shareTexts } from "~/storefront/share-text";
import { assetText, renderBlock } from "~/storefront/theme-liquid.server";
import { editorTexts, previewEmail } from "./emails.server";

export const PREVIEW_VIEWS = ["block", "launcher", "email"] as const;
export type PreviewView = (typeof PREVIEW_VIEWS)[number];
/** Who the block is shown to: the app proxy's three answers for a program that is on. */
export const PREVIEW_SHOPPERS = ["guest", "customer", "referrer"] as const;
export type PreviewShopper = (typeof PREVIEW_SHOPPERS)[number];

export interface PreviewRequest {
  view: PreviewView;
  language: EmailLocale;
  shopper: PreviewShopper;
  kind: EmailKind;
}

export type PreviewRequestErrors = Partial<Record<keyof PreviewRequest, string>>;

const oneOf = <T extends string>(list: readonly T[], value: string): value is T => (list as readonly string[]).includes(value);

/** The preview's own fields (what to show, in which language, to whom), each refused by name. */
export function parsePreviewRequest(form: FormData, t: Messages): { ok: true; request: PreviewRequest } | { ok: false; errors: PreviewRequestErrors } {
  const field = (name: string, fallback: string) => String(form.get(name) ?? fallback);
  const view = field("view", "block");
  const language = field("language", "en");
  const shopper = field("shopper", "guest");
  const kind = field("kind", "INVITATION");
  const p = t.settings.preview;
  const errors: PreviewRequestErrors = {};
  if (!oneOf(PREVIEW_VIEWS, view)) errors.view = p.badView;
  // The storefront's languages and the emails' are the same six; both lists are checked.
  if (!oneOf(EMAIL_LOCALES, language) || !STOREFRONT_LOCALES.includes(language)) errors.language = p.badLanguage;
  if (!oneOf(PREVIEW_SHOPPERS, shopper)) errors.shopper = p.badShopper;
  if (!isEmailKind(kind)) errors.kind = p.badKind;
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, request: { view, language, shopper, kind } as PreviewRequest };
}

/** The language the preview opens in: the shop's primary language when the storefront has it, else the merchant's. */
export function defaultPreviewLanguage(primaryLocale: string | null, adminLocale: AdminLocale): EmailLocale {
  if (primaryLocale) {
    const { language } = pickLocale(primaryLocale);
    if (oneOf(EMAIL_LOCALES, language) && primaryLocale.toLowerCase().startsWith(language)) return language;
  }
  return oneOf(EMAIL_LOCALES, adminLocale) && oneOf(ADMIN_LOCALES, adminLocale) ? adminLocale : "en";
}

/** The stored program with the unsaved settings in its place, as every renderer reads a program. */
export function programWith(program: ProgramRow, settings: ProgramSettings): ProgramRow {
  return {
    ...program,
    ...settings,
    friendOfferValue: toDecimal(settings.friendOfferValue),
    rewardValue: toDecimal(settings.rewardValue),
    minimumOrderAmount: settings.minimumOrderAmount === null ? null : toDecimal(settings.minimumOrderAmount),
  };
}

/** What the app proxy would answer the block (GET /data, POST /enrol) for this shopper, from the unsaved settings. */
export function proxyAnswers(program: ProgramRow, shopper: PreviewShopper, language: string, now = new Date()) {
  if (!program.enabled) return { data: { state: "unavailable" } satisfies BlockData, enrol: {} };
  const t = translator(language);
  const offer = offerText(program, t, language);
  const origin = program.storefrontUrl ?? `https://${program.shop}`;
  const code = `${program.codePrefix}-SAMPLE`;
  // Single-use friend codes: the referrer shares their link, not a code (referrer-view.server.ts).
  const linkOnly = program.friendCodeMode === "SINGLE_USE";
  // One friend ordered and one reward was earned, as the reward settings would give it.
  const reward = rewardFor(program, program.currencyCode, now);
  const stats = summariseStats(
    { _count: { referrals: 1 }, rewards: [{ ...reward, code: reward.code ? `${program.codePrefix}-REWARD-SAMPLE` : null, status: "ISSUED" }] },
    language,
    now,
  );
  const referrer: BlockData = {
    state: "referrer",
    offer,
    code: linkOnly ? null : code,
    share: shareTexts({ template: program.shareMessage, offer, code, linkOnly, origin, t }),
    stats: shopper === "guest" ? null : stats,
  };
  if (shopper === "referrer") return { data: referrer, enrol: referrer };
  // A guest who joins is never shown a link (apps.referrals.enrol.tsx): it is emailed, or they sign in.
  const enrol = shopper === "guest" ? { state: emailConfig() ? "check_email" : "sign_in" } : { ...referrer, stats: null };
  return { data: { state: shopper, offer } satisfies BlockData, enrol };
}

/** A shopper signed in to the storefront (the block shows the stats only to a customer). */
const SAMPLE_CUSTOMER = { id: 1, first_name: "Rita", email: "rita@example.com" };

/**
 * The block or the launcher as a whole page for a sandboxed iframe: the
 * extension's Liquid rendered in `language`, its CSS and script inlined as
 * data: URLs (the page has no origin to load them from), and the app proxy
 * answered by a stand-in for fetch with `proxyAnswers`.
 */
export async function storefrontPreviewPage(program: ProgramRow, request: Pick<PreviewRequest, "view" | "language" | "shopper">, now = new Date()): Promise<string> {
  const { view, language, shopper } = request;
  const assets: Record<string, string> = {
    "referral-block.css": dataUrl("text/css", assetText("referral-block.css")),
    "referral-block.js": dataUrl("text/javascript", assetText("referral-block.js")),
    // Link capture (the embed's script) needs a ?ref= link, the storefront's
    // storage and its cart: it has nothing to show here.
    "referral-embed.js": dataUrl("text/javascript", "/* link capture: not previewed */"),
  };
  const assetUrl = (name: string) => {
    const url = assets[name];
    if (!url) throw new Error(`The preview has no asset ${name}`);
    return url;
  };
  const globals = {
    language,
    customer: shopper === "guest" ? null : SAMPLE_CUSTOMER,
    shopUrl: program.storefrontUrl ?? `https://${program.shop}`,
    blockId: "preview",
  };
  const body =
    view === "launcher"
      ? await renderBlock("referral-embed", { ...globals, settings: { launcher: true } }, { assetUrl })
      : await renderBlock("referral", globals, { assetUrl });
  const answers = proxyAnswers(program, shopper, language, now);
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{margin:0;padding:0 1.25rem;min-height:100vh;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Lohit Devanagari",sans-serif;color:#1a1a1a;background:#fff}</style>
<script type="application/json" id="rfl-preview-answers">${scriptJson(answers)}</script>
<script>${STAND_IN(view === "launcher")}</script>
</head>
<body>
${body}
</body>
</html>`;
}

/**
 * Runs in the preview page before the extension's scripts: answers their
 * fetches to the app proxy with the preview's answers, keeps links from
 * leaving the preview, and opens the launcher's panel.
 */
const STAND_IN = (openLauncher: boolean) => `(function () {
  var answers = JSON.parse(document.getElementById('rfl-preview-answers').textContent);
  window.fetch = function (url) {
    var path = String(url).split('?')[0];
    var body = answers[path.slice(path.lastIndexOf('/') + 1)] || {};
    return Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } }));
  };
  document.addEventListener('click', function (event) {
    if (event.target.closest && event.target.closest('a[href]')) event.preventDefault();
  }, true);
  ${openLauncher ? "document.addEventListener('DOMContentLoaded', function () { var b = document.querySelector('[data-rfl-launcher] > button'); if (b) b.click(); });" : ""}
})();`;

function dataUrl(type: string, text: string): string {
  return `data:${type};charset=utf-8;base64,${Buffer.from(text, "utf8").toString("base64")}`;
}

/** JSON inside a <script> element: nothing in it can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** The email `kind` in `language` as the Emails page previews it (the merchant's saved texts), with the unsaved settings. */
export async function emailPreview(db: Db, program: ProgramRow, kind: EmailKind, language: EmailLocale) {
  const texts = await editorTexts(db, program.shop, kind, language);
  const rendered = await previewEmail(program, kind, language, { subject: texts.subject, heading: texts.heading, body: texts.body });
  return { subject: rendered.subject, html: rendered.html };
}
