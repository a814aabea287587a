export {
  AcquisitionRequestSchema,
  AuthorityTier,
  AuthorityTierSchema,
  CatalogSourceSchema,
  FailureSideSchema,
  RequestStatus,
  RequestStatusSchema,
  SourceSchema,
  SourceStatus,
  SourceStatusSchema,
  SourceType,
  SourceTypeSchema,
  SyncLeaseStateSchema,
  SyncModeSchema,
  SyncReportSchema,
  SyncStateSchema,
  SyncStatusSchema,
  SyncTriggerSchema,
} from "./domain.js";
export type {
  AcquisitionRequest,
  CatalogSource,
  FailureSide,
  Page,
  Source,
  SyncLeaseState,
  SyncMode,
  SyncReport,
  SyncState,
  SyncStatus,
  SyncTrigger,
} from "./domain.js";

export {
  AcquireSourceOptionsSchema,
  ChangeFeedQuerySchema,
  CompletionSourceSchema,
  IdSchema,
  MAX_CURSOR_LENGTH,
  MAX_DESCRIPTION_LENGTH,
  MAX_NAME_LENGTH,
  MAX_PAGE_SIZE,
  MAX_QUERY_TEXT_LENGTH,
  MAX_REASON_LENGTH,
  MAX_TITLE_LENGTH,
  RequestCreateSchema,
  RequestListQuerySchema,
  RequestTransitionSchema,
  SourceCreateSchema,
  SourceFiltersSchema,
  SourceListQuerySchema,
  SourceRefSchema,
  SourceUpdateSchema,
  SourceUrlSchema,
  UrlSchema,
} from "./input-schemas.js";
export type {
  AcquireSourceOptions,
  ChangeFeedQuery,
  RequestCreateInput,
  RequestListQuery,
  RequestTransitionInput,
  SourceCreateInput,
  SourceFilters,
  SourceListQuery,
  SourceUpdateInput,
} from "./input-schemas.js";

export { MAX_URL_LENGTH, normaliseUrl } from "./url.js";
export { decodeCursor, decodeSourceCursor, encodeCursor, encodeSourceCursor, invalidCursor } from "./cursor.js";
export { jsonObjectShape, jsonShape } from "./json-shape.js";

export { CoreError, errorGuard, isCoreError, isKmcpError, KmcpError } from "./errors.js";
export type { CoreErrorCode } from "./errors.js";
export { formatIssues, inputParser, parseInput } from "./parse-input.js";
export type { InputParser } from "./parse-input.js";
export { createRedactor, redactSecrets, scrubError } from "./redact.js";
export { runWithDeadline, withDeadline } from "./deadline.js";
export type { DeadlineOutcome } from "./deadline.js";
export { backoffDelay } from "./backoff.js";
export { isRetryableStatus, MAX_RETRY_AFTER_MS, retryAfterMs } from "./http-retry.js";
export { paginate, readAllPages } from "./paginate.js";
export { createJsonLogger, silentLogger } from "./logger.js";
export type { LogLevel, Logger } from "./logger.js";

export {
  CrawlJobStatus,
  CrawlJobStatusSchema,
  CrawlPageStatus,
  CrawlPageStatusSchema,
  CrawlScopeSchema,
  CrawlSkipReasonSchema,
  DEFAULT_CRAWL_CONCURRENCY,
  DEFAULT_CRAWL_MAX_PAGES,
  MAX_CRAWL_CONCURRENCY,
  MAX_CRAWL_PAGES,
} from "./crawl.js";
export type { CrawlScope, CrawlScopeInput, CrawlSkipReason } from "./crawl.js";
