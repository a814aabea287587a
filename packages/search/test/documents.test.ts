import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ChromaStore } from "@kmcp/chroma-store";
import type { Db } from "@kmcp/db";
import { makeDocx, makePdf } from "@kmcp/testing/documents";
import { startPrivatePostgres } from "@kmcp/testing/postgres";
import { isolatedStore, migratedDb } from "@kmcp/testing-kmcp";
import { createSyncManager, type OfflineSyncManager } from "@kmcp/sync-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIngester, createLocalEmbedder, createSearch, type IngestReport, type Search } from "../src/index.js";

const embedder = createLocalEmbedder();

/** Lines of filler about a topic, about a page's worth, so each page makes roughly one chunk. */
const filler = (topic: string, count = 12) =>
  Array.from({ length: count }, (_, i) => `Line ${i + 1} about ${topic}: routine notes on ${topic} that any operator may read.`);

describe("ingesting PDF and Word files", () => {
  let postgres: Awaited<ReturnType<typeof startPrivatePostgres>>;
  let db: Db;
  let store: ChromaStore;
  let sync: OfflineSyncManager;
  let search: Search;
  let dir: string;
  let report: IngestReport;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    db = await migratedDb(postgres.url);
    store = isolatedStore();
    dir = await mkdtemp(path.join(tmpdir(), "kmcp-docs-"));
    const pdf = await makePdf(
      [
        filler("installation"),
        filler("configuration"),
        ["The quokka failover drill runs every third Thursday at dawn.", ...filler("failover", 10)],
        filler("monitoring"),
      ],
      { title: "Runbook" },
    );
    await writeFile(path.join(dir, "runbook.pdf"), pdf);
    await writeFile(
      path.join(dir, "handbook.docx"),
      await makeDocx([
        { heading: "Welcome", paragraphs: ["This handbook explains how the team works."] },
        { heading: "Quarterly penguin audit", paragraphs: ["Penguin audits count every flipper in the colony before the quarter closes."] },
      ]),
    );
    await writeFile(path.join(dir, "broken.pdf"), pdf.slice(0, 300));
    await writeFile(path.join(dir, "renamed.pdf"), "I am a text file with a .pdf name.\n");
    report = await createIngester({ db, store, embedder }).ingestFiles([dir]);
    sync = createSyncManager({ db, store });
    await sync.syncSources();
    search = createSearch({ store, embedder, mirrorAsOf: sync.mirrorAsOf });
  });
  afterAll(async () => {
    await sync?.stop();
    await postgres?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("ingests the readable files and names each unreadable one with the reason", () => {
    expect(report.documents.map((d) => [path.basename(d.path ?? ""), d.outcome])).toEqual([
      ["handbook.docx", "added"],
      ["runbook.pdf", "added"],
    ]);
    expect(report.documents.find((d) => d.path?.endsWith("runbook.pdf"))?.title).toBe("Runbook");
    const failed = Object.fromEntries(report.failed.map((f) => [path.basename(f.path), f]));
    expect(Object.keys(failed).sort()).toEqual(["broken.pdf", "renamed.pdf"]);
    expect(failed["broken.pdf"]).toMatchObject({ code: "UNREADABLE", error: expect.stringMatching(/broken\.pdf: The PDF is damaged/) });
    expect(failed["renamed.pdf"]).toMatchObject({
      code: "MISMATCH",
      error: expect.stringContaining("renamed.pdf: The file name renamed.pdf says a PDF, but the content is plain text."),
    });
    for (const f of report.failed) expect(f.error).not.toContain("\n");
  });

  it("writes nothing for the unreadable files", async () => {
    for (const name of ["broken.pdf", "renamed.pdf"]) {
      expect(await db.sources.get(pathToFileURL(path.join(dir, name)).href)).toBeNull();
    }
    expect(await store.chunks.tally()).toMatchObject({ sources: 2 });
  });

  it("finds a phrase from page 3 of the PDF and cites page 3", async () => {
    const { results } = await search.search({ query: "quokka failover drill third Thursday", limit: 3 });
    const [first] = results;
    expect(first?.source.title).toBe("Runbook");
    expect(first?.text).toContain("quokka failover drill");
    const [from, to = from] = (first?.pages ?? "").split("-").map(Number);
    expect(from! <= 3 && 3 <= to!, `pages ${first?.pages}`).toBe(true);
    expect(first?.pages).toMatch(/^(3|2-3|3-4)$/);
  });

  it("keeps a Word heading in the result's heading path", async () => {
    const { results } = await search.search({ query: "penguin audit flipper colony", limit: 3 });
    expect(results[0]?.headingPath).toContain("Quarterly penguin audit");
    expect(results[0]?.pages).toBeNull();
  });

  it("re-ingesting the same files writes nothing and reports the same failures", async () => {
    const again = await createIngester({ db, store, embedder }).ingestFiles([dir]);
    expect(again.documents.map((d) => d.outcome)).toEqual(["unchanged", "unchanged"]);
    expect(again.failed).toHaveLength(2);
  });
});
