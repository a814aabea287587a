import type pg from "pg";
import type { KmcpPrismaClient } from "./prisma-client.js";
import type { ReadCache } from "./read-cache.js";
import { translateError } from "./translate-error.js";

/** What the plain-SQL paths need: the pool, and the one place errors are translated. */
export interface PoolContext {
  /** A plain pg pool for the hot paths (see source-reads.ts). */
  pool: pg.Pool;
  /** Runs a database call; any failure becomes a DbError that says what `action` was. */
  run<T>(action: string, fn: () => Promise<T>): Promise<T>;
}

/** What every repository needs: the Prisma client too, and the read cache. */
export interface RepositoryContext extends PoolContext {
  prisma: KmcpPrismaClient;
  /** Source reads go through it. */
  cache: ReadCache;
}

export function createPoolContext(pool: pg.Pool, secrets: readonly string[]): PoolContext {
  return {
    pool,
    async run(action, fn) {
      try {
        return await fn();
      } catch (error) {
        throw translateError(error, action, secrets);
      }
    },
  };
}

export function createRepositoryContext(prisma: KmcpPrismaClient, pool: pg.Pool, cache: ReadCache, secrets: readonly string[]): RepositoryContext {
  return { ...createPoolContext(pool, secrets), prisma, cache };
}
