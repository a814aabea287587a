import { createChromaStore, type ChromaStore } from "@kmcp/chroma-store";
import type { Db } from "@kmcp/db";
import { createRequestWriter, createSyncManager, type OfflineSyncManager } from "@kmcp/sync-core";
import { sharedChromaUrl, uniqueCollectionPrefix } from "@kmcp/testing/chroma";
import { startPrivatePostgres } from "@kmcp/testing/postgres";
import { isolatedStore, migratedDb } from "@kmcp/testing-kmcp";
import { cleanUp } from "@kmcp/testing/clean-up";
import { describe, expect, it } from "vitest";
import { createMirrorLagSource, createServerMetrics } from "../src/index.js";
import { expectSamples, samples } from "./samples.js";

function metricsOf(db: Db, store: ChromaStore, sync: OfflineSyncManager, now = Date.now) {
  const metrics = createServerMetrics({ now, processMetrics: false });
  metrics.attach({
    sync,
    backlog: { pendingWrites: () => store.pendingWrites.count() },
    lag: createMirrorLagSource({ changes: db.changes, readCheckpoint: async () => (await store.readSyncState()).checkpoint }),
  });
  return async () => samples(await metrics.render());
}

const create = (db: Db, i: number) =>
  db.sources.create({ url: `https://metrics-${i}.example.test/`, title: `Metrics ${i}`, sourceType: "blog", authorityTier: "tier_2_trusted" });

describe("server metrics on real PostgreSQL and Chroma", () => {
  it("follow the mirror: lag while writes wait for a sync, none after it, and the sync's duration and records", async () => {
    const db = await migratedDb();
    const store = isolatedStore();
    const sync = createSyncManager({ db, store });
    // Ten seconds ahead, so a change waiting for the sync is at least 10 s old however fast this runs.
    const scrape = metricsOf(db, store, sync, () => Date.now() + 10_000);
    await create(db, 1);
    await create(db, 2);

    let s = await scrape();
    expect(s.get("kmcp_mirror_lag_seconds")).toBeGreaterThanOrEqual(10);
    expect(s.get("kmcp_mirror_last_sync_age_seconds")).toBeNaN();
    expect(s.get("kmcp_postgres_online")).toBe(1);

    await sync.syncSources();
    s = await scrape();
    expect(s.get("kmcp_mirror_lag_seconds")).toBe(0);
    expect(s.get("kmcp_mirror_last_sync_age_seconds")).toBeGreaterThanOrEqual(10);
    expectSamples(s, {
      'kmcp_mirror_last_sync_records{kind="upserted"}': 2,
      kmcp_mirror_sources: 2,
      'kmcp_sync_records_total{kind="upserted"}': 2,
      'kmcp_sync_duration_seconds_count{mode="incremental",outcome="success"}': 1,
      kmcp_write_backlog: 0,
    });

    const source = await create(db, 3);
    await db.sources.delete(source.id);
    expect((await scrape()).get("kmcp_mirror_lag_seconds")).toBeGreaterThanOrEqual(10);
    await sync.syncSources();
    s = await scrape();
    expect(s.get("kmcp_mirror_lag_seconds")).toBe(0);
    expect(s.get('kmcp_sync_duration_seconds_count{mode="incremental",outcome="success"}')).toBe(2);
  });

  it("report on an instance that did not sync the sync another instance ran", async () => {
    const db = await migratedDb();
    // Two processes' clients of the same collections: one syncs, the other only serves.
    const prefix = uniqueCollectionPrefix();
    const [store, followerStore] = [0, 1].map(() => createChromaStore({ url: sharedChromaUrl(), collectionPrefix: prefix }));
    cleanUp(() => Promise.all([store!.close(), followerStore!.close()]));
    const leader = createSyncManager({ db, store: store! });
    const follower = createSyncManager({ db, store: followerStore! });
    const scrape = metricsOf(db, followerStore!, follower);
    await create(db, 1);
    await create(db, 2);
    await leader.syncSources();

    const s = await scrape();
    expect(s.get("kmcp_mirror_lag_seconds")).toBe(0);
    expect(s.get("kmcp_mirror_last_sync_age_seconds")).toBeGreaterThanOrEqual(0);
    expect(s.get('kmcp_mirror_last_sync_records{kind="upserted"}')).toBe(2);
    expect(s.get("kmcp_mirror_sources")).toBe(2);
    expect(s.get('kmcp_sync_records_total{kind="upserted"}')).toBeUndefined(); // this instance ran none
  });

  it("during a PostgreSQL outage: online 0, lag unknown, the last sync's age still known, and queued writes counted", async () => {
    const server = await startPrivatePostgres();
    cleanUp(() => server.destroy());
    const db = await migratedDb(server.url);
    const store = isolatedStore();
    const sync = createSyncManager({ db, store });
    const scrape = metricsOf(db, store, sync);
    await create(db, 1);
    await sync.syncSources();

    await server.kill();
    await expect(sync.syncSources()).rejects.toThrow();
    const requests = createRequestWriter({ db, store, connectivity: sync.connectivity });
    expect((await requests.create({ url: "https://queued.example.test/", reason: "while down" })).outcome).toBe("queued");

    const s = await scrape();
    expect(s.get("kmcp_postgres_online")).toBe(0);
    expect(s.get("kmcp_mirror_lag_seconds")).toBeNaN();
    expect(s.get("kmcp_mirror_last_sync_age_seconds")).toBeGreaterThanOrEqual(0);
    expectSamples(s, {
      kmcp_mirror_last_sync_failed: 1,
      kmcp_mirror_sources: 1,
      kmcp_write_backlog: 1,
      'kmcp_sync_duration_seconds_count{mode="incremental",outcome="failed"}': 1,
    });
  });
});
