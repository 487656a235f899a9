// A GET form for `from` / `to`: the range lives in the URL, so it can be shared and reloaded.
import { Form, useNavigation } from "@remix-run/react";
import { Button, InlineStack, TextField } from "@shopify/polaris";
import { useState } from "react";
import { useI18n } from "~/i18n/context";

export function DateRangeForm({ from, to, hidden = {} }: { from: string; to: string; hidden?: Record<string, string> }) {
  const { t } = useI18n();
  const [first, setFirst] = useState(from);
  const [last, setLast] = useState(to);
  const busy = useNavigation().state === "loading";
  return (
    <Form method="get">
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <InlineStack gap="300" blockAlign="end">
        <TextField label={t.common.from} type="date" name="from" value={first} onChange={setFirst} autoComplete="off" />
        <TextField label={t.common.to} type="date" name="to" value={last} onChange={setLast} autoComplete="off" />
        <Button submit loading={busy}>
          {t.common.apply}
        </Button>
      </InlineStack>
    </Form>
  );
}
