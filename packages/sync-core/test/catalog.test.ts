import type { CatalogSource, SourceListQuery } from "@kmcp/core";
import type { Db } from "@kmcp/db";
import { startPrivateChroma } from "@kmcp/testing/chroma";
import { startPrivatePostgres } from "@kmcp/testing/postgres";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createConnectivityMonitor, createSourceCatalog, createSyncManager, type SourceCatalog } from "../src/index.js";
import { isolatedStore, migratedDb, seedSources, seededPrivateServer } from "./helpers.js";

/** Every page of a list, following cursors. */
async function listAll(catalog: SourceCatalog, query: SourceListQuery) {
  const items: CatalogSource[] = [];
  const origins = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await catalog.list({ ...query, cursor });
    items.push(...page.items);
    origins.add(page.origin);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { items, origins: [...origins] };
}

const QUERIES: SourceListQuery[] = [
  { limit: 1000 },
  { sourceType: "documentation", limit: 37 },
  { authorityTier: "tier_1_canonical", status: "active", limit: 50 },
  { sourceType: "blog", authorityTier: "tier_3_community", status: "archived" },
  { query: "networking", limit: 25 },
  { query: "GUIDE", sourceType: "website" },
];

describe("SourceCatalog when PostgreSQL goes down and comes back", () => {
  let server: Awaited<ReturnType<typeof startPrivatePostgres>>;
  let catalog: SourceCatalog;
  let manager: ReturnType<typeof createSyncManager>;
  let db: Db;
  let store: ReturnType<typeof isolatedStore>;
  const online = new Map<number, CatalogSource[]>();

  beforeAll(async () => {
    ({ server, db, store, manager } = await seededPrivateServer(1_200));
    catalog = createSourceCatalog({ db, store, connectivity: manager.connectivity, mirrorAsOf: manager.mirrorAsOf });
    await manager.syncSources();
  });
  afterAll(() => server.destroy());

  let onlineStats: unknown;
  it("answers from PostgreSQL while it is up", async () => {
    const { stats, origin } = await catalog.stats();
    expect(origin).toBe("primary");
    expect(stats.total).toBe(1_200);
    expect(Object.values(stats.byType).reduce((a, b) => a + b, 0)).toBe(1_200);
    expect(stats.byStatus).toEqual({ pending: 300, active: 300, failed: 300, archived: 300 });
    onlineStats = stats;
    for (const [i, query] of QUERIES.entries()) {
      const { items, origins } = await listAll(catalog, query);
      expect(origins).toEqual(["primary"]);
      expect(items.length).toBeGreaterThan(0);
      online.set(i, items);
    }
  });

  it("answers the same lists, counts and lookups from the mirror once PostgreSQL is killed", async () => {
    const asOf = await manager.mirrorAsOf();
    await server.kill();
    // The first call discovers the outage itself and still answers.
    const first = await catalog.list({ limit: 3 });
    expect(first).toMatchObject({ origin: "mirror", asOf });
    for (const [i, query] of QUERIES.entries()) {
      const { items, origins } = await listAll(catalog, query);
      expect(origins).toEqual(["mirror"]);
      expect(items).toEqual(online.get(i));
    }
    const sample = online.get(0)![17]!;
    expect(await catalog.get(sample.id)).toEqual({ source: sample, origin: "mirror", asOf });
    expect(await catalog.get(sample.url.toUpperCase().replace("HTTPS://", "https://"))).toMatchObject({ origin: "mirror" });
    expect(await catalog.get("https://missing.example.test/")).toEqual({ source: null, origin: "mirror", asOf });
    expect(await catalog.count({ sourceType: "documentation" })).toEqual({
      count: online.get(1)!.length,
      origin: "mirror",
      asOf,
    });
    expect((await manager.getState())).toMatchObject({ isOnline: false, status: "offline", mirrorSize: 1_200 });
    expect(await catalog.stats()).toEqual({ stats: onlineStats, origin: "mirror", asOf });
  });

  it("answers stats from the mirror when stats is the call that discovers the outage (regression)", async () => {
    // A catalog that still believes PostgreSQL is up: its first call finds out.
    const fresh = createSourceCatalog({ db, store, connectivity: createConnectivityMonitor({ ping: () => db.ping() }), mirrorAsOf: manager.mirrorAsOf });
    expect(await fresh.stats()).toEqual({ stats: onlineStats, origin: "mirror", asOf: await manager.mirrorAsOf() });
  });

  it("does not send reads to PostgreSQL once it is known to be down", async () => {
    const primaryReads = vi.spyOn(db.sources, "list");
    for (let i = 0; i < 20; i++) expect((await catalog.list({ limit: 5 })).origin).toBe("mirror");
    expect(primaryReads).not.toHaveBeenCalled();
    primaryReads.mockRestore();
  });

  it("answers identically from the in-memory snapshot once it is loaded (no Chroma scans)", async () => {
    const finds = vi.spyOn(store.sources, "find");
    await vi.waitFor(
      async () => {
        finds.mockClear();
        await catalog.list({ limit: 1 });
        expect(finds).not.toHaveBeenCalled();
      },
      { timeout: 10_000, interval: 50 },
    );
    for (const [i, query] of QUERIES.entries()) {
      const { items, origins } = await listAll(catalog, query);
      expect(origins).toEqual(["mirror"]);
      expect(items).toEqual(online.get(i));
    }
    expect(finds).not.toHaveBeenCalled();
    finds.mockRestore();
    const gets = vi.spyOn(store.sources, "get");
    const byUrl = vi.spyOn(store.sources, "getByUrl");
    const sample = online.get(0)![42]!;
    expect((await catalog.get(sample.id)).source).toEqual(sample);
    expect((await catalog.get(sample.url)).source).toEqual(sample);
    expect((await catalog.get("https://absent.example.test/")).source).toBeNull();
    expect(gets).not.toHaveBeenCalled();
    expect(byUrl).not.toHaveBeenCalled();
    gets.mockRestore();
    byUrl.mockRestore();
  });

  it("goes back to PostgreSQL by itself after a restart", async () => {
    await server.start();
    let origin = "mirror";
    for (let i = 0; i < 100 && origin !== "primary"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      origin = (await catalog.list({ limit: 1 })).origin;
    }
    expect(origin).toBe("primary");
    expect((await manager.getState()).isOnline).toBe(true);
  });

  it("rejects bad queries before trying either side", async () => {
    const error = await catalog.list({ limit: 0 }).catch((e: { code: string }) => e);
    expect(error).toMatchObject({ code: "VALIDATION" });
  });
});

