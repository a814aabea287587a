/**
 * Fault suite for the built server over stdio: PostgreSQL is SIGKILLed while concurrent reads
 * and writes are in flight, then restarted. Every call must be answered, every write accepted
 * exactly once, and the mirror must match PostgreSQL after a sync.
 */
import { randomUUID } from "node:crypto";
import { createChromaStore, type ChromaStore } from "@kmcp/chroma-store";
import { createDb, type Db } from "@kmcp/db";
import type { LocalChroma, LocalPostgres } from "@kmcp/local-servers";
import { verifyMirror } from "@kmcp/sync-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { call, connectStdio, startStores, text } from "./harness.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Outcome =
  | { kind: "read"; tool: string; result: Awaited<ReturnType<typeof call>> }
  | { kind: "write"; id: string; result: Awaited<ReturnType<typeof call>> };

describe("the MCP server when PostgreSQL dies during concurrent reads and writes", () => {
  let postgres: LocalPostgres;
  let chroma: LocalChroma;
  let db: Db;
  let store: ChromaStore;
  let session: Awaited<ReturnType<typeof connectStdio>>;

  beforeAll(async () => {
    let env: Record<string, string>;
    ({ postgres, chroma, env } = await startStores());
    db = createDb({ url: postgres.url, connectTimeoutMs: 1_000, pingTimeoutMs: 1_000 });
    await db.migrate();
    // The server's own collections (default prefix) on a Chroma of this test's own.
    store = createChromaStore({ url: chroma.url, requestTimeoutMs: 5_000 });
    await db.prisma.source.createMany({
      data: Array.from({ length: 30 }, (_, i) => ({
        url: `https://fault-${i}.example.test/`,
        title: `Fault source ${i}`,
        sourceType: i % 2 ? "blog" : "documentation",
        authorityTier: "tier_2_trusted",
        status: "active",
      })),
    });
    session = await connectStdio(env);
  });
  afterAll(async () => {
    await session?.close();
    await Promise.all([db?.close(), store?.close()]);
    await Promise.all([postgres?.destroy(), chroma?.destroy()]);
  });

  it("answers every read, accepts every write once, and ends with the mirror in sync", async () => {
    const { client } = session;
    const first = await call(client, "knowledge_sync", { action: "run" });
    expect(first.isError, text(first)).toBeFalsy();
    // (Not its status: a background sync on notified changes may be running again by now.)
    expect(first.structuredContent).toMatchObject({ report: { upserted: 30 }, state: { mirrorSize: 30, error: null } });
    // Changes the mirror has not seen yet: the final sync must bring them over.
    await db.sources.create({ url: "https://late-0.example.test/", title: "Late 0", sourceType: "blog", authorityTier: "tier_3_community" });
    const renamed = (await db.sources.list({ limit: 1 })).items[0]!;
    await db.sources.update(renamed.id, { title: "Renamed before the outage" });

    const calls: Promise<Outcome>[] = [];
    const writeIds: string[] = [];
    const fire = (n: number) => {
      for (let k = 0; k < n; k++) {
        const i = calls.length;
        if (i % 3 === 2) {
          const id = randomUUID();
          writeIds.push(id);
          const args = { id, url: `https://wanted-${i}.example.test/`, reason: `concurrent ${i}`, priority: 1 + (i % 5) };
          calls.push(call(client, "knowledge_request", args).then((result) => ({ kind: "write", id, result })));
        } else if (i % 3 === 1) {
          // A source that was mirrored, so the mirror can answer it too.
          calls.push(call(client, "knowledge_source", { idOrUrl: `https://fault-${i % 30}.example.test/` }).then((result) => ({ kind: "read", tool: "knowledge_source", result })));
        } else {
          calls.push(call(client, "knowledge_sources", { limit: 5, sourceType: i % 2 ? "blog" : "documentation" }).then((result) => ({ kind: "read", tool: "knowledge_sources", result })));
        }
      }
    };

    // The first burst is answered with PostgreSQL up; the next two are still in flight at the kill.
    fire(5);
    await Promise.all(calls);
    fire(5);
    await sleep(20);
    fire(5);
    const killing = postgres.kill(); // calls are in flight as it dies
    for (let burst = 0; burst < 3; burst++) {
      fire(5);
      await sleep(100);
    }
    await killing;
    fire(5);
    const restarting = postgres.start(); // and more arrive while it starts up
    for (let burst = 0; burst < 2; burst++) {
      await sleep(50);
      fire(5);
    }
    await restarting;
    const outcomes = await Promise.all(calls);
    expect(outcomes.length).toBe(45);

    const origins = new Set<unknown>();
    let created = 0;
    let queued = 0;
    for (const outcome of outcomes) {
      // Regressions: a write that met pg's "...connection error and is not queryable" or Prisma's masked
      // "rollback cannot be executed on a committed transaction" was refused instead of queued, and a
      // pooled connection dying in the kill could crash the server (unhandled pg 'error' event).
      expect(outcome.result.isError, text(outcome.result)).toBeFalsy();
      if (outcome.kind === "read") {
        const origin = outcome.result.structuredContent?.origin;
        expect(["primary", "mirror"]).toContain(origin);
        origins.add(origin);
        if (outcome.tool === "knowledge_source") expect(outcome.result.structuredContent).toMatchObject({ source: { url: expect.stringMatching(/^https:\/\/fault-/) } });
        else expect((outcome.result.structuredContent?.items as unknown[]).length).toBe(5);
      } else {
        expect(outcome.result.structuredContent).toMatchObject({ queued: expect.any(Boolean), request: { id: outcome.id } });
        if (outcome.result.structuredContent?.queued) queued += 1;
        else created += 1;
      }
    }
    // The outage was felt: both origins answered, and writes took both paths.
    expect([...origins].sort()).toEqual(["mirror", "primary"]);
    expect(created).toBeGreaterThan(0);
    expect(queued).toBeGreaterThan(0);
    expect(created + queued).toBe(writeIds.length);

    // Recovery: reads return to PostgreSQL on their own, and the queue drains.
    await vi.waitFor(
      async () => expect((await call(client, "knowledge_sources", { limit: 1 })).structuredContent?.origin).toBe("primary"),
      { timeout: 20_000, interval: 100 },
    );
    await vi.waitFor(async () => expect(await store.pendingWrites.count()).toBe(0), { timeout: 20_000, interval: 200 });
    const stored = await db.prisma.acquisitionRequest.findMany({ where: { id: { in: writeIds } }, select: { id: true, reason: true } });
    expect(stored.length).toBe(writeIds.length);
    expect(new Set(stored.map((r) => r.id))).toEqual(new Set(writeIds));
    expect(await db.prisma.acquisitionRequest.count()).toBe(writeIds.length);

    const sync = await call(client, "knowledge_sync", { action: "run" });
    expect(sync.isError, text(sync)).toBeFalsy();
    expect(sync.structuredContent).toMatchObject({ state: { status: "synced", isOnline: true, mirrorSize: 31 } });
    expect(await verifyMirror({ db, store })).toMatchObject({ inSync: true, missing: [], extra: [], drifted: [] });
    expect((await store.sources.get(renamed.id))?.title).toBe("Renamed before the outage");
  });
});
