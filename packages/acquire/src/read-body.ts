import type { Readable } from "node:stream";
import zlib from "node:zlib";
import { AcquireError } from "./errors.js";

/** What readBody needs of a response: its headers and its body stream. */
export interface BodyResponse {
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

/** A response header's (first) value, or null. */
export function header(headers: BodyResponse["headers"], name: string): string | null {
  const value = headers[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

/** The body, decompressed, refused as soon as it passes maxBytes (the connection is dropped then). */
export async function readBody(response: BodyResponse, url: URL, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = (what: string) =>
    new AcquireError("TOO_LARGE", `${url.href} is larger than the ${(maxBytes / (1024 * 1024)).toFixed(1)} MB limit (${what}); nothing was kept.`, {
      data: { url: url.href, maxBytes },
    });
  const declared = Number(header(response.headers, "content-length"));
  const encoding = (header(response.headers, "content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding === "identity" && Number.isFinite(declared) && declared > maxBytes) {
    response.body.destroy();
    throw tooLarge(`Content-Length ${declared}`);
  }
  const decoder = decoderFor(encoding);
  const stream: Readable = decoder ? response.body.pipe(decoder) : response.body;
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      total += (chunk as Buffer).length;
      if (total > maxBytes) throw tooLarge("stopped while reading");
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    response.body.destroy();
    decoder?.destroy();
    throw error;
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function decoderFor(encoding: string): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null {
  switch (encoding) {
    case "identity":
    case "":
      return null;
    case "gzip":
    case "x-gzip":
      return zlib.createGunzip();
    case "deflate":
      return zlib.createInflate();
    case "br":
      return zlib.createBrotliDecompress();
    default:
      throw new AcquireError("UNSUPPORTED_TYPE", `The server sent content-encoding ${encoding}, which kmcp does not decode.`);
  }
}
