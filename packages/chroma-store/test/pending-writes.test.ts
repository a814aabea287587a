import { sharedChromaUrl, startPrivateChroma, uniqueCollectionPrefix } from "@kmcp/testing/chroma";
import { ChromaClient } from "chromadb";
import { describe, expect, it } from "vitest";
import { createChromaStore } from "../src/index.js";

describe("pending writes in Chroma", () => {
  it("queues idempotently by id, lists oldest first, and removes", async () => {
    const store = createChromaStore({ url: sharedChromaUrl(), collectionPrefix: uniqueCollectionPrefix("queue") });
    expect(await store.pendingWrites.list()).toEqual([]);
    await store.pendingWrites.add({ id: "b", kind: "acquisition_request", payload: { reason: "second" }, queuedAt: 2 });
    const first = await store.pendingWrites.add({ id: "a", kind: "acquisition_request", payload: { reason: "first", n: [1, 2] }, queuedAt: 1 });
    const again = await store.pendingWrites.add({ id: "a", kind: "acquisition_request", payload: { reason: "changed" }, queuedAt: 9 });
    expect(again).toEqual(first);
    expect(await store.pendingWrites.list()).toEqual([
      { id: "a", kind: "acquisition_request", payload: { reason: "first", n: [1, 2] }, queuedAt: 1 },
      { id: "b", kind: "acquisition_request", payload: { reason: "second" }, queuedAt: 2 },
    ]);
    expect(await store.pendingWrites.count()).toBe(2);
    await store.pendingWrites.remove("a");
    await store.pendingWrites.remove("never-queued");
    expect((await store.pendingWrites.list()).map((w) => w.id)).toEqual(["b"]);
  });

  it("keeps queued writes across a crash of the Chroma server", async () => {
    const chroma = await startPrivateChroma();
    try {
      const store = createChromaStore({ url: chroma.url });
      await store.pendingWrites.add({ id: "kept", kind: "acquisition_request", payload: { url: "https://x.test/" } });
      await chroma.kill();
      await chroma.start();
      const reopened = createChromaStore({ url: chroma.url });
      expect((await reopened.pendingWrites.list()).map((w) => w.id)).toEqual(["kept"]);
    } finally {
      await chroma.destroy();
    }
  });

  it("reports an unreadable entry as CORRUPT instead of guessing", async () => {
    const prefix = uniqueCollectionPrefix("queue");
    const store = createChromaStore({ url: sharedChromaUrl(), collectionPrefix: prefix });
    await store.pendingWrites.add({ id: "x", kind: "acquisition_request", payload: {} });
    const url = new URL(sharedChromaUrl());
    const raw = new ChromaClient({ host: url.hostname, port: Number(url.port), ssl: false });
    const collection = await raw.getCollection({ name: store.collections.pendingWrites });
    await collection.upsert({ ids: ["x"], embeddings: [[0]], metadatas: [{ kind: "acquisition_request", queuedAt: 1 }], documents: ["{not json"] });
    await expect(store.pendingWrites.list()).rejects.toMatchObject({ code: "CORRUPT" });
  });
});
