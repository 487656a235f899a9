/** @jsxImportSource preact */
// Pieces both extensions show: the referrer's link and code with copy and share
// actions, their stats, and the thanks to whoever referred them. Every string
// comes from the extension's own locales (keys under "referrer." and "thanks.").
import { useState } from "preact/hooks";
import type { ExtensionHost, ReferralStats, ReferredBy } from "./backend";

export function translator(host: ExtensionHost) {
  return (key: string, options?: Record<string, string | number>) => String(host.i18n.translate(key, options));
}

/** The message a share carries: the program's share text, with the link when the text lacks it. */
export function shareMessage(shareText: string, link: string): string {
  return shareText.includes(link) ? shareText : `${shareText} ${link}`.trim();
}

export function shareLinks(shareText: string, link: string, subject: string) {
  const message = encodeURIComponent(shareMessage(shareText, link));
  return {
    email: `mailto:?subject=${encodeURIComponent(subject)}&body=${message}`,
    whatsapp: `https://wa.me/?text=${message}`,
    x: `https://x.com/intent/post?text=${message}`,
    facebook: `https://www.facebook.com/sharer/sharer.php?u=${encodeURIComponent(link)}`,
  };
}

function CopyButton({ id, text, label, copied }: { id: string; text: string; label: string; copied: string }) {
  const [done, setDone] = useState(false);
  return (
    <>
      <s-clipboard-item id={id} text={text} onCopy={() => setDone(true)} />
      <s-button variant="secondary" commandFor={id} command="--copy">
        {done ? copied : label}
      </s-button>
    </>
  );
}

/** `code` null: single-use friend codes, the referrer shares their link alone. */
export function ReferrerShare({ host, link, code, shareText }: { host: ExtensionHost; link: string; code: string | null; shareText: string }) {
  const t = translator(host);
  const links = shareLinks(shareText, link, t("referrer.shareSubject"));
  return (
    <s-stack gap="base">
      <s-stack gap="small-200">
        <s-text type="strong">{t("referrer.linkLabel")}</s-text>
        <s-text>{link}</s-text>
        <CopyButton id="referral-link" text={link} label={t("referrer.copyLink")} copied={t("referrer.copied")} />
      </s-stack>
      {code ? (
        <s-stack gap="small-200">
          <s-text type="strong">{t("referrer.codeLabel")}</s-text>
          <s-text>{code}</s-text>
          <CopyButton id="referral-code" text={code} label={t("referrer.copyCode")} copied={t("referrer.copied")} />
        </s-stack>
      ) : null}
      <s-stack gap="small-200">
        <s-text type="strong">{t("referrer.shareLabel")}</s-text>
        <s-stack direction="inline" gap="small-200">
          <s-button variant="secondary" href={links.email} target="_blank">{t("referrer.shareEmail")}</s-button>
          <s-button variant="secondary" href={links.whatsapp} target="_blank">{t("referrer.shareWhatsapp")}</s-button>
          <s-button variant="secondary" href={links.x} target="_blank">{t("referrer.shareX")}</s-button>
          <s-button variant="secondary" href={links.facebook} target="_blank">{t("referrer.shareFacebook")}</s-button>
        </s-stack>
      </s-stack>
    </s-stack>
  );
}

export function ReferrerStats({ host, stats }: { host: ExtensionHost; stats: ReferralStats }) {
  const t = translator(host);
  const n = (value: number) => host.i18n.formatNumber(Number(value) || 0);
  return (
    <s-stack direction="inline" gap="large">
      <s-text>{t("referrer.clicks", { count: Number(stats.clicks) || 0, number: n(stats.clicks) })}</s-text>
      <s-text>{t("referrer.orders", { count: Number(stats.orders) || 0, number: n(stats.orders) })}</s-text>
      <s-text>{t("referrer.rewards", { count: Number(stats.rewards) || 0, number: n(stats.rewards) })}</s-text>
    </s-stack>
  );
}

/** "You saved $12 thanks to Rita", in as many of those words as the referral allows. */
export function thanksText(host: ExtensionHost, referredBy: ReferredBy): string {
  const t = translator(host);
  const { name, saved } = referredBy;
  if (name && saved) return t("thanks.savedNamed", { saved, name });
  if (saved) return t("thanks.saved", { saved });
  if (name) return t("thanks.named", { name });
  return t("thanks.anonymous");
}