describe("SourceCatalog with no mirror to fall back on", () => {
  it("says so plainly instead of answering from an empty or half-synced mirror", async () => {
    const { server, db, store, manager } = await seededPrivateServer(10);
    try {
      const catalog = createSourceCatalog({ db, store, connectivity: manager.connectivity, mirrorAsOf: manager.mirrorAsOf });
      await server.kill();
      const error = await catalog.list().catch((e: Error & { code?: string }) => e);
      expect(error).toMatchObject({ code: "NO_MIRROR" });
      expect((error as Error).message).toContain("never completed a sync");
    } finally {
      await server.destroy();
    }
  });
});

describe("Chroma going down", () => {
  it("leaves PostgreSQL reads working and reports a failed sync, not an offline database", async () => {
    const chroma = await startPrivateChroma();
    try {
      const db = await migratedDb();
      const store = isolatedStore(chroma.url);
      await seedSources(db, 50);
      const manager = createSyncManager({ db, store });
      const catalog = createSourceCatalog({ db, store, connectivity: manager.connectivity, mirrorAsOf: manager.mirrorAsOf });
      await manager.syncSources();
      await chroma.kill();

      expect(await catalog.list({ limit: 10 })).toMatchObject({ origin: "primary" });
      const failed = await manager.syncSources().catch((e: { code?: string }) => e);
      expect(failed).toMatchObject({ code: expect.stringMatching(/UNREACHABLE|TIMEOUT/) });
      const state = await manager.getState();
      expect(state).toMatchObject({ status: "error", isOnline: true, mirrorSize: null, error: { side: "chroma" } });
      expect(state.lastSuccessAt).toBeInstanceOf(Date);

      await chroma.start();
      expect((await manager.syncSources()).outcome).toBe("success");
      expect((await manager.getState()).status).toBe("synced");
    } finally {
      await chroma.destroy();
    }
  });
});
