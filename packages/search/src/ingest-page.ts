import type { ChromaStore, StoredChunk, VectorSpace } from "@kmcp/chroma-store";
import { z } from "zod";
import { ChunkOptionsSchema, type ChunkOptions } from "./chunk-document.js";
import { documentTitle } from "./document-title.js";
import type { Embedder } from "./embedder.js";
import { chunkIdOf, contentHashOf, isComplete, pageScopeOf, sourceTitle, staleChunkIds } from "./ingest-plan.js";
import { createPreparer, type PreparedChunks, type Preparer } from "./preparer.js";
import { IngestDocumentSchema } from "./ingest-schemas.js";
import { SearchError } from "./errors.js";
import { parseInput } from "./parse-input.js";
import { assertStoredSpace } from "./vector-space.js";

/** One page of a many-page source (a crawled site), already extracted. */
export const IngestPageSchema = IngestDocumentSchema.omit({ url: true }).extend({
  /** The source the page belongs to (created beforehand). */
  sourceId: z.string().min(1).max(512),
  /** The page's own URL: its chunks carry it, so search results cite the page. */
  url: z.url({ protocol: /^https?$/ }).max(4_096),
});
export type IngestPage = z.input<typeof IngestPageSchema>;

/** What ingesting a page did: `unchanged` (same content: nothing written), `stored` (new chunks written, then the old ones removed), `empty` (no text: its old chunks removed). */
export interface IngestedPage {
  outcome: "unchanged" | "stored" | "empty";
  title: string | null;
  contentHash: string;
  chunks: number;
  removed: number;
}

export interface PageIngester {
  /**
   * Index one page of a source: its chunks carry the page's url and title; an unchanged page
   * writes nothing; a changed one gets its new chunks written before exactly its old ones are
   * removed, so a crash in between leaves extra chunks the next ingest of the page removes.
   * Chunk ids are derived from source, page and content, so writing a page twice stores it once.
   * @throws {SearchError} VALIDATION, EMBEDDER, EMBEDDER_MISMATCH; ChromaStoreError passes through.
   */
  ingestPage(page: IngestPage, options?: { chunking?: ChunkOptions }): Promise<IngestedPage>;
  /**
   * ingestPage for several pages at once (a crawl's batch), with the same guarantees per page, in
   * a few store calls: one read of their chunks, one embedding call, one write, one removal.
   * Results are in the order of `pages`; a url may appear once.
   */
  ingestPages(pages: readonly IngestPage[], options?: { chunking?: ChunkOptions }): Promise<IngestedPage[]>;
  /** Remove a page's chunks (it is gone from the site). */
  removePage(sourceId: string, url: string): Promise<void>;
}

/**
 * Ingestion of the pages of a many-page source into `store.chunks`; the source itself is the caller's.
 * Pages are chunked and embedded by `preparer` (a pool of worker threads the caller made and
 * closes, e.g. shared with its extraction), else in the calling thread.
 */
export function createPageIngester({ store, embedder, preparer = createPreparer({ embedder, threads: 0 }) }: { store: Pick<ChromaStore, "chunks">; embedder: Embedder; preparer?: Preparer }): PageIngester {
  // Checked once per ingester (a crawl): the store's upsert refuses another space by itself, so
  // later pages skip the two reads; the check is for a clear EMBEDDER_MISMATCH before any write.
  let spaceChecked = false;
  const keyOf = (page: { sourceId: string; url: string }) => `${page.sourceId} ${page.url}`;

  async function ingestPages(inputs: readonly IngestPage[], options: { chunking?: ChunkOptions } = {}): Promise<IngestedPage[]> {
    const pages = parseInput(z.array(IngestPageSchema), inputs, "pages");
    const chunking = parseInput(ChunkOptionsSchema, options.chunking ?? {}, "chunk options");
    if (new Set(pages.map(keyOf)).size !== pages.length) {
      throw new SearchError("VALIDATION", "A page appears twice in one batch; pass each page once.");
    }
    if (pages.length === 0) return [];
    if (!spaceChecked) {
      await assertStoredSpace(store.chunks, embedder);
      spaceChecked = true;
    }
    const prepared = pages.map((page) => {
      const title = sourceTitle(page.title ?? documentTitle(page.content, page.format));
      const contentHash = contentHashOf({ embedderId: embedder.id, chunking, format: page.format, title, pages: page.pages, content: page.content, pageUrl: page.url });
      const scope = pageScopeOf(page.sourceId, page.url);
      return { page, title, contentHash, chunkId: (index: number) => chunkIdOf(scope, contentHash, index) };
    });
    const stored = new Map<string, StoredChunk[]>();
    for (const sourceId of new Set(pages.map((p) => p.sourceId))) {
      const found = await store.chunks.ofPages(sourceId, pages.filter((p) => p.sourceId === sourceId).map((p) => p.url));
      for (const [url, chunks] of found) stored.set(keyOf({ sourceId, url }), chunks);
    }
    const toWrite = prepared.filter((p) => !isComplete(stored.get(keyOf(p.page)) ?? [], p.contentHash));
    const chunked = await preparer.chunk(toWrite.map(({ page, title }) => ({ content: page.content, format: page.format, pages: page.pages, chunking, label: title ?? page.url })));
    const changed = toWrite.map((p, i) => {
      const { pieces, pages: pageRanges, vectors } = chunked[i] as PreparedChunks;
      return { ...p, pieces, pageRanges, vectors };
    });
    const dimension = changed.find((p) => p.vectors.length > 0)?.vectors[0]?.length;
    if (dimension !== undefined) {
      const space: VectorSpace = { embedder: embedder.id, dimension };
      await store.chunks.upsert(
        space,
        changed.flatMap((p) =>
          p.pieces.map((piece, i) => ({
            id: p.chunkId(piece.index),
            sourceId: p.page.sourceId,
            contentHash: p.contentHash,
            index: piece.index,
            count: p.pieces.length,
            text: piece.text,
            headingPath: piece.headingPath,
            url: p.page.url,
            ...(p.title ? { title: p.title } : {}),
            ...(p.pageRanges?.[i] ? { pages: p.pageRanges[i] } : {}),
            embedding: p.vectors[i] as number[],
          })),
        ),
      );
    }
    // New chunks first, old ones after: a crash in between leaves both, and the next visit removes the old.
    const written = new Map(
      changed.map((p) => {
        const stale = staleChunkIds(stored.get(keyOf(p.page)) ?? [], p.pieces.map((piece) => p.chunkId(piece.index)));
        return [keyOf(p.page), { chunks: p.pieces.length, stale }] as const;
      }),
    );
    await store.chunks.delete([...written.values()].flatMap((w) => w.stale));
    return prepared.map((p): IngestedPage => {
      const done = written.get(keyOf(p.page));
      const base = { title: p.title, contentHash: p.contentHash };
      if (!done) return { ...base, outcome: "unchanged", chunks: stored.get(keyOf(p.page))?.length ?? 0, removed: 0 };
      return { ...base, outcome: done.chunks === 0 ? "empty" : "stored", chunks: done.chunks, removed: done.stale.length };
    });
  }

  return {
    ingestPages,
    async ingestPage(page, options) {
      return (await ingestPages([page], options))[0] as IngestedPage;
    },
    async removePage(sourceId, url) {
      await store.chunks.deletePage(sourceId, url);
    },
  };
}
