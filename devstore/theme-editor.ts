// The dev store's theme editor: where the app's deep links land
// (/admin/themes/current/editor?context=apps&activateAppId=<api key>/<embed>,
// ?template=<t>&addAppBlockId=<api key>/<block>&target=mainSection; the admin
// home links to https://<shop>/admin/..., which the App Bridge stand-in sends
// here). As in Shopify's editor, the link prepares the change and the merchant
// saves it: the embed switched on in config/settings_data.json, the block added
// to the template's main section, in the fake's published theme, which the
// app then reads with read_themes. The storefront renders the block and the
// embed whatever the theme says: only the app's reading of the theme is shown.
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "~/db-url";
import { appBlockType } from "~/admin/theme-files";
import type { FakeTheme } from "../fake-shopify/theme";
import { adminPage, escapeHtml } from "./html";

export const EDITOR_PATH = "/admin/themes/current/editor";

/** The theme app extension's id, as `shopify app deploy` would give it: the uuid in the block types the editor writes. */
export const DEMO_THEME_EXTENSION_ID = "5f0c8a52-0d3e-4e1b-9c3d-7e5f0a1b2c3d";

const BLOCKS_DIR = path.join(PROJECT_ROOT, "extensions/referral/blocks");

/** The extension's block `handle`'s target ("body" for an app embed, "section" for an app block), or null when it has no such block. */
function blockTarget(handle: string): "body" | "section" | null {
  if (!/^[a-z0-9-]+$/.test(handle)) return null;
  const file = path.join(BLOCKS_DIR, `${handle}.liquid`);
  if (!fs.existsSync(file)) return null;
  const target = /"target"\s*:\s*"([^"]+)"/.exec(fs.readFileSync(file, "utf8"))?.[1];
  return target === "body" || target === "section" ? target : null;
}

export type EditorAction = { kind: "embed"; handle: string; type: string } | { kind: "block"; handle: string; type: string; template: string };

/** What a deep link asks, or a sentence saying why the editor cannot do it (Shopify's editor shows such an error too). */
export function readDeepLink(params: URLSearchParams, apiKey: string): EditorAction | { error: string } | null {
  const embed = params.get("activateAppId");
  const block = params.get("addAppBlockId");
  const id = embed ?? block;
  if (!id) return null;
  const [key, handle = ""] = id.split("/");
  if (key !== apiKey) return { error: `No app with the API key "${key}" is installed on this store.` };
  const target = blockTarget(handle);
  if (embed) {
    if (target !== "body") return { error: `"${handle}" is not an app embed of this app.` };
    return { kind: "embed", handle, type: appBlockType(handle, DEMO_THEME_EXTENSION_ID) };
  }
  if (target !== "section") return { error: `"${handle}" is not an app block of this app.` };
  return { kind: "block", handle, type: appBlockType(handle, DEMO_THEME_EXTENSION_ID), template: params.get("template") || "index" };
}

/** The editor's save: what the theme holds afterwards. */
export function applyEdit(theme: FakeTheme, action: EditorAction, enabled = true): string {
  if (action.kind === "embed") {
    theme.setAppEmbed(action.type, enabled);
    return `App embed "${action.handle}" ${enabled ? "turned on" : "turned off"} and saved.`;
  }
  if (theme.templatesWith(action.type).includes(action.template)) return `The "${action.template}" template already has the "${action.handle}" block.`;
  theme.addAppBlock(action.template, action.type);
  return `Block "${action.handle}" added to the "${action.template}" template's main section and saved.`;
}

export function editorPage(input: { theme: FakeTheme; apiKey: string; params: URLSearchParams; message: string | null }): string {
  const { theme, apiKey, params } = input;
  const link = readDeepLink(params, apiKey);
  const embedType = appBlockType("referral-embed", DEMO_THEME_EXTENSION_ID);
  const blockType = appBlockType("referral", DEMO_THEME_EXTENSION_ID);
  const embedOn = theme.appEmbedEnabled(embedType);
  const templates = theme.templatesWith(blockType);
  const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  const query = hidden("link", params.toString());

  let task = `<p class="note">Open this page from the app's checklist ("Turn on in theme editor", "Add block in theme editor") to see what Shopify's deep links do.</p>`;
  if (link && "error" in link) task = `<p role="alert">${escapeHtml(link.error)}</p>`;
  else if (link?.kind === "embed") {
    task = `<h2>App embeds</h2><p>The app asks to turn on its embed <code>${escapeHtml(link.handle)}</code> (link capture and launcher). It is ${embedOn ? "<strong>on</strong>" : "<strong>off</strong>"} in the live theme.</p>
<form method="post">${query}${hidden("enabled", "true")}<button ${embedOn ? "disabled" : ""}>Turn on and save</button></form>
${embedOn ? `<form method="post">${query}${hidden("enabled", "false")}<button>Turn off and save</button></form>` : ""}`;
  } else if (link?.kind === "block") {
    const placed = templates.includes(link.template);
    task = `<h2>Add block</h2><p>The app asks to add its block <code>${escapeHtml(link.handle)}</code> to the main section of the <code>${escapeHtml(link.template)}</code> template (<code>target=${escapeHtml(params.get("target") ?? "newAppsSection")}</code>).</p>
<form method="post">${query}<button ${placed ? "disabled" : ""}>${placed ? "Already placed" : "Add block and save"}</button></form>`;
  }
  const state = `<table class="headers"><tbody>
<tr><th scope="row">App embed <code>referral-embed</code></th><td data-theme-embed="${embedOn ? "on" : "off"}">${embedOn ? "On" : "Off"}</td></tr>
<tr><th scope="row">App block <code>referral</code></th><td data-theme-block="${escapeHtml(templates.join(","))}">${templates.length ? `In ${templates.map(escapeHtml).join(", ")}` : "Not placed"}</td></tr>
</tbody></table>`;
  return adminPage(
    `Customize ${theme.name}`,
    "theme",
    `<h1>Theme editor · ${escapeHtml(theme.name)} (live)</h1>${input.message ? `<p role="status">${escapeHtml(input.message)}</p>` : ""}
${task}<h2>In the live theme</h2>${state}
<p class="note">The app reads this theme once the merchant lets it (read_themes, from the app's home). The dev store's storefront shows the block and the embed either way.</p>
<p><a class="button" href="/apps/referrals">Back to the Referrals app</a></p>`,
  );
}
