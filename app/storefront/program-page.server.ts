// The program page at /apps/referrals: Liquid that Shopify renders inside the
// shop's theme layout, so it wears the theme. Every dynamic value goes through
// escapeLiquidHtml; the only Liquid evaluated is what is written here.
import type { Db } from "~/db.server";
import type { EnrolmentErrors } from "./enrolment.server";
import { translator, type Translate } from "./i18n";
import { escapeLiquidHtml as esc } from "./liquid-escape";
import { secondTierText } from "./offer";
import { blockData, liveProgram, type ReferrerView } from "./referrer-view.server";
import type { ProxyContext } from "./proxy-context";
import type { ShareChannel } from "./share-text";

export interface ProgramPageInput {
  t: Translate;
  state: "unavailable" | "guest" | "customer" | "referrer";
  offer?: string;
  terms?: string;
  /** The second-tier fee's description, while it is on. */
  secondTier?: string | null;
  view?: ReferrerView;
  errors?: EnrolmentErrors;
  email?: string;
  joined?: boolean;
  /** A guest just joined: told to sign in with the email to see the link (the same whatever the email). */
  signIn?: boolean;
  /** The guest's link was emailed (email is on). */
  emailed?: boolean;
  language: string;
}

const NETWORKS: ShareChannel[] = ["email", "whatsapp", "x", "facebook", "sms"];

export function programPageLiquid(input: ProgramPageInput): string {
  const { t } = input;
  const parts = [`<div class="rfl-page page-width" lang="${esc(input.language)}">`, `<h1>${esc(t("page.title"))}</h1>`];
  if (input.state === "unavailable") {
    parts.push(`<p>${esc(t("page.unavailable"))}</p>`, "</div>", STYLE);
    return parts.join("\n");
  }
  // The theme's customer object gives the name; the signed request decided what is shown.
  const greeting = esc(t("page.greeting", { name: "\u0000" })).replace("\u0000", "{{ customer.first_name | escape }}");
  parts.push(
    `{% if customer and customer.first_name != blank %}<p>${greeting}</p>{% endif %}`,
    `<p>${esc(t("page.intro", { offer: input.offer ?? "" }))}</p>`,
    `<h2>${esc(t("page.how_heading"))}</h2>`,
    `<ol>${["page.step_1", "page.step_2", "page.step_3"].map((k) => `<li>${esc(t(k))}</li>`).join("")}</ol>`,
    input.view ? referrerSection(input, input.view) : input.signIn ? signInSection(input) : joinForm(input),
    `<section id="rfl-terms" aria-labelledby="rfl-terms-heading"><h2 id="rfl-terms-heading">${esc(t("page.terms_heading"))}</h2>`,
    `<div class="rfl-terms">${input.terms?.trim() ? esc(input.terms.trim()).replace(/\r?\n/g, "<br>") : input.secondTier ? "" : esc(t("page.no_terms"))}</div>`,
    input.secondTier ? `<p class="rfl-second-tier">${esc(input.secondTier)}</p>` : "",
    "</section>",
    "</div>",
    STYLE,
  );
  return parts.join("\n");
}

/**
 * The signed-in referrer's printables (app/routes/apps.referrals.print.tsx), in
 * the page's language and on the domain their link uses.
 */
function printLinks({ t, language }: ProgramPageInput, view: ReferrerView): string {
  const query = (kind: string) => `/apps/referrals/print?${new URLSearchParams({ kind, locale: language, origin: new URL(view.share.link).origin })}`;
  return (
    `<h3>${esc(t("print.links_heading"))}</h3><ul class="rfl-print">` +
    `<li><a href="${esc(query("brochure"))}" download>${esc(t("print.brochure_link"))}</a></li>` +
    `<li><a href="${esc(query("poster"))}" download>${esc(t("print.poster_link"))}</a></li></ul>`
  );
}

function referrerSection(input: ProgramPageInput, view: ReferrerView): string {
  const { t, joined } = input;
  const links = NETWORKS.map((channel) => {
    const share = view.share.channels[channel];
    return `<li><a href="${esc(share.url ?? share.link)}" target="_blank" rel="noopener">${esc(t(`block.share_${channel}`))}<span class="rfl-vh"> (${esc(t("block.new_window"))})</span></a></li>`;
  }).join("");
  const stats = view.stats
    ? `<h3>${esc(t("block.stats_heading"))}</h3><dl class="rfl-stats">` +
      `<div><dt>${esc(t("block.friends_ordered"))}</dt><dd>${esc(view.stats.friendsOrdered)}</dd></div>` +
      `<div><dt>${esc(t("block.rewards_earned"))}</dt><dd>${esc(view.stats.rewardsEarned)}</dd></div></dl>` +
      `<h3>${esc(t("block.codes_heading"))}</h3>` +
      (view.stats.unusedCodes.length
        ? `<ul>${view.stats.unusedCodes.map((c) => `<li><code>${esc(c.code)}</code> ${esc(c.value)}</li>`).join("")}</ul>`
        : `<p>${esc(t("block.no_codes"))}</p>`) +
      (view.stats.creditExpiry?.length
        ? `<h3>${esc(t("block.credit_heading"))}</h3><ul>${view.stats.creditExpiry.map((line) => `<li>${esc(line)}</li>`).join("")}</ul>`
        : "") +
      (view.stats.nextMilestone ? `<p class="rfl-milestone">${esc(view.stats.nextMilestone)}</p>` : "")
    : "";
  return [
    `<section aria-labelledby="rfl-referrer-heading"><h2 id="rfl-referrer-heading">${esc(t("page.referrer_heading"))}</h2>`,
    joined ? `<p role="status">${esc(t("page.joined"))}</p>` : "",
    `<label for="rfl-link">${esc(t("block.link_label"))}</label>`,
    `<input id="rfl-link" class="rfl-input" type="text" readonly value="${esc(view.share.link)}">`,
    view.code ? `<p>${esc(t("block.code_label"))}: <strong>${esc(view.code)}</strong></p>` : "",
    `<h3>${esc(t("block.share_heading"))}</h3><ul class="rfl-share">${links}</ul>`,
    printLinks(input, view),
    stats,
    `</section>`,
  ].join("\n");
}

