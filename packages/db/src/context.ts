import type pg from "pg";
import type { KmcpPrismaClient } from "./prisma-client.js";
import type { ReadCache } from "./read-cache.js";
import { translateError } from "./translate-error.js";

/** What every repository needs: the client, and the one place errors are translated. */
export interface RepositoryContext {
  prisma: KmcpPrismaClient;
  /** A plain pg pool for the hot read paths (see source-reads.ts). */
  pool: pg.Pool;
  /** Source reads go through it. */
  cache: ReadCache;
  /** Runs a database call; any failure becomes a DbError that says what `action` was. */
  run<T>(action: string, fn: () => Promise<T>): Promise<T>;
}

export function createRepositoryContext(prisma: KmcpPrismaClient, pool: pg.Pool, cache: ReadCache, secrets: readonly string[]): RepositoryContext {
  return {
    prisma,
    pool,
    cache,
    async run(action, fn) {
      try {
        return await fn();
      } catch (error) {
        throw translateError(error, action, secrets);
      }
    },
  };
}
