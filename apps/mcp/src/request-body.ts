import type { IncomingMessage } from "node:http";
import { DEFAULT_MAX_REQUEST_BODY_SIZE } from "@modelcontextprotocol/sdk/server/requestBody.js";

/**
 * A POST's JSON body, read from the socket and parsed here, to hand the SDK's transport as its
 * `parsedBody` (how the SDK takes bodies a framework has parsed): the SDK's own read goes
 * through a web Request and stream made for the purpose, a tenth of the server's CPU under load.
 * A body the SDK must refuse (not JSON, or over its size limit) is not parsed here: it is left
 * as the request's `rawBody`, which the SDK's Node adapter (@hono/node-server) reads instead of
 * the socket, so the SDK answers it exactly as before (400 or 413, after its header checks).
 */
export function readJsonBody(req: IncomingMessage, maxBytes = DEFAULT_MAX_REQUEST_BODY_SIZE): Promise<unknown> {
  // Declared too large: the SDK refuses it from the header, without reading it.
  if (Number(req.headers["content-length"]) > maxBytes) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (parsed: unknown) => {
      req.off("data", onData).off("end", onEnd).off("error", reject);
      resolve(parsed);
    };
    const leave = () => {
      (req as IncomingMessage & { rawBody?: Buffer }).rawBody = Buffer.concat(chunks);
      done(undefined);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      // Over the limit: stop reading, as the SDK does; it sees more than the limit and says 413.
      if (size > maxBytes) {
        req.pause();
        leave();
      }
    };
    const onEnd = () => {
      try {
        done(JSON.parse((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString("utf8")));
      } catch {
        leave();
      }
    };
    req.on("data", onData).once("end", onEnd).once("error", reject);
  });
}
