import { createSyncManager } from "@kmcp/sync-core";
import { startPrivatePostgres } from "@kmcp/testing/postgres";
import { isolatedStore, migratedDb } from "@kmcp/testing-kmcp";
import { cleanUp } from "@kmcp/testing/clean-up";

/**
 * A PostgreSQL server of the test file's own (to stop and start), migrated; a store of its own on
 * the shared Chroma; and a sync manager over both. Call it in beforeAll: all are closed after the file.
 */
export async function privateStores() {
  const postgres = await startPrivatePostgres();
  // Hooks run last-registered first: the sync stops, then the store and database close, then the server goes.
  cleanUp(() => postgres.destroy());
  const db = await migratedDb(postgres.url);
  const store = isolatedStore();
  const sync = createSyncManager({ db, store });
  cleanUp(() => sync.stop());
  return { postgres, db, store, sync };
}
export type PrivateStores = Awaited<ReturnType<typeof privateStores>>;
