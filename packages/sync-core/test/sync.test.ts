import { describe, expect, it, vi } from "vitest";
import { createSyncManager, verifyMirror } from "../src/index.js";
import { isolatedStore, migratedDb, seedSources, syncedSources, seededPrivateServer } from "./helpers.js";

describe("OfflineSyncManager against real PostgreSQL and Chroma", () => {
  it("mirrors a few thousand sources, then syncs only what changed", async () => {
    const db = await migratedDb();
    const store = isolatedStore();
    await seedSources(db, 3_000);
    const manager = createSyncManager({ db, store, batchSize: 500 });

    const first = await manager.syncSources();
    expect(first).toMatchObject({ outcome: "success", mode: "incremental", upserted: 3_000, deleted: 0, unchanged: 0 });
    expect(await verifyMirror({ db, store })).toMatchObject({ inSync: true });
    expect(await manager.getState()).toMatchObject({ status: "synced", isOnline: true, mirrorSize: 3_000 });

    const idle = await manager.syncSources();
    expect(idle).toMatchObject({ upserted: 0, deleted: 0, unchanged: 0 });

    const { items } = await db.sources.list({ limit: 5 });
    await db.sources.update(items[0]!.id, { title: "Renamed" });
    await db.sources.archive(items[1]!.id);
    await db.sources.delete(items[2]!.id);
    await db.sources.create({ url: "https://new.example.test/", title: "New", sourceType: "blog", authorityTier: "tier_3_community" });
    const incremental = await manager.syncSources();
    expect(incremental).toMatchObject({ upserted: 3, deleted: 1, unchanged: 0 });
    expect((await store.sources.get(items[0]!.id))?.title).toBe("Renamed");
    expect((await store.sources.get(items[1]!.id))?.status).toBe("archived");
    expect(await store.sources.get(items[2]!.id)).toBeNull();
    expect(await verifyMirror({ db, store })).toMatchObject({ inSync: true });
  });

  it("removes a source deleted while the first sync into an empty mirror runs", async () => {
    const db = await migratedDb();
    const store = isolatedStore();
    await seedSources(db, 600);
    const manager = createSyncManager({ db, store, batchSize: 100 });
    // A source from the feed's first page: mirrored by the first batch, then deleted.
    const first = (await db.changes.read({ limit: 1 })).changes[0]!;
    const doomedId = first.kind === "upsert" ? first.source.id : first.id;
    let batches = 0;
    await manager.syncSources({
      onProgress: async () => {
        batches += 1;
        if (batches === 1) {
          expect(await store.sources.get(doomedId)).not.toBeNull();
          await db.sources.delete(doomedId);
        }
      },
    });
    // The same run met the tombstone: the mirror must not keep the source.
    expect(await store.sources.get(doomedId)).toBeNull();
    expect(batches).toBeGreaterThan(1);
    expect(await verifyMirror({ db, store })).toMatchObject({ inSync: true });
  });

  it("repairs a mirror edited behind its back with a full sync", async () => {
    const { db, store, manager } = await syncedSources(300);
    const [a, b] = (await db.sources.list({ limit: 2 })).items;
    const record = (await store.sources.get(a!.id))!;
    await store.sources.upsert([{ ...record, title: "tampered" }]);
    await store.sources.delete([b!.id]);
    await store.sources.upsert([{ ...record, id: "00000000-0000-4000-8000-00000000dead", url: "https://ghost.test/" }]);
    await store.sources.upsert([{ ...record, id: "not-a-uuid", url: "https://ghost.test/2" }]);
    const drift = await verifyMirror({ db, store });
    expect(drift).toMatchObject({ drifted: [a!.id], missing: [b!.id] });
    expect(drift.extra.sort()).toEqual(["00000000-0000-4000-8000-00000000dead", "not-a-uuid"]);

    // Incremental sync trusts its checkpoint and cannot see the tampering…
    expect((await manager.syncSources()).upserted).toBe(0);
    // …a full sync compares everything.
    const full = await manager.syncSources({ mode: "full" });
    expect(full).toMatchObject({ mode: "full", upserted: 2, deleted: 2, unchanged: 298 });
    expect(await verifyMirror({ db, store })).toMatchObject({ inSync: true });
    expect((await manager.syncSources({ mode: "full" })).upserted).toBe(0);
  });

  it("finishes on the next run a sync that died half-way", async () => {
    const { server, db, store, manager } = await seededPrivateServer(2_000, { batchSize: 250 });
    try {
      let batches = 0;
      const failed = await manager
        .syncSources({
          onProgress: () => {
            batches += 1;
            if (batches === 3) void server.kill();
          },
        })
        .catch((e: Error & { code?: string }) => e);
      expect((failed as { code?: string }).code).toMatch(/UNREACHABLE|TIMEOUT/);
      const mirrored = await store.sources.count();
      expect(mirrored).toBeGreaterThanOrEqual(750);
      expect(mirrored).toBeLessThan(2_000);
      const state = await manager.getState();
      expect(state).toMatchObject({ status: "offline", isOnline: false, error: { side: "postgres" } });

      await server.start();
      const resumed = await manager.syncSources();
      expect(resumed.outcome).toBe("success");
      // Resumed from the checkpoint: it did not redo the batches that had landed.
      expect(resumed.upserted + resumed.unchanged).toBeLessThanOrEqual(2_000 - 750);
      expect(await verifyMirror({ db, store })).toMatchObject({ inSync: true });
      expect(await manager.getState()).toMatchObject({ status: "synced", isOnline: true });
    } finally {
      await server.destroy();
    }
  });

  it("stores the failure after the checkpoint writes of the run, not before one still in flight", async () => {
    const { server, db, store } = await seededPrivateServer(1_000);
    // A lease long enough that waiting for the kill cannot make this process lose it.
    const manager = createSyncManager({ db, store, batchSize: 100, leaseTtlMs: 30_000 });
    try {
      // A slow Chroma: each checkpoint written between batches takes a while to land.
      const write = store.writeSyncState.bind(store);
      vi.spyOn(store, "writeSyncState").mockImplementation(async (state) => {
        if ((state.lastReport as { outcome?: string } | null)?.outcome !== "failed") await new Promise((resolve) => setTimeout(resolve, 300));
        return write(state);
      });
      let batches = 0;
      const failed = await manager
        .syncSources({
          onProgress: async () => {
            if (++batches === 2) await server.kill();
          },
        })
        .catch((e: unknown) => e);
      expect(failed).toMatchObject({ code: expect.stringMatching(/^(UNREACHABLE|TIMEOUT)$/) });
      const stored = await store.readSyncState();
      expect(stored.lastReport).toMatchObject({ outcome: "failed", error: { side: "postgres" } });
      await new Promise((resolve) => setTimeout(resolve, 600)); // longer than a checkpoint write takes
      expect(await store.readSyncState()).toEqual(stored);
    } finally {
      await server.destroy();
    }
  });

  it("never runs two syncs at once", async () => {
    const db = await migratedDb();
    const store = isolatedStore();
    await seedSources(db, 500);
    const manager = createSyncManager({ db, store, batchSize: 100 });
    const started: string[] = [];
    manager.on("sync:started", ({ mode }) => started.push(`start ${mode}`));
    manager.on("sync:finished", (r) => started.push(`end ${r.mode}`));
    const [a, b, c] = await Promise.all([manager.syncSources(), manager.syncSources(), manager.syncSources({ mode: "full" })]);
    expect(a).toBe(b);
    expect(started).toEqual(["start incremental", "end incremental", "start full", "end full"]);
    expect(c.unchanged).toBe(500);
  });

  it("syncs in the background, and stop() waits for the sync in flight", async () => {
    const db = await migratedDb();
    const store = isolatedStore();
    await seedSources(db, 200);
    const manager = createSyncManager({ db, store });
    const finished = new Promise((resolve) => manager.on("sync:finished", resolve));
    manager.start({ intervalMs: 50 });
    await finished;
    await db.sources.create({ url: "https://late.example.test/", title: "Late", sourceType: "blog", authorityTier: "tier_2_trusted" });
    await new Promise((resolve) => manager.on("sync:finished", (r) => r.upserted > 0 && resolve(r)));
    await manager.stop();
    expect(await verifyMirror({ db, store })).toMatchObject({ inSync: true });
    expect((await manager.getState()).status).toBe("synced");
  });
});
