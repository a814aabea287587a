import type { Db } from "@kmcp/db";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createSourceCatalog, createSyncManager, type OfflineSyncManager, type SourceCatalog } from "../src/index.js";
import { isolatedStore, seededPrivateServer } from "./helpers.js";

// A long-running process keeps its copy of the mirror warm, so the first reads of an outage
// come from memory; a copy made stale by another process's sync must never be used.
describe("SourceCatalog with keepWarm", () => {
  let server: Awaited<ReturnType<typeof seededPrivateServer>>["server"];
  let db: Db;
  let store: ReturnType<typeof isolatedStore>;
  let manager: OfflineSyncManager;
  let catalog: SourceCatalog;

  beforeAll(async () => {
    ({ server, db, store, manager } = await seededPrivateServer(600));
    await manager.syncSources();
  });
  afterAll(() => server.destroy());
  afterEach(() => vi.restoreAllMocks());

  /** A warm catalog, once PostgreSQL answers it again after the previous test's outage. */
  async function warmCatalog() {
    const catalog = createSourceCatalog({ db, store, connectivity: manager.connectivity, mirrorAsOf: manager.mirrorAsOf, keepWarm: manager });
    await vi.waitFor(async () => expect((await catalog.list({ limit: 1 })).origin).toBe("primary"), { timeout: 20_000, interval: 200 });
    await catalog.whenWarm();
    return catalog;
  }

  it("keeps the mirror version through syncs that change nothing, by any process", async () => {
    const before = await manager.mirrorVersion();
    expect(before).toEqual(expect.any(Number));
    await manager.syncSources();
    await createSyncManager({ db, store }).syncSources();
    expect(await manager.mirrorVersion()).toBe(before);
    const [source] = (await db.sources.list({ limit: 1 })).items;
    await db.sources.update(source!.id, { description: "changed" });
    await createSyncManager({ db, store }).syncSources();
    expect(await manager.mirrorVersion()).toBeGreaterThan(before!);
  });

  it("answers the first reads of an outage from memory, identical to PostgreSQL's", async () => {
    catalog = await warmCatalog();
    const query = { sourceType: "documentation" as const, limit: 40 };
    const online = await catalog.list(query);
    const scans = vi.spyOn(store.sources, "find");
    const gets = vi.spyOn(store.sources, "getMany");
    await server.kill();
    const first = await catalog.list(query);
    expect(first).toMatchObject({ origin: "mirror", items: online.items });
    expect((await catalog.get(online.items[3]!.id)).source).toEqual(online.items[3]);
    expect(scans).not.toHaveBeenCalled();
    expect(gets).not.toHaveBeenCalled();
    await server.start();
  });

  it("reloads after its own sync changes the mirror", async () => {
    catalog = await warmCatalog();
    const [source] = (await db.sources.list({ limit: 1 })).items;
    await db.sources.update(source!.id, { title: "Renamed by an own sync" });
    await manager.syncSources();
    await catalog.whenWarm();
    const scans = vi.spyOn(store.sources, "find");
    await server.kill();
    expect((await catalog.get(source!.id)).source).toMatchObject({ title: "Renamed by an own sync" });
    expect((await catalog.list({ limit: 5 })).origin).toBe("mirror");
    expect(scans).not.toHaveBeenCalled();
    await server.start();
  });

  it("gives search its mirror records from memory, the same as Chroma's", async () => {
    catalog = await warmCatalog();
    const ids = [...(await db.sources.list({ limit: 30 })).items.map((s) => s.id), "00000000-0000-4000-8000-000000000000"];
    const fromChroma = await store.sources.getMany(ids);
    expect(fromChroma).toHaveLength(30);
    const gets = vi.spyOn(store.sources, "getMany");
    expect(await catalog.mirrorRecords(ids)).toEqual(fromChroma);
    expect(gets).not.toHaveBeenCalled();
  });

  it("gives search the records of its own sync at once, and of another process's soon after", async () => {
    catalog = await warmCatalog();
    const [own, others] = (await db.sources.list({ limit: 2, status: "active" })).items;
    await db.sources.update(own!.id, { title: "Renamed before an own sync" });
    await manager.syncSources();
    expect((await catalog.mirrorRecords([own!.id]))[0]).toMatchObject({ title: "Renamed before an own sync" });
    await db.sources.update(others!.id, { title: "Renamed before another process's sync" });
    await createSyncManager({ db, store }).syncSources();
    // The version is read at most once a second, and the copy for it then loads.
    await vi.waitFor(async () => expect((await catalog.mirrorRecords([others!.id]))[0]).toMatchObject({ title: "Renamed before another process's sync" }), {
      timeout: 20_000,
      interval: 100,
    });
    const gets = vi.spyOn(store.sources, "getMany");
    await vi.waitFor(async () => {
      gets.mockClear();
      expect(await catalog.mirrorRecords([own!.id, others!.id])).toHaveLength(2);
      expect(gets).not.toHaveBeenCalled();
    }, { timeout: 20_000, interval: 100 });
  });

  it("never answers from a copy another process's sync made stale", async () => {
    catalog = await warmCatalog();
    // Another process (its own manager) changes the mirror; this catalog hears nothing of it.
    const other = createSyncManager({ db, store });
    const [source] = (await db.sources.list({ limit: 1, status: "active" })).items;
    await db.sources.update(source!.id, { title: "Renamed by another process" });
    await db.sources.archive((await db.sources.list({ limit: 1, status: "pending" })).items[0]!.id);
    await other.syncSources();
    const online = await catalog.list({ status: "active", limit: 50 });
    await server.kill();
    const offline = await catalog.list({ status: "active", limit: 50 });
    expect(offline).toMatchObject({ origin: "mirror", items: online.items });
    expect((await catalog.get(source!.id)).source).toMatchObject({ title: "Renamed by another process" });
    await server.start();
  });
});
