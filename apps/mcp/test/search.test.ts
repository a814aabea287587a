/**
 * knowledge_search over stdio, against real PostgreSQL and Chroma holding part of the shipped
 * search corpus (@kmcp/search's corpus/), ingested before the server starts.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { AuthorityTier, SourceType } from "@kmcp/core";
import type { LocalChroma, LocalPostgres } from "@kmcp/local-servers";
import { createKmcp, parseKmcpEnv } from "@kmcp/runtime";
import type { SearchResult } from "@kmcp/search";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { call, connectStdio, openAiEmbedderEnv, startRefusingEmbeddings, startStores, tempHome, text } from "./harness.js";

const CORPUS_DIR = fileURLToPath(new URL("../../../packages/search/corpus/", import.meta.url));
const BASE_URL = "https://corpus.example.test/";
const readCorpus = <T>(file: string): T => JSON.parse(readFileSync(path.join(CORPUS_DIR, file), "utf8")) as T;
const manifest = readCorpus<{ file: string; title: string; sourceType: SourceType; authorityTier: AuthorityTier }[]>("manifest.json");
const queries = readCorpus<{ query: string; expected: string; hard?: boolean }[]>("queries.json");

/** A few documents of each type and tier, a canonical/community pair, and one that gets archived. */
const FILES = [
  "postgres-vacuum.md",
  "kubernetes-pod-autoscaling.md",
  "git-rebase-vs-merge.md",
  "http-caching-headers.md",
  "raft-consensus.md",
  "tls-rotation-official.md",
  "tls-rotation-blog.md",
  "bloom-filters.txt",
];
const ARCHIVED = "bloom-filters.txt";
const fileOf = (url: string) => url.slice(BASE_URL.length);
const queryFor = (file: string) => queries.find((q) => q.expected === file && !q.hard)!.query;

const resultsOf = (r: Awaited<ReturnType<typeof call>>) => r.structuredContent!.results as SearchResult[];

