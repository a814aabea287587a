import { AcquireError } from "./errors.js";
import { followHops, mediaType, refuseErrorStatus, type FetchOptions } from "./hops.js";
import { header, readBody } from "./read-body.js";

/** Content types fetchDocument accepts (parameters aside); anything else is refused as UNSUPPORTED_TYPE. */
export const ACCEPTED_CONTENT_TYPES = [
  "text/html",
  "application/xhtml+xml",
  "application/pdf",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "text/markdown",
  "text/x-markdown",
  "text/plain",
] as const;

export type FetchResult =
  | { notModified: true; url: string; finalUrl: string; status: 304; redirects: string[] }
  | {
      notModified: false;
      url: string;
      /** The URL after redirects. */
      finalUrl: string;
      status: number;
      contentType: string | null;
      bytes: Uint8Array;
      etag: string | null;
      lastModified: string | null;
      /** Every URL before finalUrl, in order. */
      redirects: string[];
    };

/**
 * GET a document safely: http(s) only; every hop's host resolved and refused when any address is
 * not public (unless allowPrivate), then connected to that vetted address (a second DNS answer
 * cannot swap it); redirects followed by hand; robots.txt obeyed; the body decompressed and
 * counted while it streams, and refused past maxBytes.
 * @throws {AcquireError} VALIDATION, FORBIDDEN_ADDRESS, ROBOTS, TOO_LARGE, TIMEOUT, HTTP, REDIRECTS, UNSUPPORTED_TYPE, UNREACHABLE.
 */
export function fetchDocument(url: string, options: FetchOptions = {}): Promise<FetchResult> {
  return followHops(url, options, { method: "GET", conditional: true }, async ({ response, current, start, redirects, settings }) => {
    if (response.statusCode === 304) {
      response.body.resume();
      return { notModified: true, url: start.href, finalUrl: current.href, status: 304, redirects };
    }
    refuseErrorStatus(response, current);
    const contentType = header(response.headers, "content-type");
    const media = mediaType(contentType);
    if (media !== null && !(options.accept ?? ACCEPTED_CONTENT_TYPES).includes(media)) {
      response.body.resume();
      throw new AcquireError("UNSUPPORTED_TYPE", `${current.href} is ${media}; kmcp reads HTML, PDF, Word (DOCX), Markdown and text.`, {
        data: { url: current.href, contentType: media },
      });
    }
    const bytes = await readBody(response, current, settings.maxBytes);
    return {
      notModified: false,
      url: start.href,
      finalUrl: current.href,
      status: response.statusCode,
      contentType,
      bytes,
      etag: header(response.headers, "etag"),
      lastModified: header(response.headers, "last-modified"),
      redirects,
    };
  });
}

