// The shape of one language's default email texts. Import-free.
import type { EmailKind } from "../kinds";

/** What a merchant can rewrite per email and language: {placeholders} allowed (see PLACEHOLDERS). */
export interface KindText {
  subject: string;
  heading: string;
  /** Paragraphs separated by a blank line. */
  body: string;
  /** The label of the email's button (not editable). */
  button: string;
}

/** Fixed parts of the layout; {value}, {amount}, {from}, {to}, {count} are filled by the app. */
export interface CommonText {
  /** Stands in for a first name the app does not know ("Hi there"). */
  name_fallback: string;
  code_label: string;
  /** Shown under a reward code that expires: {expires_on}. */
  expires_line: string;
  /** How the program's reward reads in a sentence ("You get ..."). */
  reward_code_percent: string;
  reward_code_amount: string;
  reward_store_credit: string;
  reward_cash: string;
  /** How the friend offer reads in a sentence ("Your friends get ..."). */
  offer_percent: string;
  offer_amount: string;
  offer_free_shipping: string;
  /** How to use an issued reward, one per reward kind. */
  how_code: string;
  how_store_credit: string;
  how_cash: string;
  /** Footer of mail to referrers and customers. */
  footer_reason: string;
  unsubscribe: string;
  /** Footer of the merchant's digest. */
  footer_merchant: string;
  /** The merchant digest's table. */
  digest_period: string;
  digest_referrals: string;
  digest_revenue: string;
  digest_rewards: string;
  digest_top: string;
  digest_top_line: string;
  digest_none: string;
  /** The page an unsubscribe link opens. */
  unsub_title: string;
  unsub_explain: string;
  unsub_button: string;
  unsub_done: string;
  unsub_invalid: string;
}

/** A count's sentence in each plural form its language has (Intl.PluralRules' categories); {count} is the count. */
export interface PluralText {
  zero?: string;
  one?: string;
  two?: string;
  few?: string;
  many?: string;
  other: string;
}

/**
 * Milestone rewards and store credit expiry (app/referrals/milestones.server.ts):
 * lines the app adds to "a friend ordered" and "your reward", filled by the
 * app ({count}, {reward}, {product}, {expires_on}), not editable.
 */
export interface MilestoneText {
  /** After a reward: how far the next milestone is. */
  progress: PluralText;
  /** In "a friend ordered": counting that friend's order, once confirmed. */
  progress_pending: PluralText;
  /** In "a friend ordered": that order is the one that reaches the next milestone. */
  progress_pending_unlock: string;
  /** A milestone reward's email: the milestone ({count} successful referrals) it is for. */
  reached: PluralText;
  /** A free-product milestone reward in a sentence, and how to use its code. */
  reward_free_product: string;
  how_free_product: string;
  /** Store credit that expires: its last day. */
  credit_expires: string;
  /** A second-tier fee's email (app/referrals/second-tier.server.ts): what it is for. */
  second_tier: string;
}

/** Fixed parts of the partner emails (app/email/partner-events.server.ts), not editable. */
export interface PartnerText {
  /** Under the sign-in button: {expires_at} is the link's expiry, date and time. */
  link_valid: string;
  /** The footer of every partner email: {shop_name}. */
  footer: string;
}

export interface EmailTexts {
  kinds: Record<EmailKind, KindText>;
  common: CommonText;
  milestones: MilestoneText;
  partners: PartnerText;
}
