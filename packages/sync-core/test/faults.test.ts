/**
 * Fault suite: real PostgreSQL and Chroma servers, real SIGKILLs. Every scenario ends by
 * checking that the mirror matches PostgreSQL and that no accepted write is lost or doubled.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer, Socket, type Server } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createChromaStore, type ChromaStore } from "@kmcp/chroma-store";
import { createDb, type Db } from "@kmcp/db";
import { startPrivateChroma, sharedChromaUrl, uniqueCollectionPrefix } from "@kmcp/testing/chroma";
import { createTestDatabase, startPrivatePostgres } from "@kmcp/testing/postgres";
import { describe, expect, it, vi } from "vitest";
import {
  createConnectivityMonitor,
  createRequestWriter,
  createSourceCatalog,
  createSyncManager,
  verifyMirror,
  type CreateRequestResult,
} from "../src/index.js";
import { isolatedStore, migratedDb, seedSources, seededPrivateServer } from "./helpers.js";

/** Runs a sync that `kill` interrupts after `batch` batches; returns what the sync rejected with. */
async function syncKilledAfter(manager: ReturnType<typeof createSyncManager>, batch: number, kill: () => Promise<void>): Promise<unknown> {
  let batches = 0;
  let killing: Promise<void> | undefined;
  const failed = await manager
    .syncSources({
      onProgress: () => {
        batches += 1;
        if (batches === batch) killing = kill();
      },
    })
    .then(
      () => new Error("the sync finished although it was interrupted"),
      (e: unknown) => e,
    );
  await killing;
  return failed;
}

/** Each source id once in PostgreSQL, and as many in the mirror. */
async function expectSourcesOnce(db: Db, store: ChromaStore, total: number) {
  const rows = await db.prisma.source.findMany({ select: { id: true } });
  expect(rows.length).toBe(total);
  expect(new Set(rows.map((r) => r.id)).size).toBe(total);
  expect(await store.sources.count()).toBe(total);
}

describe("PostgreSQL SIGKILLed in the middle of a sync", () => {
  it("fails the sync as an outage, then the next sync after a restart completes it", async () => {
    const { server, db, store, manager } = await seededPrivateServer(3_000, { batchSize: 100 });
    try {
      const failed = await syncKilledAfter(manager, 4, () => server.kill());
      expect(failed).toMatchObject({ code: expect.stringMatching(/^(UNREACHABLE|TIMEOUT)$/) });
      const partial = await store.sources.count();
      expect(partial).toBeGreaterThanOrEqual(400);
      expect(partial).toBeLessThan(3_000);
      expect(await manager.getState()).toMatchObject({ status: "offline", isOnline: false, error: { side: "postgres" } });

      await server.start();
      const resumed = await manager.syncSources();
      expect(resumed.outcome).toBe("success");
      expect(resumed.upserted + resumed.unchanged).toBeLessThanOrEqual(3_000 - 400);
      expect(await verifyMirror({ db, store })).toMatchObject({ inSync: true, missing: [], extra: [], drifted: [] });
      await expectSourcesOnce(db, store, 3_000);
    } finally {
      await server.destroy();
    }
  });
});

