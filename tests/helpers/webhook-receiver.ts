// A merchant's webhook receiver on 127.0.0.1: records every request (and every
// TCP connection, so a test can prove nothing even connected) and answers what
// the test says, by default 200.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface WebhookReceiver {
  url(path?: string): string;
  port: number;
  received: ReceivedWebhook[];
  connections: number;
  /** How the next requests are answered (called per request, in order). */
  answer: (request: ReceivedWebhook, index: number) => Answer;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const receiver = {
    received: [] as ReceivedWebhook[],
    connections: 0,
    answer: (() => ({ status: 200 })) as WebhookReceiver["answer"],
  } as WebhookReceiver;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const got = { path: request.url ?? "", headers: request.headers, body: Buffer.concat(chunks).toString("utf8") };
      const index = receiver.received.push(got) - 1;
      const answer = receiver.answer(got, index);
      response.writeHead(answer.status, answer.headers);
      response.end(answer.body ?? "");
    });
  });
  server.on("connection", () => void receiver.connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = (path = "/hook") => `http://127.0.0.1:${receiver.port}${path}`;
  receiver.close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  return receiver;
}
