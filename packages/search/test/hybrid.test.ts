import { createChromaStore } from "@kmcp/chroma-store";
import { isolatedStore, migratedDb } from "@kmcp/testing-kmcp";
import { createSyncManager } from "@kmcp/sync-core";
import { describe, expect, it } from "vitest";
import { createIngester, createLocalEmbedder, createSearch } from "../src/index.js";

const embedder = createLocalEmbedder();
const doc = (n: number, body: string) => ({ url: `https://docs.example.test/${n}`, content: `# Page ${n}\n\n${body}\n`, format: "markdown" as const });

describe("hybrid search over Chroma", () => {
  it("finds identifiers and phrases exactly, sees another client's ingest within 5 s, and forgets removed sources in both halves", async () => {
    const db = await migratedDb();
    const store = isolatedStore();
    const sync = createSyncManager({ db, store });
    const ingester = createIngester({ db, store, embedder });
    const pages = [
      "Requiring an ES module from CommonJS throws ERR_REQUIRE_ESM; use a dynamic import instead.",
      "An error is thrown when you require an ESM module; older versions of Node behave differently when modules require modules.",
      "In CI run pnpm install --frozen-lockfile so that the lockfile is never rewritten by the install.",
      "The lockfile pins versions. A frozen install fails when the lockfile and package.json disagree.",
    ];
    for (const [n, body] of pages.entries()) await ingester.ingestDocument(doc(n, body), {});
    await sync.syncSources();
    const search = createSearch({ store, embedder, lexicalRefreshMs: 200 });
    const top = async (query: string) => (await search.search({ query, limit: 3 })).results.map((r) => r.source.url);

    expect((await top("ERR_REQUIRE_ESM"))[0]).toBe("https://docs.example.test/0");
    expect((await top('"--frozen-lockfile"'))).toEqual(["https://docs.example.test/2"]);
    expect((await top('lockfile "frozen install"'))).toEqual(["https://docs.example.test/3"]);
    const [explained] = (await search.search({ query: "ERR_REQUIRE_ESM", limit: 1, explain: true })).results;
    expect(explained?.explain).toMatchObject({ mode: "hybrid", lexicalRank: 1 });

    // Another client (as another process would) ingests; this search sees it without restart.
    const other = createChromaStore({ url: store.url, collectionPrefix: store.collections.chunks.replace(/source_chunks$/, "") });
    const otherIngester = createIngester({ db, store: other, embedder });
    const added = await otherIngester.ingestDocument(doc(9, "The io_submit call queues asynchronous I/O; the OOM killer sends SIGKILL."), {});
    await createSyncManager({ db, store: other }).syncSources();
    const started = Date.now();
    let seen: string[] = [];
    while (Date.now() - started < 5_000 && seen[0] !== "https://docs.example.test/9") {
      seen = await top("io_submit SIGKILL");
      if (seen[0] !== "https://docs.example.test/9") await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen[0]).toBe("https://docs.example.test/9");
    expect(Date.now() - started).toBeLessThan(5_000);

    // Removing its chunks removes them from the vector side and, at the next refresh, the lexical side.
    await other.chunks.deleteSources([added.sourceId]);
    await new Promise((r) => setTimeout(r, 300));
    for (const mode of ["hybrid", "lexical", "vector"] as const) {
      const { results } = await search.search({ query: "io_submit SIGKILL", limit: 10, mode });
      expect(results.map((r) => r.source.id), mode).not.toContain(added.sourceId);
    }
    await other.close();
    await sync.stop();
  }, 60_000);
});
