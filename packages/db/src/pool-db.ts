import { redactSecrets } from "@kmcp/core";
import pg from "pg";
import { createChangeFeed } from "./change-feed.js";
import { createPoolContext } from "./context.js";
import type { Db } from "./create-db.js";
import { parseDbOptions, type DbConfig, type DbOptions } from "./db-options.js";
import { migrate, migrationStatus } from "./migrate.js";
import { createNotificationListener } from "./notification-listener.js";
import { ping } from "./ping.js";
import { findExistingIds } from "./source-reads.js";
import type { SourcesRepository } from "./sources-repository.js";
import { createSyncLeases } from "./sync-lease.js";

/**
 * The part of `Db` a sync needs, all plain SQL on a `pg` pool: the change feed, the sync lease,
 * notifications, which sources exist (a full sync's orphans), ping and migrations. No Prisma, so
 * a process that only syncs never loads it.
 */
export interface SyncDb extends Pick<Db, "changes" | "leases" | "listen" | "ping" | "migrate" | "migrationStatus" | "redact" | "close"> {
  readonly sources: Pick<SourcesRepository, "existingIds">;
}

/** The pool the plain-SQL paths share. Connects lazily. */
export function openPool(config: DbConfig): pg.Pool {
  const pool = new pg.Pool({
    connectionString: config.url,
    connectionTimeoutMillis: config.connectTimeoutMs,
    query_timeout: config.queryTimeoutMs,
    max: config.poolSize,
    idleTimeoutMillis: 10_000,
  });
  // An idle client whose server went away must not crash the process; the next query reports it.
  pool.on("error", () => {});
  return pool;
}

/** Everything of SyncDb but close(), on `pool`: createDb and createSyncDb share it. */
export function createPoolParts(config: DbConfig, pool: pg.Pool, secrets: readonly string[]): Omit<SyncDb, "close"> {
  const ctx = createPoolContext(pool, secrets);
  return {
    sources: { existingIds: (ids) => findExistingIds(ctx, ids) },
    changes: createChangeFeed(ctx),
    leases: createSyncLeases(ctx),
    listen: (listenOptions) => createNotificationListener({ url: config.url, connectTimeoutMs: config.connectTimeoutMs, pool, secrets }, listenOptions),
    ping: (o) => ping(pool, o?.timeoutMs ?? config.pingTimeoutMs, secrets),
    migrate: () => migrate(config.url, secrets, undefined, { pool }),
    migrationStatus: () => migrationStatus(config.url, secrets),
    redact: (text) => redactSecrets(text, secrets),
  };
}

/**
 * Only what a sync needs (see SyncDb), from the `@kmcp/db/sync` entry point: it loads no
 * Prisma, which is most of what `@kmcp/db` costs to import. Connects lazily.
 * @throws DbError VALIDATION when the options are invalid.
 */
export function createSyncDb(options: DbOptions): SyncDb {
  const { config, secrets } = parseDbOptions(options);
  const pool = openPool(config);
  return {
    ...createPoolParts(config, pool, secrets),
    async close() {
      await pool.end().catch(() => {});
    },
  };
}
