// Partner settings: the default partner fee, whether the public partner page
// takes applications (and its address to share), and the partner groups with
// their fees (created, renamed, deleted; refused field by field).
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { BlockStack, Button, ButtonGroup, Card, Checkbox, DataTable, FormLayout, InlineStack, Layout, Modal, Page, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import db from "~/db.server";
import { useI18n } from "~/i18n/context";
import { adminTitle } from "~/i18n/meta";
import { FIELD_LIMITS, feeText, fieldErrorTexts } from "~/admin/partner-text";
import { partnerSettings } from "~/admin/partners.server";
import { deleteGroup, saveGroup } from "~/partners/partners.server";
import { savePartnerProgram } from "~/partners/settings.server";
import type { FieldErrors } from "~/partners/status";
import { notFound, requireAdmin } from "~/shopify/admin-request.server";
import { RouteError } from "~/components/RouteError";

export const meta = adminTitle((t) => t.partners.settingsPage.title);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const settings = await partnerSettings(db, shop);
  if (!settings) notFound();
  return settings;
};

type Form = "program" | "group" | "deleteGroup";
type ActionResult = { ok: true; form: Form; message: string } | { ok: false; form: Form; errors: FieldErrors };

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, cause, t } = await requireAdmin(request);
  const form = Object.fromEntries(await request.formData());
  const who = { db, shop, cause };
  const s = t.partners.settingsPage;
  if (form.intent === "program") {
    const outcome = await savePartnerProgram(who, form);
    if (outcome.ok) return json<ActionResult>({ ok: true, form: "program", message: s.saved });
    if ("reason" in outcome) notFound();
    return json<ActionResult>({ ok: false, form: "program", errors: outcome.errors }, { status: 400 });
  }
  if (form.intent === "group") {
    const outcome = await saveGroup(who, form);
    if (outcome.ok) return json<ActionResult>({ ok: true, form: "group", message: s.groupSaved });
    return json<ActionResult>({ ok: false, form: "group", errors: outcome.errors }, { status: 400 });
  }
  if (form.intent === "deleteGroup") {
    if (!(await deleteGroup(who, String(form.groupId ?? "")))) notFound();
    return json<ActionResult>({ ok: true, form: "deleteGroup", message: s.groupDeleted });
  }
  throw new Response("Unknown intent", { status: 400 });
};

interface GroupDraft {
  groupId: string;
  groupName: string;
  feeKind: string;
  feeValue: string;
}

