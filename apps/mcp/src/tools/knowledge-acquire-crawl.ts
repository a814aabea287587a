import { CrawlJobStatusSchema } from "@kmcp/core";
import { z } from "zod";
import { summarizeCrawl, type CrawlOptions } from "@kmcp/runtime";
import type { ServerDeps } from "../deps.js";
import { ok } from "../tool-result.js";

/** What knowledge_acquire reports of a crawl (crawl: true). */
export const crawlOutputSchema = z.object({
  jobId: z.string(),
  resumed: z.boolean().describe("true when it resumed a crawl that was interrupted"),
  status: CrawlJobStatusSchema.describe("completed; stopped (gave up, see stopReason); running (interrupted: call again to resume)"),
  stopReason: z.string().nullable(),
  fetched: z.number().int().describe("pages fetched and stored (new or changed)"),
  unchanged: z.number().int().describe("pages unchanged (HTTP 304 or the same content): nothing written"),
  gone: z.number().int().describe("pages that answered 404/410: their chunks removed"),
  skipped: z.record(z.string(), z.number().int()).describe("pages not fetched or not kept, by reason: robots, scope, type, duplicate, host_failed"),
  failed: z.array(z.object({ url: z.string(), reason: z.string() })),
  pages: z.number().int().describe("pages the site's source holds now"),
  remaining: z.number().int().describe("pages left unvisited (maxPages reached, or stopped)"),
});

type Notify = (params: { progress: number; total: number; message: string }) => Promise<void>;

/** knowledge_acquire with crawl: true. */
export async function crawlSite(
  deps: ServerDeps,
  url: string,
  options: Pick<CrawlOptions, "scope" | "title" | "sourceType" | "authorityTier">,
  notify: Notify | null,
) {
  const { crawl } = await deps.kmcp.ready();
  let pending = Promise.resolve();
  const result = await crawl(url, {
    ...options,
    ...(notify
      ? {
          onProgress: (p) => {
            // Notifications go out in order, without holding up the crawl.
            pending = pending.then(() => notify({ progress: p.done, total: p.done + p.queued + p.inFlight, message: `${p.done} pages done, ${p.queued} queued` }).catch(() => {}));
          },
        }
      : {}),
  });
  await pending;
  const { url: _url, sourceId, sourceCreated, chunks, synced: _synced, maxPagesReached: _reached, ...summary } = summarizeCrawl(result);
  const synced = result.sync !== null;
  const text =
    `Crawl of ${result.url} ${result.status}${result.resumed ? " (resumed)" : ""}${result.stopReason ? ` (${result.stopReason})` : ""}: ` +
    `${summary.fetched} fetched, ${summary.unchanged} unchanged, ${summary.gone} gone, ${summary.failed.length} failed; the site holds ${summary.pages} pages ` +
    `(${result.job.chunks} chunks), source ${result.sourceId}${result.sourceCreated ? " (new)" : ""}.` +
    (synced ? " Searchable now." : " The sync that makes it searchable failed; the next background sync will.");
  return ok({ url: result.url, sourceId, sourceCreated, chunks, synced, crawl: summary }, text);
}
