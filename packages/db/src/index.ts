export { createDb } from "./create-db.js";
export type { Db } from "./create-db.js";
export { DbOptionsSchema } from "./db-options.js";
export type { DbOptions } from "./db-options.js";
export { createSyncDb } from "./pool-db.js";
export type { SyncDb } from "./pool-db.js";

export { DbError, isDbError } from "./errors.js";
export type { DbErrorCode } from "./errors.js";

export { migrate, migrationStatus, planMigrations } from "./migrate.js";
export type { Migration, MigrationStatus, MigrateResult } from "./migrate.js";
export type { PingResult } from "./ping.js";
export type { ChangeFeed, ChangePage, SourceChange } from "./change-feed.js";
export { compareCheckpoints } from "./change-feed.js";
export { SOURCES_CHANGED_CHANNEL } from "./notification-listener.js";
export type { ListenerState, NotificationListener, NotificationListenerOptions } from "./notification-listener.js";
export { LeaseEventSchema, SYNC_LEASE_CHANNEL } from "./sync-lease.js";
export type { LeaseAttempt, LeaseEvent, LeaseHolding, SyncLeases } from "./sync-lease.js";
export type { SourcesRepository, UpsertManyResult } from "./sources-repository.js";
export type { SourceKindCount } from "./source-reads.js";
export type { RequestsRepository } from "./requests-repository.js";
export type { FetchStatesRepository, SourceFetchState, SourceFetchStateInput } from "./fetch-states-repository.js";
export { REQUEST_TRANSITIONS } from "./request-transitions.js";
export type { CrawlLock, CrawlsRepository } from "./crawls-repository.js";
export type { CrawlJob, CrawlJobCounts, CrawlJobSummary, CrawlPage, PageSettlementInput, StartJobInput } from "./crawl-shapes.js";
export type { CrawledSite, PageStatusCount } from "./crawl-reads.js";
