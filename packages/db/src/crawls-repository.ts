import { CrawlJobStatusSchema, IdSchema, type CrawlJobStatus } from "@kmcp/core";
import { z } from "zod";
import type { RepositoryContext } from "./context.js";
import {
  DiscoveredPagesSchema,
  PageSettlementSchema,
  StartJobSchema,
  toCrawlJob,
  type CrawlJob,
  type CrawlJobCounts,
  type CrawlJobSummary,
  type CrawlPage,
  type PageSettlementInput,
  type StartJobInput,
} from "./crawl-shapes.js";
import { countJob, countPagesByStatus, listPages, listSites, type CrawledSite, type PageStatusCount } from "./crawl-reads.js";
import { parseInput } from "./parse-input.js";

/** A held crawl lock; release it when the crawl ends (a killed process releases it with its connection). */
export interface CrawlLock {
  release(): Promise<void>;
}

export interface CrawlsRepository {
  /**
   * Take the crawl lock of a site (its normalised start url): a PostgreSQL session advisory lock on
   * a connection of its own, so it is released when the process dies. Null when another process holds it.
   */
  lock(url: string): Promise<CrawlLock | null>;
  /** The source's most recent job, or null. */
  latestJob(sourceId: string): Promise<CrawlJob | null>;
  startJob(input: StartJobInput): Promise<CrawlJob>;
  /** @throws DbError NOT_FOUND when there is no such job. */
  finishJob(id: string, outcome: { status: Exclude<CrawlJobStatus, "running">; stopReason?: string | null }): Promise<CrawlJob>;
  /** Jobs, newest first (all sources, or one), with their counts. */
  listJobs(query?: { sourceId?: string; limit?: number }): Promise<CrawlJobSummary[]>;
  /** Every known page of a source, in the order to visit them (by depth, then as found). */
  pages(sourceId: string): Promise<CrawlPage[]>;
  /** Record pages found (a page already known keeps its row). */
  discover(sourceId: string, pages: readonly { url: string; depth: number }[]): Promise<void>;
  /** Record what a job's visit of a page found; it is then settled for that job. */
  settle(sourceId: string, jobId: string, settlement: PageSettlementInput): Promise<void>;
  counts(jobId: string): Promise<CrawlJobCounts>;
  /** Every source that was crawled, with its latest job (refresh, health, stats). */
  sites(): Promise<CrawledSite[]>;
  /** Pages of every crawled source per status (knowledge_stats). */
  pageStatusCounts(): Promise<PageStatusCount[]>;
}

