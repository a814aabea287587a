import { performance } from "node:perf_hooks";
import { z } from "zod";
import { createChunkStore, type ChunkStore } from "./chunk-store.js";
import type { GetAnswer } from "./chroma-rest.js";
import { collectionMarker, createChromaConnection, type CollectionSpec } from "./connection.js";
import { resolveChromaStoreOptions, type ChromaStoreOptions } from "./options.js";
import { parseInput } from "./parse-input.js";
import { createPendingWrites, type PendingWrites } from "./pending-writes.js";
import { createSourceMirror, type SourceMirror } from "./source-mirror.js";
import { decodeSyncState, decodeSyncStateMetadata, encodeSyncStateMetadata, SyncStateInputSchema, type SyncState, type SyncStateInput } from "./sync-state.js";

/** Names of the Chroma collections a store uses, all starting with its collectionPrefix. */
export interface ChromaStoreCollections {
  /** Source metadata mirrored from PostgreSQL (see ChromaStore.sources). */
  sources: string;
  /** Vector chunks of source content; kept apart so metadata reads never scan vectors. */
  chunks: string;
  /** One record: the sync checkpoint and last report. */
  syncState: string;
  /** Writes accepted while PostgreSQL was unreachable, waiting to be replayed. */
  pendingWrites: string;
}

/** kmcp's read mirror in Chroma. Cheap to create: nothing connects until the first call. */
export interface ChromaStore {
  /** The server's base URL, without credentials. */
  readonly url: string;
  readonly collections: ChromaStoreCollections;
  /** The mirrored source metadata. */
  readonly sources: SourceMirror;
  /** The durable queue of writes made while PostgreSQL was unreachable. */
  readonly pendingWrites: PendingWrites;
  /** Searchable chunks of source content, in one recorded vector space. */
  readonly chunks: ChunkStore;
  /**
   * The checkpoint and report the last sync wrote, so a process starting while PostgreSQL is
   * down knows how fresh the mirror is. All null before the first sync.
   * @throws {ChromaStoreError} `CORRUPT` when the stored state is unreadable; `UNREACHABLE`, `TIMEOUT`.
   */
  readSyncState(): Promise<SyncState>;
  /** Replace the stored sync state; returns it as a later readSyncState() will. */
  writeSyncState(state: SyncStateInput): Promise<SyncState>;
  /**
   * Round-trip time of one heartbeat request, in milliseconds.
   * @throws {ChromaStoreError} `UNREACHABLE` when no server answers, `TIMEOUT` after `timeoutMs`
   *   (default: the store's requestTimeoutMs).
   */
  heartbeat(options?: { timeoutMs?: number }): Promise<number>;
  /**
   * Opens (creating if need be) the collections a sync uses and asks the server's batch limit, at
   * once, so that a process can do it while it connects to PostgreSQL rather than afterwards.
   * Optional: every call opens what it needs; a failure here is met (and reported) again there.
   */
  prepareSync(): Promise<void>;
  /** Forget the client and cached collections. The store stays usable and reconnects on next use. */
  close(): Promise<void>;
}

const HeartbeatOptionsSchema = z.strictObject({ timeoutMs: z.number().int().positive().max(600_000).optional() });

// The record in which versions before the state moved to the collection's metadata kept it.
const SYNC_STATE_ID = "sources_metadata";

/**
 * Create the store. Validates options; opens no connection (the chromadb client is created
 * on first use, and collections are created on first use too).
 *
 * @throws {ChromaStoreError} `VALIDATION` for bad options.
 * @example
 *   const store = createChromaStore({ url: "http://127.0.0.1:8000" });
 *   await store.sources.upsert([{ id, url, title, sourceType: "blog", status: "active",
 *     authorityTier: "tier_2_trusted", updatedAt: Date.now() }]);
 *   const blogs = await store.sources.find({ filters: { sourceType: "blog" }, limit: 20 });
 */
export function createChromaStore(options: ChromaStoreOptions = {}): ChromaStore {
  const resolved = resolveChromaStoreOptions(options);
  const connection = createChromaConnection(resolved);
  const prefix = resolved.collectionPrefix;
  const collections: ChromaStoreCollections = Object.freeze({
    sources: `${prefix}sources_metadata`,
    chunks: `${prefix}source_chunks`,
    syncState: `${prefix}sync_state`,
    pendingWrites: `${prefix}pending_writes`,
  });
  const syncStateSpec: CollectionSpec = { name: collections.syncState, kind: "sync_state" };
  const sourcesSpec: CollectionSpec = { name: collections.sources, kind: "sources_metadata" };

  return {
    url: resolved.displayUrl,
    collections,
    sources: createSourceMirror(connection, sourcesSpec),
    pendingWrites: createPendingWrites(connection, { name: collections.pendingWrites, kind: "pending_writes" }),
    chunks: createChunkStore(connection, { name: collections.chunks, kind: "source_chunks", space: "cosine" }),

    async readSyncState() {
      // Kept in the collection's metadata, read fresh with the collection itself.
      const collection = await connection.reopen(syncStateSpec);
      const state = decodeSyncStateMetadata(collection.metadata, collections.syncState);
      if (state) return state;
      // Until the first write of this version: the record earlier versions wrote, if any.
      const result = await connection.recordsOf(syncStateSpec)<GetAnswer>("reading the sync state", "get", { ids: [SYNC_STATE_ID], include: ["metadatas", "documents"] });
      const index = result.ids.indexOf(SYNC_STATE_ID);
      return decodeSyncState(
        index < 0 ? undefined : { metadata: result.metadatas?.[index], document: result.documents?.[index] },
        collections.syncState,
      );
    },

    async writeSyncState(state) {
      const stored = encodeSyncStateMetadata(parseInput(SyncStateInputSchema, state, "sync state"), Date.now());
      // Replaces the collection's whole metadata (a record left by an earlier version is no longer read).
      await connection.withCollectionRef(syncStateSpec, "writing the sync state", (c) =>
        connection.http.modifyMetadata(c, { ...collectionMarker(syncStateSpec), ...stored }),
      );
      return decodeSyncStateMetadata(stored, collections.syncState)!;
    },

    async heartbeat(heartbeatOptions = {}) {
      const { timeoutMs } = parseInput(HeartbeatOptionsSchema, heartbeatOptions, "heartbeat options");
      const started = performance.now();
      await connection.call("sending a heartbeat", (http) => http.request("GET", "/api/v2/heartbeat"), timeoutMs);
      return performance.now() - started;
    },

    async prepareSync() {
      const open = (spec: CollectionSpec) => connection.withCollectionRef(spec, `opening collection ${spec.name}`, async () => undefined);
      await Promise.all([open(sourcesSpec), open(syncStateSpec), connection.maxBatchSize()]);
    },

    async close() {
      connection.reset();
    },
  };
}
