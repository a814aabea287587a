import type { FetchOptions, RobotsCache } from "@kmcp/acquire";
import type { CrawlPageStatus, CrawlScope, CrawlSkipReason } from "@kmcp/core";

/** A page waiting to be visited, with the validators of the copy kept from an earlier crawl. */
export interface FrontierPage {
  url: string;
  depth: number;
  etag: string | null;
  lastModified: string | null;
}

/** A page fetched with a body (not a 304), handed to the sink to index. */
export interface FetchedPage {
  url: string;
  depth: number;
  /** Where the body came from (after redirects that stayed on the same page). */
  finalUrl: string;
  contentType: string | null;
  bytes: Uint8Array;
  etag: string | null;
  lastModified: string | null;
}

/** What indexing a fetched page did. */
export type StoreVerdict =
  | { status: "stored" | "unchanged"; title: string | null; contentHash: string | null; chunks: number }
  | { status: "failed"; reason: string }
  | { status: "skipped"; reason: CrawlSkipReason; detail: string };

/** A page's outcome in this job, recorded last (a page not settled is visited again when the job resumes). */
export interface PageSettlement {
  url: string;
  status: Exclude<CrawlPageStatus, "pending">;
  /** The skip reason (`robots`, `type` ...) or one line saying why the page failed; null otherwise. */
  reason: string | null;
  finalUrl?: string | null;
  etag?: string | null;
  lastModified?: string | null;
  contentType?: string | null;
  title?: string | null;
  contentHash?: string | null;
  /** Chunks the page has after this visit. */
  chunks?: number;
}

/** Where a crawl keeps its state and its pages: durable, injected (PostgreSQL and Chroma in @kmcp/runtime). */
export interface CrawlSink {
  /** Make newly found pages durable before they are queued. */
  discover(pages: readonly { url: string; depth: number }[]): Promise<void>;
  /** Extract and index a fetched page (new chunks written before old ones are removed). */
  store(page: FetchedPage): Promise<StoreVerdict>;
  /** The page is gone (404/410): remove its chunks. */
  remove(url: string): Promise<void>;
  settle(settlement: PageSettlement): Promise<void>;
}

export interface CrawlProgress {
  /** Pages settled in this job (this run and the runs it resumes). */
  done: number;
  queued: number;
  inFlight: number;
  failed: number;
  /** The page just settled. */
  last: PageSettlement | null;
}

export interface CrawlInput {
  startUrl: string;
  scope: CrawlScope;
  /** The job's frontier: pages known and not yet settled in this job, in the order to visit them. */
  pending: readonly FrontierPage[];
  /** Every URL known for the source, settled or not, so no page is queued twice. */
  known: Iterable<string>;
  /** Pages this job settled before (a resumed job): they count against maxPages. */
  settled: number;
  /** Read robots.txt sitemaps, /sitemap.xml and llms.txt for more pages (a new job). */
  seed: boolean;
  sink: CrawlSink;
  /** Address rules, limits and test seams for every request. */
  fetchOptions?: Omit<FetchOptions, "etag" | "lastModified" | "robots" | "accept">;
  robots?: RobotsCache;
  /** Tries of a page the server answers 429/503 (default 3). */
  maxAttempts?: number;
  /** Failures in a row before the host is given up on (default 10). */
  maxHostFailures?: number;
  /**
   * How far fetching may run ahead of indexing: pages fetched and not settled yet, beyond those
   * being fetched (default 64), and the bytes of their bodies held (default 32 MiB).
   */
  indexingAhead?: { pages?: number; bytes?: number };
  onProgress?: (progress: CrawlProgress) => void;
  /** Aborting stops starting requests; those in flight finish and are settled. */
  signal?: AbortSignal;
  /** Test seam for time. */
  clock?: { now(): number; sleep(ms: number, signal?: AbortSignal): Promise<void> };
}

/** Counts of pages settled in this run, per outcome. */
export interface CrawlCounts {
  stored: number;
  unchanged: number;
  gone: number;
  failed: number;
  skipped: Record<CrawlSkipReason, number>;
}

export interface CrawlRun {
  counts: CrawlCounts;
  /** Distinct links left out because they are off the site, outside its folder, excluded or too deep. */
  outOfScope: number;
  /** The failures of this run (the first 100), one line each. */
  failures: { url: string; reason: string }[];
  /** Pages still in the frontier: maxPages reached, the host given up on, or aborted. */
  remaining: number;
  /** Why the crawl ended before its frontier was empty (null when it did not, or only maxPages stopped it). */
  stopReason: string | null;
  maxPagesReached: boolean;
}
