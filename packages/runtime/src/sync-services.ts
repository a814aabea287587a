import { silentLogger, type Logger } from "@kmcp/core";
import type { KmcpConfig } from "./config.js";
import { migrateIfReachable, openStores, startConfiguredSync, type OpenedStores } from "./open-stores.js";

/** Only what syncing needs: PostgreSQL, Chroma and the sync manager. */
export interface SyncServices extends Pick<OpenedStores, "db" | "store" | "sync"> {
  /** Background syncs as configured (see KmcpServices.startSync). */
  startSync(options?: { intervalMs?: number }): void;
  close(): Promise<void>;
}

/**
 * Starts (or reuses) the embedded servers, migrates a reachable PostgreSQL, and wires the sync
 * manager: what `kmcp sync …` runs, loading none of search, ingestion or acquisition (the
 * `@kmcp/runtime/sync` entry point), so a sync with nothing to do starts fast.
 */
export async function openSyncServices(options: { config: KmcpConfig; logger?: Logger; processName?: string }): Promise<SyncServices> {
  const logger = options.logger ?? silentLogger;
  const stores = await openStores(options.config, logger, { processName: options.processName });
  await migrateIfReachable(stores, logger);
  const { db, store, sync } = stores;
  return {
    db,
    store,
    sync,
    startSync: (o) => startConfiguredSync(sync, options.config, o),
    async close() {
      await sync.stop();
      await Promise.all([db.close(), store.close()]);
    },
  };
}
