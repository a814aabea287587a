import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startPrivateChroma } from "@kmcp/testing/chroma";
import { startChromaCloudProxy, type ChromaCloudProxy } from "@kmcp/testing/chroma-cloud-proxy";
import { startPrivatePostgres } from "@kmcp/testing/postgres";
import { cleanUp } from "@kmcp/testing/clean-up";
import { beforeAll, describe, expect, it } from "vitest";
import { createKmcp, createLogger, importSources, parseKmcpEnv } from "../src/index.js";

// kmcp on Chroma Cloud's contract, tested without Chroma Cloud: a loopback proxy in front of a
// real Chroma server refuses, as Cloud does, requests without the API key and any over 300
// records per write, 300 results per read or 10 requests in flight per collection. A private
// Chroma server, because createKmcp uses the default collection names.
const API_KEY = "ck-flow-Q3v9Lp2Xw7Rt5Zk";
const SOURCES = 3_000;

describe("kmcp on Chroma Cloud's contract", () => {
  let proxy: ChromaCloudProxy;
  let postgres: Awaited<ReturnType<typeof startPrivatePostgres>>;
  let env: Record<string, string>;
  const logs: string[] = [];
  const seen: string[] = []; // every text a failure or report could surface through

  beforeAll(async () => {
    const [chroma, pg] = await Promise.all([startPrivateChroma(), startPrivatePostgres()]);
    postgres = pg;
    cleanUp(() => Promise.all([chroma.destroy(), postgres.destroy()]));
    proxy = await startChromaCloudProxy(chroma.url, { apiKey: API_KEY });
    cleanUp(() => proxy.close());
    const home = await mkdtemp(path.join(tmpdir(), "kmcp-cloud-"));
    env = { DATABASE_URL: postgres.url, CHROMA_URL: proxy.url, CHROMA_API_KEY: API_KEY, KMCP_HOME: home, KMCP_SYNC_INTERVAL_MS: "3600000", KMCP_LOG_LEVEL: "debug" };
  });

  function open(extra: Record<string, string> = {}) {
    const config = parseKmcpEnv({ ...env, ...extra });
    return createKmcp({ config, logger: createLogger(config, { write: (line) => logs.push(line) }), warmMirror: true });
  }

  it("syncs, ingests, searches, removes and reads offline, every request within Cloud's quotas", async () => {
    const kmcp = open();
    try {
      const services = await kmcp.ready();
      const rows = Array.from({ length: SOURCES }, (_, i) => ({
        line: i + 1,
        data: { url: `https://cloud-${i}.example.test/`, title: `Cloud ${i}`, sourceType: "documentation", authorityTier: i % 2 ? "tier_2_trusted" : "tier_1_canonical" },
      }));
      expect((await importSources(services.db, rows)).created).toBe(SOURCES);
      const sync = await services.sync.syncSources({ mode: "full" });
      expect(sync).toMatchObject({ upserted: SOURCES });
      expect(await services.store.sources.count()).toBe(SOURCES);

      // One document of more chunks than one write may carry.
      const dir = await mkdtemp(path.join(tmpdir(), "kmcp-cloud-docs-"));
      const file = path.join(dir, "handbook.md");
      const sections = Array.from({ length: 420 }, (_, i) => `## Section ${i}\n\nThe quota handbook, part ${i}, explains batch number ${i} and its careful retries.`);
      await writeFile(file, `# Quota handbook\n\n${sections.join("\n\n")}\n`);
      const run = await services.ingest([file], { chunking: { maxChars: 200, overlapChars: 0 } });
      expect(run.report.failed).toEqual([]);
      const chunks = await services.store.chunks.count();
      expect(chunks).toBeGreaterThan(300);

      const found = await services.search.search({ query: "quota handbook batch 417 retries", limit: 5 });
      expect(found.results.length).toBeGreaterThan(0);
      expect(found.results[0]?.source.title).toBe("Quota handbook");

      const removed = (await services.catalog.get("https://cloud-7.example.test/")).source!;
      await services.removeSource(removed.id);
      await services.sync.syncSources({ mode: "incremental" });
      expect(await services.store.sources.count()).toBe(SOURCES); // one removed, the handbook added
      expect(await services.store.sources.get(removed.id)).toBeNull();
      seen.push(JSON.stringify(await services.health.report()), JSON.stringify(services.describe()), JSON.stringify(await services.sync.getState()));
    } finally {
      await kmcp.close();
    }

    // PostgreSQL down: a fresh process answers from the mirror, reading it whole into memory.
    await postgres.stop();
    const offline = open();
    try {
      const services = await offline.ready();
      const page = await services.catalog.list({ limit: 1_000 });
      expect(page.origin).toBe("mirror");
      expect(page.items).toHaveLength(1_000);
      expect(await services.catalog.count()).toMatchObject({ count: SOURCES, origin: "mirror" });
      const hits = await services.search.search({ query: "careful retries", limit: 3 });
      expect(hits.results[0]?.source.title).toBe("Quota handbook");
      seen.push(JSON.stringify(await services.health.report()));
    } finally {
      await offline.close();
      await postgres.start();
    }

    const stats = proxy.stats();
    expect(stats.refused).toEqual([]);
    expect(stats.unauthorized).toBe(0);
    expect(stats.largestWrite).toBe(300);
    expect(stats.largestRead).toBe(300);
    expect(stats.largestQuery).toBe(300);
    expect(stats.peakInFlight).toBeLessThanOrEqual(10);
  });

  it("never shows the API key: not in logs, reports or errors, even when it is refused", async () => {
    const wrong = open({ CHROMA_API_KEY: `${API_KEY}-revoked` });
    try {
      const services = await wrong.ready();
      const failure = await services.store.sources.count().catch((error: unknown) => error as Error & { code?: string });
      expect(failure).toMatchObject({ code: "UNAUTHORIZED" });
      for (let error: unknown = failure; error instanceof Error; error = error.cause) seen.push(error.message, error.stack ?? "", JSON.stringify((error as { data?: unknown }).data ?? null));
      seen.push(JSON.stringify(await services.health.report()));
    } finally {
      await wrong.close();
    }
    expect(proxy.stats().unauthorized).toBeGreaterThan(0);
    const everything = [...logs, ...seen].join("\n");
    expect(logs.length).toBeGreaterThan(0);
    expect(everything).toContain("check the API key"); // the refusal itself was captured
    // Whole, or any 8-character run of it (a server may echo a key half-masked).
    for (let start = 0; start + 8 <= API_KEY.length; start++) expect(everything).not.toContain(API_KEY.slice(start, start + 8));
  });
});
