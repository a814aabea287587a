import { createServer, type Server, type Socket } from "node:net";
import { findFreePort } from "@kmcp/local-servers";
import { sharedChromaUrl, startPrivateChroma } from "@kmcp/testing/chroma";
import { afterEach, describe, expect, it } from "vitest";
import { ChromaStoreError, createChromaStore } from "../src/index.js";

/** A TCP server that counts connections and never answers: a hung Chroma. */
async function startSilentServer(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server: Server = createServer((socket) => {
    count += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("no address");
  return {
    port: address.port,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function failure(promise: Promise<unknown>): Promise<{ error: ChromaStoreError; ms: number }> {
  const started = performance.now();
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ChromaStoreError);
    return { error: error as ChromaStoreError, ms: performance.now() - started };
  }
  throw new Error("expected the call to fail");
}

describe("connecting to Chroma", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("opens no connection until first use", async () => {
    const silent = await startSilentServer();
    cleanups.push(silent.close);
    const store = createChromaStore({ url: `http://127.0.0.1:${silent.port}`, requestTimeoutMs: 300 });
    expect(store.collections.sources).toBe("kmcp_sources_metadata");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(silent.connections()).toBe(0);
    // The first call is the first contact (and proves the counter counts).
    await failure(store.heartbeat());
    expect(silent.connections()).toBe(1);
  });

  it("constructs without a server at all and fails only when used, quickly and typed", async () => {
    const port = await findFreePort();
    const store = createChromaStore({ url: `http://user:hunter2@127.0.0.1:${port}` });
    const { error, ms } = await failure(store.sources.count());
    expect(error.code).toBe("UNREACHABLE");
    expect(error.message).toContain(`http://127.0.0.1:${port}`);
    expect(error.message).not.toContain("hunter2");
    expect(error.cause).toBeInstanceOf(Error);
    expect(ms).toBeLessThan(2000);
    expect((await failure(store.readSyncState())).error.code).toBe("UNREACHABLE");
  });

  it("gives up on a server that never answers after requestTimeoutMs", async () => {
    const silent = await startSilentServer();
    cleanups.push(silent.close);
    const store = createChromaStore({ host: "127.0.0.1", port: silent.port, requestTimeoutMs: 10_000 });
    const { error, ms } = await failure(store.heartbeat({ timeoutMs: 400 }));
    expect(error.code).toBe("TIMEOUT");
    expect(ms).toBeGreaterThanOrEqual(390);
    expect(ms).toBeLessThan(2000);
    const quick = createChromaStore({ host: "127.0.0.1", port: silent.port, requestTimeoutMs: 300 });
    expect((await failure(quick.sources.get("x"))).error.code).toBe("TIMEOUT");
  });

  it("measures heartbeat latency on a live server", async () => {
    const store = createChromaStore({ url: sharedChromaUrl() });
    const latency = await store.heartbeat();
    expect(latency).toBeGreaterThan(0);
    expect(latency).toBeLessThan(1000);
  });

  it("recovers by itself when the server comes back, and after close()", async () => {
    const chroma = await startPrivateChroma();
    cleanups.push(() => chroma.destroy());
    const store = createChromaStore({ url: chroma.url });
    await store.sources.upsert([
      { id: "a", url: "https://a", title: "A", sourceType: "blog", status: "active", authorityTier: "tier_2_trusted", updatedAt: 1 },
    ]);
    await chroma.kill();
    expect((await failure(store.sources.get("a"))).error.code).toBe("UNREACHABLE");
    await chroma.start();
    expect((await store.sources.get("a"))?.title).toBe("A");
    await store.close();
    expect((await store.sources.get("a"))?.title).toBe("A");
  });

  it("rejects bad options at construction", () => {
    expect(() => createChromaStore({ url: "not a url" })).toThrow(ChromaStoreError);
    expect(() => createChromaStore({ collectionPrefix: "_x" })).toThrow(/collectionPrefix/);
  });
});