export default function PartnerSettings() {
  const { t, f, locale } = useI18n();
  const s = t.partners.settingsPage;
  const p = t.partners;
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const submit = useSubmit();
  const shopify = useAppBridge();
  const busy = useNavigation().state !== "idle";
  const [program, setProgram] = useState({ feeKind: data.fee.kind as string, feeValue: data.fee.value, applicationsOpen: data.applicationsOpen });
  const [group, setGroup] = useState<GroupDraft | null>(null);
  const [deleting, setDeleting] = useState<{ id: string; name: string } | null>(null);
  const errorsOf = (form: Form, kind: string) => (result && !result.ok && result.form === form ? fieldErrorTexts(t, result.errors, kind) : {});
  const programErrors = errorsOf("program", program.feeKind);
  const groupErrors = errorsOf("group", group?.feeKind ?? "");
  const kinds = [
    { label: p.feeKindsRequired.PERCENT, value: "PERCENT" },
    { label: p.feeKindsRequired.FIXED, value: "FIXED" },
  ];
  const unit = (kind: string) => (kind === "FIXED" ? data.currencyCode : "%");

  useEffect(() => {
    if (!result?.ok) return;
    shopify.toast.show(result.message);
    if (result.form === "group") setGroup(null);
    if (result.form === "deleteGroup") setDeleting(null);
  }, [result, shopify]);

  return (
    <Page title={s.title} backAction={{ content: p.title, url: "/app/partners" }} secondaryActions={[{ content: p.agreement, url: "/app/partners/agreement" }]}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {s.feeTitle}
                </Text>
                <Text as="p" tone="subdued">
                  {s.feeHelp}
                </Text>
                <FormLayout>
                  <FormLayout.Group>
                    <Select label={p.fields.feeKind} options={kinds} value={program.feeKind} onChange={(feeKind) => setProgram((v) => ({ ...v, feeKind }))} error={programErrors.feeKind} />
                    <TextField
                      label={p.fields.feeValue(unit(program.feeKind))}
                      value={program.feeValue}
                      onChange={(feeValue) => setProgram((v) => ({ ...v, feeValue }))}
                      error={programErrors.feeValue}
                      inputMode="decimal"
                      autoComplete="off"
                    />
                  </FormLayout.Group>
                  <Checkbox
                    label={s.applicationsOpen}
                    helpText={s.applicationsHelp}
                    checked={program.applicationsOpen}
                    onChange={(applicationsOpen) => setProgram((v) => ({ ...v, applicationsOpen }))}
                  />
                  <InlineStack>
                    <Button
                      variant="primary"
                      loading={busy}
                      onClick={() => submit({ intent: "program", feeKind: program.feeKind, feeValue: program.feeValue, applicationsOpen: String(program.applicationsOpen) }, { method: "post" })}
                    >
                      {t.common.save}
                    </Button>
                  </InlineStack>
                </FormLayout>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {s.publicPage}
                </Text>
                <Text as="p" tone="subdued">
                  {s.publicPageHelp}
                </Text>
                <InlineStack gap="300" blockAlign="center" wrap>
                  <Text as="p" fontWeight="semibold" breakWord>
                    {data.publicUrl}
                  </Text>
                  <Button url={data.publicUrl} target="_blank" variant="plain">
                    {s.open}
                  </Button>
                </InlineStack>
              </BlockStack>
            </Card>
            <Card padding={data.groups.length ? "0" : undefined}>
              <BlockStack gap="0">
                <div style={data.groups.length ? { padding: "var(--p-space-400) var(--p-space-400) 0" } : undefined}>
                  <BlockStack gap="200">
                    <InlineStack align="space-between" blockAlign="center">
                      <Text as="h2" variant="headingMd">
                        {s.groupsTitle}
                      </Text>
                      <Button onClick={() => setGroup({ groupId: "", groupName: "", feeKind: "PERCENT", feeValue: "" })}>{s.addGroup}</Button>
                    </InlineStack>
                    <Text as="p" tone="subdued">
                      {data.groups.length ? s.groupsIntro : s.noGroups}
                    </Text>
                  </BlockStack>
                </div>
                {data.groups.length ? (
                  <DataTable
                    columnContentTypes={["text", "text", "numeric", "text"]}
                    headings={s.groupColumns}
                    rows={data.groups.map((g) => [
                      g.name,
                      feeText(g, data.currencyCode, locale),
                      f.number(g.partners),
                      <ButtonGroup key="a">
                        <Button variant="plain" accessibilityLabel={`${s.edit}: ${g.name}`} onClick={() => setGroup({ groupId: g.id, groupName: g.name, feeKind: g.kind, feeValue: g.value })}>
                          {s.edit}
                        </Button>
                        <Button variant="plain" tone="critical" accessibilityLabel={`${s.deleteGroup}: ${g.name}`} onClick={() => setDeleting({ id: g.id, name: g.name })}>
                          {s.deleteGroup}
                        </Button>
                      </ButtonGroup>,
                    ])}
                  />
                ) : null}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
      <Modal
        open={group !== null}
        onClose={() => setGroup(null)}
        title={group?.groupId ? s.groupTitleEdit : s.groupTitleNew}
        primaryAction={{ content: t.common.save, loading: busy, onAction: () => group && submit({ intent: "group", ...group }, { method: "post" }) }}
        secondaryActions={[{ content: t.common.cancel, onAction: () => setGroup(null) }]}
      >
        {group ? (
          <Modal.Section>
            <FormLayout>
              <TextField
                label={s.groupName}
                value={group.groupName}
                onChange={(groupName) => setGroup({ ...group, groupName })}
                error={groupErrors.groupName ?? groupErrors.groupId}
                maxLength={FIELD_LIMITS.groupName}
                autoComplete="off"
              />
              <FormLayout.Group>
                <Select label={p.fields.feeKind} options={kinds} value={group.feeKind} onChange={(feeKind) => setGroup({ ...group, feeKind })} error={groupErrors.feeKind} />
                <TextField
                  label={p.fields.feeValue(unit(group.feeKind))}
                  value={group.feeValue}
                  onChange={(feeValue) => setGroup({ ...group, feeValue })}
                  error={groupErrors.feeValue}
                  inputMode="decimal"
                  autoComplete="off"
                />
              </FormLayout.Group>
            </FormLayout>
          </Modal.Section>
        ) : null}
      </Modal>
      <Modal
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title={deleting ? s.deleteGroupTitle(deleting.name) : ""}
        primaryAction={{ content: s.deleteGroup, destructive: true, loading: busy, onAction: () => deleting && submit({ intent: "deleteGroup", groupId: deleting.id }, { method: "post" }) }}
        secondaryActions={[{ content: t.common.cancel, onAction: () => setDeleting(null) }]}
      >
        <Modal.Section>
          <p>{s.deleteGroupBody}</p>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
