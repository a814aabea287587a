import { CoreError, IdSchema, parseInput } from "@kmcp/core";
import { parseDuration, type SiteRefresh } from "@kmcp/runtime";
import type { Command } from "commander";
import { action, type CliContext } from "../context.js";
import { crawlSummary, printCrawl, untilInterrupted } from "./crawl.js";
import { wholeNumber } from "./flags.js";

/** `kmcp jobs`: site crawls, newest first, with their page counts. */
export function registerJobsCommand(program: Command): void {
  program
    .command("jobs")
    .description("List site crawls (kmcp acquire --crawl, kmcp sources refresh), newest first, with their pages: a running one a killed crawl left resumes when run again")
    .option("--source <id>", "only this source's crawls")
    .option("--limit <n>", "at most this many (default 20)")
    .action(
      action(async (ctx, flags: { source?: string; limit?: string }) => {
        const limit = wholeNumber("--limit", flags.limit) ?? 20;
        if (flags.source !== undefined) parseInput(IdSchema, flags.source, "--source");
        const { db } = await ctx.services();
        const jobs = await db.crawls.listJobs({ limit, ...(flags.source ? { sourceId: flags.source } : {}) });
        if (ctx.json) return ctx.out.json(jobs);
        if (jobs.length === 0) return ctx.out.line("No crawls yet: `kmcp acquire <url> --crawl` starts one.");
        ctx.out.table(
          ["job", "status", "started", "stored", "unchanged", "gone", "failed", "skipped", "pending", "url"],
          jobs.map((job) => [
            job.id.slice(0, 8),
            job.status,
            job.startedAt.toISOString().slice(0, 19).replace("T", " "),
            String(job.counts.stored),
            String(job.counts.unchanged),
            String(job.counts.gone),
            String(job.counts.failed),
            String(Object.values(job.counts.skipped).reduce((a, b) => a + b, 0)),
            String(job.counts.pending),
            job.url,
          ]),
        );
      }),
    );
}

/** `kmcp sources refresh`: re-crawl crawled sites that are due. */
export function registerRefreshCommand(sources: Command): void {
  sources
    .command("refresh")
    .description(
      "Re-crawl crawled sites: conditional requests (an unchanged page costs one 304 and writes nothing), changed pages re-embedded, pages gone (404/410) removed",
    )
    .option("--older-than <age>", "only sites last crawled longer ago than this (e.g. 7d, 12h, 30m)")
    .option("--source <id>", "only this source")
    .action(
      action(async (ctx, flags: { olderThan?: string; source?: string }) => {
        const olderThanMs = flags.olderThan === undefined ? undefined : parseDuration(flags.olderThan);
        if (olderThanMs === null) throw new CoreError("VALIDATION", "Invalid --older-than: give a duration such as 7d, 12h, 30m or 45s.");
        if (flags.source !== undefined) parseInput(IdSchema, flags.source, "--source");
        const { refreshSources } = await ctx.services();
        const refreshed = await untilInterrupted((signal) =>
          refreshSources({
            olderThanMs,
            sourceId: flags.source,
            signal,
            onSite: ({ url, index, total }) => {
              if (!ctx.json) ctx.out.note(`Refreshing ${index + 1}/${total}: ${url}`);
            },
          }),
        );
        if (ctx.json) return ctx.out.json(refreshed.map((site) => ({ url: site.url, sourceId: site.sourceId, skipped: site.skipped, crawl: site.result ? crawlSummary(site.result) : null })));
        printRefresh(ctx, refreshed);
      }),
    );
}

function printRefresh(ctx: CliContext, refreshed: readonly SiteRefresh[]): void {
  if (refreshed.length === 0) return ctx.out.line("No crawled site is due for a refresh.");
  for (const site of refreshed) {
    if (site.result) printCrawl(ctx, site.result);
    else ctx.out.line(`${site.url}: skipped (${site.skipped})`);
  }
}
