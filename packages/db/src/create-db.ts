import type { ChangeFeed } from "./change-feed.js";
import { createRepositoryContext } from "./context.js";
import { parseDbOptions, ReadCacheOptionsSchema, type DbOptions } from "./db-options.js";
import type { MigrateResult, MigrationStatus } from "./migrate.js";
import type { PingResult } from "./ping.js";
import { createPoolParts, openPool } from "./pool-db.js";
import { createPrismaClient, type KmcpPrismaClient } from "./prisma-client.js";
import { createReadCache, NO_READ_CACHE } from "./read-cache.js";
import { createCrawlsRepository, type CrawlsRepository } from "./crawls-repository.js";
import { createFetchStatesRepository, type FetchStatesRepository } from "./fetch-states-repository.js";
import { createRequestsRepository, type RequestsRepository } from "./requests-repository.js";
import { currentSourceVersion } from "./source-reads.js";
import { createSourcesRepository, type SourcesRepository } from "./sources-repository.js";
import type { NotificationListener, NotificationListenerOptions } from "./notification-listener.js";
import type { SyncLeases } from "./sync-lease.js";

export interface Db {
  /** The generated Prisma client, for queries the repositories do not cover. */
  readonly prisma: KmcpPrismaClient;
  readonly sources: SourcesRepository;
  readonly requests: RequestsRepository;
  /** What the last fetch of each acquired source's url found (validators, failure reason). */
  readonly fetchStates: FetchStatesRepository;
  /** Site crawls: jobs, the frontier and each page's state, and the per-site crawl lock. */
  readonly crawls: CrawlsRepository;
  readonly changes: ChangeFeed;
  /** One sync of a mirror at a time across processes (`sync_leases`). */
  readonly leases: SyncLeases;
  /**
   * LISTENs for notifications on a dedicated connection of its own, reconnecting when it is lost
   * (see NotificationListener); close it before close().
   */
  listen(options: NotificationListenerOptions): NotificationListener;
  /** `SELECT 1` within `pingTimeoutMs`; tells an outage (`unreachable`/`timeout`) from other errors. Never throws. */
  ping(options?: { timeoutMs?: number }): Promise<PingResult>;
  /** Applies the migrations shipped in this package (see migrate()). */
  migrate(): Promise<MigrateResult>;
  migrationStatus(): Promise<MigrationStatus>;
  /** Whether source reads go through the read cache (see DbOptions.readCache). */
  readonly readCacheEnabled: boolean;
  /** Removes the password from text meant for people (logs, errors, tool output). */
  redact(text: string): string;
  close(): Promise<void>;
}

/**
 * Connects lazily: nothing touches the network until the first query.
 *
 * @example
 *   const db = createDb({ url: process.env.DATABASE_URL! });
 *   await db.migrate();
 *   const source = await db.sources.create({ url: "https://nodejs.org/docs", title: "Node.js docs",
 *     sourceType: "documentation", authorityTier: "tier_1_canonical" });
 * @throws DbError VALIDATION when the options are invalid.
 */
export function createDb(options: DbOptions): Db {
  const { config, secrets } = parseDbOptions(options);
  const prisma = createPrismaClient({
    url: config.url,
    connectTimeoutMs: config.connectTimeoutMs,
    queryTimeoutMs: config.queryTimeoutMs,
    poolSize: config.poolSize,
  });
  const pool = openPool(config);
  const cacheOptions = config.readCache === true ? ReadCacheOptionsSchema.parse({}) : config.readCache;
  const cache = cacheOptions ? createReadCache(() => currentSourceVersion(pool), cacheOptions.maxEntries) : NO_READ_CACHE;
  const ctx = createRepositoryContext(prisma, pool, cache, secrets);
  return {
    ...createPoolParts(config, pool, secrets),
    prisma,
    // After the pool parts, whose `sources` has existingIds only.
    sources: createSourcesRepository(ctx),
    requests: createRequestsRepository(ctx),
    fetchStates: createFetchStatesRepository(ctx),
    crawls: createCrawlsRepository(ctx),
    readCacheEnabled: cache.enabled,
    async close() {
      await Promise.all([prisma.$disconnect(), pool.end().catch(() => {})]);
    },
  };
}
