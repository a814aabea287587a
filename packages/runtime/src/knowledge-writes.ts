import { ChromaStoreError, isChromaStoreError, type ChromaStore } from "@kmcp/chroma-store";
import type { Logger, Source, SyncReport } from "@kmcp/core";
import type { Db } from "@kmcp/db";
import { isSearchError, type Ingester, type IngestOptions, type IngestProgress, type IngestReport } from "@kmcp/search";
import type { OfflineSyncManager } from "@kmcp/sync-core";

/** What a reset removed: every chunk, made by another embedder. */
export interface ChunkReset {
  chunksRemoved: number;
  previousEmbedder: string | null;
}

export interface IngestRun {
  report: IngestReport;
  /** The sync that makes new and changed sources searchable; null when it failed (the next one catches up). */
  sync: SyncReport | null;
  /** Set when `reset` cleared chunks of another embedder before ingesting. */
  reset: ChunkReset | null;
}

export type IngestRunOptions = IngestOptions & {
  onProgress?: (progress: IngestProgress) => void | Promise<void>;
  /**
   * When the stored chunks were made by another embedder, remove them all (every source's, not
   * only these files') and ingest with the configured one, instead of failing.
   */
  reset?: boolean;
};

/** Ingest files, then sync, so search sees the new and changed sources at once. */
export function createIngestRun(deps: { ingester: Ingester; store: ChromaStore; sync: OfflineSyncManager; logger: Logger }) {
  const { ingester, store, sync, logger } = deps;
  return async (inputs: readonly string[], options: IngestRunOptions = {}): Promise<IngestRun> => {
    const { reset: resetAllowed, ...ingestOptions } = options;
    let reset: ChunkReset | null = null;
    let report: IngestReport;
    try {
      report = await ingester.ingestFiles(inputs, ingestOptions);
    } catch (error) {
      // A mismatch is found before anything is written (paths are checked first), so clearing is safe.
      if (!(resetAllowed && isSearchError(error, "EMBEDDER_MISMATCH"))) throw error;
      const [space, chunksRemoved] = await Promise.all([store.chunks.space(), store.chunks.count()]);
      await store.chunks.clear();
      reset = { chunksRemoved, previousEmbedder: space?.embedder ?? null };
      report = await ingester.ingestFiles(inputs, ingestOptions);
    }
    const synced = await sync.syncSources().catch((error: Error) => {
      logger.warn("ingested, but the sync that makes new sources searchable failed; the next sync will", { error: error.message });
      return null;
    });
    return { report, sync: synced, reset };
  };
}

/**
 * Delete a source for good and its ingested chunks.
 * @throws the DbError of the delete; or, the source being gone, a ChromaStoreError saying its chunks were not removed.
 */
export function createRemoveSource(deps: { db: Db; store: ChromaStore }) {
  return async (id: string): Promise<Source> => {
    const source = await deps.db.sources.delete(id);
    await deps.store.chunks.deleteSources([source.id]).catch((error: Error) => {
      // The source is gone either way; its leftover chunks are never shown once the mirror has synced.
      throw new ChromaStoreError(
        isChromaStoreError(error) ? error.code : "UNKNOWN",
        `Removed ${source.id} ${source.url}, but could not delete its chunks from Chroma: ${error.message} Search leaves them out once the mirror has synced (\`kmcp sync run\`).`,
        { cause: error },
      );
    });
    return source;
  };
}
