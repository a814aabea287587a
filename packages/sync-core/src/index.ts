export { createSyncManager, DEFAULT_LEASE_TTL_MS, DEFAULT_SYNC_BATCH_SIZE } from "./sync-manager.js";
export type { OfflineSyncManager, SyncEvents, SyncManagerOptions, SyncSourcesOptions } from "./sync-manager.js";

export { createSourceCatalog } from "./source-catalog.js";
export type { CatalogPage, Origin, SourceCatalog, SourceCatalogOptions, SourceStats } from "./source-catalog.js";

export { createRequestWriter } from "./request-writer.js";
export type { CreateRequestResult, QueuedRequest, ReplayResult, RequestListing, RequestWriter } from "./request-writer.js";

export { createConnectivityMonitor } from "./connectivity.js";
export type { Connectivity, ConnectivityMonitor, ConnectivityMonitorOptions } from "./connectivity.js";

export type { SyncRunCounts } from "./sync-runner.js";

export { verifyMirror } from "./verify-mirror.js";
export type { MirrorDiff } from "./verify-mirror.js";

export { SyncError, isSyncError } from "./errors.js";
export type { SyncErrorCode } from "./errors.js";
export { isPrimaryOutage } from "./failure.js";
