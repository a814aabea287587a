import type { ChunkStore } from "@kmcp/chroma-store";
import { createLexicalIndex, type LexicalIndex, type LexicalIndexOptions } from "./lexical-index.js";

/**
 * The lexical index of this process, kept in step with the chunk collection in Chroma (the one
 * store of chunk texts): any process's ingest or removal shows here within `refreshMs` of the next
 * search, with no restart, and without PostgreSQL.
 */
export interface LiveLexicalIndex {
  readonly index: LexicalIndex;
  /**
   * Bring the index up to date when `refreshMs` has passed since the last check: read the cheap
   * change signal (the collection's count and version token) and, when it moved, add the chunks
   * not indexed yet and remove those gone. Concurrent callers share one refresh.
   */
  refresh(options?: { force?: boolean }): Promise<void>;
}

export interface LiveLexicalIndexDeps {
  chunks: Pick<ChunkStore, "count" | "version" | "ids" | "records">;
  /** Default 1,000 ms. */
  refreshMs?: number;
  lexical?: LexicalIndexOptions;
  now?: () => number;
}

const RECORD_BATCH = 2_000;

export function createLiveLexicalIndex({ chunks, refreshMs = 1_000, lexical, now = Date.now }: LiveLexicalIndexDeps): LiveLexicalIndex {
  const index = createLexicalIndex(lexical);
  let seen: { version: string | null; count: number } | null = null;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let running: Promise<void> | null = null;

  async function catchUp() {
    // The signal is read before the ids: a write landing after the listing moves it again.
    const [version, count] = await Promise.all([chunks.version(), chunks.count()]);
    if (seen && seen.version === version && seen.count === count) return;
    const current = new Set(await chunks.ids());
    index.remove(index.ids().filter((id) => !current.has(id)));
    const missing = [...current].filter((id) => !index.has(id));
    for (let i = 0; i < missing.length; i += RECORD_BATCH) index.add(await chunks.records(missing.slice(i, i + RECORD_BATCH)));
    seen = { version, count };
  }

  return {
    index,
    refresh({ force = false } = {}) {
      if (running) return running;
      if (!force && now() - checkedAt < refreshMs) return Promise.resolve();
      running = catchUp()
        .then(() => {
          checkedAt = now();
        })
        .finally(() => {
          running = null;
        });
      return running;
    },
  };
}
