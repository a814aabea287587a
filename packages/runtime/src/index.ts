export { defaultHome, KmcpEnvSchema, parseKmcpEnv } from "./config.js";
export type { KmcpConfig } from "./config.js";

export { createKmcp } from "./create-kmcp.js";
export { openSyncServices } from "./sync-services.js";
export type { SyncServices } from "./sync-services.js";
export { createLogger } from "./logger.js";
export type { CreateKmcpOptions, Kmcp, KmcpServices } from "./create-kmcp.js";
export type { ChunkReset, IngestRun, IngestRunOptions } from "./knowledge-writes.js";
export { ACQUIRE_STEPS, createAcquire } from "./acquire.js";
export type { AcquireDeps, AcquireOptions, AcquireResult, AcquireStep } from "./acquire.js";
export { createCrawl, summarizeCrawl } from "./crawl.js";
export type { CrawlDeps, CrawlOptions, CrawlResult, CrawlSummary } from "./crawl.js";
export { countStaleSites, createRefreshSources } from "./refresh-sources.js";
export { parseDuration } from "./duration.js";
export type { RefreshOptions, SiteRefresh } from "./refresh-sources.js";
export { createRequestAcquirer } from "./acquire-requests.js";
export type { RequestAcquirerDeps, RequestAcquisition } from "./acquire-requests.js";
export { createPreflight, decideAcquisition } from "./preflight.js";
export type { PreflightAction, PreflightDeps, PreflightResult } from "./preflight.js";

export { detectSourceFileFormat, detectSourceFileFormatOf, parseSourceFile, readSourceFile } from "./source-file.js";
export { DEFAULT_IMPORT_BATCH_SIZE, importSourceFile, importSources } from "./import-sources.js";
export type { ImportOptions, ImportProgress, ImportReport } from "./import-sources.js";
export type { ParsedRow, SourceFileFormat, SourceFileRow } from "./source-file.js";

export { ConfigError } from "./errors.js";
export type { ConfigErrorCode } from "./errors.js";
export type { KmcpErrorCode } from "./error-codes.js";
