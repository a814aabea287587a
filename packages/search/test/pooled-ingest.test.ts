import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ChromaStore } from "@kmcp/chroma-store";
import { isolatedStore, migratedDb } from "@kmcp/testing-kmcp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIngester, createLocalEmbedder, type IngestReport } from "../src/index.js";

const embedder = createLocalEmbedder();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "kmcp-pooled-"));
  for (const [n, topic] of ["heron", "otter", "badger"].entries()) {
    await writeFile(path.join(dir, `guide-${n}.md`), `# Guide ${n}\n\n## ${topic}\n\n${`The ${topic} procedure, step by step. `.repeat(80)}\n`);
  }
  await writeFile(path.join(dir, "page.html"), "<html><head><title>Heron care</title></head><body><nav>Menu</nav><article><h1>Heron care</h1><p>Herons eat fish every day, mostly at dawn.</p></article></body></html>");
  await writeFile(path.join(dir, "fake.pdf"), "this is plain text, not a PDF");
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Ingests the folder into a fresh database and collection with `prepareThreads` worker threads. */
async function ingestWith(prepareThreads: number) {
  const [db, store] = [await migratedDb(), isolatedStore()];
  const report = await createIngester({ db, store, embedder, prepareThreads }).ingestFiles([dir]);
  return { store, report };
}

/** Each document's chunks as stored (text, headings, position, version) and their distances to a query: equal distances, equal vectors. */
async function storedChunks(store: ChromaStore, report: IngestReport) {
  const [query] = await embedder.embed(["the heron procedure"]);
  const matches = await store.chunks.query({ embedder: embedder.id, dimension: embedder.dimension! }, query!, { limit: 100, text: false });
  return Promise.all(
    report.documents.map(async (document) => {
      const chunks = await store.chunks.ofSource(document.sourceId);
      const records = await store.chunks.records(chunks.map((c) => c.id));
      return records
        .map(({ index, count, contentHash, text, headingPath, id }) => ({ index, count, contentHash, text, headingPath, distance: matches.find((m) => m.id === id)?.distance }))
        .sort((a, b) => a.index - b.index);
    }),
  );
}

describe("ingestFiles on a worker pool", () => {
  it("stores the same chunks and vectors, and reports the same (a damaged file failed with its code), as in the calling thread", async () => {
    const pooled = await ingestWith(1);
    const inThread = await ingestWith(0);

    const withoutIds = (report: IngestReport) => ({ ...report, documents: report.documents.map(({ sourceId: _, ...rest }) => rest) });
    expect(withoutIds(pooled.report)).toEqual(withoutIds(inThread.report));
    expect(pooled.report.failed).toEqual([expect.objectContaining({ path: path.join(dir, "fake.pdf"), code: "MISMATCH" })]);
    expect(pooled.report.totals).toMatchObject({ added: 4, sourcesCreated: 4 });

    const pooledChunks = await storedChunks(pooled.store, pooled.report);
    expect(pooledChunks.flat().length).toBe(pooled.report.totals.chunksWritten);
    expect(pooledChunks.flat().every((c) => c.distance !== undefined && c.text.length > 0)).toBe(true);
    expect(pooledChunks).toEqual(await storedChunks(inThread.store, inThread.report));
  });
});
