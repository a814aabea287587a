import type { LocalChroma } from "@kmcp/local-servers";
import { sharedChromaUrl, startPrivateChroma, uniqueCollectionPrefix } from "@kmcp/testing/chroma";
import { ChromaClient } from "chromadb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChromaStoreError, createChromaStore } from "../src/index.js";
import { makeSources } from "./fixtures.js";

/** A client of the test server that bypasses the store, to see and damage what it wrote. */
function rawChroma(): ChromaClient {
  const url = new URL(sharedChromaUrl());
  return new ChromaClient({ host: url.hostname, port: Number(url.port) });
}

const report = { mode: "incremental", upserted: 12, deleted: 3, durationMs: 41.5, errors: [], finishedAt: "2025-06-01T10:00:00.000Z" };

describe("sync state in Chroma", () => {
  it("reads as empty before any sync, then returns what was written", async () => {
    const store = createChromaStore({ url: sharedChromaUrl(), collectionPrefix: uniqueCollectionPrefix("state") });
    expect(await store.readSyncState()).toEqual({ checkpoint: null, lastReport: null, updatedAt: null });

    const before = Date.now();
    const written = await store.writeSyncState({ checkpoint: "1042:9f1c", lastReport: report });
    expect(written.updatedAt).toBeGreaterThanOrEqual(before);
    expect(await store.readSyncState()).toEqual({ checkpoint: "1042:9f1c", lastReport: report, updatedAt: written.updatedAt });

    // A later write replaces the whole state, including clearing the checkpoint.
    await store.writeSyncState({ checkpoint: null, updatedAt: 123 });
    expect(await store.readSyncState()).toEqual({ checkpoint: null, lastReport: null, updatedAt: 123 });
  });

  it("is visible to a second store on the same collections (a process that starts later)", async () => {
    const prefix = uniqueCollectionPrefix("state2");
    await createChromaStore({ url: sharedChromaUrl(), collectionPrefix: prefix }).writeSyncState({ checkpoint: "7", lastReport: report });
    const later = createChromaStore({ url: sharedChromaUrl(), collectionPrefix: prefix });
    expect((await later.readSyncState()).checkpoint).toBe("7");
  });

  it("prepareSync() creates the collections a sync uses, and refuses a same-named collection kmcp did not make", async () => {
    const prefix = uniqueCollectionPrefix("prepare");
    const store = createChromaStore({ url: sharedChromaUrl(), collectionPrefix: prefix });
    await store.prepareSync();
    const raw = rawChroma();
    for (const name of [store.collections.sources, store.collections.syncState]) {
      expect((await raw.getCollection({ name })).metadata).toMatchObject({ kmcp_format: 1 });
    }
    expect(await store.readSyncState()).toEqual({ checkpoint: null, lastReport: null, updatedAt: null });

    const foreign = uniqueCollectionPrefix("prepare-foreign");
    await raw.createCollection({ name: `${foreign}sync_state`, embeddingFunction: null, metadata: { made_by: "someone else" } });
    await expect(createChromaStore({ url: sharedChromaUrl(), collectionPrefix: foreign }).prepareSync()).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("reports a corrupt stored state as CORRUPT, telling how to recover", async () => {
    const store = createChromaStore({ url: sharedChromaUrl(), collectionPrefix: uniqueCollectionPrefix("bad") });
    await store.writeSyncState({ checkpoint: "1", lastReport: report });
    const raw = rawChroma();
    const collection = await raw.getCollection({ name: store.collections.syncState });
    await collection.modify({ metadata: { ...collection.metadata, kmcp_sync_report: "{truncated" } });
    const error = await store.readSyncState().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ChromaStoreError);
    expect((error as ChromaStoreError).code).toBe("CORRUPT");
    expect((error as ChromaStoreError).message).toMatch(/not valid JSON.*full sync/);
  });

  it("keeps the state in the collection's metadata, and reads the record earlier versions wrote until the first write", async () => {
    const prefix = uniqueCollectionPrefix("legacy");
    const store = createChromaStore({ url: sharedChromaUrl(), collectionPrefix: prefix });
    await store.prepareSync();
    const raw = rawChroma();
    const collection = await raw.getCollection({ name: store.collections.syncState });
    // What kmcp wrote before: one record, checkpoint and time in its metadata, the report as its document.
    await collection.upsert({ ids: ["sources_metadata"], embeddings: [[0]], metadatas: [{ format: 1, updatedAt: 1_000, checkpoint: "41", kmcp_nulls: "" }], documents: [JSON.stringify(report)] });
    expect(await store.readSyncState()).toEqual({ checkpoint: "41", lastReport: report, updatedAt: 1_000 });

    const written = await store.writeSyncState({ checkpoint: "42", lastReport: { ...report, upserted: 1 } });
    expect(await store.readSyncState()).toEqual({ checkpoint: "42", lastReport: { ...report, upserted: 1 }, updatedAt: written.updatedAt });
    const metadata = (await raw.getCollection({ name: store.collections.syncState })).metadata;
    expect(metadata).toMatchObject({ kmcp_kind: "sync_state", kmcp_format: 1, kmcp_sync_checkpoint: "42", kmcp_sync_updated_at: written.updatedAt });
    // A store opened before that write (its collection cached) reads the new state too.
    const earlier = createChromaStore({ url: sharedChromaUrl(), collectionPrefix: prefix });
    await earlier.prepareSync();
    await store.writeSyncState({ checkpoint: null, lastReport: null, updatedAt: 5 });
    expect(await earlier.readSyncState()).toEqual({ checkpoint: null, lastReport: null, updatedAt: 5 });
  });

  it("rejects a report that is not JSON before writing", async () => {
    const store = createChromaStore({ url: sharedChromaUrl(), collectionPrefix: uniqueCollectionPrefix("nojson") });
    await expect(store.writeSyncState({ checkpoint: "1", lastReport: { big: 1n } })).rejects.toMatchObject({ code: "VALIDATION" });
    await expect(store.writeSyncState({ checkpoint: "" })).rejects.toMatchObject({ code: "VALIDATION" });
    expect(await store.readSyncState()).toEqual({ checkpoint: null, lastReport: null, updatedAt: null });
  });
});

describe("persistence across a Chroma restart", () => {
  let chroma: LocalChroma;

  beforeAll(async () => {
    chroma = await startPrivateChroma();
  });

  afterAll(async () => {
    await chroma.destroy();
  });

  it("keeps sources and sync state through stop/start and through a crash", async () => {
    const store = createChromaStore({ url: chroma.url });
    await store.sources.upsert(makeSources(500, "p"));
    await store.writeSyncState({ checkpoint: "500:a", lastReport: report });

    await chroma.stop();
    expect(chroma.pid).toBeUndefined();
    await expect(store.heartbeat()).rejects.toMatchObject({ code: "UNREACHABLE" });
    await chroma.start();
    expect(await store.readSyncState()).toMatchObject({ checkpoint: "500:a", lastReport: report });
    expect(await store.sources.count()).toBe(500);

    await store.sources.upsert(makeSources(10, "after-restart"));
    await store.writeSyncState({ checkpoint: "510:b", lastReport: report });
    await chroma.kill();
    await chroma.start();
    // A new store, as a freshly started process would have.
    const fresh = createChromaStore({ url: chroma.url });
    expect((await fresh.readSyncState()).checkpoint).toBe("510:b");
    expect(await fresh.sources.count()).toBe(510);
    expect((await fresh.sources.get("after-restart-00009"))?.title).toBe("Source 9");
  });
});
