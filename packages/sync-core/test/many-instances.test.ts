import { createChromaStore, type ChromaStore } from "@kmcp/chroma-store";
import { compareCheckpoints, type Db } from "@kmcp/db";
import { sharedChromaUrl, uniqueCollectionPrefix } from "@kmcp/testing/chroma";
import { startNotificationDroppingProxy } from "@kmcp/testing/pg-proxy";
import { createTestDatabase, startPrivatePostgres } from "@kmcp/testing/postgres";
import { cleanUp } from "@kmcp/testing/clean-up";
import { describe, expect, it, onTestFinished } from "vitest";
import { verifyMirror } from "../src/index.js";
import { migratedDb, seedSources } from "./helpers.js";
import { startInstance, syncIntervals, type Instance } from "./instances.js";

// Several long-running instances, each a real process (test/fixtures/sync-instance.mjs), on one
// PostgreSQL and one Chroma. The timer of every instance is a minute unless said otherwise, so
// whatever happens within seconds was pushed.

async function sharedStores(): Promise<{ url: string; db: Db; prefix: string; store: ChromaStore }> {
  const url = await createTestDatabase();
  const db = await migratedDb(url);
  const prefix = uniqueCollectionPrefix("multi");
  const store = createChromaStore({ url: sharedChromaUrl(), collectionPrefix: prefix, requestTimeoutMs: 10_000 });
  cleanUp(() => store.close());
  return { url, db, prefix, store };
}

const pushed = (instance: Instance) => instance.waitFor((e) => e.ev === "trigger" && (e.trigger as { mode: string }).mode === "push", "push trigger");

/** Reads the stored checkpoint every few ms until stopped; each must be at or after the one before. */
function watchCheckpoints(store: ChromaStore) {
  const seen: (string | null)[] = [];
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const state = await store.readSyncState().catch(() => undefined);
      if (state && state.checkpoint !== seen.at(-1)) seen.push(state.checkpoint);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    seen,
    async stop() {
      stopped = true;
      await done;
      return seen;
    },
  };
}

function expectNonDecreasing(checkpoints: readonly (string | null)[]) {
  for (let i = 1; i < checkpoints.length; i++) {
    expect(compareCheckpoints(checkpoints[i - 1]!, checkpoints[i]!), `checkpoint ${i} moved backwards`).toBeLessThanOrEqual(0);
  }
}

