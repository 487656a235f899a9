/** @jsxImportSource preact */
// customer-account.profile.block.render: a card on the profile page that leads
// to the referral home. Nothing shows while loading, when the program is off, or
// when the app cannot be reached.
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import type { Api } from "@shopify/ui-extensions/customer-account.profile.block.render";
import type { ExtensionHost } from "../../shared/backend";
import { useAccountView } from "../../shared/account";
import { translator } from "../../shared/ui";

declare const shopify: Api;

/** The referral home (extensions/referral-account, customer-account.page.render). */
export const REFERRAL_HOME = "extension://referral-account";

export function ProfileCard({ host }: { host: ExtensionHost }) {
  const t = translator(host);
  const [view] = useAccountView(host);
  if (view === "loading" || view.state === "hidden") return null;
  return (
    <s-section heading={t("profile.heading")}>
      <s-stack gap="base">
        <s-paragraph>{view.state === "join" ? view.offer : view.code ? t("profile.referrer", { code: view.code }) : t("profile.referrerLink")}</s-paragraph>
        {/* "extension://<handle>" opens another of the app's extensions: the referral home's full page. */}
        <s-button variant="secondary" href={REFERRAL_HOME}>
          {t(view.state === "join" ? "profile.join" : "profile.open")}
        </s-button>
      </s-stack>
    </s-section>
  );
}

export default async () => {
  render(<ProfileCard host={shopify} />, document.body);
};
