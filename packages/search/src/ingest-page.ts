import { createHash } from "node:crypto";
import type { ChromaStore, VectorSpace } from "@kmcp/chroma-store";
import { z } from "zod";
import { chunkDocument, ChunkOptionsSchema, type ChunkOptions } from "./chunk-document.js";
import { documentTitle } from "./document-title.js";
import type { Embedder } from "./embedder.js";
import { chunkPages, isComplete, sourceTitle } from "./ingest.js";
import { IngestDocumentSchema } from "./ingest-schemas.js";
import { parseInput } from "./parse-input.js";
import { assertSameSpace } from "./vector-space.js";

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
  /** Remove a page's chunks (it is gone from the site). */
  removePage(sourceId: string, url: string): Promise<void>;
}

/** Ingestion of the pages of a many-page source into `store.chunks`; the source itself is the caller's. */
export function createPageIngester({ store, embedder }: { store: Pick<ChromaStore, "chunks">; embedder: Embedder }): PageIngester {
  // Checked once per ingester (a crawl): the store's upsert refuses another space by itself, so
  // later pages skip the two reads; the check is for a clear EMBEDDER_MISMATCH before any write.
  let spaceChecked = false;
  return {
    async ingestPage(input, options = {}) {
      const page = parseInput(IngestPageSchema, input, "page");
      const chunking = parseInput(ChunkOptionsSchema, options.chunking ?? {}, "chunk options");
      if (!spaceChecked) {
        const recorded = await store.chunks.space();
        if (recorded && (await store.chunks.count()) > 0) assertSameSpace(recorded, embedder, store.chunks.collectionName);
        spaceChecked = true;
      }
      const title = sourceTitle(page.title ?? documentTitle(page.content, page.format));
      // As for documents: the hash covers everything the chunks depend on.
      const hash = createHash("sha256").update(JSON.stringify([embedder.id, chunking, page.format, title, page.url]));
      if (page.pages) hash.update(JSON.stringify(page.pages));
      const contentHash = hash.update(page.content).digest("hex").slice(0, 32);
      const pageKey = createHash("sha256").update(page.url).digest("hex").slice(0, 12);
      const chunkId = (index: number) => `${page.sourceId}:${pageKey}:${contentHash.slice(0, 12)}:${index}`;

      const stored = await store.chunks.ofPage(page.sourceId, page.url);
      if (isComplete(stored, contentHash)) return { outcome: "unchanged", title, contentHash, chunks: stored.length, removed: 0 };

      const pieces = chunkDocument(page.content, page.format, chunking);
      const pageRanges = page.pages ? chunkPages(page.content, page.pages, pieces) : null;
      if (pieces.length > 0) {
        const vectors = await embedder.embed(pieces.map((piece) => `${[title ?? page.url, ...piece.headingPath].join(" > ")}\n\n${piece.text}`));
        const space: VectorSpace = { embedder: embedder.id, dimension: vectors[0]?.length ?? 0 };
        await store.chunks.upsert(
          space,
          pieces.map((piece, i) => ({
            id: chunkId(piece.index),
            sourceId: page.sourceId,
            contentHash,
            index: piece.index,
            count: pieces.length,
            text: piece.text,
            headingPath: piece.headingPath,
            url: page.url,
            ...(title ? { title } : {}),
            ...(pageRanges?.[i] ? { pages: pageRanges[i] } : {}),
            embedding: vectors[i] as number[],
          })),
        );
      }
      const keep = new Set(pieces.map((piece) => chunkId(piece.index)));
      const stale = stored.filter((chunk) => !keep.has(chunk.id)).map((chunk) => chunk.id);
      await store.chunks.delete(stale);
      return { outcome: pieces.length === 0 ? "empty" : "stored", title, contentHash, chunks: pieces.length, removed: stale.length };
    },

    async removePage(sourceId, url) {
      await store.chunks.deletePage(sourceId, url);
    },
  };
}
