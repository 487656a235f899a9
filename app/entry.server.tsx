import { Transform } from "node:stream";
import { renderToPipeableStream } from "react-dom/server";
import { RemixServer } from "@remix-run/react";
import { createReadableStreamFromReadable, type EntryContext } from "@remix-run/node";
import { isbot } from "isbot";
import { addDocumentResponseHeaders } from "./shopify.server";
import { createLogger } from "./ops/logger.server";

const log = createLogger({ component: "render" });

const ABORT_DELAY = 5_000;

/**
 * React 18's streaming renderer pads its output with zero bytes when a
 * multi-byte character does not fit at the end of its 2 KB buffer: it sends
 * the whole buffer, unwritten tail included, then the character in the next
 * one (react-dom-server writeStringChunk). Hindi text came out with NULs in
 * it wherever a buffer ended inside a word. UTF-8 never has a zero byte inside
 * a character, so dropping the zero bytes gives back exactly the page.
 */
function withoutZeroBytes(): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, chunk.includes(0) ? Buffer.from(chunk.filter((byte) => byte !== 0)) : chunk);
    },
  });
}

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  addDocumentResponseHeaders(request, responseHeaders);
  const callbackName = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";

  return new Promise((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(
      <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />,
      {
        [callbackName]: () => {
          const body = withoutZeroBytes();
          const stream = createReadableStreamFromReadable(body);
          responseHeaders.set("Content-Type", "text/html");
          resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error) {
          reject(error);
        },
        onError(error) {
          responseStatusCode = 500;
          log.error("rendering failed", { error });
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}
