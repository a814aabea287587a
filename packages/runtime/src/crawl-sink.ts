import type { CrawlSink, StoreVerdict } from "@kmcp/crawl";
import { MAX_TITLE_LENGTH } from "@kmcp/core";
import type { Db } from "@kmcp/db";
import { charsetOf, detectDocumentKind, extractDocument, isExtractError } from "@kmcp/extract";
import type { IngestedPage, IngestPage, PageIngester } from "@kmcp/search";

/** Pages written to the chunk store together: one read, one embedding call, one write per batch. */
const BATCH_PAGES = 16;
/** How long a page waits for others to share its batch. */
const BATCH_WAIT_MS = 25;

/**
 * The crawl's sink in kmcp: pages found and settled in PostgreSQL (crawl_pages), page content
 * extracted (HTML, PDF, DOCX, Markdown, text) and indexed as chunks of the site's source in Chroma,
 * pages written in batches. The crawler settles a page only once `store` has answered, that is
 * after its batch is written: a crash before leaves the page pending, and its next visit writes
 * the same chunk ids and removes any others.
 */
export function createCrawlSink(deps: { db: Pick<Db, "crawls">; pages: PageIngester; sourceId: string; jobId: string }): CrawlSink {
  const { db, pages, sourceId, jobId } = deps;
  const batch = createPageBatcher(pages);
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
      const ingested = await batch({
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

/** Collects pages for ingestPages: a batch is written when full, or BATCH_WAIT_MS after its first page. */
function createPageBatcher(pages: PageIngester) {
  let waiting: { page: IngestPage; resolve: (result: IngestedPage) => void; reject: (error: unknown) => void }[] = [];
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const taken = waiting;
    waiting = [];
    pages.ingestPages(taken.map((w) => w.page)).then(
      (results) => taken.forEach((w, i) => w.resolve(results[i] as IngestedPage)),
      (error: unknown) => taken.forEach((w) => w.reject(error)),
    );
  };
  return (page: IngestPage) =>
    new Promise<IngestedPage>((resolve, reject) => {
      // The same page twice in one batch cannot happen in a crawl (a page is visited once); be safe anyway.
      if (waiting.some((w) => w.page.url === page.url)) flush();
      waiting.push({ page, resolve, reject });
      if (waiting.length >= BATCH_PAGES) flush();
      else timer ??= setTimeout(flush, BATCH_WAIT_MS);
    });
}
