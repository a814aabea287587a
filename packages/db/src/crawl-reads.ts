import type { CrawlJobStatus, CrawlPageStatus } from "@kmcp/core";
import type pg from "pg";
import type { CrawlJobCounts, CrawlPage } from "./crawl-shapes.js";

/** Pages of crawled sources in one status, and the sources that have such pages. */
export interface PageStatusCount {
  status: CrawlPageStatus;
  pages: number;
  sources: number;
}

export async function listPages(pool: pg.Pool, sourceId: string): Promise<CrawlPage[]> {
  const { rows } = await pool.query<CrawlPage>(
    `SELECT url, depth, status, reason, job_id::text AS "jobId", final_url AS "finalUrl", title, content_hash AS "contentHash", etag,
            last_modified AS "lastModified", content_type AS "contentType", chunk_count AS "chunkCount", fetched_at AS "fetchedAt"
     FROM crawl_pages WHERE source_id = $1::uuid ORDER BY depth, id`,
    [sourceId],
  );
  return rows;
}

export async function countJob(pool: pg.Pool, jobId: string, sourceId: string): Promise<CrawlJobCounts> {
  const { rows } = await pool.query<{ status: CrawlPageStatus | "pending_for_job"; reason: string | null; n: number; chunks: number }>(
    `SELECT CASE WHEN job_id IS DISTINCT FROM $1::uuid THEN 'pending_for_job' ELSE status::text END AS status,
            CASE WHEN status = 'skipped' AND job_id = $1::uuid THEN reason END AS reason,
            count(*)::int AS n, COALESCE(sum(chunk_count), 0)::int AS chunks
     FROM crawl_pages WHERE source_id = $2::uuid GROUP BY 1, 2`,
    [jobId, sourceId],
  );
  const counts: CrawlJobCounts = { stored: 0, unchanged: 0, gone: 0, failed: 0, skipped: {}, pending: 0, chunks: 0 };
  for (const row of rows) {
    counts.chunks += row.chunks;
    if (row.status === "pending_for_job" || row.status === "pending") counts.pending += row.n;
    else if (row.status === "skipped") counts.skipped[row.reason ?? "unknown"] = (counts.skipped[row.reason ?? "unknown"] ?? 0) + row.n;
    else counts[row.status] += row.n;
  }
  return counts;
}

export async function countPagesByStatus(pool: pg.Pool): Promise<PageStatusCount[]> {
  const { rows } = await pool.query<PageStatusCount>(
    `SELECT status::text AS status, count(*)::int AS pages, count(DISTINCT source_id)::int AS sources FROM crawl_pages GROUP BY status ORDER BY status`,
  );
  return rows;
}

/** A crawled site: its source and its latest crawl job. */
export interface CrawledSite {
  sourceId: string;
  url: string;
  lastCrawledAt: Date | null;
  jobId: string;
  jobStatus: CrawlJobStatus;
  scope: unknown;
}

export async function listSites(pool: pg.Pool): Promise<CrawledSite[]> {
  const { rows } = await pool.query<CrawledSite>(
    `SELECT DISTINCT ON (j.source_id) j.source_id::text AS "sourceId", s.url, s.last_crawled_at AS "lastCrawledAt",
            j.id::text AS "jobId", j.status::text AS "jobStatus", j.scope
     FROM crawl_jobs j JOIN sources s ON s.id = j.source_id
     ORDER BY j.source_id, j.started_at DESC`,
  );
  return rows;
}
