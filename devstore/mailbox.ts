// The dev store's mailbox: an SMTP server on 127.0.0.1 (npm smtp-server, no
// login, no TLS) that the app and its worker send every email to
// (SMTP_URL=smtp://127.0.0.1:<port>). It delivers nothing onwards: each message
// is parsed (mailparser) and kept in memory, newest first, for the admin's
// Mailbox page (/mailbox) and the control API (/api/mail).
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { simpleParser, type AddressObject, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface MailboxMessage {
  /** "1", "2", ... in the order received. */
  id: string;
  /** When the mailbox accepted it (ISO 8601). */
  receivedAt: string;
  /** The SMTP envelope: MAIL FROM and RCPT TO. */
  envelope: { from: string | null; to: string[] };
  from: string;
  to: string;
  replyTo: string | null;
  subject: string;
  /** The Date header (ISO 8601), when the message has one. */
  date: string | null;
  /** X-Referral-Email: the kind of email the app sent (YOUR_LINK, REWARD_ISSUED, ...). */
  kind: string | null;
  listUnsubscribe: string | null;
  listUnsubscribePost: string | null;
  messageId: string | null;
  html: string | null;
  text: string | null;
  /** Every header as sent, in order (folded lines joined). */
  headers: { name: string; value: string }[];
  /** Bytes received. */
  size: number;
}

export interface Mailbox {
  port: number;
  /** What the app's SMTP_URL is set to. */
  url: string;
  /** Newest first, at most `capacity`. */
  messages(): MailboxMessage[];
  message(id: string): MailboxMessage | undefined;
  capacity: number;
  close(): Promise<void>;
}

export interface MailboxOptions {
  /** 0 or missing: any free port. */
  port?: number;
  /** How many messages are kept (the oldest go first); default 500. */
  capacity?: number;
  /** The largest message accepted, in bytes; default 5 MB. */
  maxBytes?: number;
}

export async function startMailbox(options: MailboxOptions = {}): Promise<Mailbox> {
  const capacity = options.capacity ?? 500;
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const kept: MailboxMessage[] = [];
  let received = 0;
  const server = new SMTPServer({
    // Only this machine can reach it: no login, no TLS (nodemailer sends plain SMTP when STARTTLS is not offered).
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    banner: "dev store mailbox: nothing is delivered onwards",
    size: maxBytes,
    logger: false,
    // On stop, connections the app's pooled transport keeps open are dropped at once.
    closeTimeout: 500,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => {
        if (!stream.sizeExceeded) chunks.push(chunk);
      });
      stream.once("error", (error) => callback(error));
      stream.once("end", () => {
        if (stream.sizeExceeded) return callback(Object.assign(new Error(`Message exceeds the mailbox's limit of ${maxBytes} bytes`), { responseCode: 552 }));
        const raw = Buffer.concat(chunks);
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        simpleParser(raw).then(
          (parsed) => {
            kept.unshift(toMessage(String(++received), parsed, envelope, raw.length));
            kept.length = Math.min(kept.length, capacity);
            callback();
          },
          (error: Error) => callback(Object.assign(new Error(`Could not parse the message: ${error.message}`), { responseCode: 554 })),
        );
      });
    },
  });
  // A client that goes away mid-conversation is its own business: nothing to report.
  server.on("error", () => {});
  server.listen(options.port ?? 0, "127.0.0.1");
  await Promise.race([once(server.server, "listening"), once(server.server, "error").then(([error]) => Promise.reject(error))]);
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    capacity,
    messages: () => kept.slice(),
    message: (id) => kept.find((m) => m.id === id),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function toMessage(id: string, parsed: ParsedMail, envelope: MailboxMessage["envelope"], size: number): MailboxMessage {
  const headers = parsed.headerLines.map(({ line }) => {
    const colon = line.indexOf(":");
    if (colon < 0) return { name: line.trim(), value: "" };
    return { name: line.slice(0, colon).trim(), value: line.slice(colon + 1).replace(/\r?\n[ \t]+/g, " ").trim() };
  });
  const raw = (name: string) => headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value ?? null;
  const header = (name: string) => {
    const value = raw(name);
    return value === null ? null : decodeWords(value);
  };
  return {
    id,
    receivedAt: new Date().toISOString(),
    envelope,
    from: addresses(parsed.from),
    to: addresses(parsed.to),
    replyTo: addresses(parsed.replyTo) || null,
    subject: parsed.subject ?? "",
    date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : null,
    kind: header("X-Referral-Email"),
    listUnsubscribe: raw("List-Unsubscribe"),
    listUnsubscribePost: raw("List-Unsubscribe-Post"),
    messageId: parsed.messageId ?? null,
    html: typeof parsed.html === "string" ? parsed.html : null,
    text: parsed.text ?? null,
    headers,
    size,
  };
}

function addresses(value: AddressObject | AddressObject[] | undefined): string {
  if (!value) return "";
  return (Array.isArray(value) ? value : [value]).map((a) => a.text).join(", ");
}

/** RFC 2047 encoded words (=?UTF-8?Q?...?=), which mailparser decodes in the headers it knows only. */
function decodeWords(value: string): string {
  // Whitespace between two encoded words is not part of the text.
  return value.replace(/(\?=)\s+(?==\?)/g, "$1").replace(/=\?([^?*]+)(?:\*[^?]*)?\?([bq])\?([^?]*)\?=/gi, (whole, charset: string, encoding: string, text: string) => {
    try {
      const bytes =
        encoding.toLowerCase() === "b"
          ? Buffer.from(text, "base64")
          : Buffer.from(text.replace(/_/g, " ").replace(/=([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), "latin1");
      return new TextDecoder(charset).decode(bytes);
    } catch {
      return whole;
    }
  });
}
