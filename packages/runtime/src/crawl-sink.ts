import type { CrawlSink, StoreVerdict } from "@kmcp/crawl";
import { MAX_TITLE_LENGTH } from "@kmcp/core";
import type { Db } from "@kmcp/db";
import { charsetOf, detectDocumentKind, extractDocument, isExtractError } from "@kmcp/extract";
import type { PageIngester } from "@kmcp/search";

/**
 * The crawl's sink in kmcp: pages found and settled in PostgreSQL (crawl_pages), page content
 * extracted (HTML, PDF, DOCX, Markdown, text) and indexed as chunks of the site's source in Chroma.
 * The crawler settles a page last, after its chunks are written: a crash in between leaves the
 * page pending, and its next visit writes the same chunk ids and removes any others.
 */
export function createCrawlSink(deps: { db: Pick<Db, "crawls">; pages: PageIngester; sourceId: string; jobId: string }): CrawlSink {
  const { db, pages, sourceId, jobId } = deps;
  return {
    discover: (found) => db.crawls.discover(sourceId, found),
    settle: (settlement) => db.crawls.settle(sourceId, jobId, settlement),
    remove: (url) => pages.removePage(sourceId, url),
    async store(page): Promise<StoreVerdict> {
      const kind = detectDocumentKind({ bytes: page.bytes, contentType: page.contentType, fileName: new URL(page.finalUrl).pathname });
      if (kind === null) return { status: "skipped", reason: "type", detail: `${page.contentType ?? "no content type"} is not a document kmcp reads` };
      let extracted: Awaited<ReturnType<typeof extractDocument>>;
      try {
        extracted = await extractDocument({ bytes: page.bytes, kind, charset: charsetOf(page.contentType), url: page.finalUrl });
      } catch (error) {
        if (!isExtractError(error)) throw error;
        return { status: "failed", reason: error.message };
      }
      const ingested = await pages.ingestPage({
        sourceId,
        url: page.url,
        content: extracted.markdown,
        format: extracted.kind === "pdf" || extracted.kind === "text" ? "text" : "markdown",
        ...(extracted.title ? { title: extracted.title.slice(0, MAX_TITLE_LENGTH) } : {}),
        pages: extracted.pages,
      });
      return { status: ingested.outcome === "unchanged" ? "unchanged" : "stored", title: ingested.title, contentHash: ingested.contentHash, chunks: ingested.chunks };
    },
  };
}
