// The `@kmcp/db/sync` entry point: what a sync needs, without Prisma (see createSyncDb).
export { compareCheckpoints } from "./change-feed.js";
export type { ChangeFeed, ChangePage, SourceChange } from "./change-feed.js";
export { DbOptionsSchema } from "./db-options.js";
export type { DbOptions } from "./db-options.js";
export { DbError, isDbError } from "./errors.js";
export type { DbErrorCode } from "./errors.js";
export { SOURCES_CHANGED_CHANNEL } from "./notification-listener.js";
export type { ListenerState, NotificationListener, NotificationListenerOptions } from "./notification-listener.js";
export type { PingResult } from "./ping.js";
export { createSyncDb } from "./pool-db.js";
export type { SyncDb } from "./pool-db.js";
export { LeaseEventSchema, SYNC_LEASE_CHANNEL } from "./sync-lease.js";
export type { LeaseAttempt, LeaseEvent, LeaseHolding, SyncLeases } from "./sync-lease.js";