export function createCrawlsRepository({ prisma, pool, run }: RepositoryContext): CrawlsRepository {
  return {
    async lock(url) {
      const key = parseInput(z.string().min(1).max(4_096), url, "crawl url");
      const client = await run("connect for the crawl lock", () => pool.connect());
      // A server restart drops the lock with the connection; the crawl's next write fails then.
      client.on("error", () => {});
      try {
        const { rows } = await run("take the crawl lock", () =>
          client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(hashtextextended('kmcp-crawl:' || $1, 0)) AS locked`, [key]),
        );
        if (!rows[0]?.locked) {
          client.release();
          return null;
        }
      } catch (error) {
        client.release(true);
        throw error;
      }
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await client.query(`SELECT pg_advisory_unlock(hashtextextended('kmcp-crawl:' || $1, 0))`, [key]).then(
            () => client.release(),
            (error: Error) => client.release(error),
          );
        },
      };
    },

    async latestJob(sourceId) {
      const id = parseInput(IdSchema, sourceId, "source id");
      const row = await run("read the latest crawl job", () => prisma.crawlJob.findFirst({ where: { sourceId: id }, orderBy: { startedAt: "desc" } }));
      return row ? toCrawlJob(row) : null;
    },

    async startJob(input) {
      const data = parseInput(StartJobSchema, input, "crawl job");
      return toCrawlJob(await run("start a crawl job", () => prisma.crawlJob.create({ data: { sourceId: data.sourceId, scope: data.scope } })));
    },

    async finishJob(id, outcome) {
      const jobId = parseInput(IdSchema, id, "crawl job id");
      const status = parseInput(CrawlJobStatusSchema.exclude(["running"]), outcome.status, "crawl job status");
      const row = await run("finish the crawl job", () =>
        prisma.crawlJob.update({ where: { id: jobId }, data: { status, stopReason: outcome.stopReason ?? null, finishedAt: new Date() } }),
      );
      return toCrawlJob(row);
    },

    async listJobs(query = {}) {
      const parsed = parseInput(z.strictObject({ sourceId: IdSchema.optional(), limit: z.number().int().min(1).max(1_000).default(50) }), query, "job list");
      const rows = await run("list crawl jobs", () =>
        prisma.crawlJob.findMany({
          where: parsed.sourceId ? { sourceId: parsed.sourceId } : {},
          orderBy: { startedAt: "desc" },
          take: parsed.limit,
          include: { source: { select: { url: true } } },
        }),
      );
      return Promise.all(
        rows.map(async ({ source, ...row }) => ({ ...toCrawlJob(row), url: source.url, counts: await run("count a crawl job's pages", () => countJob(pool, row.id, row.sourceId)) })),
      );
    },

    async pages(sourceId) {
      const id = parseInput(IdSchema, sourceId, "source id");
      return run("read the crawl's pages", () => listPages(pool, id));
    },

    async discover(sourceId, pages) {
      const id = parseInput(IdSchema, sourceId, "source id");
      const found = parseInput(DiscoveredPagesSchema, pages, "discovered pages");
      if (found.length === 0) return;
      await run("record discovered pages", () =>
        pool.query(
          `INSERT INTO crawl_pages (source_id, url, depth) SELECT $1::uuid, u, d FROM unnest($2::text[], $3::int[]) AS t(u, d)
           ON CONFLICT (source_id, url) DO NOTHING`,
          [id, found.map((p) => p.url), found.map((p) => p.depth)],
        ),
      );
    },

    async settle(sourceId, jobId, settlement) {
      const id = parseInput(IdSchema, sourceId, "source id");
      const job = parseInput(IdSchema, jobId, "crawl job id");
      const s = parseInput(PageSettlementSchema, settlement, "page settlement");
      // Fields the visit did not see (a 304 has no new ETag, a failure no title) keep their value.
      await run("record the page's crawl outcome", () =>
        pool.query(
          `INSERT INTO crawl_pages (source_id, url, depth, status, reason, job_id, final_url, title, content_hash, etag, last_modified, content_type, chunk_count, fetched_at)
           VALUES ($1::uuid, $2, 0, $3::"CrawlPageStatus", $4, $5::uuid, $6, $7, $8, $9, $10, $11, COALESCE($12, 0), now())
           ON CONFLICT (source_id, url) DO UPDATE SET
             status = EXCLUDED.status, reason = EXCLUDED.reason, job_id = EXCLUDED.job_id, fetched_at = EXCLUDED.fetched_at,
             final_url = COALESCE($6, crawl_pages.final_url), title = COALESCE($7, crawl_pages.title),
             content_hash = COALESCE($8, crawl_pages.content_hash), etag = COALESCE($9, crawl_pages.etag),
             last_modified = COALESCE($10, crawl_pages.last_modified), content_type = COALESCE($11, crawl_pages.content_type),
             chunk_count = COALESCE($12, crawl_pages.chunk_count)`,
          [id, s.url, s.status, s.reason, job, s.finalUrl ?? null, s.title ?? null, s.contentHash ?? null, s.etag ?? null, s.lastModified ?? null, s.contentType ?? null, s.chunks ?? null],
        ),
      );
    },

    async counts(jobId) {
      const id = parseInput(IdSchema, jobId, "crawl job id");
      const job = await run("read the crawl job", () => prisma.crawlJob.findUnique({ where: { id }, select: { sourceId: true } }));
      if (!job) return { stored: 0, unchanged: 0, gone: 0, failed: 0, skipped: {}, pending: 0, chunks: 0 };
      return run("count the crawl job's pages", () => countJob(pool, id, job.sourceId));
    },

    sites: () => run("list crawled sites", () => listSites(pool)),

    pageStatusCounts: () => run("count crawled pages", () => countPagesByStatus(pool)),
  };
}