// The sign-in URL is the theme's (classic or new customer accounts): Shopify fills it in.
function signInSection({ t, emailed }: ProgramPageInput): string {
  return [
    `<section aria-labelledby="rfl-join-heading"><h2 id="rfl-join-heading">${esc(t("page.join_heading"))}</h2>`,
    `<p role="status">${esc(t(emailed ? "block.joined_guest_email" : "block.joined_guest"))}</p>`,
    `<p><a class="button" href="{{ routes.account_login_url }}">${esc(t("block.sign_in"))}</a></p>`,
    `</section>`,
  ].join("\n");
}

function joinForm({ t, state, errors = {}, email = "", language }: ProgramPageInput): string {
  const fieldError = (field: "email" | "terms") =>
    errors[field] ? `<p id="rfl-${field}-error" class="rfl-error">${esc(errors[field] as string)}</p>` : "";
  const invalid = (field: "email" | "terms") => (errors[field] ? ` aria-invalid="true" aria-describedby="rfl-${field}-error"` : "");
  const emailField =
    state === "guest"
      ? `<div class="rfl-field"><label for="rfl-email">${esc(t("block.email_label"))}</label>` +
        `<input id="rfl-email" class="rfl-input" type="email" name="email" autocomplete="email" maxlength="254" required value="${esc(email)}"${invalid("email")}>${fieldError("email")}</div>`
      : "";
  return [
    `<section aria-labelledby="rfl-join-heading"><h2 id="rfl-join-heading">${esc(t("page.join_heading"))}</h2>`,
    errors.form ? `<p class="rfl-error" role="alert">${esc(errors.form)}</p>` : "",
    // action last: the Shopify library's liquid() helper rewrites it to the trailing-slash form the proxy expects.
    `<form method="post" action="/apps/referrals/join?locale=${esc(encodeURIComponent(language))}">`,
    emailField,
    `<div class="rfl-field rfl-check"><input id="rfl-terms-box" type="checkbox" name="terms" value="on" required${invalid("terms")}>`,
    `<label for="rfl-terms-box">${esc(t("block.terms_label"))}</label> <a href="#rfl-terms">${esc(t("block.terms_link"))}</a>${fieldError("terms")}</div>`,
    `<button type="submit" class="button">${esc(t("block.join"))}</button>`,
    `</form></section>`,
  ].join("\n");
}

// Colours and fonts come from the theme; only spacing and the focus ring are set.
const STYLE = `<style>
.rfl-page{max-width:48rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
.rfl-page .rfl-field{margin:1rem 0}
.rfl-page label{display:block;margin-bottom:.25rem}
.rfl-page .rfl-check{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
.rfl-page .rfl-check label{display:inline;margin:0}
.rfl-page .rfl-input{width:100%;max-width:32rem;padding:.6rem;font:inherit;color:inherit;background:transparent;border:1px solid currentColor}
.rfl-page .rfl-error{font-weight:600}
.rfl-page .rfl-share{display:flex;flex-wrap:wrap;gap:.75rem;list-style:none;padding:0}
.rfl-page .rfl-stats{display:flex;gap:2rem}
.rfl-page .rfl-stats dd{margin:0;font-size:1.5em;font-weight:600}
.rfl-page :focus-visible{outline:2px solid currentColor;outline-offset:2px}
.rfl-vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
</style>`;

/** The page for this request: the referrer's link when enrolled, else the join form. */
export async function programPageFor(
  db: Db,
  ctx: ProxyContext,
  extra: Pick<ProgramPageInput, "errors" | "email" | "joined" | "view" | "signIn" | "emailed"> = {},
): Promise<string> {
  const t = translator(ctx.locale.language);
  const language = ctx.locale.language;
  const live = await liveProgram(db, ctx);
  if (!live) return programPageLiquid({ t, language, state: "unavailable" });
  const secondTier = secondTierText(live.program, live.t, ctx.locale.tag);
  const base = { t: live.t, language, offer: live.offer, terms: live.program.terms, secondTier, ...extra };
  if (extra.view) return programPageLiquid({ ...base, offer: extra.view.offer, state: "referrer" });
  if (!ctx.customerId) return programPageLiquid({ ...base, state: "guest" });
  const data = await blockData(db, ctx);
  // The referrer's own variant's offer (blockData's), when they are in an incentive experiment.
  if (data.state === "referrer") return programPageLiquid({ ...base, offer: data.offer, state: "referrer", view: data });
  return programPageLiquid({ ...base, state: data.state === "unavailable" ? "unavailable" : "customer" });
}
