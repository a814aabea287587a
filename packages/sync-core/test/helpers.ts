import type { Db } from "@kmcp/db";
import { startPrivatePostgres } from "@kmcp/testing/postgres";
import { isolatedStore, migratedDb } from "@kmcp/testing-kmcp";
import { createSyncManager } from "../src/index.js";

export { isolatedStore, migratedDb } from "@kmcp/testing-kmcp";

const TYPES = ["website", "documentation", "standards_body", "blog", "repository"] as const;
const TIERS = ["tier_1_canonical", "tier_2_trusted", "tier_3_community"] as const;
const STATUSES = ["pending", "active", "failed", "archived"] as const;

/** `count` varied sources, inserted in one statement (triggers still stamp each row). */
export async function seedSources(db: Db, count: number, prefix = "seed"): Promise<void> {
  await db.prisma.source.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      url: `https://${prefix}-${i}.example.test/${i % 7 === 0 ? "Guide" : "docs"}`,
      title: `${i % 11 === 0 ? "Networking" : "Topic"} ${prefix} ${i}`,
      sourceType: TYPES[i % TYPES.length]!,
      authorityTier: TIERS[i % TIERS.length]!,
      status: STATUSES[i % STATUSES.length]!,
      description: i % 3 === 0 ? `About ${i}` : null,
      lastCrawledAt: i % 5 === 0 ? new Date(1_700_000_000_000 + i) : null,
    })),
  });
}

/** A migrated database seeded with `count` sources, an isolated store, and a manager that has synced them once. */
export async function syncedSources(count: number, options: { url?: string; batchSize?: number } = {}) {
  const db = await migratedDb(options.url);
  const store = isolatedStore();
  await seedSources(db, count);
  const manager = createSyncManager({ db, store, ...(options.batchSize ? { batchSize: options.batchSize } : {}) });
  await manager.syncSources();
  return { db, store, manager };
}

/** Like syncedSources, before any sync, on a PostgreSQL server of the test's own (to stop, kill or destroy). */
export async function seededPrivateServer(count: number, options: { batchSize?: number } = {}) {
  const server = await startPrivatePostgres();
  const db = await migratedDb(server.url);
  const store = isolatedStore();
  await seedSources(db, count);
  const manager = createSyncManager({ db, store, ...(options.batchSize ? { batchSize: options.batchSize } : {}) });
  return { server, db, store, manager };
}
