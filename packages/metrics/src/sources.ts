import type { SyncReport, SyncState } from "@kmcp/core";

/**
 * The sync manager's side: an `OfflineSyncManager` of @kmcp/sync-core fits as it is. Its state
 * is the one stored in Chroma, so an instance that does not run syncs still reports the last one.
 */
export interface SyncSource {
  getState(): Promise<SyncState>;
  on(event: "sync:finished", listener: (report: SyncReport) => void): unknown;
  on(event: "sync:failed", listener: (report: SyncReport, error: unknown) => void): unknown;
}

/** Writes queued while PostgreSQL is down (e.g. `{ pendingWrites: () => store.pendingWrites.count() }`). */
export interface BacklogSource {
  pendingWrites(): Promise<number>;
}

/** When the oldest change committed in PostgreSQL but not yet in the mirror was made; null when the mirror has them all. */
export interface LagSource {
  oldestUnsyncedChange(): Promise<Date | null>;
}

/** What the gauges read at each scrape. */
export interface MetricsSources {
  sync: SyncSource;
  backlog: BacklogSource;
  lag: LagSource;
}

/**
 * One finished tool call. `origin`: which store answered (`none` for tools whose answer names
 * none); `outcome`: `refused` when the token lacked a scope the call needs.
 */
export interface ToolCallObservation {
  tool: string;
  origin: "primary" | "mirror" | "none";
  outcome: "ok" | "error" | "refused";
  seconds: number;
}
