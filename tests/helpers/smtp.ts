// A real SMTP server in the test process (npm smtp-server): the app's nodemailer
// transport holds a real SMTP conversation with it; every accepted message is
// parsed with mailparser. Recipients can be refused for good (550 at RCPT TO)
// or for now (451), to test undeliverable addresses and retries.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { reloadEnv } from "~/env.server";
import { closeSmtp } from "~/email/transport.server";

export interface ReceivedMail {
  envelopeTo: string[];
  raw: string;
  parsed: ParsedMail;
}

export interface TestSmtp {
  url: string;
  port: number;
  received: ReceivedMail[];
  /** Addresses answered 550 at RCPT TO. */
  rejectForGood: Set<string>;
  /** Addresses answered 451 at RCPT TO (the count of refusals left; Infinity for always). */
  rejectForNow: Map<string, number>;
  /** While set, MAIL FROM is answered with it (say 530: the relay wants a login). */
  refuseSender: { code: number; message: string } | null;
  /** Resolves when `count` messages have arrived in all. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

export async function startTestSmtp(): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const rejectForGood = new Set<string>();
  const rejectForNow = new Map<string, number>();
  const waiters: (() => void)[] = [];
  const state: { refuseSender: TestSmtp["refuseSender"] } = { refuseSender: null };
  const server = new SMTPServer({
    authOptional: true,
    onMailFrom(_address, _session, callback) {
      if (state.refuseSender) return callback(Object.assign(new Error(state.refuseSender.message), { responseCode: state.refuseSender.code }));
      callback();
    },
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(address, _session, callback) {
      const to = address.address.toLowerCase();
      if (rejectForGood.has(to)) {
        const error = Object.assign(new Error(`5.1.1 <${to}>: Recipient address rejected: User unknown`), { responseCode: 550 });
        return callback(error);
      }
      const left = rejectForNow.get(to);
      if (left !== undefined && left > 0) {
        rejectForNow.set(to, left - 1);
        return callback(Object.assign(new Error("4.2.1 Mailbox busy, try again later"), { responseCode: 451 }));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", async () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), raw, parsed: await simpleParser(raw) });
        for (const w of waiters.splice(0)) w();
        callback();
      });
    },
  });
  server.listen(0, "127.0.0.1");
  await once(server.server, "listening");
  const port = (server.server.address() as AddressInfo).port;
  const url = `smtp://127.0.0.1:${port}`;
  return {
    url,
    port,
    received,
    rejectForGood,
    rejectForNow,
    get refuseSender() {
      return state.refuseSender;
    },
    set refuseSender(value) {
      state.refuseSender = value;
    },
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} emails, got ${received.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return received;
    },
    async close() {
      closeSmtp();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Points the app's email at `smtp` (SMTP_URL, EMAIL_FROM), or switches email off (null). */
export function useSmtpEnv(smtp: TestSmtp | null, extra: Record<string, string> = {}) {
  if (smtp) {
    process.env.SMTP_URL = smtp.url;
    process.env.EMAIL_FROM = "referrals@app.test";
  } else {
    delete process.env.SMTP_URL;
    delete process.env.EMAIL_FROM;
  }
  Object.assign(process.env, extra);
  closeSmtp();
  reloadEnv();
}