describe("many instances on one PostgreSQL and one Chroma", () => {
  it("push: a source written by another process reaches the mirror of running instances without waiting for their timer", async () => {
    const { url, db, prefix, store } = await sharedStores();
    const options = { url, chromaUrl: sharedChromaUrl(), prefix };
    const [a, b] = [startInstance({ ...options, name: "push-a" }), startInstance({ ...options, name: "push-b" })];
    await Promise.all([pushed(a), pushed(b)]);
    for (let round = 1; round <= 3; round++) {
      const written = await db.sources.create({ url: `https://pushed-${round}.example.test/`, title: `Pushed ${round}`, sourceType: "blog", authorityTier: "tier_2_trusted" });
      await expect.poll(async () => (await store.sources.getMany([written.id])).map((r) => r.title), { timeout: 10_000, interval: 25 }).toEqual([`Pushed ${round}`]);
    }
    expect((await a.call("state")).state).toMatchObject({ trigger: { mode: "push", reason: null, intervalMs: 60_000 } });
  });

  it("falls back to its timer, saying why, when notifications never arrive (behind a proxy that drops them, as a transaction-mode pooler does) or are switched off", async () => {
    const { url, db, prefix, store } = await sharedStores();
    const proxy = await startNotificationDroppingProxy(url);
    cleanUp(() => proxy.close());
    const pooled = startInstance({ url: proxy.url, chromaUrl: sharedChromaUrl(), prefix, name: "behind-pooler", intervalMs: 1_500 });
    const off = startInstance({ url, chromaUrl: sharedChromaUrl(), prefix, name: "notify-off", intervalMs: 60_000, push: false });
    const polling = await pooled.waitFor((e) => e.ev === "trigger" && (e.trigger as { mode: string }).mode === "polling" && /did not arrive/.test(String((e.trigger as { reason: string }).reason)), "fallback to polling");
    expect(polling.trigger).toMatchObject({ reason: expect.stringContaining("KMCP_SYNC_NOTIFY=off") as string });
    expect((await off.call("state")).state).toMatchObject({ trigger: { mode: "polling", reason: expect.stringContaining("switched off") as string } });

    const written = await db.sources.create({ url: "https://polled.example.test/", title: "Polled", sourceType: "blog", authorityTier: "tier_2_trusted" });
    await expect.poll(async () => (await store.sources.getMany([written.id])).length, { timeout: 20_000, interval: 50 }).toBe(1);
    expect(proxy.dropped()).toBeGreaterThan(0); // notifications were sent, and never reached it
    // The one that listens for nothing never started a second sync (its timer is a minute): the pooled one's timer did it.
    expect(off.events.filter((e) => e.ev === "started").length).toBeLessThanOrEqual(1);
  });

  it("runs one sync at a time across three processes asked to sync at once, while the others keep answering reads and say who syncs", async () => {
    const { url, db, prefix, store } = await sharedStores();
    const options = { url, chromaUrl: sharedChromaUrl(), prefix, batchSize: 100 };
    const instances = ["one-a", "one-b", "one-c"].map((name) => startInstance({ ...options, name }));
    await Promise.all(instances.map(pushed));
    await seedSources(db, 2_000, "burst");
    const checkpoints = watchCheckpoints(store);
    const runs = instances.map((instance) => instance.call("sync", { waitMs: 60_000 }));
    // While one of them syncs, the others read and name it.
    const holder = await Promise.race(instances.map((i) => i.waitFor((e) => e.ev === "progress", "a batch").then(() => i)));
    const other = instances.find((i) => i !== holder)!;
    const [state, read] = await Promise.all([other.call("state"), other.call("read")]);
    expect(state.state).toMatchObject({ status: "syncing", lease: { holder: holder.name, self: false } });
    expect((read.page as { items: unknown[] }).items).toHaveLength(5);

    const replies = await Promise.all(runs);
    for (const reply of replies) expect(reply.error).toBeUndefined();
    const intervals = syncIntervals(instances);
    expect(intervals.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < intervals.length; i++) {
      expect(intervals[i]!.from, `${intervals[i]!.name}'s sync started before ${intervals[i - 1]!.name}'s ended`).toBeGreaterThan(intervals[i - 1]!.to);
    }
    expect(await verifyMirror({ db, store })).toMatchObject({ inSync: true });
    expectNonDecreasing(await checkpoints.stop());
  });

  it("SIGKILL of the process syncing: another takes over once its lease lapses, resumes from its checkpoint, and the checkpoint never moves back", async () => {
    const { url, db, prefix, store } = await sharedStores();
    const options = { url, chromaUrl: sharedChromaUrl(), prefix, batchSize: 100 };
    const instances = ["kill-a", "kill-b", "kill-c"].map((name) => startInstance({ ...options, name }));
    await Promise.all(instances.map(pushed));
    const checkpoints = watchCheckpoints(store);
    await seedSources(db, 3_000, "takeover");
    const leader = await Promise.race(instances.map((i) => i.waitFor((e) => e.ev === "progress", "a batch").then(() => i)));
    await leader.waitFor((e) => e.ev === "progress" && (e.counts as { upserted: number }).upserted >= 300, "three batches");
    const killedAt = performance.timeOrigin + performance.now();
    await leader.kill("SIGKILL");
    // Changed while nobody syncs: the new leader must end with these versions, not older ones.
    await db.prisma.source.updateMany({ where: { url: { startsWith: "https://takeover-1" } }, data: { title: "Renamed after the kill" } });

    const survivors = instances.filter((i) => i !== leader);
    const next = await Promise.race(survivors.map((i) => i.waitFor((e) => e.ev === "started" && e.t > killedAt, "the takeover").then((e) => ({ instance: i, startedAt: e.t }))));
    const finished = await next.instance.waitFor((e) => e.ev === "finished" && e.t > killedAt, "the resumed sync", 60_000);
    // The lease lives 3 s; the bound leaves room for a loaded machine and is far below the one-minute timer.
    expect(next.startedAt - killedAt).toBeLessThan(10_000);
    const report = finished.report as { upserted: number; unchanged: number };
    expect(report.upserted + report.unchanged, "resumed from the killed leader's checkpoint, not from the start").toBeLessThan(3_000);

    await expect.poll(async () => (await verifyMirror({ db, store })).inSync, { timeout: 30_000, interval: 200 }).toBe(true);
    expectNonDecreasing(await checkpoints.stop());
    expect(checkpoints.seen.length).toBeGreaterThan(3);
  });

  it("PostgreSQL down, three instances queue requests, PostgreSQL back, all three replay at once: every request stored exactly once", async () => {
    const server = await startPrivatePostgres();
    onTestFinished(() => server.destroy());
    const db = await migratedDb(server.url);
    const prefix = uniqueCollectionPrefix("replay");
    const instances = ["replay-a", "replay-b", "replay-c"].map((name) => startInstance({ url: server.url, chromaUrl: sharedChromaUrl(), prefix, name }));
    await Promise.all(instances.map(pushed));

    await server.stop();
    const queued = await Promise.all(
      instances.flatMap((instance) =>
        Array.from({ length: 5 }, (_, n) =>
          instance.call("request", { input: { url: `https://${instance.name}-${n}.example.test/`, reason: `Queued by ${instance.name}, ${n}` } }),
        ),
      ),
    );
    for (const reply of queued) expect(reply).toMatchObject({ outcome: "queued" });

    await server.start();
    // All three at once, again until none has anything left (a replay stops early if PostgreSQL blips).
    for (let round = 1; ; round++) {
      const replays = (await Promise.all(instances.map((i) => i.call("replay")))).map((reply) => reply.result as { remaining: number; stuck: unknown[] });
      for (const result of replays) expect(result.stuck).toEqual([]);
      if (replays.every((r) => r.remaining === 0)) break;
      expect(round).toBeLessThan(5);
    }

    const rows = await db.prisma.acquisitionRequest.findMany();
    expect(rows.map((r) => r.id).sort()).toEqual(queued.map((r) => r.requestId as string).sort());
    expect(new Set(rows.map((r) => `${r.url} ${r.reason}`)).size).toBe(15); // no copy under another id either
    expect(rows.every((r) => r.status === "pending")).toBe(true);
    const store = createChromaStore({ url: sharedChromaUrl(), collectionPrefix: prefix });
    cleanUp(() => store.close());
    await expect.poll(() => store.pendingWrites.count(), { timeout: 10_000 }).toBe(0);
  });
});
