import { isChromaStoreError, type ChromaStore, type SyncState as StoredSyncState } from "@kmcp/chroma-store";
import { compareCheckpoints } from "@kmcp/db/sync";
import type { HeldLease } from "./sync-lease.js";

/** Pure: the later of two checkpoints of the change feed (null is the start). */
export function laterCheckpoint(a: string | null, b: string | null): string | null {
  return compareCheckpoints(a, b) >= 0 ? a : b;
}

/**
 * Stores the checkpoint with a report, never moving it backwards: the stored one is read and kept
 * if it is further on (written by a run this one overlapped). `stored` is that read when the caller
 * started it already (alongside the batch's writes, to save a round trip); otherwise it is read
 * now. Only a run rebuilding an emptied mirror (`mayRewind`) stores an earlier one, since the
 * stored one no longer describes the mirror. Checks the lease first. Returns the checkpoint stored.
 */
export async function storeCheckpoint(
  store: ChromaStore,
  state: { checkpoint: string | null; lastReport: unknown },
  options: { mayRewind: boolean; lease?: HeldLease | undefined; stored?: Promise<StoredSyncState> | undefined },
): Promise<string | null> {
  options.lease?.assertHeld();
  let { checkpoint } = state;
  if (!options.mayRewind) {
    const stored = await (options.stored ?? store.readSyncState()).catch((error: unknown) => {
      // An unreadable state is what a full sync replaces; anything else stops the write.
      if (isChromaStoreError(error, "CORRUPT")) return null;
      throw error;
    });
    if (stored) checkpoint = laterCheckpoint(checkpoint, stored.checkpoint);
  }
  options.lease?.assertHeld();
  await store.writeSyncState({ checkpoint, lastReport: state.lastReport });
  return checkpoint;
}
