import { createHash } from "node:crypto";
import type { ChromaStore, ChunkInput } from "@kmcp/chroma-store";
import type { AuthorityTier, SourceType } from "@kmcp/core";
import type { Db } from "@kmcp/db";
import { chunkDocument, documentTitle, type Embedder } from "@kmcp/search";

// About 2,000 chunks a write: 100k chunks load in minutes instead of the ingester's one write per document.
const DOCUMENTS_PER_BATCH = 80;

/**
 * Writes Markdown documents as the ingester does — an active source in PostgreSQL each, chunks cut
 * by the real chunker and embedded with their title and headings — but in shared batches. For
 * filling figure 6's collection to 100k chunks, whose subject is searching, not ingesting.
 * @returns the chunks written.
 */
export async function fillChunks(
  deps: { db: Db; store: ChromaStore; embedder: Embedder },
  documents: readonly { url: string; content: string }[],
  options: { sourceType: SourceType; authorityTier: AuthorityTier },
): Promise<number> {
  const { db, store, embedder } = deps;
  let written = 0;
  for (let i = 0; i < documents.length; i += DOCUMENTS_PER_BATCH) {
    const batch = documents.slice(i, i + DOCUMENTS_PER_BATCH).map((d) => ({ ...d, title: documentTitle(d.content, "markdown") ?? d.url }));
    const sources = await Promise.all(batch.map((d) => db.sources.create({ url: d.url, title: d.title, ...options, status: "active" })));
    const chunks: ChunkInput[] = [];
    for (const [j, document] of batch.entries()) {
      const source = sources[j]!;
      const contentHash = createHash("sha256").update(document.content).digest("hex").slice(0, 32);
      const pieces = chunkDocument(document.content, "markdown");
      const vectors = await embedder.embed(pieces.map((p) => `${[document.title, ...p.headingPath].join(" > ")}\n\n${p.text}`));
      pieces.forEach((p, k) =>
        chunks.push({ id: `${source.id}:${contentHash.slice(0, 12)}:${p.index}`, sourceId: source.id, contentHash, index: p.index, count: pieces.length, text: p.text, headingPath: p.headingPath, embedding: vectors[k]! }),
      );
    }
    await store.chunks.upsert({ embedder: embedder.id, dimension: chunks[0]!.embedding.length }, chunks);
    written += chunks.length;
  }
  return written;
}