describe("PostgreSQL SIGKILLed in the middle of a run of writes", () => {
  it("creates or queues every request, and after a restart each id is stored exactly once", async () => {
    const server = await startPrivatePostgres();
    try {
      const db = await migratedDb(server.url);
      const store = isolatedStore();
      const connectivity = createConnectivityMonitor({ ping: () => db.ping({ timeoutMs: 1_000 }), failureThreshold: 1, retryAfterMs: 50 });
      const writer = createRequestWriter({ db, store, connectivity });
      const manager = createSyncManager({ db, store, connectivity });
      await seedSources(db, 50, "writes");
      await manager.syncSources();

      const ids = Array.from({ length: 200 }, () => randomUUID());
      const outcomes: CreateRequestResult["outcome"][] = [];
      const rejected: unknown[] = [];
      let killing: Promise<void> | undefined;
      let restarting: Promise<void> | undefined;
      for (const [i, id] of ids.entries()) {
        // Not awaited: the kill and the restart land while writes are in flight.
        if (i === 60) killing = server.kill();
        if (i === 140) {
          await killing;
          restarting = server.start();
        }
        try {
          const result = await writer.create({ id, url: `https://write-${i}.example.test/`, reason: `fault ${i}`, priority: 1 + (i % 5) });
          expect(result.request.id).toBe(id);
          outcomes.push(result.outcome);
        } catch (error) {
          rejected.push(error);
        }
      }
      await restarting;
      expect(rejected).toEqual([]);
      expect(outcomes.length).toBe(200);
      // Both paths were taken: some went straight in, some were queued during the outage.
      expect(outcomes.filter((o) => o === "created").length).toBeGreaterThan(0);
      expect(outcomes.filter((o) => o === "queued").length).toBeGreaterThan(0);

      await vi.waitFor(
        async () => {
          await writer.replay();
          expect(await writer.pending()).toEqual([]);
        },
        { timeout: 30_000, interval: 200 },
      );
      expect(await store.pendingWrites.count()).toBe(0);
      const stored = await db.prisma.acquisitionRequest.findMany({ select: { id: true, reason: true } });
      expect(stored.length).toBe(200);
      expect(new Map(stored.map((r) => [r.id, r.reason]))).toEqual(new Map(ids.map((id, i) => [id, `fault ${i}`])));

      await manager.syncSources();
      expect(await verifyMirror({ db, store })).toMatchObject({ inSync: true });
      await expectSourcesOnce(db, store, 50);
    } finally {
      await server.destroy();
    }
  });
});

describe("Chroma SIGKILLed in the middle of a sync", () => {
  it("records the failure on the chroma side, and after a restart on the same data the next sync completes", async () => {
    const chroma = await startPrivateChroma();
    try {
      const db = await migratedDb();
      const store = isolatedStore(chroma.url);
      await seedSources(db, 2_000);
      const manager = createSyncManager({ db, store, batchSize: 100 });
      const failed = await syncKilledAfter(manager, 3, () => chroma.kill());
      expect(failed).toMatchObject({ name: "ChromaStoreError", code: expect.stringMatching(/^(UNREACHABLE|TIMEOUT)$/) });
      const down = await manager.getState();
      expect(down).toMatchObject({ status: "error", isOnline: true, mirrorSize: null, error: { side: "chroma" } });
      // PostgreSQL never went away.
      expect(await db.ping()).toMatchObject({ ok: true });

      await chroma.start();
      const survived = await store.sources.count();
      expect(survived).toBeGreaterThanOrEqual(300);
      const resumed = await manager.syncSources();
      expect(resumed.outcome).toBe("success");
      expect(resumed.upserted + resumed.unchanged).toBeLessThan(2_000);
      expect(await manager.getState()).toMatchObject({ status: "synced", error: null, mirrorSize: 2_000 });
      expect(await verifyMirror({ db, store })).toMatchObject({ inSync: true });
      await expectSourcesOnce(db, store, 2_000);
    } finally {
      await chroma.destroy();
    }
  });
});

const CHILD = fileURLToPath(new URL("./fixtures/sync-child.mjs", import.meta.url));

