import { AcquireError, RobotsCache } from "@kmcp/acquire";
import { crawlSite, type CrawlProgress, type CrawlRun } from "@kmcp/crawl";
import { CrawlScopeSchema, formatIssues, SourceUrlSchema, type AcquireSourceOptions, type CrawlJobStatus, type CrawlScopeInput, type SyncReport } from "@kmcp/core";
import { DbError, type CrawlJobCounts, type Db } from "@kmcp/db";
import type { ChromaStore } from "@kmcp/chroma-store";
import { createPageIngester, createPreparer, type Embedder } from "@kmcp/search";
import { newSource, type FetchingDeps } from "./acquire.js";
import { createCrawlSink } from "./crawl-sink.js";

/** `title` of a source created for the site: default, the start page's title, else the url. */
export interface CrawlOptions extends AcquireSourceOptions {
  /** Scope of a new job; a job resumed keeps the scope it started with. */
  scope?: CrawlScopeInput;
  onProgress?: (progress: CrawlProgress) => void;
  /** Stop starting requests (Ctrl-C): the job stays resumable. */
  signal?: AbortSignal;
}

export interface CrawlResult {
  /** The site's source url (the start url, normalised). */
  url: string;
  sourceId: string;
  sourceCreated: boolean;
  jobId: string;
  /** Whether this run resumed a job a killed or stopped run left. */
  resumed: boolean;
  /** `running` when interrupted (the next crawl resumes it). */
  status: CrawlJobStatus;
  stopReason: string | null;
  /** What this run did. */
  run: CrawlRun;
  /** The whole job's pages (this run and the runs it resumed), and the site's chunks. */
  job: CrawlJobCounts;
  sync: SyncReport | null;
}

export interface CrawlDeps extends FetchingDeps {
  db: Pick<Db, "sources" | "crawls">;
  store: Pick<ChromaStore, "heartbeat" | "chunks">;
  embedder: Embedder;
  /** Worker threads that extract, chunk and embed a crawl's pages (0: none); default @kmcp/search's. */
  prepareThreads?: number | undefined;
}

/**
 * Crawl a site into one source (its url the start url), politely and durably: the frontier and
 * each page's state live in PostgreSQL, so a crawl killed at any moment resumes where it was when
 * run again (pages settled are not fetched again); pages' chunks carry their url and title. One
 * crawl per site at a time (a PostgreSQL advisory lock): a second is refused with CONFLICT.
 * With PostgreSQL or Chroma down nothing is fetched.
 * @throws {AcquireError} VALIDATION for a url kmcp cannot crawl; DbError CONFLICT while another
 *   crawl of the site runs; DbError, ChromaStoreError, SearchError when a store fails mid-crawl
 *   (the job stays resumable).
 */
