import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { createDb, type Db } from "@kmcp/db";
import { createTestDatabase } from "@kmcp/testing/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importSourceFile, importSources, readSourceFile } from "../src/index.js";

let db: Db;
let url: string;
let dir: string;
beforeAll(async () => {
  url = await createTestDatabase();
  db = createDb({ url });
  await db.migrate();
  dir = await mkdtemp(path.join(tmpdir(), "kmcp-import-"));
});
afterAll(() => db.close());

const source = (i: number, extra: Record<string, unknown> = {}) => ({
  url: `https://import-${i}.example.test/docs`,
  title: `Import ${i}`,
  sourceType: "documentation" as const,
  authorityTier: "tier_2_trusted" as const,
  ...extra,
});

async function file(name: string, lines: string[]): Promise<string> {
  const at = path.join(dir, name);
  await writeFile(at, `${lines.join("\n")}\n`);
  return at;
}

/** updated_at and change_txid of every source, to prove a re-import wrote nothing. */
async function stamps(): Promise<string[]> {
  const rows = await db.prisma.$queryRaw<{ s: string }[]>`SELECT url || ' ' || updated_at::text || ' ' || change_txid AS s FROM sources ORDER BY url`;
  return rows.map((r) => r.s);
}

async function feedEnd(): Promise<string | null> {
  let checkpoint: string | null = null;
  for (;;) {
    const page = await db.changes.read({ after: checkpoint, limit: 10_000 });
    checkpoint = page.checkpoint;
    if (!page.hasMore) return checkpoint;
  }
}

describe("importSourceFile", () => {
  it("imports a JSON Lines file larger than a batch, then re-imports it without writing anything", async () => {
    const n = 2_500;
    const jsonl = await file("many.jsonl", Array.from({ length: n }, (_, i) => JSON.stringify(source(i))));
    const progress: number[] = [];
    const first = await importSourceFile(db, jsonl, { batchSize: 1000, onProgress: (p) => progress.push(p.rows) });
    expect(first).toEqual({ created: n, updated: 0, unchanged: 0, rejected: [] });
    expect(progress).toEqual([1000, 2000, 2500]);
    expect(await db.sources.count()).toBe(n);

    const before = await stamps();
    const checkpoint = await feedEnd();
    const again = await importSourceFile(db, jsonl, { batchSize: 1000 });
    expect(again).toEqual({ created: 0, updated: 0, unchanged: n, rejected: [] });
    expect(await stamps()).toEqual(before);
    expect((await db.changes.read({ after: checkpoint })).changes).toEqual([]);

    // One changed row: exactly one update, and the change feed shows it alone.
    const edited = await file("many-edited.jsonl", Array.from({ length: n }, (_, i) => JSON.stringify(source(i, i === 1234 ? { title: "Edited" } : {}))));
    expect(await importSourceFile(db, edited, { batchSize: 1000 })).toEqual({ created: 0, updated: 1, unchanged: n - 1, rejected: [] });
    const changes = (await db.changes.read({ after: checkpoint })).changes;
    expect(changes.map((c) => (c.kind === "upsert" ? c.source.title : c.kind))).toEqual(["Edited"]);
  });

  it("keeps a stored status when the row gives none, and sets one when it does", async () => {
    const created = await db.sources.create(source(9000));
    await db.sources.update(created.id, { status: "active" });
    const jsonl = await file("status.jsonl", [JSON.stringify(source(9000, { title: "Renamed" })), JSON.stringify(source(9001, { status: "failed" }))]);
    expect(await importSourceFile(db, jsonl)).toMatchObject({ created: 1, updated: 1, unchanged: 0 });
    expect(await db.sources.get(created.id)).toMatchObject({ title: "Renamed", status: "active" });
    expect((await db.sources.get(source(9001).url))?.status).toBe("failed");
  });

  it("reports bad rows by line across batches and writes nothing for them", async () => {
    const before = await db.sources.count();
    const jsonl = await file("bad.jsonl", [
      JSON.stringify(source(9100)),
      "{not json",
      "",
      JSON.stringify(source(9101, { url: "javascript:alert(1)" })),
      "[1, 2]",
      JSON.stringify(source(9102, { sourceType: "podcast" })),
      JSON.stringify(source(9103)),
    ]);
    const report = await importSourceFile(db, jsonl, { batchSize: 2 });
    expect(report).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    expect(report.rejected).toEqual([
      { line: 2, error: expect.stringContaining("invalid JSON") },
      { line: 4, error: expect.stringContaining("url") },
      { line: 5, error: "expected a JSON object" },
      { line: 6, error: expect.stringContaining("sourceType") },
    ]);
    expect(await db.sources.count()).toBe(before + 2);
  });

  it("applies a url repeated in the file in order, within and across batches", async () => {
    const jsonl = await file("dup.jsonl", [
      JSON.stringify(source(9200, { title: "one" })),
      JSON.stringify(source(9200, { url: "HTTPS://IMPORT-9200.example.test/docs/", title: "two" })),
      JSON.stringify(source(9201)),
      JSON.stringify(source(9200, { title: "two" })),
      JSON.stringify(source(9200, { title: "three" })),
    ]);
    expect(await importSourceFile(db, jsonl, { batchSize: 3 })).toEqual({ created: 2, updated: 2, unchanged: 1, rejected: [] });
    expect((await db.sources.get(source(9200).url))?.title).toBe("three");
  });

  it("imports CSV with quotes, empty cells and multi-line fields, by line", async () => {
    const csv = await file("s.csv", [
      "url,title,sourceType,authorityTier,description",
      'https://csv-1.example.test,"One, quoted",blog,tier_3_community,',
      'https://csv-2.example.test,Two,repository,tier_2_trusted,"multi\nline"',
      "https://csv-3.example.test,Three,zine,tier_2_trusted,",
    ]);
    const report = await importSourceFile(db, csv, { batchSize: 1 });
    expect(report).toEqual({ created: 2, updated: 0, unchanged: 0, rejected: [{ line: 5, error: expect.stringContaining("sourceType") }] });
    expect(await db.sources.get("https://csv-2.example.test")).toMatchObject({ title: "Two", description: "multi\nline" });
    expect(await importSourceFile(db, csv)).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
  });

  it("reports CSV the parser gives up on with its line, after importing the rows before it", async () => {
    const csv = await file("broken.csv", ["url,title,sourceType,authorityTier", "https://csv-9.example.test,Nine,blog,tier_3_community", 'https://csv-10.example.test,"unterminated,blog,tier_3_community']);
    const report = await importSourceFile(db, csv);
    expect(report.created).toBe(1);
    expect(report.rejected).toEqual([{ line: expect.any(Number), error: expect.stringContaining("invalid CSV") }]);
  });
});

describe("importSources", () => {
  it("takes any async iterable of rows, e.g. a stream", async () => {
    const text = `${JSON.stringify(source(9300))}\n${JSON.stringify(source(9301))}\n`;
    expect(await importSources(db, readSourceFile(Readable.from([text]), "jsonl"))).toMatchObject({ created: 2 });
    expect(await importSources(db, [{ line: 7, data: source(9300) }, { line: 8, error: "nope" }])).toEqual({
      created: 0,
      updated: 0,
      unchanged: 1,
      rejected: [{ line: 8, error: "nope" }],
    });
  });
});
