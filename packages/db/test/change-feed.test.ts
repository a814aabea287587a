import { randomUUID } from "node:crypto";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import type { Source } from "@kmcp/core";
import type { Db, SourceChange } from "../src/index.js";
import { caught, migratedDatabase, migratedDb, sourceInput } from "./helpers.js";

/** Reads the feed to its end from `after`, in pages of `limit`. */
async function readAll(db: Db, after: string | null, limit = 4) {
  const changes: SourceChange[] = [];
  let checkpoint = after;
  for (;;) {
    const page = await db.changes.read({ after: checkpoint, limit });
    changes.push(...page.changes);
    checkpoint = page.checkpoint;
    if (!page.hasMore) return { changes, checkpoint };
  }
}

/** What a mirror would hold after applying the changes in order. */
function apply(changes: SourceChange[], mirror = new Map<string, Source>()) {
  for (const change of changes) {
    if (change.kind === "upsert") mirror.set(change.source.id, change.source);
    else mirror.delete(change.id);
  }
  return mirror;
}

async function liveSources(db: Db) {
  const rows = await db.prisma.source.findMany({ orderBy: { id: "asc" } });
  return new Map(rows.map((s) => [s.id, s]));
}

describe("change feed", () => {
  let db: Db;
  beforeAll(async () => {
    db = await migratedDb();
  });

  it("replays creates, updates and deletes into exactly the live state, in pages", async () => {
    const made: Source[] = [];
    for (let i = 0; i < 25; i++) made.push(await db.sources.create(sourceInput()));
    await db.sources.update(made[3]!.id, { title: "changed" });
    await db.sources.archive(made[4]!.id);
    for (const s of made.slice(10, 13)) await db.sources.delete(s.id);

    const first = await readAll(db, null);
    expect(apply(first.changes)).toEqual(await liveSources(db));
    expect(first.changes.filter((c) => c.kind === "delete").map((c) => (c.kind === "delete" ? c.id : "")).sort()).toEqual(
      made.slice(10, 13).map((s) => s.id).sort(),
    );

    // Nothing new: same checkpoint, no changes.
    const idle = await db.changes.read({ after: first.checkpoint });
    expect(idle).toEqual({ changes: [], checkpoint: first.checkpoint, hasMore: false, heldBack: false });

    // Incremental: only what changed after the checkpoint, deletes included.
    const extra = await db.sources.create(sourceInput());
    await db.sources.update(made[0]!.id, { status: "active" });
    await db.sources.delete(made[1]!.id);
    const next = await readAll(db, first.checkpoint);
    expect(next.changes.map((c) => (c.kind === "upsert" ? `upsert ${c.source.id}` : `delete ${c.id}`))).toEqual([
      `upsert ${extra.id}`,
      `upsert ${made[0]!.id}`,
      `delete ${made[1]!.id}`,
    ]);
    expect(apply(next.changes, apply(first.changes))).toEqual(await liveSources(db));
  });

  it("rejects a malformed checkpoint", async () => {
    expect((await caught(() => db.changes.read({ after: "nonsense" }))).code).toBe("VALIDATION");
    const forged = Buffer.from(JSON.stringify(["1; DROP TABLE sources", randomUUID()])).toString("base64url");
    expect((await caught(() => db.changes.read({ after: forged }))).code).toBe("VALIDATION");
  });
});

describe("change feed with transactions that commit out of order", () => {
  let db: Db;
  let dbUrl: string;
  beforeAll(async () => {
    ({ db, url: dbUrl } = await migratedDatabase());
  });

  async function connect(connectionString: string) {
    const client = new pg.Client({ connectionString });
    await client.connect();
    return client;
  }

  const insert = (client: pg.Client, name: string) =>
    client.query(
      `INSERT INTO sources (id, url, title, source_type, authority_tier, updated_at)
       VALUES (gen_random_uuid(), $1, $2, 'blog', 'tier_3_community', now()) RETURNING id`,
      [`https://${name}.example.test/`, name],
    );

  it("never skips a change whose transaction started first but committed last", async () => {
    const [t1, t2] = [await connect(dbUrl), await connect(dbUrl)];
    try {
      const start = await readAll(db, null);

      // T1 writes first (so it holds the older transaction id) and stays open.
      await t1.query("BEGIN");
      const a = (await insert(t1, `slow-${randomUUID()}`)).rows[0].id as string;
      // T2 writes later and commits first.
      await t2.query("BEGIN");
      const b = (await insert(t2, `fast-${randomUUID()}`)).rows[0].id as string;
      await t2.query("COMMIT");

      // A reader now must not move its checkpoint past T1's change: it holds back T2's too.
      const during = await readAll(db, start.checkpoint);
      expect(during.changes.map((c) => (c.kind === "upsert" ? c.source.id : c.id))).not.toContain(b);

      await t1.query("COMMIT");
      const after = await readAll(db, during.checkpoint);
      const seen = [...during.changes, ...after.changes].map((c) => (c.kind === "upsert" ? c.source.id : c.id));
      expect(seen).toContain(a);
      expect(seen).toContain(b);
      expect(apply([...start.changes, ...during.changes, ...after.changes])).toEqual(await liveSources(db));
    } finally {
      await t1.end();
      await t2.end();
    }
  });

  it("says when committed changes wait for an older transaction of another database, and reads them once it ends", async () => {
    const start = await readAll(db, null);
    expect((await db.changes.read({ after: start.checkpoint })).heldBack).toBe(false);
    // A transaction that has written something (it holds a transaction id), in another database of the server.
    const elsewhere = new URL(dbUrl);
    elsewhere.pathname = "/postgres";
    const other = await connect(elsewhere.toString());
    try {
      await other.query("BEGIN");
      await other.query("SELECT pg_current_xact_id()");
      const created = await db.sources.create(sourceInput());
      const during = await db.changes.read({ after: start.checkpoint });
      expect(during).toMatchObject({ changes: [], checkpoint: start.checkpoint, heldBack: true });
      await other.query("COMMIT");
      const after = await db.changes.read({ after: start.checkpoint });
      expect(after.heldBack).toBe(false);
      expect(after.changes.map((c) => (c.kind === "upsert" ? c.source.id : c.id))).toEqual([created.id]);
    } finally {
      await other.end();
    }
  });

  it("does the same for an update and a delete that commit late", async () => {
    const keep = await db.sources.create(sourceInput());
    const doomed = await db.sources.create(sourceInput());
    const [t1, t2] = [await connect(dbUrl), await connect(dbUrl)];
    try {
      const start = await readAll(db, null);
      await t1.query("BEGIN");
      await t1.query("UPDATE sources SET title = 'late update' WHERE id = $1", [keep.id]);
      await t1.query("DELETE FROM sources WHERE id = $1", [doomed.id]);
      await t2.query("BEGIN");
      await insert(t2, `other-${randomUUID()}`);
      await t2.query("COMMIT");
      const during = await readAll(db, start.checkpoint);
      await t1.query("COMMIT");
      const after = await readAll(db, during.checkpoint);
      const mirror = apply([...start.changes, ...during.changes, ...after.changes]);
      expect(mirror.get(keep.id)?.title).toBe("late update");
      expect(mirror.has(doomed.id)).toBe(false);
      expect(mirror).toEqual(await liveSources(db));
    } finally {
      await t1.end();
      await t2.end();
    }
  });
});

