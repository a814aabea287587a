import { sharedChromaUrl, uniqueCollectionPrefix } from "@kmcp/testing/chroma";
import { ChromaClient } from "chromadb";
import { describe, expect, it } from "vitest";
import { createChromaStore } from "@kmcp/chroma-store";
import { createSyncManager, verifyMirror } from "../src/index.js";
import { migratedDb, seedSources, syncedSources } from "./helpers.js";

function rawChroma() {
  const url = new URL(sharedChromaUrl());
  return new ChromaClient({ host: url.hostname, port: Number(url.port), ssl: false });
}

describe("recovering from a damaged mirror", () => {
  it("stops on a corrupt checkpoint with a clear way out, and a full sync rebuilds it", async () => {
    const { db, store, manager } = await syncedSources(120);
    const state = await rawChroma().getCollection({ name: store.collections.syncState });
    await state.modify({ metadata: { ...state.metadata, kmcp_sync_report: "{truncated" } });

    const failed = await manager.syncSources().catch((e: Error & { code?: string }) => e);
    expect(failed).toMatchObject({ code: "CORRUPT_STATE", message: expect.stringContaining("kmcp sync run --full") });
    expect((await manager.getState()).status).toBe("error");

    const full = await manager.syncSources({ mode: "full" });
    expect(full).toMatchObject({ outcome: "success", mode: "full", unchanged: 120 });
    expect((await store.readSyncState()).checkpoint).not.toBeNull();
    expect((await manager.syncSources()).outcome).toBe("success");
    expect(await verifyMirror({ db, store })).toMatchObject({ inSync: true });
  });

  it("rebuilds a mirror emptied behind its back instead of trusting the checkpoint", async () => {
    const { db, store, manager } = await syncedSources(150);
    const ids: string[] = [];
    for await (const id of store.sources.iterateIds()) ids.push(id);
    await store.sources.delete(ids);

    const report = await manager.syncSources();
    expect(report).toMatchObject({ mode: "full", upserted: 150 });
    expect(await verifyMirror({ db, store })).toMatchObject({ inSync: true });
  });

  it("starts from the beginning when the checkpoint is missing, writing nothing that is already right", async () => {
    const { db, store } = await syncedSources(80);
    // The collection's metadata without the state: only its kmcp marker.
    await (await rawChroma().getCollection({ name: store.collections.syncState })).modify({ metadata: { kmcp_kind: "sync_state", kmcp_format: 1 } });

    const fresh = createSyncManager({ db, store });
    expect(await fresh.syncSources()).toMatchObject({ upserted: 0, unchanged: 80 });
    expect(await verifyMirror({ db, store })).toMatchObject({ inSync: true });
  });

  it("refuses a foreign collection under its name, saying how to recover", async () => {
    const db = await migratedDb();
    const prefix = uniqueCollectionPrefix("foreign");
    await rawChroma().createCollection({ name: `${prefix}sources_metadata`, metadata: { owner: "someone else" } });
    const store = createChromaStore({ url: sharedChromaUrl(), collectionPrefix: prefix });
    await seedSources(db, 5);
    const failed = await createSyncManager({ db, store }).syncSources().catch((e: Error & { code?: string }) => e);
    expect(failed).toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/not created by @kmcp\/chroma-store.*choose another collectionPrefix or delete/) });
  });
});
