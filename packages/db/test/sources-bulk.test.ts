import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import type { SourceCreateInput } from "@kmcp/core";
import type { Db } from "../src/index.js";
import { migratedDatabase, tableCounts } from "./helpers.js";

let db: Db;
let url: string;
beforeAll(async () => {
  ({ db, url } = await migratedDatabase());
});

const row = (i: number, overrides: Partial<SourceCreateInput> = {}): SourceCreateInput => ({
  url: `https://bulk-${i}.example.test/docs`,
  title: `Bulk ${i}`,
  sourceType: "documentation",
  authorityTier: "tier_2_trusted",
  ...overrides,
});

/** Every stored column that a write changes, by url. */
async function snapshot(prefix: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; title: string; createdAt: Date; updatedAt: Date; changeTxid: string }>(
      `SELECT id::text, title, created_at AS "createdAt", updated_at AS "updatedAt", change_txid::text AS "changeTxid"
         FROM sources WHERE starts_with(url, $1) ORDER BY url`,
      [prefix],
    );
    return rows;
  } finally {
    await client.end();
  }
}

async function feedEnd(): Promise<string | null> {
  let checkpoint: string | null = null;
  for (;;) {
    const page = await db.changes.read({ after: checkpoint, limit: 10_000 });
    checkpoint = page.checkpoint;
    if (!page.hasMore) return checkpoint;
  }
}

describe("sources.upsertMany", () => {
  it("creates, then reports unchanged without writing anything, then updates only what differs", async () => {
    const rows = Array.from({ length: 300 }, (_, i) => row(i));
    expect(await db.sources.upsertMany(rows)).toEqual({ created: 300, updated: 0, unchanged: 0, rejected: [] });
    const stored = await db.sources.get(rows[0]!.url as string);
    expect(stored).toMatchObject({ title: "Bulk 0", status: "pending", description: null });

    const before = await snapshot("https://bulk-");
    const checkpoint = await feedEnd();
    // The same rows spelled differently normalise to the same urls: nothing to write.
    const respelled = rows.map((r) => ({ ...r, url: `${(r.url as string).replace("https://bulk-", "HTTPS://Bulk-")}/#top` }));
    expect(await db.sources.upsertMany(respelled)).toEqual({ created: 0, updated: 0, unchanged: 300, rejected: [] });
    expect(await snapshot("https://bulk-")).toEqual(before);
    expect((await db.changes.read({ after: checkpoint })).changes).toEqual([]);

    const changed = rows.map((r, i) => (i % 3 === 0 ? { ...r, title: `${r.title} v2` } : r));
    expect(await db.sources.upsertMany(changed)).toEqual({ created: 0, updated: 100, unchanged: 200, rejected: [] });
    const after = await snapshot("https://bulk-");
    const moved = after.filter((s, i) => s.updatedAt.getTime() !== before[i]!.updatedAt.getTime() || s.changeTxid !== before[i]!.changeTxid);
    expect(moved.map((s) => s.title).every((t) => t.endsWith(" v2"))).toBe(true);
    expect(moved).toHaveLength(100);
    expect(after.map((s) => [s.id, s.createdAt])).toEqual(before.map((s) => [s.id, s.createdAt]));
    // The change feed sees exactly the updated rows.
    const feed = await db.changes.read({ after: checkpoint, limit: 1000 });
    expect(feed.changes.map((c) => (c.kind === "upsert" ? c.source.title : "")).sort()).toEqual(moved.map((s) => s.title).sort());
  });

  it("keeps a stored status, description and crawl time when a row does not give them", async () => {
    expect(await db.sources.upsertMany([row(1000, { description: "about", lastCrawledAt: new Date("2025-01-02T03:04:05.678Z") })])).toMatchObject({ created: 1 });
    const stored = await db.sources.get(row(1000).url as string);
    await db.sources.update(stored!.id, { status: "active" });
    expect(await db.sources.upsertMany([row(1000)])).toMatchObject({ unchanged: 1 });
    expect(await db.sources.get(stored!.id)).toMatchObject({ status: "active", description: "about", lastCrawledAt: new Date("2025-01-02T03:04:05.678Z") });
    expect(await db.sources.upsertMany([row(1000, { title: "New", description: null })])).toMatchObject({ updated: 1 });
    expect(await db.sources.get(stored!.id)).toMatchObject({ title: "New", status: "active", description: null });
    expect(await db.sources.upsertMany([row(1000, { title: "New", status: "failed" })])).toMatchObject({ updated: 1 });
    expect((await db.sources.get(stored!.id))?.status).toBe("failed");
    // A given status on create is used; none gives pending.
    await db.sources.upsertMany([row(1001, { status: "archived" }), row(1002)]);
    expect((await db.sources.get(row(1001).url as string))?.status).toBe("archived");
    expect((await db.sources.get(row(1002).url as string))?.status).toBe("pending");
  });

  it("returns bad inputs by index and writes nothing for them", async () => {
    const before = await tableCounts(db);
    const result = await db.sources.upsertMany([
      row(2000),
      row(2001, { url: "javascript:alert(1)" }),
      row(2002, { sourceType: "zine" as never }),
      { ...row(2003), colour: "red" } as never,
    ]);
    expect(result).toMatchObject({ created: 1, updated: 0, unchanged: 0 });
    expect(result.rejected.map((r) => r.index)).toEqual([1, 2, 3]);
    expect(result.rejected[0]!.error).toContain("url");
    expect(result.rejected[1]!.error).toContain("sourceType");
    expect((await tableCounts(db)).sources).toBe(before.sources + 1);
  });

  it("applies a url repeated in one batch in order, like upsert row by row", async () => {
    const result = await db.sources.upsertMany([
      row(3000, { title: "first" }),
      row(3001),
      row(3000, { url: "HTTPS://BULK-3000.example.test/docs/", title: "second", status: "active" }),
      row(3000, { title: "second" }),
    ]);
    expect(result).toEqual({ created: 2, updated: 1, unchanged: 1, rejected: [] });
    expect(await db.sources.get(row(3000).url as string)).toMatchObject({ title: "second", status: "active" });
  });

  it("notifies listeners of a bulk write (the statement trigger still fires)", async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const seen: string[] = [];
    client.on("notification", (n) => seen.push(n.channel));
    await client.query("LISTEN kmcp_sources_changed");
    await db.sources.upsertMany([row(4000), row(4001)]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await client.end();
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen.every((c) => c === "kmcp_sources_changed")).toBe(true);
  });
});
