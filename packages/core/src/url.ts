import { CoreError } from "./errors.js";

export const MAX_URL_LENGTH = 2048;

/**
 * Normalises a source URL so one resource has one spelling:
 * - `http:` and `https:`; with `allowFile`, also `file:` for local documents (an absolute path,
 *   host empty or `localhost`, written as `file:///path`); no credentials; at most 2048 characters;
 * - scheme and host lower-cased (the path and query keep their case: they are case-sensitive);
 * - the default port (80 for http, 443 for https) and the `#fragment` dropped;
 * - trailing slash: the bare host always ends in `/` (`https://a.dev` → `https://a.dev/`);
 *   any longer path loses one trailing slash (`https://a.dev/docs/` → `https://a.dev/docs`).
 *   A query string is kept as given.
 *
 * @throws CoreError VALIDATION for anything that is not such a URL.
 */
export function normaliseUrl(input: string, options: { allowFile?: boolean } = {}): string {
  const raw = input.trim();
  if (raw.length === 0) throw invalid(input, "it is empty");
  if (raw.length > MAX_URL_LENGTH) throw invalid(input, `it is longer than ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(input, "it is not an absolute URL");
  }
  if (url.protocol === "file:" && options.allowFile) return normaliseFileUrl(input, url);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw invalid(input, options.allowFile ? "only http, https and file URLs are allowed" : "only http and https URLs are allowed");
  }
  if (url.username || url.password) throw invalid(input, "URLs with credentials are not allowed");
  if (!url.hostname) throw invalid(input, "it has no host");
  // Setters re-serialise the whole URL, so each runs only when it changes something (a bulk
  // import normalises every row: this halved normaliseUrl's time).
  if (raw.includes("#")) url.hash = "";
  const { pathname } = url;
  if (pathname.length > 1 && pathname.endsWith("/")) url.pathname = pathname.slice(0, -1);
  // WHATWG URL already lower-cases scheme and host and drops default ports.
  return url.href;
}

function normaliseFileUrl(input: string, url: URL): string {
  if (url.hostname && url.hostname !== "localhost") throw invalid(input, "file URLs must name a local path (file:///path)");
  if (url.pathname === "/" || url.pathname.endsWith("/")) throw invalid(input, "a file URL must name a file, not a folder");
  url.hostname = "";
  url.hash = "";
  url.search = "";
  return url.toString();
}

function invalid(input: string, why: string): CoreError {
  const shown = input.length > 100 ? `${input.slice(0, 100)}…` : input;
  return new CoreError("VALIDATION", `Invalid URL ${JSON.stringify(shown)}: ${why}.`, { data: { field: "url" } });
}
