import type { CrawlSink, StoreVerdict } from "@kmcp/crawl";
import { MAX_TITLE_LENGTH } from "@kmcp/core";
import type { Db } from "@kmcp/db";
import { charsetOf, detectDocumentKind, isExtractError, type Extracted } from "@kmcp/extract";
import type { IngestedPage, IngestPage, PageIngester, Preparer } from "@kmcp/search";

/** Most pages written to the chunk store together: one read, one embedding call, one write per batch. */
const BATCH_PAGES = 32;
/** How long a page waits for others to share its batch. */
const BATCH_WAIT_MS = 25;

/**
 * The crawl's sink in kmcp: pages found and settled in PostgreSQL (crawl_pages), page content
 * extracted (HTML, PDF, DOCX, Markdown, text) and indexed as chunks of the site's source in Chroma,
 * pages written in batches. The crawler settles a page only once `store` has answered, that is
 * after its batch is written: a crash before leaves the page pending, and its next visit writes
 * the same chunk ids and removes any others.
 */
export function createCrawlSink(deps: {
  db: Pick<Db, "crawls">;
  pages: PageIngester;
  /** @kmcp/extract's extractDocument, on worker threads or not. */
  extract: Preparer["extract"];
  sourceId: string;
  jobId: string;
}): CrawlSink {
  const { db, pages, extract, sourceId, jobId } = deps;
  const batch = createPageBatcher(pages);
  return {
    discover: (found) => db.crawls.discover(sourceId, found),
    settle: (settlement) => db.crawls.settle(sourceId, jobId, settlement),
    remove: (url) => pages.removePage(sourceId, url),
    async store(page): Promise<StoreVerdict> {
      const kind = detectDocumentKind({ bytes: page.bytes, contentType: page.contentType, fileName: new URL(page.finalUrl).pathname });
      if (kind === null) return { status: "skipped", reason: "type", detail: `${page.contentType ?? "no content type"} is not a document kmcp reads` };
      let extracted: Extracted;
      try {
        extracted = await extract({ bytes: page.bytes, kind, charset: charsetOf(page.contentType), url: page.finalUrl });
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

/**
 * Collects pages for ingestPages, as a group commit: one batch is written at a time, and the pages
 * that arrive meanwhile are the next (up to BATCH_PAGES), so batches grow while writes are slow
 * instead of slow writes piling up. The first batch waits BATCH_WAIT_MS for company (or until full).
 */
function createPageBatcher(pages: PageIngester) {
  const waiting: { page: IngestPage; resolve: (result: IngestedPage) => void; reject: (error: unknown) => void }[] = [];
  let timer: NodeJS.Timeout | null = null;
  let writing = false;
  const write = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (writing || waiting.length === 0) return;
    // A page twice in one batch cannot happen in a crawl (a page is visited once); be safe anyway: it waits for the next.
    const taken: typeof waiting = [];
    const urls = new Set<string>();
    for (const w of waiting) {
      if (taken.length === BATCH_PAGES || urls.has(w.page.url)) break;
      urls.add(w.page.url);
      taken.push(w);
    }
    waiting.splice(0, taken.length);
    writing = true;
    pages
      .ingestPages(taken.map((w) => w.page))
      .then(
        (results) => taken.forEach((w, i) => w.resolve(results[i] as IngestedPage)),
        (error: unknown) => taken.forEach((w) => w.reject(error)),
      )
      .finally(() => {
        writing = false;
        write();
      });
  };
  return (page: IngestPage) =>
    new Promise<IngestedPage>((resolve, reject) => {
      waiting.push({ page, resolve, reject });
      if (writing) return;
      if (waiting.length >= BATCH_PAGES) write();
      else timer ??= setTimeout(write, BATCH_WAIT_MS);
    });
}
