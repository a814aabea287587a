import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Embedder } from "./embedder.js";
import { createLocalEmbedder } from "./local-embedder.js";
import { createPreparer, type Preparer } from "./preparer.js";

// The pool's threads run the built worker (dist/prepare-worker.js): these tests run after the build.
const GUIDE = `# Guide\n\n## Install\n\n${"Install the heron package with the package manager. ".repeat(40)}\n\n## Use\n\n${"Call the otter function to start. ".repeat(30)}`;
const PAGED = { content: "Page one text.\n\nPage two text about badgers.", pages: [{ page: 1, start: 0, end: 14 }, { page: 2, start: 16, end: 44 }] };

let dir: string;
const preparers: Preparer[] = [];
const preparer = (embedder: Embedder, threads: number) => {
  const made = createPreparer({ embedder, threads });
  preparers.push(made);
  return made;
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "kmcp-preparer-"));
  await writeFile(path.join(dir, "guide.md"), GUIDE);
  await writeFile(path.join(dir, "page.html"), "<html><head><title>Heron care</title></head><body><nav>Menu</nav><article><h1>Heron care</h1><p>Herons eat fish every day, mostly at dawn.</p></article></body></html>");
  await writeFile(path.join(dir, "fake.pdf"), "this is plain text, not a PDF");
});
afterAll(async () => {
  await Promise.all(preparers.map((made) => made.close()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("createPreparer", () => {
  it("prepares in its worker threads exactly what the calling thread prepares", async () => {
    const embedder = createLocalEmbedder();
    const [pool, inline] = [preparer(embedder, 2), preparer(embedder, 0)];
    const documents = [
      { content: GUIDE, format: "markdown" as const, chunking: { maxChars: 400, overlapChars: 50 }, label: "Guide" },
      { ...PAGED, format: "text" as const, chunking: {}, label: "Paged" },
    ];
    const pooled = await pool.chunk(documents);
    expect(pooled).toEqual(await inline.chunk(documents));
    expect(pooled[0]?.pieces.length).toBeGreaterThan(2);
    expect(pooled[0]?.vectors).toHaveLength(pooled[0]?.pieces.length ?? -1);
    expect(pooled[1]?.pages).toEqual(["1-2"]);
    for (const file of ["guide.md", "page.html"]) {
      const kind = file.endsWith(".md") ? "markdown" : "html";
      expect(await pool.read(path.join(dir, file), kind)).toEqual(await inline.read(path.join(dir, file), kind));
    }
    expect((await pool.read(path.join(dir, "page.html"), "html")).content).not.toContain("Menu");
  });

  it("throws a task's ExtractError or SearchError as the calling thread would, and goes on with the next task", async () => {
    const pool = preparer(createLocalEmbedder(), 1);
    await expect(pool.read(path.join(dir, "fake.pdf"), "pdf")).rejects.toMatchObject({ name: "ExtractError", code: "MISMATCH" });
    await expect(pool.read(path.join(dir, "missing.md"), "markdown")).rejects.toMatchObject({ name: "SearchError", code: "READ", message: expect.stringContaining("missing.md") });
    await expect(pool.chunk([{ content: "x", format: "markdown", chunking: { maxChars: 10 }, label: "x" }])).rejects.toMatchObject({ name: "SearchError", code: "VALIDATION" });
    await expect(pool.extract({ bytes: new TextEncoder().encode("<p>Otters</p>"), kind: "html" })).resolves.toMatchObject({ kind: "html", markdown: expect.stringContaining("Otters") });
  });

  it("calls any other embedder (a remote API, a wrapper) in the calling thread, once for all the documents", async () => {
    const local = createLocalEmbedder();
    const calls: number[] = [];
    const wrapped: Embedder = { id: local.id, dimension: local.dimension, embed: async (texts) => (calls.push(texts.length), local.embed(texts)) };
    const documents = [GUIDE, "# Short\n\nOne line.", ""].map((content) => ({ content, format: "markdown" as const, chunking: {}, label: "Doc" }));
    const fromWrapper = await preparer(wrapped, 1).chunk(documents);
    expect(calls).toEqual([fromWrapper.reduce((sum, d) => sum + d.pieces.length, 0)]);
    expect(fromWrapper[2]).toEqual({ pieces: [], pages: null, vectors: [] });
    expect(fromWrapper).toEqual(await preparer(local, 1).chunk(documents));
  });

  it("closes unused or twice, and refuses tasks once closed", async () => {
    const pool = createPreparer({ embedder: createLocalEmbedder(), threads: 1 });
    await pool.close();
    await pool.close();
    await expect(pool.read(path.join(dir, "guide.md"), "markdown")).rejects.toThrow(/closed/);
  });
});
