// The dev store's servers listen on loopback only.
import type http from "node:http";
import type { AddressInfo } from "node:net";

export interface Listening {
  origin: string;
  /** Stops the server, dropping kept-alive connections (the browser keeps them open). */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1, on `port` or (0) any free port. */
export async function listenOnLoopback(server: http.Server, port = 0): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
