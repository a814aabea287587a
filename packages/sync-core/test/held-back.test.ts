import pg from "pg";
import { createTestDatabase } from "@kmcp/testing/postgres";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { createSyncManager } from "../src/index.js";
import { isolatedStore, migratedDb } from "./helpers.js";

describe("a pushed change held back by an older transaction", () => {
  it("is synced once that transaction ends, without waiting for the timer, and the trigger says what it waits for", async () => {
    const url = await createTestDatabase();
    const db = await migratedDb(url);
    const store = isolatedStore();
    const said: string[] = [];
    const logger = { debug() {}, info: (message: string) => void said.push(message), warn() {}, error() {} };
    const manager = createSyncManager({ db, store, logger });
    manager.start({ intervalMs: 60_000 });
    onTestFinished(() => manager.stop());
    await vi.waitFor(() => expect(manager.trigger()).toMatchObject({ mode: "push" }), { timeout: 20_000, interval: 50 });

    // A transaction that has written (it holds a transaction id) in another database of the same
    // server, as a long migration or import elsewhere would: the feed holds back what commits after it.
    const elsewhere = new URL(url);
    elsewhere.pathname = "/postgres";
    const other = new pg.Client({ connectionString: elsewhere.toString() });
    await other.connect();
    onTestFinished(() => other.end());
    await other.query("BEGIN");
    await other.query("SELECT pg_current_xact_id()");

    const source = await db.sources.create({ url: "https://held-back.example.test/", title: "Held back", sourceType: "blog", authorityTier: "tier_2_trusted" });
    await vi.waitFor(() => expect(manager.trigger()?.waitingFor).toMatch(/older transaction/), { timeout: 10_000, interval: 25 });
    expect(await store.sources.getMany([source.id])).toEqual([]);
    // It tries again every few seconds at most, and says why it waits once.
    const finished = said.filter((line) => line === "sync finished").length;
    await vi.waitFor(() => expect(said.filter((line) => line === "sync finished").length).toBeGreaterThanOrEqual(finished + 3), { timeout: 20_000, interval: 50 });
    expect(said.filter((line) => /older transaction/.test(line))).toHaveLength(1);

    // Its end notifies nothing (it wrote no source); the timer is a minute away.
    await other.query("COMMIT");
    await vi.waitFor(async () => expect((await store.sources.getMany([source.id])).map((r) => r.title)).toEqual(["Held back"]), { timeout: 10_000, interval: 50 });
    await vi.waitFor(() => expect(manager.trigger()?.waitingFor).toBeNull(), { timeout: 5_000, interval: 25 });
  });
});
