/** @jsxImportSource preact */
// customer-account.profile.block.render: a card on the profile page that leads
// to the referral home. Nothing shows while loading, when the program is off, or
// when the app cannot be reached.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import type { Api } from "@shopify/ui-extensions/customer-account.profile.block.render";
import type { ExtensionHost } from "../../shared/backend";
import { translator } from "../../shared/ui";
import { useAccountView } from "./ReferralHome";

declare const shopify: Api;

export function ProfileCard({ host }: { host: ExtensionHost }) {
  const t = translator(host);
  const [view] = useAccountView(host);
  if (view === "loading" || view.state === "hidden") return null;
  return (
    <s-section heading={t("profile.heading")}>
      <s-stack gap="base">
        <s-paragraph>{view.state === "join" ? view.offer : t("profile.referrer", { code: view.code })}</s-paragraph>
        {/* "extension:/" is this extension's own full page (customer-account.page.render). */}
        <s-button variant="secondary" href="extension:/">
          {t(view.state === "join" ? "profile.join" : "profile.open")}
        </s-button>
      </s-stack>
    </s-section>
  );
}

export default async () => {
  render(<ProfileCard host={shopify} />, document.body);
};
