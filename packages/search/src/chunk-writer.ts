import type { ChunkInput, ChunkStore, VectorSpace } from "@kmcp/chroma-store";
import { takeBatch } from "./ingest-plan.js";

/** One document's write: its new chunks, then the stored chunks they replace, then `written`. */
export interface DocumentWrite {
  chunks: ChunkInput[];
  stale: string[];
  /** Called once the document's chunks are written and its stale ones removed (in queue order). */
  written(): void | Promise<void>;
}

export interface ChunkWriter {
  /**
   * Queue a document's write; a write starts at once when none is running, else the queue goes
   * in the next one (group commit). Writes run in the background while the caller prepares more;
   * resolves at once unless a full batch is already waiting (then when the running write ends).
   * @throws the error of an earlier write, once one failed: nothing more is written then.
   */
  add(write: DocumentWrite): Promise<void>;
  /** Wait until every queued document is written. @throws the first write's error. */
  drain(): Promise<void>;
}

/**
 * Writes documents' chunks in batches across documents, each batch in queue order and as large as
 * `maxChunks` allows (whole documents): one upsert of every new chunk of the batch, then one
 * delete of every chunk they replace. A document's new chunks are thus always stored before its
 * old ones are removed, as when documents were written one by one; a crash in between leaves
 * extra chunks that the next ingest of the document removes (its stored chunks are then
 * incomplete, so it is written again).
 */
export function createChunkWriter(deps: { chunks: Pick<ChunkStore, "upsert" | "delete">; embedder: string; maxChunks: number }): ChunkWriter {
  const queue: DocumentWrite[] = [];
  /** The batch being written, if any. */
  let writing: Promise<void> | null = null;
  let failure: { error: unknown } | null = null;
  const queuedChunks = () => queue.reduce((sum, queued) => sum + queued.chunks.length, 0);

  async function writeBatch(batch: readonly DocumentWrite[]) {
    const chunks = batch.flatMap((write) => write.chunks);
    if (chunks.length > 0) await deps.chunks.upsert(spaceOf(deps.embedder, chunks), chunks);
    const stale = batch.flatMap((write) => write.stale);
    if (stale.length > 0) await deps.chunks.delete(stale);
    for (const write of batch) await write.written();
  }

  function startNext() {
    if (writing || failure || queue.length === 0) return;
    const batch = queue.splice(0, takeBatch(queue.map((write) => write.chunks.length), deps.maxChunks));
    // `finally` runs after `writing` is set, and starts the batch queued meanwhile.
    writing = writeBatch(batch)
      .catch((error: unknown) => {
        failure = { error };
      })
      .finally(() => {
        writing = null;
        startNext();
      });
  }

  return {
    async add(write) {
      if (failure) throw failure.error;
      queue.push(write);
      startNext();
      // Back-pressure: with a full batch already waiting, let the running write finish first,
      // so a slow Chroma never has the caller hold more than about two batches in memory.
      while (writing && queuedChunks() >= deps.maxChunks) await writing;
    },
    async drain() {
      while (writing) await writing;
      if (failure) throw failure.error;
    },
  };
}

/** The space of one embedder's vectors: the chunk store refuses any vector of another length. */
function spaceOf(embedder: string, chunks: readonly ChunkInput[]): VectorSpace {
  return { embedder, dimension: chunks[0]?.embedding.length ?? 0 };
}
