// Whether the app can send email, from the environment (SMTP_URL, EMAIL_FROM).
import { env } from "~/env.server";

export interface EmailConfig {
  smtpUrl: string;
  from: string;
  perSecond: number;
  appUrl: string;
  apiKey: string;
  secret: string;
}

/** Null when SMTP_URL is not set: nothing is sent, and nothing is queued. */
export function emailConfig(): EmailConfig | null {
  const e = env();
  if (!e.SMTP_URL || !e.EMAIL_FROM) return null;
  return {
    smtpUrl: e.SMTP_URL,
    from: e.EMAIL_FROM,
    perSecond: e.EMAIL_SENDS_PER_SHOP_PER_SECOND,
    appUrl: e.SHOPIFY_APP_URL.replace(/\/$/, ""),
    apiKey: e.SHOPIFY_API_KEY,
    secret: e.SHOPIFY_API_SECRET,
  };
}

/** Why email is off, for the admin (null when it is on). */
export function emailOffReason(): string | null {
  const e = env();
  if (!e.SMTP_URL) return "SMTP_URL is not set in the app's environment, so the app sends no email and queues none. Set SMTP_URL and EMAIL_FROM (see .env.example) and restart the app.";
  return null;
}