describe("the sync process SIGKILLed mid-batch", () => {
  it("leaves a checkpoint the next run resumes from", async () => {
    const url = await createTestDatabase();
    const db = await migratedDb(url);
    const prefix = uniqueCollectionPrefix("child");
    // The child and this test must share one collection prefix.
    const shared = createChromaStore({ url: sharedChromaUrl(), collectionPrefix: prefix, requestTimeoutMs: 5_000 });
    let killChild = () => {};
    try {
      await seedSources(db, 3_000);
      const child = spawn(process.execPath, [CHILD], {
        env: { ...process.env, DATABASE_URL: url, CHROMA_URL: sharedChromaUrl(), COLLECTION_PREFIX: prefix, BATCH_SIZE: "100" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      killChild = () => child.kill("SIGKILL");
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
      const lines: string[] = [];
      for await (const line of createInterface({ input: child.stdout })) {
        lines.push(line);
        if (lines.length === 2) {
          child.kill("SIGKILL");
          break;
        }
      }
      const exit = await exited;
      expect(lines, stderr).toEqual([expect.stringMatching(/^batch 1 /), expect.stringMatching(/^batch 2 /)]);
      expect(exit.signal).toBe("SIGKILL");
      const partial = await shared.sources.count();
      expect(partial).toBeGreaterThanOrEqual(200);
      expect(partial).toBeLessThan(3_000);

      const manager = createSyncManager({ db, store: shared, batchSize: 100 });
      const resumed = await manager.syncSources();
      expect(resumed.outcome).toBe("success");
      // It started from the checkpoint the killed run left, not from the beginning.
      expect(resumed.upserted + resumed.unchanged).toBeLessThan(3_000);
      expect(resumed.upserted + resumed.unchanged).toBeGreaterThanOrEqual(3_000 - partial);
      expect(await verifyMirror({ db, store: shared })).toMatchObject({ inSync: true });
      await expectSourcesOnce(db, shared, 3_000);
    } finally {
      killChild();
      await shared.close();
    }
  });
});

/** A TCP proxy to PostgreSQL that can be switched to accept connections and then say nothing. */
async function startHangingProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let hanging = false;
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on("error", () => {});
    client.on("close", () => sockets.delete(client));
    if (hanging) return; // accepted, never answered
    const upstream = new Socket();
    sockets.add(upstream);
    upstream.on("error", () => client.destroy());
    upstream.on("close", () => {
      sockets.delete(upstream);
      client.destroy();
    });
    client.on("close", () => upstream.destroy());
    // Once hanging, bytes in either direction are swallowed: open connections go silent too.
    client.on("data", (d: Buffer) => void (hanging || upstream.write(d)));
    upstream.on("data", (d: Buffer) => void (hanging || client.write(d)));
    upstream.connect(target.port, target.host);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("proxy has no port");
  return {
    port: address.port,
    hang: () => (hanging = true),
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe("a PostgreSQL that accepts connections and never answers", () => {
  it("is answered from the mirror within the catalog's deadline, and then without trying PostgreSQL again", async () => {
    const direct = new URL(await createTestDatabase());
    const proxy = await startHangingProxy({ host: direct.hostname, port: Number(direct.port) });
    const viaProxy = new URL(direct);
    viaProxy.port = String(proxy.port);
    const db = createDb({ url: viaProxy.toString(), connectTimeoutMs: 300, pingTimeoutMs: 300 });
    const verifyDb = await migratedDb(direct.toString());
    try {
      const store = isolatedStore();
      await seedSources(verifyDb, 300, "slow");
      // One timed-out read is enough to call it an outage, so the second read does not wait.
      const connectivity = createConnectivityMonitor({ ping: () => db.ping(), failureThreshold: 1, retryAfterMs: 60_000 });
      const manager = createSyncManager({ db, store, connectivity });
      const catalog = createSourceCatalog({ db, store, connectivity, mirrorAsOf: manager.mirrorAsOf, primaryTimeoutMs: 500 });
      await manager.syncSources();
      const online = await catalog.list({ limit: 20 });
      expect(online.origin).toBe("primary");

      proxy.hang();
      const lost = new Promise<"timer">((resolve) => setTimeout(resolve, 10_000, "timer").unref());
      const first = await Promise.race([catalog.list({ limit: 20 }), lost]);
      expect(first).not.toBe("timer");
      expect(first).toMatchObject({ origin: "mirror", asOf: expect.any(Date) });
      expect(first !== "timer" && first.items).toEqual(online.items);
      expect(connectivity.state).toBe("offline");

      const primaryReads = vi.spyOn(db.sources, "list");
      const second = await Promise.race([catalog.list({ sourceType: "blog", limit: 5 }), lost]);
      expect(second).toMatchObject({ origin: "mirror" });
      expect(primaryReads).not.toHaveBeenCalled();
      primaryReads.mockRestore();

      expect(await verifyMirror({ db: verifyDb, store })).toMatchObject({ inSync: true });
      await expectSourcesOnce(verifyDb, store, 300);
    } finally {
      // Drop the silent connections first so the pool can close.
      await proxy.close();
      await db.close().catch(() => {});
    }
  });
});
