// What each share button sends: the merchant's share message (or the
// translated default) with {offer}, {link} and {code} filled in, and the
// share URL of each network. Each channel's link carries ch=<channel>, so
// the click it brings is counted against the channel that was used.
import { fillPlaceholders, type Translate } from "./i18n";

export const SHARE_CHANNELS = ["copy", "native", "email", "whatsapp", "x", "facebook", "sms"] as const;
export type ShareChannel = (typeof SHARE_CHANNELS)[number];

export interface ShareInput {
  /** The merchant's template; empty means the translated default. */
  template: string;
  offer: string;
  code: string;
  /** Single-use friend codes: the referrer's code gives friends nothing, so {code} is the link. */
  linkOnly?: boolean;
  /** The storefront's base URL, e.g. https://shop.example (no trailing slash). */
  origin: string;
  t: Translate;
}

export interface Share {
  link: string;
  text: string;
  /** Per channel: the link it shares and, for networks, the URL that opens the share dialog. */
  channels: Record<ShareChannel, { link: string; text: string; url: string | null }>;
}

export function referralLink(origin: string, code: string, channel?: string): string {
  const url = new URL(origin.replace(/\/$/, "") + "/");
  url.searchParams.set("ref", code);
  if (channel) url.searchParams.set("ch", channel);
  return url.toString();
}

export function shareTexts({ template, offer, code, linkOnly = false, origin, t }: ShareInput): Share {
  const base = template.trim() || t("share.message");
  const textFor = (link: string) => {
    const filled = fillPlaceholders(base, { offer, code: linkOnly ? link : code, link });
    // A template without {link} would share nothing clickable: append it.
    return base.includes("{link}") ? filled : `${filled} ${link}`;
  };
  const subject = t("share.email_subject", { offer });
  const channels = {} as Share["channels"];
  for (const channel of SHARE_CHANNELS) {
    const link = referralLink(origin, code, channel);
    const text = textFor(link);
    channels[channel] = { link, text, url: shareUrl(channel, { link, text, subject }) };
  }
  const link = referralLink(origin, code);
  return { link, text: textFor(link), channels };
}

function shareUrl(channel: ShareChannel, { link, text, subject }: { link: string; text: string; subject: string }): string | null {
  const q = encodeURIComponent;
  switch (channel) {
    case "email":
      return `mailto:?subject=${q(subject)}&body=${q(text)}`;
    case "whatsapp":
      return `https://wa.me/?text=${q(text)}`;
    case "x":
      return `https://x.com/intent/post?text=${q(text)}`;
    case "facebook":
      // Facebook ignores prefilled text; it shares the link's page.
      return `https://www.facebook.com/sharer/sharer.php?u=${q(link)}`;
    case "sms":
      return `sms:?&body=${q(text)}`;
    default:
      return null;
  }
}
