import { createTestDatabase } from "@kmcp/testing/postgres";
import pg from "pg";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createDb, type Db } from "../src/index.js";
import { LISTENER_APPLICATION_NAME } from "../src/change-listener.js";
import { caught, sourceInput } from "./helpers.js";

// Real PostgreSQL. A change written with triggers switched off (session_replication_role =
// replica) sends no notification, so whether a read shows it tells a cached answer from a fresh one.
describe("createDb({ readCache }): source reads reused until PostgreSQL announces a change", () => {
  let url: string;
  let db: Db;
  let other: pg.Client; // another process's connection
  const closers: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  beforeEach(async () => {
    url = await createTestDatabase();
    const plain = createDb({ url });
    await plain.migrate();
    await plain.close();
    db = createDb({ url, readCache: { heartbeatMs: 100 } });
    other = new pg.Client({ connectionString: url });
    await other.connect();
    closers.push(() => db.close(), () => other.end());
  });

  async function live(): Promise<void> {
    await db.sources.count(); // the first read starts the listener
    await vi.waitFor(() => expect(db.readCacheLive()).toBe(true), { timeout: 5_000, interval: 20 });
  }

  async function retitleSilently(id: string, title: string): Promise<void> {
    await other.query("BEGIN; SET LOCAL session_replication_role = replica");
    await other.query("UPDATE sources SET title = $1 WHERE id = $2", [title, id]);
    await other.query("COMMIT");
  }

  const titles = async () => (await db.sources.list()).items.map((s) => s.title);

  it("answers repeated reads from memory, and a change committed elsewhere ends that", async () => {
    const source = await db.sources.create(sourceInput({ title: "Before" }));
    await live();
    expect(await titles()).toEqual(["Before"]);
    expect((await db.sources.get(source.id))?.title).toBe("Before");
    await retitleSilently(source.id, "Silent");
    // Sanity: the silent change is there for anyone who asks PostgreSQL.
    expect((await other.query("SELECT title FROM sources")).rows).toEqual([{ title: "Silent" }]);
    expect(await titles()).toEqual(["Before"]);
    expect((await db.sources.get(source.id))?.title).toBe("Before");

    await other.query("INSERT INTO sources (id, url, title, source_type, authority_tier, updated_at) VALUES (gen_random_uuid(), 'https://z.test/', 'Other', 'blog', 'tier_3_community', now())");
    await vi.waitFor(async () => expect(await titles()).toEqual(["Silent", "Other"]), { timeout: 5_000, interval: 20 });
    expect((await db.sources.get(source.id))?.title).toBe("Silent");
    expect(await db.sources.count()).toBe(2);
  });

  it("shows this process's own writes at once, including a source created by completing a request", async () => {
    const source = await db.sources.create(sourceInput({ title: "Mine" }));
    await live();
    expect(await titles()).toEqual(["Mine"]);
    await db.sources.update(source.id, { title: "Renamed" });
    expect(await titles()).toEqual(["Renamed"]);
    const request = await db.requests.create({ url: "https://new.example.test/", reason: "needed" });
    expect(await db.sources.count()).toBe(1);
    await db.requests.transition({ id: request.id, to: "approved" });
    await db.requests.transition({ id: request.id, to: "completed", source: { title: "From request", sourceType: "blog", authorityTier: "tier_3_community" } });
    expect(await db.sources.count()).toBe(2);
    await db.sources.delete(source.id);
    expect(await titles()).toEqual(["From request"]);
  });

  it("hands out copies: changing an answer does not change the next one", async () => {
    await db.sources.create(sourceInput({ title: "Original" }));
    await live();
    await db.sources.list();
    const first = await db.sources.list(); // from memory
    first.items[0]!.title = "scribbled";
    first.items[0]!.updatedAt.setTime(0);
    const second = await db.sources.list();
    expect(second.items[0]!.title).toBe("Original");
    expect(second.items[0]!.updatedAt.getTime()).not.toBe(0);
  });

  it("reads from PostgreSQL while the notification connection is gone, and reuses answers again once it is back", async () => {
    const source = await db.sources.create(sourceInput({ title: "One" }));
    await live();
    expect(await titles()).toEqual(["One"]);
    await other.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [LISTENER_APPLICATION_NAME]);
    await vi.waitFor(() => expect(db.readCacheLive()).toBe(false), { timeout: 5_000, interval: 10 });
    await retitleSilently(source.id, "Two");
    expect(await titles()).toEqual(["Two"]);

    // Reconnects (reads retry it, at most once a second), then caches again.
    await vi.waitFor(async () => {
      await db.sources.count();
      expect(db.readCacheLive()).toBe(true);
    }, { timeout: 10_000, interval: 100 });
    expect(await titles()).toEqual(["Two"]);
    await retitleSilently(source.id, "Three");
    expect(await titles()).toEqual(["Two"]);
  });

  it("never caches while the trigger that announces changes is missing", async () => {
    const source = await db.sources.create(sourceInput({ title: "A" }));
    await live();
    await other.query(`DROP TRIGGER sources_notify_changed ON sources`);
    await vi.waitFor(() => expect(db.readCacheLive()).toBe(false), { timeout: 5_000, interval: 10 });
    await titles();
    await other.query("UPDATE sources SET title = 'B' WHERE id = $1", [source.id]); // announces nothing now
    expect(await titles()).toEqual(["B"]);
    await other.query("UPDATE sources SET title = 'C' WHERE id = $1", [source.id]);
    expect(await titles()).toEqual(["C"]);
  });

  it("is off by default, and closing ends the notification connection", async () => {
    const plain = createDb({ url });
    await plain.sources.list();
    expect(plain.readCacheLive()).toBe(false);
    await plain.close();
    const activity = () => other.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()", [LISTENER_APPLICATION_NAME]);
    await live();
    expect((await activity()).rows[0].n).toBe(1);
    await db.close();
    await vi.waitFor(async () => expect((await activity()).rows[0].n).toBe(0), { timeout: 5_000, interval: 20 });
  });

  it("refuses bad options", async () => {
    const error = await caught(async () => createDb({ url, readCache: { heartbeatMs: 1 } }));
    expect(error).toMatchObject({ code: "VALIDATION" });
    expect(error.message).toMatch(/heartbeatMs/);
  });
});
