/** @jsxImportSource preact */
// The referral block on the thank-you and order-status pages. It renders a
// skeleton while the app answers and nothing at all when the program is paused,
// the shop has none, or anything fails: the order page itself never waits on it.
import { useEffect, useState } from "preact/hooks";
import {
  joinFromOrder,
  loadThankYou,
  type ExtensionHost,
  type JoinResult,
  type OfferView,
  type ReferrerView,
  type ThankYouView,
} from "../../shared/backend";
import { ReferrerShare, ReferrerStats, thanksText, translator } from "../../shared/ui";

export interface ReferralBlockProps {
  host: ExtensionHost;
  orderId: string | undefined;
  /** The storefront's customer account URL, for the "sign in" answer. */
  accountUrl?: string;
}

export function ReferralBlock({ host, orderId, accountUrl }: ReferralBlockProps) {
  const [view, setView] = useState<ThankYouView | "loading">(orderId ? "loading" : { state: "hidden" });
  const locale = host.localization.language.value.isoCode;

  useEffect(() => {
    if (!orderId) return;
    let live = true;
    loadThankYou(host, orderId, locale).then((loaded) => live && setView(loaded));
    return () => {
      live = false;
    };
  }, [host, orderId, locale]);

  if (view === "loading") return <s-skeleton-paragraph />;
  if (view.state === "hidden" || !orderId) return null;
  if (view.state === "referrer") return <Referrer host={host} view={view} />;
  return <Offer host={host} offer={view} orderId={orderId} locale={locale} accountUrl={accountUrl} />;
}

function Referrer({ host, view }: { host: ExtensionHost; view: ReferrerView }) {
  const t = translator(host);
  return (
    <s-section heading={t("referrer.heading")}>
      <s-stack gap="base">
        {view.referredBy ? <s-paragraph>{thanksText(host, view.referredBy)}</s-paragraph> : null}
        <ReferrerShare host={host} link={view.link} code={view.code} shareText={view.shareText} />
        <ReferrerStats host={host} stats={view.stats} />
      </s-stack>
    </s-section>
  );
}

interface OfferProps {
  host: ExtensionHost;
  offer: OfferView;
  orderId: string;
  locale: string;
  accountUrl?: string;
}

function Offer({ host, offer, orderId, locale, accountUrl }: OfferProps) {
  const t = translator(host);
  const [joining, setJoining] = useState(false);
  const [result, setResult] = useState<JoinResult | null>(null);

  if (result?.state === "referrer") return <Referrer host={host} view={{ ...result, referredBy: result.referredBy ?? offer.referredBy }} />;

  const join = async () => {
    setJoining(true);
    setResult(await joinFromOrder(host, { orderId, termsVersion: offer.termsVersion, locale }));
    setJoining(false);
  };

  return (
    <s-section heading={t(offer.referredBy ? "offer.headingReferred" : "offer.heading")}>
      <s-stack gap="base">
        {offer.referredBy ? <s-paragraph>{thanksText(host, offer.referredBy)}</s-paragraph> : null}
        <s-paragraph>{offer.offer}</s-paragraph>
        {result?.state === "check_email" ? (
          <s-banner tone="success" heading={t("join.checkEmailHeading")}>
            <s-paragraph>{t("join.checkEmail")}</s-paragraph>
          </s-banner>
        ) : result?.state === "sign_in" ? (
          <s-banner tone="info" heading={t("join.signInHeading")}>
            <s-paragraph>{t("join.signIn")}</s-paragraph>
            {accountUrl ? <s-link href={accountUrl}>{t("join.signInLink")}</s-link> : null}
          </s-banner>
        ) : (
          <>
            {result?.state === "refused" || result?.state === "failed" ? (
              <s-banner tone="critical">
                <s-paragraph>{(result.state === "refused" && result.message) || t("join.failed")}</s-paragraph>
              </s-banner>
            ) : null}
            <s-button variant="primary" loading={joining} onClick={join}>
              {t(offer.guest ? "join.buttonGuest" : "join.button")}
            </s-button>
            <s-text type="small">
              {t("join.termsNotice")}{" "}
              {offer.termsUrl ? (
                <s-link href={offer.termsUrl} target="_blank">
                  {t("join.termsLink")}
                </s-link>
              ) : null}
            </s-text>
          </>
        )}
      </s-stack>
    </s-section>
  );
}
