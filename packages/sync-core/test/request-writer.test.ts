import { randomUUID } from "node:crypto";
import { DbError } from "@kmcp/db";
import { startPrivatePostgres } from "@kmcp/testing/postgres";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createConnectivityMonitor, createRequestWriter, type RequestWriter } from "../src/index.js";
import { isolatedStore, migratedDb } from "./helpers.js";

describe("requests made while PostgreSQL is down", () => {
  let server: Awaited<ReturnType<typeof startPrivatePostgres>>;
  let db: Awaited<ReturnType<typeof migratedDb>>;
  let store: ReturnType<typeof isolatedStore>;
  const make = () => {
    const connectivity = createConnectivityMonitor({ ping: () => db.ping(), failureThreshold: 1, retryAfterMs: 50 });
    return { connectivity, writer: createRequestWriter({ db, store, connectivity }) };
  };
  const ask = (reason: string, id?: string) => ({ url: `https://queued-${reason}.example.test/`, reason, ...(id ? { id } : {}) });

  beforeAll(async () => {
    server = await startPrivatePostgres();
    db = await migratedDb(server.url);
    store = isolatedStore();
  });
  afterAll(() => server.destroy());

  it("creates directly while PostgreSQL is up", async () => {
    const { writer } = make();
    const result = await writer.create(ask("online"));
    expect(result).toMatchObject({ outcome: "created", request: { status: "pending" } });
    expect(await db.requests.get(result.request.id)).not.toBeNull();
  });

  let queuedIds: string[] = [];
  it("queues durably, with the caller's id or a new one, and refuses bad input without queuing", async () => {
    await server.kill();
    const { writer } = make();
    const ownId = randomUUID();
    const first = await writer.create(ask("first"));
    const second = await writer.create(ask("second", ownId));
    const third = await writer.create(ask("third"));
    for (const r of [first, second, third]) expect(r).toMatchObject({ outcome: "queued", request: { pendingUpload: true, status: "pending" } });
    expect(second.request.id).toBe(ownId);
    queuedIds = [first, second, third].map((r) => r.request.id);
    await expect(writer.create({ url: "javascript:alert(1)", reason: "x" })).rejects.toMatchObject({ code: "VALIDATION" });
    // A retried call with the same id does not queue twice.
    await writer.create(ask("second", ownId));
    expect((await writer.pending()).map((r) => r.id)).toEqual(queuedIds);
  });

  it("survives the process: a new writer (as after a restart) sees the same queue", async () => {
    const { writer } = make();
    expect((await writer.pending()).map((r) => r.id)).toEqual(queuedIds);
  });

  it("lists the queued requests while stored ones are unavailable, and only where the filter allows", async () => {
    const { writer } = make();
    const listing = await writer.list();
    expect(listing).toMatchObject({ items: [], nextCursor: null, storedUnavailable: true });
    expect(listing.pendingUpload.map((r) => r.id)).toEqual(queuedIds);
    expect((await writer.list({ status: "pending" })).pendingUpload).toHaveLength(3);
    expect((await writer.list({ status: "approved" })).pendingUpload).toEqual([]);
    await expect(writer.list({ status: "done" as never })).rejects.toMatchObject({ code: "VALIDATION" });
  });

  it("replays automatically once PostgreSQL is back: in order, exactly once, and the queue empties", async () => {
    await server.start();
    const { writer, connectivity } = make();
    const created = vi.spyOn(db.requests, "create");
    connectivity.reportFailure(new DbError("UNREACHABLE", "down"));
    expect(connectivity.state).toBe("offline");
    await connectivity.probe(); // PostgreSQL answers: online → replay starts by itself
    await vi.waitFor(async () => expect(await writer.pending()).toEqual([]), { timeout: 10_000 });
    expect(created.mock.calls.map(([input]) => (input as { id: string }).id)).toEqual(queuedIds);
    created.mockRestore();
    for (const id of queuedIds) expect(await db.requests.get(id)).toMatchObject({ id, status: "pending" });
    const listing = await writer.list({ limit: 1000 });
    expect(listing).toMatchObject({ storedUnavailable: false, pendingUpload: [] });
    expect(listing.items.map((r) => r.id)).toEqual(expect.arrayContaining(queuedIds));
    expect(await db.prisma.acquisitionRequest.count({ where: { id: { in: queuedIds } } })).toBe(3);
  });

  it("replays a write that reached PostgreSQL before a crash without duplicating it", async () => {
    const { writer } = make();
    const id = randomUUID();
    const request = { ...ask("crash", id), priority: 3 };
    await db.requests.create(request);
    // The crash came between the insert and removing the queue entry.
    await store.pendingWrites.add({ id, kind: "acquisition_request", payload: { ...request, url: "https://queued-crash.example.test/" } });
    // Until the replay removes the queue entry, the request is listed once, as stored.
    const listing = await writer.list({ limit: 1000 });
    expect(listing.items.filter((r) => r.id === id)).toHaveLength(1);
    expect(listing.pendingUpload.map((r) => r.id)).not.toContain(id);
    expect(await writer.replay()).toEqual({ replayed: 1, remaining: 0, stuck: [] });
    expect(await db.prisma.acquisitionRequest.count({ where: { id } })).toBe(1);
  });

  it("keeps a write PostgreSQL refuses for good, and reports it", async () => {
    const { writer } = make();
    const id = randomUUID();
    await db.requests.create({ ...ask("taken", id) });
    await store.pendingWrites.add({ id, kind: "acquisition_request", payload: { ...ask("different", id), priority: 3 } });
    const result = await writer.replay();
    expect(result).toMatchObject({ replayed: 0, remaining: 1, stuck: [{ id, error: expect.stringContaining("different request") }] });
    expect((await writer.pending()).map((r) => r.id)).toEqual([id]);
    await store.pendingWrites.remove(id);
  });

  it("says plainly that nothing was recorded when the queue is unreachable too", async () => {
    await server.kill();
    const broken = isolatedStore("http://127.0.0.1:1");
    const connectivity = createConnectivityMonitor({ ping: () => db.ping() });
    const writer: RequestWriter = createRequestWriter({ db, store: broken, connectivity });
    await expect(writer.create(ask("lost"))).rejects.toMatchObject({ code: "UNAVAILABLE", message: expect.stringContaining("NOT recorded") });
    await server.start();
  });
});
