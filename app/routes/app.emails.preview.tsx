// POST /app/emails/preview: the email being edited, rendered with sample values
// (the Emails page's live preview). Nothing is saved.
import { json, type ActionFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { previewEmail } from "~/admin/emails.server";
import { EMAIL_LOCALES, isEmailKind, type EmailLocale } from "~/email/kinds";
import { ensureProgram } from "~/referrals/programs.server";
import { requireAdmin } from "~/shopify/admin-request.server";

export const loader = () => new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, admin, cause } = await requireAdmin(request);
  const form = await request.formData();
  const kind = String(form.get("kind") ?? "");
  const locale = String(form.get("locale") ?? "");
  if (!isEmailKind(kind)) return json({ error: "Unknown email" }, { status: 400 });
  if (!(EMAIL_LOCALES as readonly string[]).includes(locale)) return json({ error: "Unknown language" }, { status: 400 });
  const text = (name: string) => String(form.get(name) ?? "").slice(0, 5000);
  const program = await ensureProgram({ db, admin, shop, cause });
  const rendered = await previewEmail(program, kind, locale as EmailLocale, { subject: text("subject"), heading: text("heading"), body: text("body") });
  return json({ subject: rendered.subject, html: rendered.html });
};
