// Downloads a CSV export through fetch: inside the Shopify admin, App Bridge
// adds the session token to fetch requests, which a plain link would not carry.
import { Button } from "@shopify/polaris";
import { useState } from "react";
import { useI18n } from "~/i18n/context";

export async function download(url: string, fallbackName: string) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Export failed: HTTP ${response.status}`);
  const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ?? fallbackName;
  const href = URL.createObjectURL(await response.blob());
  const a = Object.assign(document.createElement("a"), { href, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

export function ExportButton({ url, filename }: { url: string; filename: string }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const run = async () => {
    setBusy(true);
    setFailed(false);
    try {
      await download(url, filename);
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button onClick={run} loading={busy} tone={failed ? "critical" : undefined}>
      {failed ? `${t.common.exportCsv} ✕` : t.common.exportCsv}
    </Button>
  );
}
