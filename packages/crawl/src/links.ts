import { normaliseUrl } from "@kmcp/core";
import { Parser } from "htmlparser2";

/**
 * Pure: the http(s) links of an HTML page, resolved against its `<base href>` (else the page's
 * URL), normalised as source URLs are (fragment dropped, so `a#x` and `a#y` are one page),
 * unique, in document order. Links marked `rel="nofollow"` and every link of a page whose robots
 * meta tag says `nofollow` are left out. The page is read as a stream of tags (htmlparser2, the
 * parser linkedom builds its DOM with), without building a DOM: the crawler reads every page.
 */
export function extractLinks(html: string, pageUrl: string): string[] {
  const hrefs: string[] = [];
  const robots: string[] = [];
  // The first <base href> is the document's base, for links before it too.
  let baseHref: string | null = null;
  const parser = new Parser({
    onopentag(name, attributes) {
      if ((name === "a" || name === "area") && attributes.href !== undefined) {
        if (!/\bnofollow\b/i.test(attributes.rel ?? "")) hrefs.push(attributes.href.trim());
      } else if (name === "base" && attributes.href !== undefined) {
        baseHref ??= attributes.href;
      } else if (name === "meta" && /^(robots|kmcp)$/i.test(attributes.name ?? "")) {
        robots.push(attributes.content ?? "");
      }
    },
  });
  parser.end(html);
  if (/\b(nofollow|none)\b/i.test(robots.join(","))) return [];
  const base = (baseHref && URL.canParse(baseHref, pageUrl) ? new URL(baseHref, pageUrl).href : null) ?? pageUrl;
  const links = new Set<string>();
  for (const href of hrefs) {
    if (!href || !URL.canParse(href, base)) continue;
    const resolved = new URL(href, base);
    if (resolved.protocol !== "http:" && resolved.protocol !== "https:") continue;
    try {
      links.add(normaliseUrl(resolved.href));
    } catch {
      // Credentials in the link, or too long: not a page kmcp would store.
    }
  }
  return [...links];
}
