/** @jsxImportSource preact */
// The logged-in customer's referral home (customer-account.page.render): link,
// code and share actions, how far the next milestone is, friends who ordered,
// pending rewards with their release dates, unused reward codes, store credit
// (and until when it is valid) and cash fees, the terms, and the brochure and
// QR poster to print.
import { useState } from "preact/hooks";
import {
  joinFromAccount,
  loadAccount,
  type AccountReferrerView,
  type ExtensionHost,
  type JoinResult,
} from "../../shared/backend";
import { useAccountView } from "../../shared/account";
import { ReferrerShare, ReferrerStats, translator } from "../../shared/ui";

export function ReferralHome({ host }: { host: ExtensionHost }) {
  const t = translator(host);
  const [view, setView, locale] = useAccountView(host);
  const [joining, setJoining] = useState(false);
  const [result, setResult] = useState<JoinResult | null>(null);

  if (view === "loading") {
    return (
      <s-page heading={t("page.heading")}>
        <s-skeleton-paragraph />
      </s-page>
    );
  }
  if (view.state === "hidden") {
    return (
      <s-page heading={t("page.heading")}>
        <s-paragraph>{t("page.unavailable")}</s-paragraph>
      </s-page>
    );
  }
  if (view.state === "referrer") return <Home host={host} view={view} />;

  const join = async () => {
    setJoining(true);
    const joined = await joinFromAccount(host, { termsVersion: view.termsVersion, locale });
    if (joined.state === "referrer") {
      // The join answer has the link; the lists come with the account view.
      const reloaded = await loadAccount(host, locale);
      setView(reloaded.state === "referrer" ? reloaded : { friends: [], pendingRewards: [], unusedCodes: [], storeCredit: null, expiringCredit: [], nextMilestone: null, cashFees: null, terms: "", printables: null, ...joined });
    }
    setResult(joined);
    setJoining(false);
  };

  return (
    <s-page heading={t("page.heading")}>
      <s-section>
        <s-stack gap="base">
          <s-paragraph>{view.offer}</s-paragraph>
          {result?.state === "refused" || result?.state === "failed" ? (
            <s-banner tone="critical">
              <s-paragraph>{(result.state === "refused" && result.message) || t("join.failed")}</s-paragraph>
            </s-banner>
          ) : null}
          <s-button variant="primary" loading={joining} onClick={join}>
            {t("join.button")}
          </s-button>
          <s-text type="small">
            {t("join.termsNotice")}{" "}
            {view.termsUrl ? (
              <s-link href={view.termsUrl} target="_blank">
                {t("join.termsLink")}
              </s-link>
            ) : null}
          </s-text>
        </s-stack>
      </s-section>
    </s-page>
  );
}

function formatDate(host: ExtensionHost, iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : host.i18n.formatDate(date, { dateStyle: "medium" });
}

/** The app's referral statuses (PENDING, APPROVED, REWARDED, REVERSED) as the three the buyer is told. */
const FRIEND_STATUSES: Record<string, string> = { pending: "pending", approved: "pending", rewarded: "rewarded", reversed: "reversed" };

function Home({ host, view }: { host: ExtensionHost; view: AccountReferrerView }) {
  const t = translator(host);
  return (
    <s-page heading={t("page.heading")}>
      <s-stack gap="base">
        <s-section heading={t("referrer.heading")}>
          <s-stack gap="base">
            <ReferrerShare host={host} link={view.link} code={view.code} shareText={view.shareText} />
            <ReferrerStats host={host} stats={view.stats} />
            {view.nextMilestone && view.nextMilestone.remaining > 0 ? (
              <s-text type="strong">
                {t("home.milestone", { count: view.nextMilestone.remaining, number: host.i18n.formatNumber(view.nextMilestone.remaining), reward: view.nextMilestone.reward })}
              </s-text>
            ) : null}
          </s-stack>
        </s-section>

        {view.printables ? (
          <s-section heading={t("print.heading")}>
            <s-stack gap="small-200">
              <s-paragraph>{t("print.intro")}</s-paragraph>
              <s-stack direction="inline" gap="small-200">
                <s-button variant="secondary" href={view.printables.brochure} target="_blank">{t("print.brochure")}</s-button>
                <s-button variant="secondary" href={view.printables.poster} target="_blank">{t("print.poster")}</s-button>
              </s-stack>
            </s-stack>
          </s-section>
        ) : null}

        <s-section heading={t("home.friends")}>
          {view.friends.length === 0 ? (
            <s-paragraph>{t("home.noFriends")}</s-paragraph>
          ) : (
            <s-unordered-list>
              {view.friends.map((friend, index) => (
                <s-list-item key={`${friend.name}-${index}`}>
                  {t("home.friendLine", {
                    name: friend.name,
                    date: formatDate(host, friend.orderedAt),
                    status: FRIEND_STATUSES[friend.status.toLowerCase()] ? t(`home.status.${FRIEND_STATUSES[friend.status.toLowerCase()]}`) : friend.status,
                  })}
                </s-list-item>
              ))}
            </s-unordered-list>
          )}
        </s-section>

        {view.pendingRewards.length > 0 ? (
          <s-section heading={t("home.pendingRewards")}>
            <s-unordered-list>
              {view.pendingRewards.map((reward, index) => (
                <s-list-item key={`${reward.releaseOn}-${index}`}>
                  {t("home.pendingLine", { value: reward.value, date: formatDate(host, reward.releaseOn) })}
                </s-list-item>
              ))}
            </s-unordered-list>
          </s-section>
        ) : null}

        {view.unusedCodes.length > 0 ? (
          <s-section heading={t("home.unusedCodes")}>
            <s-unordered-list>
              {view.unusedCodes.map((reward) => (
                <s-list-item key={reward.code}>
                  {reward.expiresAt
                    ? t("home.codeLineExpires", { code: reward.code, value: reward.value, date: formatDate(host, reward.expiresAt) })
                    : t("home.codeLine", { code: reward.code, value: reward.value })}
                </s-list-item>
              ))}
            </s-unordered-list>
          </s-section>
        ) : null}

        {view.storeCredit || view.cashFees ? (
          <s-section heading={t("home.earned")}>
            <s-stack gap="small-200">
              {view.storeCredit ? <s-text>{t("home.storeCredit", { value: view.storeCredit })}</s-text> : null}
              {view.expiringCredit.length > 0 ? (
                <s-unordered-list>
                  {view.expiringCredit.map((credit, index) => (
                    <s-list-item key={`${credit.expiresAt}-${index}`}>{t("home.creditExpires", { value: credit.value, date: formatDate(host, credit.expiresAt) })}</s-list-item>
                  ))}
                </s-unordered-list>
              ) : null}
              {view.cashFees ? <s-text>{t("home.cashFees", { value: view.cashFees })}</s-text> : null}
            </s-stack>
          </s-section>
        ) : null}

        {view.terms ? (
          <s-section heading={t("home.terms")}>
            {/^https?:\/\//.test(view.terms) ? (
              <s-link href={view.terms} target="_blank">
                {t("join.termsLink")}
              </s-link>
            ) : (
              <s-paragraph>{view.terms}</s-paragraph>
            )}
          </s-section>
        ) : null}
      </s-stack>
    </s-page>
  );
}