export function createCrawl(deps: CrawlDeps) {
  const { db, sync, logger } = deps;

  return async (rawUrl: string, options: CrawlOptions = {}): Promise<CrawlResult> => {
    const parsed = SourceUrlSchema.safeParse(rawUrl);
    if (!parsed.success || !/^https?:/i.test(parsed.data)) throw new AcquireError("VALIDATION", `${JSON.stringify(rawUrl)} is not an http(s) URL kmcp can crawl.`);
    const url = parsed.data;
    const scopeParsed = CrawlScopeSchema.safeParse(options.scope ?? {});
    if (!scopeParsed.success) throw new AcquireError("VALIDATION", `Invalid crawl options: ${formatIssues(scopeParsed.error)}`);
    // Read first: with PostgreSQL or Chroma down this fails at once, before any fetch or write.
    let source = await db.sources.get(url);
    await deps.store.heartbeat();
    const lock = await db.crawls.lock(url);
    if (!lock) {
      throw new DbError("CONFLICT", `A crawl of ${url} is already running in another process; wait for it to finish (\`kmcp jobs\` lists crawls).`, {
        data: { url },
      });
    }
    try {
      const sourceCreated = !source;
      source ??= await db.sources.create(newSource(url, options, "pending"));
      // In the mirror from the start, so pages are searchable as they are stored.
      if (sourceCreated) await sync.syncSources().catch(() => null);
      const latest = await db.crawls.latestJob(source.id);
      const resumed = latest !== null && latest.status !== "completed";
      const job = resumed ? latest : await db.crawls.startJob({ sourceId: source.id, scope: scopeParsed.data });
      if (resumed) logger.info("resuming the crawl job", { jobId: job.id, url });
      const known = await db.crawls.pages(source.id);
      // Pages are extracted, chunked and embedded on worker threads, off the thread that fetches.
      const preparer = createPreparer({ embedder: deps.embedder, threads: deps.prepareThreads });
      preparer.start(); // its threads load their code while robots.txt and the first pages are fetched
      const pages = createPageIngester({ store: deps.store, embedder: deps.embedder, preparer });
      const run = await crawlSite({
        startUrl: url,
        scope: job.scope,
        pending: known.filter((page) => page.jobId !== job.id).map(({ url: u, depth, etag, lastModified }) => ({ url: u, depth, etag, lastModified })),
        known: known.map((page) => page.url),
        settled: known.filter((page) => page.jobId === job.id && !(page.status === "skipped" && page.reason === "robots")).length,
        seed: !resumed,
        sink: createCrawlSink({ db, pages, extract: preparer.extract, sourceId: source.id, jobId: job.id }),
        fetchOptions: { ...deps.fetchOptions, allowPrivate: deps.allowPrivate },
        robots: new RobotsCache(),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      }).finally(() => preparer.close());
      const interrupted = options.signal?.aborted === true && run.remaining > 0;
      const ended = run.stopReason ? "stopped" : "completed";
      if (!interrupted) await db.crawls.finishJob(job.id, { status: ended, stopReason: run.stopReason });
      const status: CrawlJobStatus = interrupted ? "running" : ended;
      const counts = await db.crawls.counts(job.id);
      const start = (await db.crawls.pages(source.id)).find((page) => page.url === url);
      const kept = counts.stored + counts.unchanged > 0;
      await db.sources.update(source.id, {
        status: kept ? "active" : "failed",
        ...(status === "completed" && kept ? { lastCrawledAt: new Date() } : {}),
        ...(sourceCreated && !options.title && start?.title ? { title: start.title.slice(0, 300) } : {}),
      });
      const synced = await sync.syncSources().catch((error: Error) => {
        logger.warn("crawled, but the sync that makes the source searchable failed; the next sync will", { error: error.message });
        return null;
      });
      return { url, sourceId: source.id, sourceCreated, jobId: job.id, resumed, status, stopReason: interrupted ? "interrupted" : run.stopReason, run, job: counts, sync: synced };
    } finally {
      await lock.release().catch(() => {});
    }
  };
}

/**
 * Pure: what a crawl did, for people and programs (the CLI's --json, knowledge_acquire): this
 * run's pages by outcome (`skipped.scope` counts the distinct links left out too), its failures,
 * and what the site holds now.
 */
export function summarizeCrawl(result: CrawlResult) {
  const { counts, outOfScope, failures, remaining, maxPagesReached } = result.run;
  return {
    url: result.url,
    sourceId: result.sourceId,
    sourceCreated: result.sourceCreated,
    jobId: result.jobId,
    resumed: result.resumed,
    status: result.status,
    stopReason: result.stopReason,
    fetched: counts.stored,
    unchanged: counts.unchanged,
    gone: counts.gone,
    skipped: { ...counts.skipped, scope: counts.skipped.scope + outOfScope },
    failed: failures,
    remaining,
    maxPagesReached,
    /** Pages the site's source holds now, and their chunks. */
    pages: result.job.stored + result.job.unchanged,
    chunks: result.job.chunks,
    synced: result.sync !== null,
  };
}
export type CrawlSummary = ReturnType<typeof summarizeCrawl>;
