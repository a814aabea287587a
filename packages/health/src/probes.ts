import type { SyncTrigger } from "@kmcp/core";
import type { PingResult } from "@kmcp/db";

/** PostgreSQL's side: a `Db` from @kmcp/db fits as it is. Should resolve, never reject (rejections are reported too). */
export interface PostgresProbe {
  ping(options?: { timeoutMs?: number }): Promise<PingResult>;
}

/** Chroma's side: a `ChromaStore` from @kmcp/chroma-store fits as it is. Resolves with the round trip in ms. */
export interface ChromaProbe {
  heartbeat(options?: { timeoutMs?: number }): Promise<number>;
}

/** The mirror's side: an `OfflineSyncManager` from @kmcp/sync-core fits as it is. `null`: never synced. */
export interface MirrorProbe {
  mirrorAsOf(): Promise<Date | null>;
}

/** Crawled sites whose last successful crawl is older than `olderThanMs`; the crawl check runs only when one is given. */
export interface CrawlsProbe {
  staleSites(olderThanMs: number): Promise<number>;
}

/** Writes queued while PostgreSQL is down; the backlog check runs only when one is given. */
export interface BacklogProbe {
  pendingWrites(): Promise<number>;
}

/** How the mirror learns of changes: an `OfflineSyncManager` fits as it is. `null`: no background syncs here. */
export interface TriggerProbe {
  trigger(): SyncTrigger | null;
}
