import { silentLogger, type Logger } from "@kmcp/core";
import { createSyncDb, type SyncDb } from "@kmcp/db/sync";
import type { KmcpConfig } from "./config.js";
import { migrateIfReachable, openStores, startConfiguredSync, type OpenedStores } from "./open-stores.js";

/** Only what syncing needs: PostgreSQL, Chroma and the sync manager. */
export interface SyncServices extends Pick<OpenedStores<SyncDb>, "db" | "store" | "sync"> {
  /** Background syncs as configured (see KmcpServices.startSync). */
  startSync(options?: { intervalMs?: number }): void;
  close(): Promise<void>;
}

/**
 * Starts (or reuses) the embedded servers, migrates a reachable PostgreSQL, and wires the sync
 * manager: what `kmcp sync …` runs, loading neither Prisma nor search, ingestion or acquisition (the
 * `@kmcp/runtime/sync` entry point), so a sync with nothing to do starts fast.
 */
export async function openSyncServices(options: { config: KmcpConfig; logger?: Logger; processName?: string }): Promise<SyncServices> {
  const logger = options.logger ?? silentLogger;
  // Only the Prisma-free part of @kmcp/db: loading Prisma is most of what @kmcp/db costs.
  const stores = await openStores(options.config, logger, createSyncDb, { processName: options.processName });
  // Chroma's collections open while PostgreSQL connects and is checked, instead of after it (the
  // connection first: the first Chroma request starts Node's fetch, which takes a while); the
  // calls that need them wait for the same opening (and report its failure themselves).
  const migrated = migrateIfReachable(stores, logger);
  stores.store.prepareSync().catch(() => {});
  await migrated;
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
