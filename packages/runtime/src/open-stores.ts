import { hostname } from "node:os";
import { createChromaStore, type ChromaStore } from "@kmcp/chroma-store";
import type { Logger } from "@kmcp/core";
import type { SyncDb } from "@kmcp/db";
import { createSyncManager, type OfflineSyncManager } from "@kmcp/sync-core";
import type { KmcpConfig } from "./config.js";

/** PostgreSQL and Chroma as configured, and the sync manager over them. */
export interface OpenedStores<D extends SyncDb> {
  db: D;
  store: ChromaStore;
  sync: OfflineSyncManager;
  /** Which parts run embedded under KMCP_HOME (no URL configured for them). */
  embedded: { postgres: boolean; chroma: boolean };
  /** The embedded servers started now; the others were already running and reused. */
  started: string[];
  databaseUrl: string;
}

/**
 * Starts (or reuses) embedded servers for whatever has no URL, and connects (lazily) to both,
 * PostgreSQL through `connect` (the whole `createDb`, or `createSyncDb` for a process that only
 * syncs). The part of the assembly every process needs.
 */
export async function openStores<D extends SyncDb>(
  config: KmcpConfig,
  logger: Logger,
  connect: (options: { url: string; connectTimeoutMs: number; pingTimeoutMs: number }) => D,
  options: { processName?: string } = {},
): Promise<OpenedStores<D>> {
  const embedded = { postgres: !config.databaseUrl, chroma: !config.chromaUrl };
  let databaseUrl = config.databaseUrl;
  let chromaUrl = config.chromaUrl;
  let started: string[] = [];
  if (embedded.postgres || embedded.chroma) {
    // Loaded only when something runs embedded: with both URLs set it is not needed at all.
    const { ensureEmbeddedServices } = await import("@kmcp/local-servers");
    const local = await ensureEmbeddedServices(config.home, embedded);
    started = local.started;
    if (local.started.length) logger.info("started embedded services", { started: local.started, home: config.home });
    databaseUrl ??= local.postgres.url ?? undefined;
    chromaUrl ??= local.chroma.url ?? undefined;
  }
  const db = connect({ url: databaseUrl!, connectTimeoutMs: 2_000, pingTimeoutMs: 2_000 });
  const store = createChromaStore({ url: chromaUrl, requestTimeoutMs: 10_000, ...config.chroma });
  const sync = createSyncManager({ db, store, logger, processName: `${options.processName ?? "kmcp"} pid ${process.pid} on ${hostname()}` });
  return { db, store, sync, embedded, started, databaseUrl: databaseUrl! };
}

/** Applies the migrations; false (and logged) when PostgreSQL is unreachable, so reads can still use the mirror. */
export async function migrateIfReachable({ db, sync }: Pick<OpenedStores<SyncDb>, "db" | "sync">, logger: Logger): Promise<boolean> {
  return db.migrate().then(
    () => true,
    (error: Error) => {
      if (!sync.connectivity.reportFailure(error)) throw error;
      logger.warn("could not migrate: PostgreSQL is unreachable; reads will use the mirror", { error: error.message });
      return false;
    },
  );
}

/** Background syncs as configured: on notified changes (KMCP_SYNC_NOTIFY), and every KMCP_SYNC_INTERVAL_MS (or `intervalMs`). */
export function startConfiguredSync(sync: OfflineSyncManager, config: KmcpConfig, options: { intervalMs?: number } = {}): void {
  sync.start({ intervalMs: options.intervalMs ?? config.syncIntervalMs, push: config.syncNotify, debounceMs: config.syncDebounceMs });
}
