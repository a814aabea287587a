import { describe, expect, it, vi } from "vitest";
import { createSyncManager, isSyncError, type SyncError } from "../src/index.js";
import { isolatedStore, migratedDb, seedSources } from "./helpers.js";

// Another process is played by taking the lease directly in PostgreSQL (db.leases).
describe("syncSources and the sync lease", () => {
  it("waits while another process syncs, says who, then syncs once its lease is released or lapses", async () => {
    const db = await migratedDb();
    const store = isolatedStore();
    await seedSources(db, 20);
    const other = await db.leases.acquire({ name: store.collections.syncState, holderId: "other", holder: "kmcp-mcp pid 7 on elsewhere", ttlMs: 800 });
    expect(other.acquired).toBe(true);
    const manager = createSyncManager({ db, store, processName: "test" });
    const waitedFor: string[] = [];
    const started = performance.now();
    const report = await manager.syncSources({ waitMs: 20_000, onWait: (holder) => waitedFor.push(holder) });
    expect(performance.now() - started).toBeGreaterThanOrEqual(500); // it did wait for the lapse
    expect(report).toMatchObject({ outcome: "success", upserted: 20 });
    expect(waitedFor).toEqual([expect.stringMatching(/^kmcp-mcp pid 7 on elsewhere \(syncing since \d{4}-/)]);
  });

  it("waits for the lease when called while a background attempt finds it busy, instead of sharing that attempt's BUSY", async () => {
    const db = await migratedDb();
    const store = isolatedStore();
    await seedSources(db, 20);
    await db.leases.acquire({ name: store.collections.syncState, holderId: "other", holder: "kmcp sync run pid 8 on box", ttlMs: 1_000 });
    const manager = createSyncManager({ db, store });
    // The call lands while the background attempt's lease request is in flight (as when a tool
    // asks for a sync just as a notified change's debounce ends).
    const acquire = db.leases.acquire.bind(db.leases);
    const backgroundTries = new Promise<void>((resolve) => {
      vi.spyOn(db.leases, "acquire").mockImplementation((input) => {
        resolve();
        return acquire(input);
      });
    });
    manager.start({ intervalMs: 60_000, push: false });
    await backgroundTries;
    await new Promise((resolve) => setImmediate(resolve));
    const report = await manager.syncSources({ waitMs: 20_000 }).catch((e: unknown) => e);
    await manager.stop();
    expect(report).toMatchObject({ outcome: "success", upserted: 20 });
  });

  it("frees the lease when the sync ends, even with a renewal still in flight", async () => {
    const db = await migratedDb();
    const store = isolatedStore();
    await seedSources(db, 300);
    const manager = createSyncManager({ db, store, batchSize: 100 });
    // A slow renewal (PostgreSQL busy): the sync ends while it is on its way.
    const renew = db.leases.renew.bind(db.leases);
    let renewing: (() => void) | undefined;
    vi.spyOn(db.leases, "renew").mockImplementation(async (input) => {
      renewing?.();
      await new Promise((resolve) => setTimeout(resolve, 300));
      return renew(input);
    });
    let batches = 0;
    await manager.syncSources({
      onProgress: async () => {
        if (++batches === 3) await new Promise<void>((resolve) => (renewing = resolve));
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 500)); // the renewal has landed by now
    expect(await db.leases.current(store.collections.syncState)).toBeNull();
  });

  it("gives up with BUSY naming the holder when the wait is too short, and records no failed sync", async () => {
    const db = await migratedDb();
    const store = isolatedStore();
    await db.leases.acquire({ name: store.collections.syncState, holderId: "other", holder: "kmcp sync run pid 9 on box", ttlMs: 30_000 });
    const manager = createSyncManager({ db, store });
    const error = await manager.syncSources({ waitMs: 300 }).catch((e: unknown) => e as SyncError);
    expect(isSyncError(error, "BUSY")).toBe(true);
    expect((error as SyncError).message).toMatch(/kmcp sync run pid 9 on box .*held the sync lease for the 300 ms/);
    const state = await manager.getState();
    expect(state).toMatchObject({ status: "syncing", error: null, lastSyncAt: null, lease: { holder: "kmcp sync run pid 9 on box", self: false } });
  });

  it("stops writing as soon as another process has taken its lease over (LEASE_LOST), leaving the new holder's state alone", async () => {
    const db = await migratedDb();
    const store = isolatedStore();
    await seedSources(db, 1_000);
    const manager = createSyncManager({ db, store, batchSize: 100, leaseTtlMs: 300 });
    let batches = 0;
    const error = await manager
      .syncSources({
        onProgress: async () => {
          batches += 1;
          if (batches !== 2) return;
          // The lease is stolen (as after a lapse), then the holder's next renewal finds it gone.
          await db.prisma.$executeRaw`UPDATE sync_leases SET holder_id = 'thief', token = token + 1, expires_at = now() + interval '1 minute'`;
          await store.writeSyncState({ checkpoint: null, lastReport: { by: "the new holder" } });
          await new Promise((resolve) => setTimeout(resolve, 250));
        },
      })
      .catch((e: unknown) => e);
    expect(isSyncError(error, "LEASE_LOST")).toBe(true);
    expect(batches).toBe(2);
    expect(await store.sources.count()).toBeLessThanOrEqual(300); // at most the batch in flight after the theft
    expect((await store.readSyncState()).lastReport).toEqual({ by: "the new holder" });
  });
});
