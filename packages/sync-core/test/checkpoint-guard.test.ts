import { encodeCursor } from "@kmcp/core";
import { describe, expect, it } from "vitest";
import { storeCheckpoint } from "../src/checkpoint-guard.js";
import { isolatedStore } from "./helpers.js";

const at = (txid: number) => encodeCursor([String(txid), "00000000-0000-4000-8000-000000000001"]);

// Real Chroma: the stored checkpoint is read back and compared before every write.
describe("storeCheckpoint: the stored checkpoint never moves backwards", () => {
  it("keeps a later stored checkpoint over an earlier one being written (a run it overlapped got further), but stores the report", async () => {
    const store = isolatedStore();
    await store.writeSyncState({ checkpoint: at(900), lastReport: { by: "a run that got further" } });
    const stored = await storeCheckpoint(store, { checkpoint: at(120), lastReport: { by: "a slower run" } }, { mayRewind: false });
    expect(stored).toBe(at(900));
    expect(await store.readSyncState()).toMatchObject({ checkpoint: at(900), lastReport: { by: "a slower run" } });
  });

  it("moves forward, compares transaction ids as numbers, and rewinds only when rebuilding an emptied mirror", async () => {
    const store = isolatedStore();
    await storeCheckpoint(store, { checkpoint: at(99), lastReport: null }, { mayRewind: false });
    expect(await storeCheckpoint(store, { checkpoint: at(100), lastReport: null }, { mayRewind: false })).toBe(at(100));
    expect(await storeCheckpoint(store, { checkpoint: null, lastReport: null }, { mayRewind: false })).toBe(at(100));
    expect(await storeCheckpoint(store, { checkpoint: at(5), lastReport: null }, { mayRewind: true })).toBe(at(5));
    expect((await store.readSyncState()).checkpoint).toBe(at(5));
  });
});
