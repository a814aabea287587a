import { CrawlScopeSchema, type CrawlScopeInput } from "@kmcp/core";
import { summarizeCrawl, type CrawlOptions, type CrawlResult, type KmcpServices } from "@kmcp/runtime";
import type { CliContext } from "../context.js";
import { parseFlags, withoutUndefined } from "./flags.js";
import { plural } from "./format.js";

/** The crawl flags of `kmcp acquire`. */
export interface CrawlFlags {
  crawl?: boolean;
  maxPages?: string;
  maxDepth?: string;
  include?: string[];
  exclude?: string[];
  concurrency?: string;
}

const FLAG_OF = { maxPages: "--max-pages", maxDepth: "--max-depth", include: "--include", exclude: "--exclude", concurrency: "--concurrency" };

/** The scope the flags ask for; CoreError VALIDATION (exit 2) naming the flag otherwise. */
export function crawlScope(flags: CrawlFlags): CrawlScopeInput {
  return parseFlags(
    CrawlScopeSchema,
    withoutUndefined({ maxPages: flags.maxPages, maxDepth: flags.maxDepth, include: flags.include, exclude: flags.exclude, concurrency: flags.concurrency }),
    "crawl options",
    FLAG_OF,
  );
}

/** Whether any crawl-only flag was given. */
export function hasScopeFlags(flags: CrawlFlags): boolean {
  return [flags.maxPages, flags.maxDepth, flags.include, flags.exclude, flags.concurrency].some((v) => v !== undefined);
}

/** Collects a repeatable flag's values. */
export const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/**
 * Runs `work` with a signal that Ctrl-C aborts, after `onInterrupt` (a crawl then starts no new
 * requests and stays resumable: run the same command again).
 */
export async function untilInterrupted<T>(work: (signal: AbortSignal) => Promise<T>, onInterrupt?: () => void): Promise<T> {
  const stop = new AbortController();
  const onSigint = () => {
    onInterrupt?.();
    stop.abort();
  };
  process.once("SIGINT", onSigint);
  try {
    return await work(stop.signal);
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
}

/** Crawl with a progress bar on a TTY (stderr), a line per failure with --verbose, and Ctrl-C stopping new requests. */
export async function runCrawl(
  ctx: CliContext,
  services: KmcpServices,
  url: string,
  { verbose, ...options }: Pick<CrawlOptions, "scope" | "title" | "sourceType" | "authorityTier"> & { verbose: boolean },
) {
  const progress = ctx.out.progress("Crawling");
  let shown = false;
  try {
    return await untilInterrupted(
      (signal) =>
        services.crawl(url, {
          ...options,
          signal,
          onProgress: (p) => {
            shown = true;
            progress.update(p.done, p.done + p.queued + p.inFlight, `${p.done} done, ${p.queued} queued${p.failed ? `, ${p.failed} failed` : ""}`);
            if (verbose && p.last?.status === "failed") ctx.out.warn(`${p.last.url}: ${p.last.reason ?? "failed"}`);
          },
        }),
      () => ctx.out.warn("stopping: requests in flight finish; run the same command again to resume."),
    );
  } finally {
    if (shown) progress.done();
  }
}

/** The crawl's JSON summary: what this run did, the failures, and the job's totals. */
export function crawlSummary(result: CrawlResult) {
  return { ...summarizeCrawl(result), job: result.job };
}

export function printCrawl(ctx: CliContext, result: CrawlResult): void {
  const s = crawlSummary(result);
  const skipped = Object.entries(s.skipped).filter(([, n]) => n > 0).map(([reason, n]) => `${reason} ${n}`);
  ctx.out.line(`${s.url}${s.resumed ? " (resumed)" : ""}: crawl ${s.status}${s.stopReason ? ` (${s.stopReason})` : ""}`);
  ctx.out.line(`  fetched ${s.fetched}, unchanged ${s.unchanged}, gone ${s.gone}, failed ${s.failed.length}${skipped.length ? `, skipped ${skipped.join(", ")}` : ""}`);
  ctx.out.line(`  site: ${plural(s.pages, "page")} stored, ${plural(s.chunks, "chunk")}; source ${s.sourceId}${s.sourceCreated ? " (new)" : ""}`);
  if (s.maxPagesReached) ctx.out.line(`  stopped at --max-pages; ${plural(s.remaining, "page")} left unvisited.`);
  for (const failure of s.failed.slice(0, 10)) ctx.out.line(`  failed ${failure.url}: ${failure.reason}`);
  if (s.failed.length > 10) ctx.out.line(`  … and ${s.failed.length - 10} more (--json lists them)`);
  if (!result.sync) ctx.out.warn("Crawled, but the sync that makes the source searchable failed; run `kmcp sync run`.");
}
