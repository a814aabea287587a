import { normaliseUrl } from "@kmcp/core";
import { parseHTML } from "linkedom";

/**
 * Pure: the http(s) links of an HTML page, resolved against its `<base href>` (else the page's
 * URL), normalised as source URLs are (fragment dropped, so `a#x` and `a#y` are one page),
 * unique, in document order. Links marked `rel="nofollow"` and every link of a page whose robots
 * meta tag says `nofollow` are left out.
 */
export function extractLinks(html: string, pageUrl: string): string[] {
  const { document } = parseHTML(html);
  const robots = [...document.querySelectorAll('meta[name="robots" i], meta[name="kmcp" i]')].map((m) => m.getAttribute("content") ?? "").join(",");
  if (/\b(nofollow|none)\b/i.test(robots)) return [];
  const baseHref = document.querySelector("base[href]")?.getAttribute("href");
  const base = (baseHref && URL.canParse(baseHref, pageUrl) ? new URL(baseHref, pageUrl).href : null) ?? pageUrl;
  const links = new Set<string>();
  for (const anchor of document.querySelectorAll("a[href], area[href]")) {
    if (/\bnofollow\b/i.test(anchor.getAttribute("rel") ?? "")) continue;
    const href = (anchor.getAttribute("href") ?? "").trim();
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
