import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ChromaStore, ChunkInput } from "@kmcp/chroma-store";
import type { Db } from "@kmcp/db";
import { startPrivateChroma } from "@kmcp/testing/chroma";
import { isolatedStore, migratedDb } from "@kmcp/testing-kmcp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pathToFileURL } from "node:url";
import { createIngester, createLocalEmbedder, type Embedder } from "../src/index.js";

const FILES = 12;
let dir: string;

/** Twelve Markdown files of two or three sections each (so one to three chunks each). */
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "kmcp-batched-"));
  for (let n = 0; n < FILES; n++) {
    const sections = Array.from({ length: 1 + (n % 3) }, (_, s) => `## Part ${s}\n\n${`Guide ${n} part ${s} explains the ${["heron", "otter", "badger"][s]} procedure in detail. `.repeat(30)}`);
    await writeFile(path.join(dir, `guide-${String(n).padStart(2, "0")}.md`), `# Guide ${n}\n\n${sections.join("\n\n")}\n`);
  }
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/**
 * The real store with its upserts logged, the `held`-th one (1-based) waiting for `until()` first:
 * while it waits, the ingest prepares the other files, so what it queued meanwhile shows in the next upsert.
 */
function holdingUpsert(store: ChromaStore, held: number, until: () => Promise<void>) {
  const upserts: string[][] = [];
  const wrapped: ChromaStore = {
    ...store,
    chunks: {
      ...store.chunks,
      upsert: async (space, chunks: readonly ChunkInput[]) => {
        upserts.push([...new Set(chunks.map((chunk) => chunk.sourceId))]);
        if (upserts.length === held) await until();
        return store.chunks.upsert(space, chunks);
      },
    },
  };
  return { store: wrapped, upserts };
}

/** The local embedder, and a promise that resolves once it has embedded `count` documents. */
function countingEmbedder(count: number): { embedder: Embedder; embedded: Promise<void> } {
  const local = createLocalEmbedder();
  let calls = 0;
  let done!: () => void;
  const embedded = new Promise<void>((resolve) => (done = resolve));
  const embedder: Embedder = {
    id: local.id,
    dimension: local.dimension,
    async embed(texts) {
      const vectors = await local.embed(texts);
      if (++calls === count) done();
      return vectors;
    },
  };
  return { embedder, embedded };
}

/** Every source's chunks: complete (indexes 0..n-1 of one version, n of n), or none at all. */
async function chunkStates(db: Db, store: ChromaStore) {
  const { items } = await db.sources.list({ limit: 100 });
  return Promise.all(
    items.map(async (source) => {
      const chunks = await store.chunks.ofSource(source.id);
      const complete = chunks.length > 0 && chunks.every((c, i) => c.index === i && c.count === chunks.length && c.contentHash === chunks[0]!.contentHash);
      return { url: source.url, state: chunks.length === 0 ? "none" : complete ? "complete" : "partial", chunks: chunks.length };
    }),
  );
}

describe("ingest writes chunks in batches across documents", () => {
  it("puts everything prepared while a write runs into the next write, and every document ends complete", async () => {
    const db = await migratedDb();
    const real = isolatedStore();
    const { embedder, embedded } = countingEmbedder(FILES);
    const held = holdingUpsert(real, 1, () => embedded);
    const ingester = createIngester({ db, store: held.store, embedder });
    const progress: number[] = [];
    const report = await ingester.ingestFiles([dir], { onProgress: ({ done }) => void progress.push(done) });

    expect(report.totals).toMatchObject({ added: FILES, sourcesCreated: FILES });
    // The first document alone, then the eleven prepared while it was held, in one upsert.
    expect(held.upserts.map((sources) => sources.length)).toEqual([1, FILES - 1]);
    expect(progress).toEqual(Array.from({ length: FILES }, (_, i) => i + 1));
    expect(report.documents.map((d) => path.basename(d.path!))).toEqual(Array.from({ length: FILES }, (_, n) => `guide-${String(n).padStart(2, "0")}.md`));
    const states = await chunkStates(db, real);
    expect(states.map((s) => s.state)).toEqual(Array(FILES).fill("complete"));
    expect(await real.chunks.count()).toBe(report.totals.chunksWritten);
  });
});

/** The database with its source reads and writes counted: the urls of each getByUrls and upsertMany call. */
function countingDb(db: Db) {
  const calls: { getByUrls: number[]; upsertMany: number[] } = { getByUrls: [], upsertMany: [] };
  const sources: Db["sources"] = {
    ...db.sources,
    getByUrls: (urls) => (calls.getByUrls.push(urls.length), db.sources.getByUrls(urls)),
    upsertMany: (inputs) => (calls.upsertMany.push(inputs.length), db.sources.upsertMany(inputs)),
  };
  return { db: { ...db, sources }, calls };
}

