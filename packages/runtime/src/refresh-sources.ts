import { CrawlScopeSchema } from "@kmcp/core";
import { DbError, isDbError, type Db } from "@kmcp/db";
import type { CrawlOptions, CrawlResult } from "./crawl.js";

export interface RefreshOptions {
  /** Only sites whose last successful crawl is older than this (never crawled successfully: always). */
  olderThanMs?: number;
  /** Only this source (id). */
  sourceId?: string;
  now?: () => number;
  /** Called before each site is crawled. */
  onSite?: (site: { url: string; index: number; total: number }) => void;
  signal?: AbortSignal;
}

/** One site's refresh: the crawl's result, or why it was not crawled (another crawl holds it). */
export type SiteRefresh = { url: string; sourceId: string; result: CrawlResult; skipped: null } | { url: string; sourceId: string; result: null; skipped: string };

/**
 * Re-crawl crawled sites that are due: each with the scope of its last job, as conditional
 * requests (an unchanged page costs one 304 and no writes), changed pages re-embedded, pages gone
 * (404/410) removed; a job left unfinished is resumed instead. A site another process is crawling is
 * skipped with the reason. Sites are crawled one after another.
 * @throws DbError NOT_FOUND when `sourceId` is not a crawled site; errors of the stores pass through.
 */
export function createRefreshSources(deps: { db: Pick<Db, "crawls">; crawl: (url: string, options?: CrawlOptions) => Promise<CrawlResult> }) {
  return async (options: RefreshOptions = {}): Promise<SiteRefresh[]> => {
    const now = options.now?.() ?? Date.now();
    const sites = await deps.db.crawls.sites();
    if (options.sourceId && !sites.some((site) => site.sourceId === options.sourceId)) {
      throw new DbError("NOT_FOUND", `Source ${options.sourceId} is not a crawled site; crawl it first with \`kmcp acquire <url> --crawl\`.`);
    }
    const due = sites.filter(
      (site) =>
        (!options.sourceId || site.sourceId === options.sourceId) &&
        (options.olderThanMs === undefined || site.lastCrawledAt === null || now - site.lastCrawledAt.getTime() >= options.olderThanMs),
    );
    const refreshed: SiteRefresh[] = [];
    for (const [index, site] of due.entries()) {
      if (options.signal?.aborted) break;
      options.onSite?.({ url: site.url, index, total: due.length });
      const scope = CrawlScopeSchema.safeParse(site.scope);
      try {
        const result = await deps.crawl(site.url, { ...(scope.success ? { scope: scope.data } : {}), ...(options.signal ? { signal: options.signal } : {}) });
        refreshed.push({ url: site.url, sourceId: site.sourceId, result, skipped: null });
      } catch (error) {
        if (!isDbError(error, "CONFLICT")) throw error;
        refreshed.push({ url: site.url, sourceId: site.sourceId, result: null, skipped: error.message });
      }
    }
    return refreshed;
  };
}

/**
 * Crawled sites due for a refresh: last crawled successfully longer ago than `olderThanMs`, or
 * never (unless their first crawl is running).
 */
export async function countStaleSites(db: Pick<Db, "crawls">, olderThanMs: number, now = Date.now()): Promise<number> {
  const sites = await db.crawls.sites();
  return sites.filter((site) => (site.lastCrawledAt === null ? site.jobStatus !== "running" : now - site.lastCrawledAt.getTime() > olderThanMs)).length;
}
