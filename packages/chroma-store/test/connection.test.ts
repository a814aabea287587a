import { createServer as createHttpServer } from "node:http";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
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

/** A Chroma stand-in answering heartbeats that drops each connection at its `dropAt`-th request, unanswered. */
async function startDroppingServer(dropAt: number) {
  let requests = 0;
  let connections = 0;
  const served = new WeakMap<object, number>();
  const server = createHttpServer((request, response) => {
    requests += 1;
    const n = (served.get(request.socket) ?? 0) + 1;
    served.set(request.socket, n);
    if (n === dropAt) request.socket.destroy();
    else response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ "nanosecond heartbeat": 1 }));
  });
  server.on("connection", () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen: () => ({ requests, connections }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("a kept-alive connection that the server closed", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("costs nothing: the request is sent again on a new connection", async () => {
    // As a server or proxy closing idle connections does, seen from the client's side.
    const server = await startDroppingServer(2);
    cleanups.push(server.close);
    const store = createChromaStore({ url: server.url });
    cleanups.push(() => store.close());
    for (let i = 0; i < 3; i++) expect(await store.heartbeat()).toBeGreaterThan(0);
    // The 2nd and 3rd heartbeats each went out on a kept-alive connection that was dropped, then on a new one.
    expect(server.seen()).toEqual({ requests: 5, connections: 3 });
  });

  it("is not a reason to send again a request that a new connection could not get answered", async () => {
    const server = await startDroppingServer(1);
    cleanups.push(server.close);
    const store = createChromaStore({ url: server.url });
    cleanups.push(() => store.close());
    expect((await failure(store.heartbeat())).error.code).toBe("UNREACHABLE");
    expect(server.seen()).toEqual({ requests: 1, connections: 1 });
  });
});