describe("ingest prepares files in groups", () => {
  it("reads and creates the sources of a group together; a damaged file in the middle writes nothing, the rest of its group and the next land", async () => {
    const mixed = await mkdtemp(path.join(tmpdir(), "kmcp-grouped-"));
    try {
      await cp(dir, mixed, { recursive: true });
      // Sorted between guide-04.md and guide-05.md: the third file of the third group (groups of
      // 1, 2, 4, then 8: the first file goes alone, so Chroma has work early).
      await writeFile(path.join(mixed, "guide-04b.pdf"), "I am a text file with a .pdf name.\n");
      const real = isolatedStore();
      const { db, calls } = countingDb(await migratedDb());
      const report = await createIngester({ db, store: real, embedder: createLocalEmbedder() }).ingestFiles([mixed]);

      expect(report.failed).toEqual([expect.objectContaining({ path: path.join(mixed, "guide-04b.pdf"), error: expect.stringContaining("guide-04b.pdf: ") })]);
      expect(report.totals).toMatchObject({ added: FILES, sourcesCreated: FILES });
      expect(report.documents.map((d) => path.basename(d.path!))).toEqual(Array.from({ length: FILES }, (_, n) => `guide-${String(n).padStart(2, "0")}.md`));
      expect(await db.sources.get(pathToFileURL(path.join(mixed, "guide-04b.pdf")).href)).toBeNull();
      const states = await chunkStates(db, real);
      expect(states.map((s) => s.state)).toEqual(Array(FILES).fill("complete"));
      expect(await real.chunks.count()).toBe(report.totals.chunksWritten);
      // Thirteen files, groups of 1, 2, 4 and 6: each group's sources read in one query and created
      // in one upsert and one read back (five round trips a file before), the damaged file in none.
      expect(calls.upsertMany).toEqual([1, 2, 3, 6]);
      expect(calls.getByUrls).toEqual([1, 1, 2, 2, 3, 3, 6, 6]);

      // Again: every source is found in the group's one query, nothing is created or written.
      calls.getByUrls.length = 0;
      calls.upsertMany.length = 0;
      const again = await createIngester({ db, store: real, embedder: createLocalEmbedder() }).ingestFiles([mixed]);
      expect(again.totals).toMatchObject({ unchanged: FILES, sourcesCreated: 0, chunksWritten: 0 });
      expect(again.failed).toHaveLength(1);
      expect(calls).toEqual({ getByUrls: [1, 2, 3, 6], upsertMany: [] });
    } finally {
      await rm(mixed, { recursive: true, force: true });
    }
  });
});

describe("an ingest whose Chroma is killed mid-way", () => {
  it("leaves every document complete or without chunks, and the next run completes the rest", async () => {
    const chroma = await startPrivateChroma();
    try {
      const db = await migratedDb();
      const real = isolatedStore(chroma.url, { requestTimeoutMs: 5_000 });
      // The first document is written; the second write waits until every file is prepared, then
      // Chroma is SIGKILLed, so that write fails with everything after it queued.
      const { embedder, embedded } = countingEmbedder(FILES);
      const held = holdingUpsert(real, 2, async () => {
        await embedded;
        await chroma.kill();
      });
      const ingester = createIngester({ db, store: held.store, embedder });
      await expect(ingester.ingestFiles([dir])).rejects.toMatchObject({ name: "ChromaStoreError" });

      await chroma.start();
      const afterCrash = await chunkStates(db, real);
      // Every source was created before its chunks were written; none has part of its chunks.
      expect(afterCrash).toHaveLength(FILES);
      expect(afterCrash.filter((s) => s.state === "partial")).toEqual([]);
      expect(afterCrash.filter((s) => s.state === "complete")).toEqual([expect.objectContaining({ url: expect.stringMatching(/guide-00\.md$/) })]);

      const rerun = await createIngester({ db, store: real, embedder: createLocalEmbedder() }).ingestFiles([dir]);
      expect(rerun.failed).toEqual([]);
      expect(rerun.totals.sourcesCreated).toBe(0);
      expect(rerun.totals).toMatchObject({ unchanged: 1, added: FILES - 1 });
      const repaired = await chunkStates(db, real);
      expect(repaired.map((s) => s.state)).toEqual(Array(FILES).fill("complete"));
      expect(await real.chunks.count()).toBe(repaired.reduce((sum, s) => sum + s.chunks, 0));
    } finally {
      await chroma.destroy();
    }
  });
});
