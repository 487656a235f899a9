// The admin home's theme pieces: where a checklist step's state comes from
// (the live theme, or an inference from storefront activity and why), and the
// request for theme read access (an optional scope, ScopeRequest.tsx) with
// its reasons; the page reloads its data until the home reads the theme.
import { Text } from "@shopify/polaris";
import type { ThemeSetup } from "~/admin/theme-setup.server";
import { useI18n } from "~/i18n/context";
import { ScopeRequest } from "./ScopeRequest";

export function ThemeSource({ setup }: { setup: ThemeSetup }) {
  const { t } = useI18n();
  const text =
    setup.source === "THEME"
      ? t.home.theme.fromTheme(setup.themeName)
      : setup.reason === "NO_SCOPE"
        ? t.home.theme.inferred
        : setup.reason === "NO_THEME"
          ? t.home.theme.inferredNoTheme
          : t.home.theme.inferredUnread;
  return (
    <Text as="p" variant="bodySm" tone={setup.source === "THEME" ? "success" : "caution"}>
      {text}
    </Text>
  );
}

/** The home's request for theme read access, with its reasons. */
export function ThemeAccess({ scope }: { scope: string }) {
  const { t } = useI18n();
  const h = t.home.theme;
  return (
    <ScopeRequest
      scope={scope}
      texts={{ title: h.accessTitle, why: h.accessWhy, action: h.accessAction, granted: h.accessGranted, declined: h.accessDeclined, failed: h.accessFailed }}
    />
  );
}
