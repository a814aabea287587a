import type { ChunkStore } from "@kmcp/chroma-store";
import { createLexicalIndex, type LexicalIndex, type LexicalIndexOptions } from "./lexical-index.js";
import { restoreLexicalIndex, serializeLexicalIndex, type LexicalSnapshotStore } from "./lexical-snapshot.js";

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
  /**
   * Where to keep the index between processes: the first refresh starts from the snapshot (then
   * diffs it against Chroma), and a snapshot is written a little after `snapshotEvery` chunks,
   * or a tenth of the index if more, were added or removed. None: every process reads and
   * tokenizes all chunks itself.
   */
  snapshot?: LexicalSnapshotStore;
  /** Default 1,000 chunks. */
  snapshotEvery?: number;
  /** Told when a snapshot cannot be read, used or written; search goes on without it. */
  onSnapshotError?: (error: unknown) => void;
  now?: () => number;
}

const RECORD_BATCH = 2_000;
// Writing a snapshot copies the database image (tens of milliseconds at 100k chunks) while the
// process waits, so it waits until the search that caused it has answered.
const SNAPSHOT_DELAY_MS = 2_000;

export function createLiveLexicalIndex(deps: LiveLexicalIndexDeps): LiveLexicalIndex {
  const { chunks, refreshMs = 1_000, lexical, snapshot, snapshotEvery = 1_000, onSnapshotError = () => {}, now = Date.now } = deps;
  let index = createLexicalIndex(lexical);
  let seen: { version: string | null; count: number } | null = null;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let running: Promise<void> | null = null;
  let unsaved = 0;
  let saveTimer: NodeJS.Timeout | null = null;

  async function restore() {
    try {
      const stored = await snapshot!.read();
      const restored = stored === null ? null : restoreLexicalIndex(stored, lexical);
      if (restored) index = restored;
    } catch (error) {
      onSnapshotError(error);
    }
  }

  function scheduleSave() {
    // A tenth of the index at least: rewriting a large snapshot file often is wasted work.
    if (!snapshot || saveTimer || unsaved < Math.max(snapshotEvery, index.size / 10)) return;
    saveTimer = setTimeout(() => {
      const serialized = serializeLexicalIndex(index, lexical);
      unsaved = 0;
      snapshot
        .write(serialized)
        .catch(onSnapshotError)
        .finally(() => {
          saveTimer = null;
          scheduleSave();
        });
    }, SNAPSHOT_DELAY_MS);
    // A short-lived process (the CLI) does not wait for it.
    saveTimer.unref();
  }

  async function catchUp() {
    // The signal is read before the ids: a write landing after the listing moves it again.
    const [version, count] = await Promise.all([chunks.version(), chunks.count()]);
    if (seen && seen.version === version && seen.count === count) return;
    if (!seen && snapshot) await restore();
    const current = new Set(await chunks.ids());
    const gone = index.ids().filter((id) => !current.has(id));
    index.remove(gone);
    const missing = [...current].filter((id) => !index.has(id));
    for (let i = 0; i < missing.length; i += RECORD_BATCH) index.add(await chunks.records(missing.slice(i, i + RECORD_BATCH)));
    seen = { version, count };
    unsaved += gone.length + missing.length;
    scheduleSave();
  }

  return {
    get index() {
      return index;
    },
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
