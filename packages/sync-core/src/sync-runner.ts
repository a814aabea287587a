import { isChromaStoreError, type ChromaStore, type MirrorRecord, type SyncState as StoredSyncState } from "@kmcp/chroma-store";
import type { ChangePage, SyncDb } from "@kmcp/db";
import { storeCheckpoint } from "./checkpoint-guard.js";
import { orphanIds } from "./mirror-orphans.js";
import { changedIds, planBatch } from "./plan-batch.js";
import { SyncError } from "./errors.js";
import type { HeldLease } from "./sync-lease.js";
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
  /** True when the mirror was empty at the start: the stored checkpoint did not describe it, so it could move back. */
  rebuilt: boolean;
  /** The report stored when the run started (any process's). */
  storedReport: unknown;
  /** The stored state read during the last batch (or at the start): what the final checkpoint is compared with. */
  storedNow: Promise<StoredSyncState>;
  /** Changes had committed that the feed held back for an older transaction still running (ChangePage.heldBack): the mirror has not caught up. */
  heldBack: boolean;
}

export interface SyncRunOptions {
  db: SyncDb;
  store: ChromaStore;
  mode: SyncMode;
  batchSize: number;
  now: () => number;
  /** The sync lease, checked before every write so a holder that lost it stops writing. */
  lease?: HeldLease | undefined;
  /** Called after every batch with the running totals (for progress bars); awaited if it returns a promise. */
  onProgress?: (counts: SyncRunCounts) => void | Promise<void>;
  /**
   * Asked whenever the feed is read to its end: true to read it again in the same run (changes
   * were notified meanwhile). Keeps a stream of writes flowing without a lease, a state read and a
   * report write per batch; the caller bounds how long it says yes.
   */
  more?: () => boolean;
}

/** Between the small batches of changes notified during a run, the checkpoint is stored at most this often. */
const CHECKPOINT_EVERY_MS = 1_000;

/**
 * Applies the change feed to the mirror, one batch at a time, and moves the stored checkpoint
 * only after a batch's writes succeeded (see CHECKPOINT_EVERY_MS): a
 * run killed at any point leaves a checkpoint at or before what the mirror holds, and re-applying changes is harmless, so the next run repairs
 * it. Full mode reads the feed from the start, rewrites records that drifted and removes
 * records whose source no longer exists.
 */
export async function runSync(options: SyncRunOptions): Promise<SyncRunResult> {
  const { db, store, batchSize, now, lease } = options;
  const startedAt = now();
  const counts: SyncRunCounts = { upserted: 0, deleted: 0, unchanged: 0 };
  // Whether the mirror is empty, from one record rather than a count of the whole collection
  // (which grows with the mirror: a run that finds nothing to do should not).
  const [stored, anyRecord] = await Promise.all([readStoredState(store, options.mode), store.sources.find({ limit: 1 })]);
  const mirrorWasEmpty = anyRecord.length === 0;
  // A checkpoint over an empty mirror means the mirror was wiped behind our back: trusting the
  // checkpoint would leave it empty for good, so rebuild it.
  const mode = options.mode === "incremental" && stored.checkpoint !== null && mirrorWasEmpty ? "full" : options.mode;
  let checkpoint = mode === "full" ? null : stored.checkpoint;
  // Over an empty mirror the stored checkpoint describes nothing it holds, so this run may store
  // earlier ones; otherwise a checkpoint never moves backwards (see storeCheckpoint).
  const mayRewind = mirrorWasEmpty;

  // The next page is read from PostgreSQL while Chroma writes the current one.
  const read = (after: string | null) => {
    const pending = db.changes.read({ after, limit: batchSize });
    pending.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
    return pending;
  };
  /** Writes one page of changes to the mirror, counting what it did. */
  async function apply(changes: ChangePage["changes"]): Promise<void> {
    // Filling an empty mirror there is nothing to compare upserts with, so only deletes (of
    // sources written earlier in this same run) need reading back.
    const held = await store.sources.getMany(changedIds(changes, { deletesOnly: mirrorWasEmpty }));
    const plan = planBatch(changes, new Map(held.map((r) => [r.id, r])));
    lease?.assertHeld();
    await store.sources.upsert(plan.upserts);
    if (plan.deletes.length > 0) {
      lease?.assertHeld();
      await store.sources.delete(plan.deletes);
    }
    counts.upserted += plan.upserts.length;
    counts.deleted += plan.deletes.length;
    counts.unchanged += plan.unchanged;
  }

  let next = read(checkpoint);
  let checkpointWrite: Promise<unknown> = Promise.resolve();
  let storedNow: Promise<StoredSyncState> = Promise.resolve(stored);
  let checkpointedAt = performance.now();
  let heldBack = false;
  try {
    for (;;) {
      const page = await next;
      heldBack = page.heldBack;
      // A full page: the next one is read while Chroma writes this one.
      if (page.hasMore) next = read(page.checkpoint);
      // The checkpoint is stored after every full page; between the small batches of changes
      // notified during the run, at most every CHECKPOINT_EVERY_MS (it may trail the mirror, never
      // lead it), since each Chroma write delays the next batch. The last one is stored with the
      // report, by the caller.
      const due = page.changes.length > 0 && (page.hasMore || performance.now() - checkpointedAt >= CHECKPOINT_EVERY_MS);
      if (due) {
        // Read while this batch is written, to compare its checkpoint with (see storeCheckpoint).
        storedNow = store.readSyncState();
        storedNow.catch(() => {}); // awaited when the checkpoint is stored
      }
      if (page.changes.length > 0) {
        await apply(page.changes);
        checkpoint = page.checkpoint;
        await options.onProgress?.({ ...counts });
      }
      // The end of the feed: read on only for changes notified meanwhile, read after this batch's
      // writes so that it includes what committed during them.
      const goOn = page.hasMore || (options.more?.() ?? false);
      if (!goOn) break;
      if (!page.hasMore) next = read(page.checkpoint);
      if (due) {
        // This batch's writes have succeeded, and the previous checkpoint write is awaited first,
        // so checkpoints are stored in order, while the next batch is written.
        await checkpointWrite;
        checkpointWrite = storeCheckpoint(store, { checkpoint, lastReport: stored.lastReport }, { mayRewind, lease, stored: storedNow });
        checkpointWrite.catch(() => {}); // awaited before the next one and at the end
        checkpointedAt = performance.now();
      }
    }
  } catch (error) {
    // A checkpoint write still in flight must land before the caller stores the failure: landing
    // after it, it would replace the failed report (and could move the checkpoint after the run ended).
    await checkpointWrite.catch(() => {});
    throw error;
  }
  await checkpointWrite;

  // Over a mirror that was empty when this run started, every record was written after it
  // started, so none can be an orphan: skip reading every id back.
  if (mode === "full" && !mirrorWasEmpty) {
    counts.deleted += await removeOrphans(db, store, startedAt, lease);
    // After orphans were removed (a long scan), compare with a fresh read instead.
    storedNow = store.readSyncState();
  }
  return { counts, checkpoint, mode, rebuilt: mayRewind, storedReport: stored.lastReport, storedNow, heldBack };
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
async function removeOrphans(db: SyncDb, store: ChromaStore, startedAt: number, lease: HeldLease | undefined): Promise<number> {
  const candidates: string[] = [];
  for await (const orphans of orphanIds(db, store)) candidates.push(...orphans);
  if (candidates.length === 0) return 0;
  const stale = (await store.sources.getMany(candidates)).filter((r: MirrorRecord) => r.syncedAt < startedAt).map((r) => r.id);
  lease?.assertHeld();
  await store.sources.delete(stale);
  return stale.length;
}
