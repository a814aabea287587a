import { rm } from "node:fs/promises";
import path from "node:path";
import { embeddedServicesStatus, makeServerTempDir, stopEmbeddedServices } from "@kmcp/local-servers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKmcp, parseKmcpEnv } from "../src/index.js";

// Starting, reusing and stopping the servers themselves is tested in @kmcp/local-servers
// (test/embedded-services.test.ts); this file tests createKmcp's use of them.

describe("the embedded default", () => {
  let home: string;
  beforeAll(async () => {
    home = path.join(await makeServerTempDir("kmcp-home-"), "home");
  });
  afterAll(async () => {
    await stopEmbeddedServices(home).catch(() => {});
    await rm(path.dirname(home), { recursive: true, force: true });
  });

  it("wires the services lazily and serves reads end to end", async () => {
    const kmcp = createKmcp({ config: parseKmcpEnv({ KMCP_HOME: home }) });
    try {
      const { db, sync, catalog, embedded, describe: where } = await kmcp.ready();
      expect(embedded).toEqual({ postgres: true, chroma: true });
      expect(where().postgres).toBe(`embedded (${home}/postgres)`);
      await db.sources.create({ url: "https://embedded.example.test/", title: "E", sourceType: "blog", authorityTier: "tier_2_trusted" });
      expect((await sync.syncSources()).upserted).toBe(1);
      expect(await catalog.count()).toMatchObject({ count: 1, origin: "primary" });
      expect(await kmcp.ready()).toBe(await kmcp.ready());
    } finally {
      await kmcp.close();
    }
  });

  it("caches source reads when asked to (cacheReads), unless KMCP_READ_CACHE=off", async () => {
    const cached = async (env: Record<string, string>, cacheReads: boolean) => {
      const kmcp = createKmcp({ config: parseKmcpEnv({ KMCP_HOME: home, ...env }), cacheReads });
      try {
        const { db } = await kmcp.ready();
        return db.readCacheEnabled;
      } finally {
        await kmcp.close();
      }
    };
    expect(await cached({}, true)).toBe(true);
    expect(await cached({ KMCP_READ_CACHE: "off" }, true)).toBe(false);
    expect(await cached({}, false)).toBe(false);
  });

  it("stops both and keeps the data for the next start", async () => {
    expect((await stopEmbeddedServices(home)).sort()).toEqual(["chroma", "postgres"]);
    expect(await embeddedServicesStatus(home)).toMatchObject({ postgres: { running: false }, chroma: { running: false } });
    expect(await stopEmbeddedServices(home)).toEqual([]);
    const kmcp = createKmcp({ config: parseKmcpEnv({ KMCP_HOME: home }) });
    try {
      const { db, store } = await kmcp.ready();
      expect(await db.sources.get("https://embedded.example.test/")).not.toBeNull();
      expect(await store.sources.count()).toBe(1);
    } finally {
      await kmcp.close();
    }
  });
});
