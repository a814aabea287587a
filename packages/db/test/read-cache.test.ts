import { createTestDatabase } from "@kmcp/testing/postgres";
import pg from "pg";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createDb, type Db } from "../src/index.js";
import { caught, sourceInput } from "./helpers.js";

// Real PostgreSQL. A change written with triggers switched off (session_replication_role =
// replica) does not move the source version, so whether a read shows it tells a cached answer
// from a fresh one.
describe("createDb({ readCache }): source reads reused while the source version is unchanged", () => {
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
    db = createDb({ url, readCache: true });
    other = new pg.Client({ connectionString: url });
    await other.connect();
    closers.push(() => db.close(), () => other.end());
  });

  async function retitleSilently(id: string, title: string): Promise<void> {
    await other.query("BEGIN; SET LOCAL session_replication_role = replica");
    await other.query("UPDATE sources SET title = $1 WHERE id = $2", [title, id]);
    await other.query("COMMIT");
  }

  const titles = async () => (await db.sources.list()).items.map((s) => s.title);
  const version = async () => (await other.query<{ version: string }>("SELECT version FROM source_versions WHERE id = 1")).rows[0]!.version;

  it("never answers with less than a write another connection committed before the read (500 probes)", async () => {
    const source = await db.sources.create(sourceInput({ title: "t0" }));
    let stale = 0;
    for (let i = 1; i <= 500; i++) {
      await Promise.all([db.sources.get(source.id), titles(), db.sources.count({ query: `t${i}` })]); // now cached
      await other.query("UPDATE sources SET title = $1 WHERE id = $2", [`t${i}`, source.id]);
      // COMMIT has returned: ask at once, by id, in a list and by a filter on the new title.
      const [got, listed, n] = await Promise.all([db.sources.get(source.id), titles(), db.sources.count({ query: `t${i}` })]);
      if (got?.title !== `t${i}` || listed[0] !== `t${i}` || n !== 1) stale++;
    }
    expect(stale, `${stale} of 500 reads were stale`).toBe(0);
  }, 60_000);

  it("does not show another connection's write before its COMMIT, and shows it right after", async () => {
    const source = await db.sources.create(sourceInput({ title: "Before" }));
    expect(await titles()).toEqual(["Before"]);
    await other.query("BEGIN");
    await other.query("UPDATE sources SET title = 'After' WHERE id = $1", [source.id]);
    expect(await titles()).toEqual(["Before"]);
    await other.query("COMMIT");
    expect(await titles()).toEqual(["After"]);
  });

  it("answers repeated reads from memory, and a change committed elsewhere ends that at once", async () => {
    const source = await db.sources.create(sourceInput({ title: "Before" }));
    expect(await titles()).toEqual(["Before"]);
    expect((await db.sources.get(source.id))?.title).toBe("Before");
    await retitleSilently(source.id, "Silent");
    // Sanity: the silent change is there for anyone who asks PostgreSQL.
    expect((await other.query("SELECT title FROM sources")).rows).toEqual([{ title: "Silent" }]);
    expect(await titles()).toEqual(["Before"]);
    expect((await db.sources.get(source.id))?.title).toBe("Before");

    await other.query("INSERT INTO sources (id, url, title, source_type, authority_tier, updated_at) VALUES (gen_random_uuid(), 'https://z.test/', 'Other', 'blog', 'tier_3_community', now())");
    expect(await titles()).toEqual(["Silent", "Other"]);
    expect((await db.sources.get(source.id))?.title).toBe("Silent");
    expect(await db.sources.count()).toBe(2);
  });

  it("shows this process's own writes at once, including a source created by completing a request", async () => {
    const source = await db.sources.create(sourceInput({ title: "Mine" }));
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
    await db.sources.list();
    const first = await db.sources.list(); // from memory
    first.items[0]!.title = "scribbled";
    first.items[0]!.updatedAt.setTime(0);
    const second = await db.sources.list();
    expect(second.items[0]!.title).toBe("Original");
    expect(second.items[0]!.updatedAt.getTime()).not.toBe(0);
  });

  it("moves the version once per committed transaction that changed rows, not for statements that changed none", async () => {
    const source = await db.sources.create(sourceInput({ title: "A" }));
    const start = BigInt(await version());
    const moved = async () => BigInt(await version()) - start;
    await other.query("UPDATE sources SET title = 'x' WHERE false");
    await other.query("DELETE FROM sources WHERE false");
    // A bulk import's "insert or update only what differs" that differs in nothing.
    const importRow = (title: string) =>
      other.query(
        `INSERT INTO sources (id, url, title, source_type, authority_tier, updated_at) VALUES (gen_random_uuid(), $1, $2, 'documentation', 'tier_2_trusted', now())
         ON CONFLICT (url) DO UPDATE SET title = EXCLUDED.title WHERE sources.title IS DISTINCT FROM EXCLUDED.title`,
        [source.url, title],
      );
    await importRow("A");
    expect(await moved()).toBe(0n);
    await importRow("B");
    expect(await moved()).toBe(1n);
    await db.sources.upsert({ ...sourceInput(), url: source.url, title: "B" }); // unchanged: writes nothing
    expect(await moved()).toBe(1n);
    await other.query("UPDATE sources SET status = 'active'");
    expect(await moved()).toBe(2n);
    await other.query("BEGIN");
    await other.query("UPDATE sources SET title = 'C'");
    await other.query("UPDATE sources SET title = 'D'");
    expect(await moved()).toBe(2n); // not before COMMIT
    await other.query("COMMIT");
    expect(await moved()).toBe(3n);
    await other.query("BEGIN");
    await other.query("UPDATE sources SET title = 'E'");
    await other.query("ROLLBACK");
    expect(await moved()).toBe(3n);
    expect((await other.query("SELECT count(*)::int AS n FROM source_version_bumps")).rows[0].n).toBe(0);
  });

  it("does not make writers of sources wait for each other's open transactions", async () => {
    const [a, b] = [await db.sources.create(sourceInput()), await db.sources.create(sourceInput())];
    const second = new pg.Client({ connectionString: url });
    await second.connect();
    closers.push(() => second.end());
    const start = BigInt(await version());
    await other.query("BEGIN");
    await other.query("UPDATE sources SET title = 'first' WHERE id = $1", [a.id]);
    // Would block until the first transaction ends if the version were bumped at the write.
    await second.query("SET statement_timeout = '2s'");
    await second.query("UPDATE sources SET title = 'second' WHERE id = $1", [b.id]);
    expect((await db.sources.get(b.id))?.title).toBe("second");
    await other.query("COMMIT");
    expect((await db.sources.get(a.id))?.title).toBe("first");
    expect(BigInt(await version()) - start).toBe(2n);
  });

  it("caches nothing on a database without the source version (an older schema)", async () => {
    const source = await db.sources.create(sourceInput({ title: "One" }));
    await other.query("DROP TABLE source_versions CASCADE");
    expect(await titles()).toEqual(["One"]);
    await retitleSilently(source.id, "Two");
    expect(await titles()).toEqual(["Two"]);
  });

  it("is off by default", async () => {
    const plain = createDb({ url });
    closers.push(() => plain.close());
    expect(plain.readCacheEnabled).toBe(false);
    expect(db.readCacheEnabled).toBe(true);
    const source = await plain.sources.create(sourceInput({ title: "One" }));
    expect((await plain.sources.list()).items.map((s) => s.title)).toEqual(["One"]);
    await retitleSilently(source.id, "Two");
    expect((await plain.sources.list()).items.map((s) => s.title)).toEqual(["Two"]);
  });

  it("refuses bad options", async () => {
    const error = await caught(async () => createDb({ url, readCache: { maxEntries: 0 } }));
    expect(error).toMatchObject({ code: "VALIDATION" });
    expect(error.message).toMatch(/maxEntries/);
  });
});
