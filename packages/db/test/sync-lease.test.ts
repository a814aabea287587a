import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDb, LeaseEventSchema, SYNC_LEASE_CHANNEL, type Db, type LeaseEvent, type NotificationListener } from "../src/index.js";
import { caught, migratedDatabase } from "./helpers.js";

// Two Db instances on one database stand for two processes: each has its own pool.
describe("sync leases: one holder at a time, across processes", () => {
  let a: Db;
  let b: Db;
  let listener: NotificationListener;
  const events: LeaseEvent[] = [];
  const holder = (id: string, ttlMs = 5_000) => ({ name: "mirror", holderId: id, holder: `process ${id}`, ttlMs });

  beforeAll(async () => {
    const { db, url } = await migratedDatabase();
    a = db;
    b = createDb({ url });
    listener = a.listen({ channels: [SYNC_LEASE_CHANNEL], onNotification: (_channel, payload) => events.push(LeaseEventSchema.parse(JSON.parse(payload))) });
    await vi.waitFor(() => expect(listener.state.status).toBe("listening"), { timeout: 5_000 });
  });
  afterAll(async () => {
    await listener.close();
    await b.close();
  });

  it("gives the lease to one holder, names it to the others, and frees it on release", async () => {
    const first = await a.leases.acquire(holder("A"));
    expect(first).toEqual({ acquired: true, token: expect.any(Number) as number });
    const refused = await b.leases.acquire(holder("B"));
    expect(refused.acquired).toBe(false);
    if (refused.acquired) return;
    expect(refused.current).toMatchObject({ holderId: "A", holder: "process A" });
    expect(refused.current!.expiresInMs).toBeGreaterThan(3_000);
    expect(refused.current!.expiresInMs).toBeLessThanOrEqual(5_000);
    expect((await b.leases.current("mirror"))?.holderId).toBe("A");

    if (!first.acquired) return;
    await a.leases.release({ name: "mirror", holderId: "A", token: first.token, ok: true });
    expect(await b.leases.current("mirror")).toBeNull();
    const second = await b.leases.acquire(holder("B"));
    expect(second.acquired && second.token).toBe(first.token + 1);
    if (second.acquired) await b.leases.release({ name: "mirror", holderId: "B", token: second.token, ok: false });

    await expect.poll(() => events.length).toBe(4);
    expect(events).toEqual([
      { event: "acquired", name: "mirror", holderId: "A", token: first.token },
      { event: "released", name: "mirror", holderId: "A", token: first.token, ok: true },
      { event: "acquired", name: "mirror", holderId: "B", token: first.token + 1 },
      { event: "released", name: "mirror", holderId: "B", token: first.token + 1, ok: false },
    ]);
  });

  it("lets another take over a lease its holder stopped renewing; the old holder can then neither renew nor release it", async () => {
    const old = await a.leases.acquire({ ...holder("A2", 300), name: "lapsing" });
    expect(old.acquired).toBe(true);
    if (!old.acquired) return;
    expect((await b.leases.acquire({ ...holder("B2"), name: "lapsing" })).acquired).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const taken = await b.leases.acquire({ ...holder("B2"), name: "lapsing" });
    expect(taken.acquired).toBe(true);
    expect(await a.leases.renew({ name: "lapsing", holderId: "A2", token: old.token, ttlMs: 5_000 })).toBe(false);
    await a.leases.release({ name: "lapsing", holderId: "A2", token: old.token, ok: true });
    expect((await a.leases.current("lapsing"))?.holderId).toBe("B2");
  });

  it("keeps a renewed lease past its first time-to-live", async () => {
    const held = await a.leases.acquire({ ...holder("A3", 300), name: "renewed" });
    if (!held.acquired) throw new Error("not acquired");
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(await a.leases.renew({ name: "renewed", holderId: "A3", token: held.token, ttlMs: 300 })).toBe(true);
    }
    expect((await b.leases.acquire({ ...holder("B3"), name: "renewed" })).acquired).toBe(false);
  });

  it("hands the lease to exactly one of many processes asking at once", async () => {
    const url = (await migratedDatabase()).url;
    const dbs = Array.from({ length: 6 }, () => createDb({ url }));
    try {
      const attempts = await Promise.all(dbs.map((db, i) => db.leases.acquire({ ...holder(`P${i}`), name: "contended" })));
      expect(attempts.filter((x) => x.acquired)).toHaveLength(1);
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
    }
  });

  it("refuses bad input", async () => {
    expect((await caught(() => a.leases.acquire({ ...holder("A"), ttlMs: 5 }))).code).toBe("VALIDATION");
    expect((await caught(() => a.leases.acquire({ ...holder("A"), name: "" }))).code).toBe("VALIDATION");
  });
});
