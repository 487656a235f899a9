// POST /app/settings/preview: the settings page's live preview. Takes the
// form's unsaved values (checked by the same schema as the save), what to
// show (block, launcher or an email), the language and the shopper, and
// answers the page to show in a sandboxed iframe. Nothing is saved, and the
// program is only read: a shop without one (the settings page makes it) is 404.
import { json, type ActionFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { emailPreview, parsePreviewRequest, programWith, storefrontPreviewPage } from "~/admin/settings-preview.server";
import { settingsFromForm } from "~/admin/settings-form";
import { parseProgramSettings } from "~/referrals/program-settings";
import { getProgram } from "~/referrals/programs.server";
import { notFound, requireAdmin } from "~/shopify/admin-request.server";

export const loader = () => new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, t } = await requireAdmin(request);
  const form = await request.formData();
  const settings = parseProgramSettings(settingsFromForm(form));
  const preview = parsePreviewRequest(form, t);
  if (!settings.ok || !preview.ok) {
    return json({ ok: false as const, errors: { ...(settings.ok ? {} : settings.errors), ...(preview.ok ? {} : preview.errors) } }, { status: 400 });
  }
  const stored = await getProgram(db, shop);
  if (!stored) notFound();
  const program = programWith(stored, settings.settings);
  const { view, language, shopper, kind } = preview.request;
  if (view === "email") {
    const email = await emailPreview(db, program, kind, language);
    return json({ ok: true as const, view, language, subject: email.subject, html: email.html });
  }
  const html = await storefrontPreviewPage(program, { view, language, shopper });
  return json({ ok: true as const, view, language, subject: null, html });
};
