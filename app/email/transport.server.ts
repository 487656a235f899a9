// Sending over SMTP with nodemailer: one pooled connection set per process and
// SMTP_URL, and what an SMTP answer means for the message.
import nodemailer, { type Transporter } from "nodemailer";

export interface OutgoingMessage {
  /** The Message-ID header: the outbox row's id, so a message can be traced to its row. */
  messageId?: string;
  from: { name: string; address: string };
  to: string;
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
  /** List-Unsubscribe (RFC 2369) with one-click (RFC 8058): nodemailer writes both headers. */
  unsubscribeUrl?: string;
}

export interface Sender {
  send(message: OutgoingMessage): Promise<{ messageId: string; response: string }>;
}

let pooled: { url: string; transporter: Transporter } | undefined;

/** The process's sender for SMTP_URL: up to 5 connections kept open between messages. */
export function smtpSender(url: string): Sender {
  if (pooled?.url !== url) {
    pooled?.transporter.close();
    pooled = { url, transporter: nodemailer.createTransport(`${url}${url.includes("?") ? "&" : "?"}pool=true&maxConnections=5&maxMessages=1000`) };
  }
  const { transporter } = pooled;
  return {
    async send(message) {
      const info = await transporter.sendMail({
        messageId: message.messageId,
        from: message.from,
        to: message.to,
        replyTo: message.replyTo || undefined,
        subject: message.subject,
        html: message.html,
        text: message.text,
        headers: message.headers,
        ...(message.unsubscribeUrl
          ? { list: { unsubscribe: message.unsubscribeUrl }, headers: { ...message.headers, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" } }
          : {}),
      });
      return { messageId: info.messageId, response: String(info.response ?? "") };
    },
  };
}

/** Closes the pooled connections (tests, shutdown). */
export function closeSmtp(): void {
  pooled?.transporter.close();
  pooled = undefined;
}

export type SendFailure =
  /** The server refused this recipient for good (5xx at RCPT TO, or the whole message for it): stop mailing the address. */
  | { kind: "undeliverable"; answer: string }
  /** Worth trying again later: connection trouble, 4xx, or a problem of the app's own configuration (login, sender). */
  | { kind: "transient"; answer: string };

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  message?: string;
  rejected?: string[];
}

/**
 * What an SMTP error says about the recipient. Only a 5xx answer to RCPT TO
 * (nodemailer: command "RCPT TO") is permanent for that address. A 5xx to the
 * login, to MAIL FROM (relay refused, sender not verified) or to the message
 * (DATA: a spam filter, the size) is about the app's configuration or the
 * message, not the address: retried like a 4xx, never blamed on the recipient.
 */
export function classifySendError(error: unknown): SendFailure {
  const e = (error ?? {}) as SmtpError;
  const answer = (e.response || e.message || String(error)).slice(0, 500);
  const permanent = typeof e.responseCode === "number" && e.responseCode >= 500 && e.responseCode < 600;
  if (permanent && e.command === "RCPT TO") return { kind: "undeliverable", answer };
  return { kind: "transient", answer };
}
