import pg from "pg";
import { z } from "zod";
import { createChangeFeed, type ChangeFeed } from "./change-feed.js";
import { createRepositoryContext } from "./context.js";
import { formatIssues, redactSecrets } from "@kmcp/core";
import { DbError } from "./errors.js";
import { migrate, migrationStatus, type MigrateResult, type MigrationStatus } from "./migrate.js";
import { ping, type PingResult } from "./ping.js";
import { createPrismaClient, type KmcpPrismaClient } from "./prisma-client.js";
import { createReadCache, NO_READ_CACHE } from "./read-cache.js";
import { createCrawlsRepository, type CrawlsRepository } from "./crawls-repository.js";
import { createFetchStatesRepository, type FetchStatesRepository } from "./fetch-states-repository.js";
import { createRequestsRepository, type RequestsRepository } from "./requests-repository.js";
import { currentSourceVersion } from "./source-reads.js";
import { createSourcesRepository, type SourcesRepository } from "./sources-repository.js";
import { createNotificationListener, type NotificationListener, type NotificationListenerOptions } from "./notification-listener.js";
import { createSyncLeases, type SyncLeases } from "./sync-lease.js";

const ReadCacheOptionsSchema = z.strictObject({
  maxEntries: z.number().int().min(1).default(1_000),
});

export const DbOptionsSchema = z.strictObject({
  /** `postgresql://user:password@host:port/database` */
  url: z
    .string()
    .refine((u) => /^postgres(ql)?:\/\/./.test(u), "must be a postgresql:// URL")
    .refine((u) => URL.canParse(u), "is not a valid URL"),
  /** How long to wait for a connection before calling PostgreSQL unreachable. */
  connectTimeoutMs: z.number().int().positive().default(5_000),
  /** Client-side limit for any single query; none by default. */
  queryTimeoutMs: z.number().int().positive().optional(),
  poolSize: z.number().int().min(1).max(100).default(5),
  /** Deadline of ping(). */
  pingTimeoutMs: z.number().int().positive().default(2_000),
  /**
   * Reuse source reads (get, list, count, countByKind) while no change to sources has committed:
   * each read first checks the source version in PostgreSQL (one single-row query), so an answer
   * is never older than a write that committed before the read began, from any process. For
   * long-running processes that read the same things often; off by default. See the README's
   * "The read cache".
   */
  readCache: z.union([z.boolean(), ReadCacheOptionsSchema]).default(false),
});

export type DbOptions = z.input<typeof DbOptionsSchema>;

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
  const parsed = DbOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new DbError("VALIDATION", redactSecrets(`Invalid database options: ${formatIssues(parsed.error)}`));
  }
  const config = parsed.data;
  const password = decodeURIComponent(new URL(config.url).password);
  const secrets = password ? [password] : [];
  const prisma = createPrismaClient({
    url: config.url,
    connectTimeoutMs: config.connectTimeoutMs,
    queryTimeoutMs: config.queryTimeoutMs,
    poolSize: config.poolSize,
  });
  const pool = new pg.Pool({
    connectionString: config.url,
    connectionTimeoutMillis: config.connectTimeoutMs,
    query_timeout: config.queryTimeoutMs,
    max: config.poolSize,
    idleTimeoutMillis: 10_000,
  });
  // An idle client whose server went away must not crash the process; the next query reports it.
  pool.on("error", () => {});
  const cacheOptions = config.readCache === true ? ReadCacheOptionsSchema.parse({}) : config.readCache;
  const cache = cacheOptions ? createReadCache(() => currentSourceVersion(pool), cacheOptions.maxEntries) : NO_READ_CACHE;
  const ctx = createRepositoryContext(prisma, pool, cache, secrets);
  return {
    prisma,
    sources: createSourcesRepository(ctx),
    requests: createRequestsRepository(ctx),
    fetchStates: createFetchStatesRepository(ctx),
    crawls: createCrawlsRepository(ctx),
    changes: createChangeFeed(ctx),
    leases: createSyncLeases(ctx),
    listen: (listenOptions) => createNotificationListener({ url: config.url, connectTimeoutMs: config.connectTimeoutMs, pool, secrets }, listenOptions),
    ping: (o) => ping(pool, o?.timeoutMs ?? config.pingTimeoutMs, secrets),
    migrate: () => migrate(config.url, secrets, undefined, { pool }),
    migrationStatus: () => migrationStatus(config.url, secrets),
    redact: (text) => redactSecrets(text, secrets),
    readCacheEnabled: cache.enabled,
    async close() {
      await Promise.all([prisma.$disconnect(), pool.end().catch(() => {})]);
    },
  };
}