describe("knowledge_search over stdio", () => {
  let postgres: LocalPostgres;
  let chroma: LocalChroma;
  let session: Awaited<ReturnType<typeof connectStdio>>;
  let client: Client;
  let password: string;
  let chunkTotal: number;
  let env: Record<string, string>;

  beforeAll(async () => {
    ({ postgres, chroma, env } = await startStores());
    password = decodeURIComponent(new URL(postgres.url).password);
    // The server's own wiring on the same env: same database, same Chroma collections (the
    // default kmcp_ prefix), same (local) embedder.
    const kmcp = createKmcp({ config: parseKmcpEnv(env) });
    try {
      const { ingester, db, sync } = await kmcp.ready();
      for (const file of FILES) {
        const { sourceType, authorityTier } = manifest.find((e) => e.file === file)!;
        const report = await ingester.ingestFiles([file], { root: CORPUS_DIR, baseUrl: BASE_URL, sourceType, authorityTier });
        expect(report.documents.map((d) => d.outcome)).toEqual(["added"]);
        chunkTotal = (chunkTotal ?? 0) + report.totals.chunksWritten;
        if (file === ARCHIVED) await db.sources.archive(report.documents[0]!.sourceId);
      }
      await sync.syncSources();
    } finally {
      await kmcp.close();
    }
    session = await connectStdio(env);
    client = session.client;
  });
  afterAll(async () => {
    await session?.close();
    await Promise.all([postgres?.destroy(), chroma?.destroy()]);
  });

  it("is listed with the shared query schema", async () => {
    const { tools } = await client.listTools();
    const tool = tools.find((t) => t.name === "knowledge_search");
    expect(tool?.description).toMatch(/citation/);
    // It tells the assistant how to query: keywords or phrases, exact identifiers in quotes.
    expect(tool?.description).toMatch(/keywords/);
    expect(tool?.description).toMatch(/double quotes \("ERR_REQUIRE_ESM"/);
    expect(tool?.annotations).toMatchObject({ readOnlyHint: true });
    expect(tool?.inputSchema).toMatchObject({
      type: "object",
      required: ["query"],
      additionalProperties: false,
      properties: {
        query: { type: "string", minLength: 1, maxLength: 1000 },
        limit: { type: "integer", minimum: 1, maximum: 50, default: 10 },
        sourceType: { enum: expect.arrayContaining(["documentation", "blog"]) },
        authorityTier: { enum: ["tier_1_canonical", "tier_2_trusted", "tier_3_community"] },
        status: { enum: ["pending", "active", "failed"] },
        mode: { enum: ["hybrid", "lexical", "vector"], default: "hybrid" },
        minScore: { type: "number", minimum: 0, maximum: 1, default: 0 },
        perSource: { type: "integer", minimum: 1, maximum: 50, default: 3 },
        explain: { type: "boolean", default: false },
      },
    });
    expect(tool?.outputSchema?.properties).toHaveProperty("results");
  });

  it("finds the expected document first for topic queries, with a citation", async () => {
    // (The blog half of the TLS pair has no query of its own: the pair's queries name the official one.)
    for (const file of FILES.filter((f) => f !== ARCHIVED && f !== "tls-rotation-blog.md")) {
      const query = queryFor(file);
      const result = await call(client, "knowledge_search", { query, limit: 3 });
      expect(result.isError, text(result)).toBeFalsy();
      const results = resultsOf(result);
      expect(fileOf(results[0]!.source.url), query).toBe(file);
      expect(results.map((r) => r.rank)).toEqual([1, 2, 3]);
      const [first] = results;
      expect(first).toMatchObject({ source: { url: `${BASE_URL}${file}`, status: "active", ...pick(manifest.find((e) => e.file === file)!) } });
      expect(first!.text.length).toBeGreaterThan(20);
      expect(first!.score).toBeLessThanOrEqual(first!.relevance);
      expect(result.structuredContent).toMatchObject({ embedder: "local:hash-v1", mirrorAsOf: expect.any(String) });
      // The readable rendering carries the passage and its citation too.
      expect(text(result)).toContain(`${first!.source.title} — ${first!.source.url}`);
      expect(text(result)).toContain(first!.text.trim().slice(0, 80));
    }
  });

  it("filters by type, tier and status, and never shows an archived source", async () => {
    const tlsQuery = queryFor("tls-rotation-official.md");
    const blogs = resultsOf(await call(client, "knowledge_search", { query: tlsQuery, sourceType: "blog", limit: 50 }));
    expect(blogs.length).toBeGreaterThan(0);
    expect(new Set(blogs.map((r) => r.source.sourceType))).toEqual(new Set(["blog"]));
    expect(fileOf(blogs[0]!.source.url)).toBe("tls-rotation-blog.md");

    const canonical = resultsOf(await call(client, "knowledge_search", { query: tlsQuery, authorityTier: "tier_1_canonical", limit: 50 }));
    expect(new Set(canonical.map((r) => fileOf(r.source.url)))).toEqual(new Set(["tls-rotation-official.md", "kubernetes-pod-autoscaling.md"]));

    // perSource 50: this checks the filters, not the cap of passages per source (3 by default).
    const active = resultsOf(await call(client, "knowledge_search", { query: tlsQuery, status: "active", limit: 50, perSource: 50 }));
    expect(active.length).toBe(50);
    const failed = await call(client, "knowledge_search", { query: tlsQuery, status: "failed" });
    expect(failed.isError).toBeFalsy();
    expect(failed.structuredContent).toMatchObject({ results: [] });
    expect(text(failed)).toContain("No ingested document matches the filters status=failed");

    // The archived document is the best match for its own query, yet it never appears.
    const archived = resultsOf(await call(client, "knowledge_search", { query: queryFor(ARCHIVED), limit: 50, perSource: 50 }));
    expect(archived.length).toBe(50);
    expect(archived.map((r) => fileOf(r.source.url))).not.toContain(ARCHIVED);
  });

  it("ranks by mode, caps passages per source, drops results below minScore and explains", async () => {
    const query = queryFor("tls-rotation-official.md");
    const answer = async (args: Record<string, unknown>) => {
      const result = await call(client, "knowledge_search", { query, limit: 20, ...args });
      expect(result.isError, text(result)).toBeFalsy();
      return { results: resultsOf(result), text: text(result) };
    };
    const [hybrid, lexical, vector] = await Promise.all([answer({ mode: "hybrid", explain: true }), answer({ mode: "lexical", explain: true }), answer({ mode: "vector", explain: true })]);
    for (const [mode, { results }] of Object.entries({ hybrid, lexical, vector })) {
      expect(results.length, mode).toBeGreaterThan(0);
      expect(results.every((r) => r.explain?.mode === mode), mode).toBe(true);
    }
    expect(lexical.results.every((r) => r.explain!.lexicalRank !== null && r.explain!.vectorRank === null)).toBe(true);
    expect(vector.results.every((r) => r.explain!.lexicalRank === null && r.explain!.vectorRank === r.rank)).toBe(true);
    expect(hybrid.results.some((r) => r.explain!.lexicalRank !== null && r.explain!.vectorRank !== null)).toBe(true);
    expect(hybrid.text).toMatch(/ · hybrid: keyword rank (\d+|none), vector rank (\d+|none), weights 0\.7\/0\.3, scores fused, source evidence 0\.1, tier weight [\d.]+\n/);
    expect(lexical.text).toMatch(/ · lexical: keyword rank \d+, vector rank none, weights 0\.7\/0, k 5, tier weight [\d.]+\n/);
    expect((await answer({})).results.every((r) => r.explain === undefined)).toBe(true);
    // A word no document holds: the keywords find nothing, the vectors still answer.
    expect((await answer({ query: "zyxwvutsrq", mode: "lexical" })).results).toEqual([]);
    expect((await answer({ query: "zyxwvutsrq", mode: "vector" })).results.length).toBeGreaterThan(0);

    const perSource = (results: SearchResult[]) => Math.max(...results.reduce((m, r) => m.set(r.source.id, (m.get(r.source.id) ?? 0) + 1), new Map<string, number>()).values());
    const [defaults, one, five] = await Promise.all([answer({}), answer({ perSource: 1 }), answer({ perSource: 5 })]);
    expect(perSource(defaults.results)).toBe(3);
    expect(perSource(one.results)).toBe(1);
    expect(perSource(five.results)).toBeGreaterThan(3);

    const threshold = defaults.results[2]!.score;
    const above = await answer({ minScore: threshold });
    expect(above.results.map((r) => r.chunk.id)).toEqual(defaults.results.filter((r) => r.score >= threshold).map((r) => r.chunk.id));
    expect(above.results.length).toBeLessThan(defaults.results.length);
  });

  it.each([
    [{ query: "vacuum", mode: "fuzzy" }, "must be hybrid, lexical or vector"],
    [{ query: "vacuum", minScore: 2 }, "must be from 0 to 1"],
    [{ query: "vacuum", perSource: 0 }, "must be from 1 to 50"],
    [{ query: "vacuum", explain: "yes" }, "explain"],
    [{ query: "" }, "query"],
    [{ query: "   " }, "query"],
    [{ query: "?!" }, "must contain a word"],
    [{ query: `${"a".repeat(1001)}` }, "at most 1000 characters"],
    [{}, "query"],
    [{ query: "vacuum", limit: 0 }, "must be from 1 to 50"],
    [{ query: "vacuum", limit: 51 }, "must be from 1 to 50"],
    [{ query: "vacuum", limit: 2.5 }, "limit"],
    [{ query: "vacuum", status: "archived" }, "archived sources are never searched"],
    [{ query: "vacuum", sourceType: "podcast" }, "sourceType"],
    [{ query: "vacuum", authorityTier: "tier_0" }, "authorityTier"],
    [{ query: "vacuum", owner: "me" }, 'Unrecognized key: "owner"'],
  ])("refuses %j with a clear isError result", async (args, message) => {
    const result = await call(client, "knowledge_search", args);
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(text(result)).toContain(message);
    expect(text(result).split("\n").length).toBeLessThanOrEqual(3);
    expect(text(result)).not.toMatch(/\n\s+at /);
  });

  it("knowledge_stats counts the search index", async () => {
    const stats = await call(client, "knowledge_stats");
    expect(stats.isError, text(stats)).toBeFalsy();
    expect(stats.structuredContent).toMatchObject({
      total: FILES.length,
      byStatus: { active: FILES.length - 1, archived: 1 },
      chunks: { total: chunkTotal, sources: FILES.length, embedder: "local:hash-v1", dimension: expect.any(Number) },
      origin: "primary",
    });
    expect(text(stats)).toContain(`Search index: ${chunkTotal} chunks from ${FILES.length} sources (embedder local:hash-v1`);
  });

  it("says plainly when Chroma is unreachable, still reports the source counts, and recovers", async () => {
    const query = { query: queryFor("postgres-vacuum.md"), limit: 5 };
    const before = await call(client, "knowledge_search", query);
    await chroma.kill();
    try {
      const down = await call(client, "knowledge_search", query);
      expect(down.isError).toBe(true);
      expect(text(down)).toMatch(/^Search is unavailable: the search index \(Chroma\) cannot be reached/);
      expect(text(down).split("\n").length).toBe(1);

      const stats = await call(client, "knowledge_stats");
      expect(stats.isError, text(stats)).toBeFalsy();
      expect(stats.structuredContent).toMatchObject({ total: FILES.length, mirrorSize: null, chunks: null, origin: "primary" });
      expect(text(stats)).toContain("Search index: unavailable (");
    } finally {
      await chroma.start();
    }
    await vi.waitFor(async () => expect((await call(client, "knowledge_search", query)).structuredContent).toEqual(before.structuredContent), {
      timeout: 15_000,
      interval: 200,
    });
  });

  it("refuses to search with another embedder than the one that made the chunks, and never shows its key", async () => {
    const embeddings = await startRefusingEmbeddings();
    const key = "sk-test-0123456789abcdefSECRET";
    const other = await connectStdio({
      ...env,
      KMCP_HOME: await tempHome(),
      ...openAiEmbedderEnv(embeddings.url, key),
    });
    try {
      const result = await call(other.client, "knowledge_search", { query: "vacuum" });
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(/^Search cannot run: The chunks in kmcp_source_chunks were embedded by local:hash-v1 .* but the configured embedder is openai:text-embedding-3-small/);
      expect(text(result).split("\n").length).toBe(1);
      expect(JSON.stringify(result)).not.toContain(key);
      // The chunk counts say which embedder made them.
      expect((await call(other.client, "knowledge_stats")).structuredContent).toMatchObject({ chunks: { embedder: "local:hash-v1" } });
    } finally {
      await other.close();
      await embeddings.close();
    }
    expect(other.stderr()).not.toContain(key);
  });

  it("answers the same while PostgreSQL is down", async () => {
    const queriesToCompare = [
      { query: queryFor("kubernetes-pod-autoscaling.md"), limit: 5 },
      { query: queryFor("tls-rotation-official.md"), sourceType: "blog", limit: 10 },
      { query: queryFor("tls-rotation-official.md"), mode: "lexical", explain: true, limit: 10 },
      { query: queryFor("raft-consensus.md"), mode: "vector", explain: true, perSource: 1 },
      { query: queryFor("http-caching-headers.md"), minScore: 0.3, perSource: 5, explain: true },
    ];
    const up = await Promise.all(queriesToCompare.map((q) => call(client, "knowledge_search", q)));
    await postgres.kill();
    const down = await Promise.all(queriesToCompare.map((q) => call(client, "knowledge_search", q)));
    for (const [i, result] of down.entries()) {
      expect(result.isError, text(result)).toBeFalsy();
      expect(result.structuredContent).toEqual(up[i]!.structuredContent);
      expect(text(result)).toEqual(text(up[i]!));
    }
    // Stats answers from the mirror as the first catalog call after the kill, chunk counts included.
    const stats = await call(client, "knowledge_stats");
    expect(stats.structuredContent, text(stats)).toMatchObject({ origin: "mirror", chunks: { total: chunkTotal } });
    for (const result of [...down, stats]) expect(JSON.stringify(result)).not.toContain(password);
    expect(session.stderr()).not.toContain(password);
  });
});

function pick({ sourceType, authorityTier }: { sourceType: SourceType; authorityTier: AuthorityTier }) {
  return { sourceType, authorityTier };
}
