import { XMLParser, XMLValidator } from "fast-xml-parser";

/** What a sitemap lists: page URLs (a `<urlset>`) and further sitemaps (a `<sitemapindex>`). */
export interface SitemapEntries {
  pages: string[];
  sitemaps: string[];
}

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  processEntities: true,
  parseTagValue: false,
  isArray: (name) => name === "url" || name === "sitemap",
});

/**
 * Pure: the `<loc>`s of a sitemap or sitemap index (sitemaps.org protocol), trimmed, http(s)
 * only, resolved against `sitemapUrl`. A document that is not well-formed XML, or neither a
 * urlset nor a sitemapindex, lists nothing.
 */
export function parseSitemap(xml: string, sitemapUrl: string): SitemapEntries {
  if (XMLValidator.validate(xml) !== true) return { pages: [], sitemaps: [] };
  const root = parser.parse(xml) as { urlset?: { url?: unknown[] }; sitemapindex?: { sitemap?: unknown[] } };
  return {
    pages: locations(root.urlset?.url, sitemapUrl),
    sitemaps: locations(root.sitemapindex?.sitemap, sitemapUrl),
  };
}

function locations(entries: unknown[] | undefined, base: string): string[] {
  const found: string[] = [];
  for (const entry of entries ?? []) {
    const loc = (entry as { loc?: unknown } | null)?.loc;
    if (typeof loc !== "string" || !URL.canParse(loc.trim(), base)) continue;
    const url = new URL(loc.trim(), base);
    if (url.protocol === "http:" || url.protocol === "https:") found.push(url.href);
  }
  return found;
}
