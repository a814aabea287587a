import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ChromaStore, ChunkInput } from "@kmcp/chroma-store";
import type { Db } from "@kmcp/db";
import { startPrivateChroma } from "@kmcp/testing/chroma";
import { isolatedStore, migratedDb } from "@kmcp/testing-kmcp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
