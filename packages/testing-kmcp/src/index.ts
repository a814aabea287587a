/**
 * kmcp-level test helpers, apart from @kmcp/testing so that @kmcp/db and @kmcp/chroma-store can
 * use @kmcp/testing's server fixtures in their own tests without a dependency cycle.
 */
import { createChromaStore, type ChromaStore } from "@kmcp/chroma-store";
import { createDb, type Db } from "@kmcp/db";
import { cleanUp } from "@kmcp/testing/clean-up";
import { sharedChromaUrl, uniqueCollectionPrefix } from "@kmcp/testing/chroma";
import { createTestDatabase } from "@kmcp/testing/postgres";

/** A migrated database (a fresh one on the shared server unless `url` is given), closed when the calling test (or file) ends. */
export async function migratedDb(url?: string): Promise<Db> {
  const db = createDb({ url: url ?? (await createTestDatabase()), connectTimeoutMs: 1_000, pingTimeoutMs: 1_000 });
  await db.migrate();
  cleanUp(() => db.close());
  return db;
}

/** A store whose collections no other test uses (on the shared server unless `url` is given). */
export function isolatedStore(url = sharedChromaUrl(), options: { requestTimeoutMs?: number } = {}): ChromaStore {
  const store = createChromaStore({ url, collectionPrefix: uniqueCollectionPrefix(), requestTimeoutMs: options.requestTimeoutMs ?? 5_000 });
  cleanUp(() => store.close());
  return store;
}
