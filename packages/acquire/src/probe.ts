import { ACCEPTED_CONTENT_TYPES } from "./fetch-document.js";
import { followHops, mediaType, refuseErrorStatus, type FetchOptions, type FinalHop } from "./hops.js";
import { header } from "./read-body.js";

export interface ProbeResult {
  url: string;
  /** The URL after redirects. */
  finalUrl: string;
  redirects: string[];
  status: number;
  /** How the answer was got: HEAD, or a one-byte ranged GET when the server refuses HEAD. */
  method: "HEAD" | "GET";
  contentType: string | null;
  /** Content-Length of the whole document when the server gives it (from Content-Range for a ranged GET); null otherwise. */
  contentLength: number | null;
  /** Whether the content type is one fetchDocument accepts (true when the server names none). */
  supported: boolean;
}

/**
 * Ask about a document without downloading it: a HEAD (or, when the server answers HEAD with 405
 * or 501, a GET of its first byte) through the same safe hops as fetchDocument: http(s) only,
 * every hop's addresses vetted and pinned, redirects followed by hand, robots.txt obeyed. Unlike
 * fetchDocument it does not refuse an unsupported content type: it reports it (`supported`).
 * @throws {AcquireError} VALIDATION, FORBIDDEN_ADDRESS, ROBOTS, TIMEOUT, HTTP, REDIRECTS, UNREACHABLE.
 */
export async function probeDocument(url: string, options: FetchOptions = {}): Promise<ProbeResult> {
  const unconditional = { ...options, etag: null, lastModified: null };
  const head = await followHops(url, unconditional, { method: "HEAD", conditional: false }, async (final) => {
    if (final.response.statusCode === 405 || final.response.statusCode === 501) {
      final.response.body.resume();
      return null;
    }
    return describe(final, "HEAD");
  });
  if (head) return head;
  return followHops(url, unconditional, { method: "GET", conditional: false, headers: { range: "bytes=0-0" } }, async (final) => {
    // Only the headers matter: drop the connection rather than read a body the server may send whole.
    const result = describe(final, "GET");
    final.response.body.on("error", () => undefined).destroy();
    return result;
  });
}

function describe({ response, start, current, redirects }: FinalHop, method: ProbeResult["method"]): ProbeResult {
  refuseErrorStatus(response, current);
  if (method === "HEAD") response.body.resume();
  const contentType = header(response.headers, "content-type");
  const media = mediaType(contentType);
  return {
    url: start.href,
    finalUrl: current.href,
    redirects,
    status: response.statusCode,
    method,
    contentType,
    contentLength: documentLength(response.statusCode, header(response.headers, "content-length"), header(response.headers, "content-range")),
    supported: media === null || (ACCEPTED_CONTENT_TYPES as readonly string[]).includes(media),
  };
}

/** Pure: the whole document's length from a response's headers (206: the total of Content-Range), or null when not given. */
export function documentLength(status: number, contentLength: string | null, contentRange: string | null): number | null {
  const raw = status === 206 ? (/\/(\d+)\s*$/.exec(contentRange ?? "")?.[1] ?? null) : contentLength;
  if (raw === null || !/^\d+$/.test(raw.trim())) return null;
  return Number(raw.trim());
}
