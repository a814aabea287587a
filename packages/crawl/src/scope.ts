import { normaliseUrl, type CrawlScope } from "@kmcp/core";
import picomatch from "picomatch";

/** Why a URL is not crawled: another origin or outside the start folder (`scope`), an include/exclude pattern (`pattern`), too deep (`depth`). */
export type OutOfScope = "scope" | "pattern" | "depth";

export interface ScopeRules {
  /** The start URL's origin; no other is ever fetched. */
  origin: string;
  /** The folder every page's path must be in ("/" for a whole site). */
  pathPrefix: string;
  /** Null when `url` (normalised) may be crawled at `depth`, else why not. */
  check(url: string, depth: number): OutOfScope | null;
}

/**
 * Pure: the scope of a crawl starting at `startUrl`. The folder is the start URL's path, or the
 * folder of a file-like start (`/guide/intro.html` → `/guide`); a page is in it when its path is
 * the folder or below it (segment boundary: `/guide` does not hold `/guidelines`).
 */
export function scopeRules(startUrl: string, scope: Pick<CrawlScope, "include" | "exclude" | "maxDepth">): ScopeRules {
  const start = new URL(normaliseUrl(startUrl));
  const segments = start.pathname.split("/");
  if (segments.at(-1)?.includes(".")) segments.pop();
  const pathPrefix = segments.join("/").replace(/\/+$/, "") || "/";
  const matcher = (patterns: readonly string[]) => {
    if (patterns.length === 0) return null;
    const byPath = picomatch(patterns.filter((p) => p.startsWith("/")), { dot: true });
    const byUrl = picomatch(patterns.filter((p) => !p.startsWith("/")), { dot: true });
    return (url: URL) => byPath(url.pathname) || byUrl(url.href);
  };
  const included = matcher(scope.include);
  const excluded = matcher(scope.exclude);
  return {
    origin: start.origin,
    pathPrefix,
    check(url, depth) {
      const parsed = new URL(url);
      if (parsed.origin !== start.origin) return "scope";
      const path = parsed.pathname;
      if (pathPrefix !== "/" && path !== pathPrefix && !path.startsWith(`${pathPrefix}/`)) return "scope";
      if ((included && !included(parsed)) || excluded?.(parsed)) return "pattern";
      if (scope.maxDepth !== null && depth > scope.maxDepth) return "depth";
      return null;
    },
  };
}
