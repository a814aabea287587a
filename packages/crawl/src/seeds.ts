import { robotsSitemaps, type RobotsRules } from "@kmcp/acquire";
import { decodeText } from "@kmcp/extract";
import { parseLlmsTxt } from "./llms-txt.js";
import { parseSitemap } from "./sitemap.js";

const SITEMAP_TYPES = ["application/xml", "text/xml", "application/x-xml", "text/plain", "application/rss+xml"];
const MAX_SITEMAPS = 50;

/** Fetch a text resource politely; null when it is missing or unreadable. */
export type SeedFetch = (url: string, accept: readonly string[]) => Promise<{ bytes: Uint8Array; contentType: string | null } | null>;

/**
 * Pages a site lists for crawlers: the sitemaps robots.txt names (else /sitemap.xml), sitemap
 * indexes followed (at most 50 sitemaps, same origin only), and the links of llms.txt (in the
 * start folder, then at the root). Only URLs on the start's origin are read; the caller scopes
 * the pages.
 */
export async function discoverSeeds(origin: string, pathPrefix: string, rules: RobotsRules, fetchText: SeedFetch): Promise<string[]> {
  const found = new Set<string>();
  const sameOrigin = (url: string) => new URL(url).origin === origin;
  // robots.txt should give absolute URLs; a relative one is read against the site.
  const listed = robotsSitemaps(rules).flatMap((u) => (URL.canParse(u, origin) ? [new URL(u, origin).href] : [])).filter(sameOrigin);
  const queue = listed.length > 0 ? listed : [`${origin}/sitemap.xml`];
  const seen = new Set<string>();
  while (queue.length > 0 && seen.size < MAX_SITEMAPS) {
    const url = queue.shift() as string;
    if (seen.has(url)) continue;
    seen.add(url);
    const body = await fetchText(url, SITEMAP_TYPES);
    if (!body) continue;
    const entries = parseSitemap(decodeText(body.bytes, null, false), url);
    for (const page of entries.pages) found.add(page);
    queue.push(...entries.sitemaps.filter(sameOrigin));
  }
  const llmsFiles = [...new Set([`${origin}${pathPrefix === "/" ? "" : pathPrefix}/llms.txt`, `${origin}/llms.txt`])];
  for (const url of llmsFiles) {
    const body = await fetchText(url, ["text/plain", "text/markdown", "text/x-markdown"]);
    if (body) for (const page of parseLlmsTxt(decodeText(body.bytes, null, false), url)) found.add(page);
  }
  return [...found];
}
