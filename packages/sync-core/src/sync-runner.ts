import { isChromaStoreError, type ChromaStore, type MirrorRecord, type SyncState as StoredSyncState } from "@kmcp/chroma-store";
import type { Db } from "@kmcp/db";
import { orphanIds } from "./mirror-orphans.js";
import { changedIds, planBatch } from "./plan-batch.js";
import { SyncError } from "./errors.js";
import type { SyncMode } from "@kmcp/core";

export interface SyncRunCounts {
  upserted: number;
  deleted: number;
  unchanged: number;
}

export interface SyncRunResult {
  counts: SyncRunCounts;
  /** Where the feed was read up to (stored in Chroma with the report). */
  checkpoint: string | null;
  /** The mode that ran: an incremental request runs in full when the mirror has to be rebuilt. */
  mode: SyncMode;
}

export interface SyncRunOptions {
  db: Db;
  store: ChromaStore;
  mode: SyncMode;
  batchSize: number;
  now: () => number;
  /** Called after every batch with the running totals (for progress bars); awaited if it returns a promise. */
  onProgress?: (counts: SyncRunCounts) => void | Promise<void>;
}

/**
 * Applies the change feed to the mirror, one batch at a time, and moves the stored checkpoint
 * only after a batch's writes succeeded: a run killed at any point leaves a checkpoint at or
 * before what the mirror holds, and re-applying changes is harmless, so the next run repairs
 * it. Full mode reads the feed from the start, rewrites records that drifted and removes
 * records whose source no longer exists.
 */
export async function runSync(options: SyncRunOptions): Promise<SyncRunResult> {
  const { db, store, batchSize, now } = options;
  const startedAt = now();
  const counts: SyncRunCounts = { upserted: 0, deleted: 0, unchanged: 0 };
  const stored = await readStoredState(store, options.mode);
  const mirrorWasEmpty = (await store.sources.count()) === 0;
  // A checkpoint over an empty mirror means the mirror was wiped behind our back: trusting the
  // checkpoint would leave it empty for good, so rebuild it.
  const mode = options.mode === "incremental" && stored.checkpoint !== null && mirrorWasEmpty ? "full" : options.mode;
  let checkpoint = mode === "full" ? null : stored.checkpoint;

  // The next page is read from PostgreSQL while Chroma writes the current one.
  const read = (after: string | null) => {
    const pending = db.changes.read({ after, limit: batchSize });
    pending.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
    return pending;
  };
  let next = read(checkpoint);
  let checkpointWrite: Promise<unknown> = Promise.resolve();
  for (;;) {
    const page = await next;
    if (page.hasMore) next = read(page.checkpoint);
    if (page.changes.length > 0) {
      // Filling an empty mirror there is nothing to compare upserts with, so only deletes (of
      // sources written earlier in this same run) need reading back.
      const held = await store.sources.getMany(changedIds(page.changes, { deletesOnly: mirrorWasEmpty }));
      const mirrored = new Map(held.map((r) => [r.id, r]));
      const plan = planBatch(page.changes, mirrored);
      await store.sources.upsert(plan.upserts);
      await store.sources.delete(plan.deletes);
      counts.upserted += plan.upserts.length;
      counts.deleted += plan.deletes.length;
      counts.unchanged += plan.unchanged;
      checkpoint = page.checkpoint;
      // Stored while the next batch is written: this batch's writes have succeeded, and the
      // previous checkpoint write is awaited first, so checkpoints are stored in order.
      await checkpointWrite;
      checkpointWrite = store.writeSyncState({ checkpoint, lastReport: stored.lastReport });
      checkpointWrite.catch(() => {}); // awaited before the next one and at the end
      await options.onProgress?.({ ...counts });
    }
    if (!page.hasMore) break;
  }
  await checkpointWrite;

  // Over a mirror that was empty when this run started, every record was written after it
  // started, so none can be an orphan: skip reading every id back.
  if (mode === "full" && !mirrorWasEmpty) counts.deleted += await removeOrphans(db, store, startedAt);
  return { counts, checkpoint, mode };
}

/** The stored checkpoint; an unreadable one stops an incremental sync and is rebuilt by a full one. */
async function readStoredState(store: ChromaStore, mode: SyncMode): Promise<StoredSyncState> {
  try {
    return await store.readSyncState();
  } catch (error) {
    if (!isChromaStoreError(error, "CORRUPT")) throw error;
    if (mode === "full") return { checkpoint: null, lastReport: null, updatedAt: null };
    throw new SyncError("CORRUPT_STATE", "The sync checkpoint stored in Chroma is unreadable; run a full sync (`kmcp sync run --full`) to rebuild it.", {
      cause: error,
    });
  }
}

/**
 * Deletes mirror records whose source is gone (see orphanIds). A record written after this run
 * started came from a concurrent sync that saw a newer source than we did, so it is left alone.
 */
async function removeOrphans(db: Db, store: ChromaStore, startedAt: number): Promise<number> {
  const candidates: string[] = [];
  for await (const orphans of orphanIds(db, store)) candidates.push(...orphans);
  if (candidates.length === 0) return 0;
  const stale = (await store.sources.getMany(candidates)).filter((r: MirrorRecord) => r.syncedAt < startedAt).map((r) => r.id);
  await store.sources.delete(stale);
  return stale.length;
}
