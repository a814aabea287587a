export { createChromaStore } from "./chroma-store.js";
export type { ChromaStore, ChromaStoreCollections } from "./chroma-store.js";

export { ChromaStoreOptionsSchema } from "./options.js";
export type { ChromaStoreOptions } from "./options.js";

export type { SourceMirror } from "./source-mirror.js";
export { chunkMetadata, ChunkInputSchema, VectorSpaceSchema } from "./chunk-shapes.js";
export type { ChunkStore } from "./chunk-store.js";
export type { ChunkInput, ChunkMatch, ChunkRecord, StoredChunk, VectorSpace } from "./chunk-shapes.js";
export { PendingWriteInputSchema } from "./pending-writes.js";
export type { PendingWrite, PendingWrites } from "./pending-writes.js";

export { EpochMsSchema, fromMirrorRecord, MirrorRecordInputSchema, MirrorRecordSchema, mirrorHolds, toMirrorRecord } from "./mirror-record.js";
export type { MirrorRecord, MirrorRecordInput } from "./mirror-record.js";

export { FindSourcesOptionsSchema, MirrorFiltersSchema } from "./mirror-filters.js";
export type { FindSourcesOptions, MirrorFilters } from "./mirror-filters.js";

export { SyncStateInputSchema } from "./sync-state.js";
export type { SyncState, SyncStateInput } from "./sync-state.js";

export { ChromaStoreError, isChromaStoreError } from "./errors.js";
export type { ChromaStoreErrorCode } from "./errors.js";

