import { SearchError } from "@kmcp/search";
import { afterEach, describe, expect, it } from "vitest";
import { call, closeClients, connect, fakeKmcp, text } from "../test/in-process.js";
import { TOOL_NAMES } from "../test/tool-names.js";

// Every tool in-process: the SDK's client against createServer(deps) over a linked in-memory
// pair, with services made of plain fakes (only what each tool calls). The client validates each
// structuredContent against the tool's outputSchema (once it has listed the tools: that is when
// the SDK client learns the schemas), so a success here is a valid answer.

const NOW = new Date("2026-11-25T12:00:00.000Z");
const SOURCE_ID = "7d3f1b2a-4c5e-4f60-8a9b-0c1d2e3f4a5b";
const REQUEST_ID = "0b7c3a52-5d7e-4c1e-9a3f-2e8d6b4f1a90";
const SECRET_URL = "postgresql://kmcp:hunter22-secret@db.example.test:5432/kmcp";

const source = {
  id: SOURCE_ID,
  url: "https://docs.example.test/",
  title: "Example docs",
  sourceType: "documentation" as const,
  status: "active" as const,
  authorityTier: "tier_1_canonical" as const,
  description: "The example's documentation",
  updatedAt: NOW,
  lastCrawledAt: null,
};
const request = {
  id: REQUEST_ID,
  url: "https://wanted.example.test/",
  reason: "asked often",
  priority: 2,
  status: "pending" as const,
  requestedBy: "ada",
  createdAt: NOW,
  updatedAt: NOW,
  processedAt: null,
  sourceId: null,
};
const syncState = {
  status: "synced" as const,
  isOnline: true,
  lastSyncAt: NOW,
  lastSuccessAt: NOW,
  lastMode: "incremental" as const,
  counts: { upserted: 1, deleted: 0, unchanged: 0 },
  durationMs: 12,
  mirrorSize: 1,
  error: null,
  lease: null,
  trigger: { mode: "push" as const, configured: "push" as const, reason: null, intervalMs: 30_000, waitingFor: null },
};
const primary = { origin: "primary" as const, asOf: null };
const mirror = { origin: "mirror" as const, asOf: NOW };
const searchResult = {
  rank: 1,
  score: 0.9,
  relevance: 0.9,
  text: "Rotate certificates before they expire.",
  headingPath: ["Example docs", "TLS"],
  chunk: { id: "c1", index: 0, count: 2 },
  source: { id: SOURCE_ID, title: source.title, url: source.url, sourceType: source.sourceType, authorityTier: source.authorityTier, status: source.status },
};
const counts = <K extends string>(keys: readonly K[], hit: K) => Object.fromEntries(keys.map((k) => [k, k === hit ? 1 : 0])) as Record<K, number>;
const stats = {
  total: 1,
  byType: counts(["website", "documentation", "standards_body", "blog", "repository"], "documentation"),
  byTier: counts(["tier_1_canonical", "tier_2_trusted", "tier_3_community"], "tier_1_canonical"),
  byStatus: counts(["pending", "active", "failed", "archived"], "active"),
};
const healthReport = {
  status: "pass" as const,
  checks: { "postgres:responseTime": [{ status: "pass" }], "chroma:responseTime": [{ status: "pass" }], "mirror:freshness": [{ status: "pass" }] },
};

const failing = (message = `could not connect to ${SECRET_URL}`) => async () => {
  throw new Error(message);
};

afterEach(closeClients);

describe("the MCP tools in-process", () => {
  it("lists the nine tools without touching the services", async () => {
    const client = await connect(fakeKmcp(() => Promise.reject(new Error("ready() must not be called to list tools"))));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
    for (const tool of tools) expect(tool.outputSchema?.type).toBe("object");
  });

  describe("knowledge_search", () => {
    it("returns ranked results with citations", async () => {
      const client = await connect(fakeKmcp({ search: { search: async () => ({ results: [searchResult], embedder: "local-hash-256", mirrorAsOf: NOW, emptyReason: null }) } }));
      const result = await call(client, "knowledge_search", { query: "rotate certificates" });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual({ results: [searchResult], embedder: "local-hash-256", mirrorAsOf: NOW.toISOString(), emptyReason: null });
      expect(text(result)).toContain(`[1] Example docs — https://docs.example.test/`);
    });

    it("says why nothing was found when nothing is ingested", async () => {
      const client = await connect(
        fakeKmcp({ search: { search: async () => ({ results: [], embedder: "local-hash-256", mirrorAsOf: null, emptyReason: "nothing_ingested" }) } }),
      );
      const result = await call(client, "knowledge_search", { query: "anything" });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ results: [] });
      expect(text(result)).toContain("Nothing has been ingested");
    });

    it("fails with one clear sentence when the query cannot be embedded", async () => {
      const client = await connect(fakeKmcp({ search: { search: failing() } }));
      const embedder = await connect(
        fakeKmcp({
          search: {
            search: async () => {
              throw new SearchError("EMBEDDER", "the embeddings server refused the key");
            },
          },
        }),
      );
      const result = await call(embedder, "knowledge_search", { query: "x" });
      expect(result).toMatchObject({ isError: true });
      expect(text(result)).toContain("the query could not be embedded");
      const other = await call(client, "knowledge_search", { query: "x" });
      expect(other.isError).toBe(true);
      expect(text(other)).not.toContain("hunter22-secret");
    });
  });

  describe("knowledge_sources", () => {
    it("renders a page the catalog answered from the mirror, and says so", async () => {
      const client = await connect(fakeKmcp({ catalog: { list: async () => ({ items: [source], nextCursor: null, ...mirror }) } }));
      const result = await call(client, "knowledge_sources", { sourceType: "documentation" });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual({
        items: [{ ...source, updatedAt: NOW.toISOString() }],
        nextCursor: null,
        origin: "mirror",
        asOf: NOW.toISOString(),
      });
      expect(text(result)).toContain("offline mirror");
    });

    it("fails readably, without credentials", async () => {
      const client = await connect(fakeKmcp({ catalog: { list: failing() } }));
      const result = await call(client, "knowledge_sources");
      expect(result.isError).toBe(true);
      expect(text(result)).toContain("could not connect");
      expect(text(result)).not.toContain("hunter22-secret");
    });
  });

  describe("knowledge_source", () => {
    it("gets one source", async () => {
      const client = await connect(fakeKmcp({ catalog: { get: async () => ({ source, ...primary }) } }));
      const result = await call(client, "knowledge_source", { idOrUrl: SOURCE_ID });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual({ source: { ...source, updatedAt: NOW.toISOString() }, origin: "primary", asOf: null });
    });

    it("is an error for an unknown id", async () => {
      const client = await connect(fakeKmcp({ catalog: { get: async () => ({ source: null, ...primary }) } }));
      const result = await call(client, "knowledge_source", { idOrUrl: SOURCE_ID });
      expect(result.isError).toBe(true);
      expect(text(result)).toContain(`No source with id or url ${SOURCE_ID}`);
    });
  });

  describe("knowledge_request", () => {
    it("creates a request, or queues it while PostgreSQL is down", async () => {
      const created = await connect(fakeKmcp({ requests: { create: async () => ({ outcome: "created", request }) } }));
      const result = await call(created, "knowledge_request", { url: request.url, reason: request.reason, priority: 2 });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ queued: false, request: { id: REQUEST_ID, status: "pending", createdAt: NOW.toISOString() } });

      const queued = await connect(fakeKmcp({ requests: { create: async () => ({ outcome: "queued", request: { ...request, pendingUpload: true } }) } }));
      const later = await call(queued, "knowledge_request", { url: request.url, reason: request.reason });
      expect(later.structuredContent).toMatchObject({ queued: true, request: { pendingUpload: true } });
      expect(text(later)).toContain("queued locally");
    });

    it("fails readably", async () => {
      const client = await connect(fakeKmcp({ requests: { create: failing("Request cannot become rejected") } }));
      const result = await call(client, "knowledge_request", { url: request.url, reason: "r" });
      expect(result).toMatchObject({ isError: true, content: [{ type: "text", text: "Request cannot become rejected" }] });
    });
  });

  describe("knowledge_requests", () => {
    it("lists stored and locally queued requests", async () => {
      const client = await connect(
        fakeKmcp({ requests: { list: async () => ({ items: [request], nextCursor: null, pendingUpload: [{ ...request, id: SOURCE_ID, pendingUpload: true }], storedUnavailable: false, queuedUnavailable: false }) } }),
      );
      const result = await call(client, "knowledge_requests", { status: "pending" });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ nextCursor: null, storedUnavailable: false, items: [{ id: REQUEST_ID }, { id: SOURCE_ID, pendingUpload: true }] });
      expect(text(result)).toContain("[pending upload]");
    });

    it("fails readably", async () => {
      const client = await connect(fakeKmcp({ requests: { list: failing() } }));
      expect(await call(client, "knowledge_requests")).toMatchObject({ isError: true });
    });
  });

  describe("knowledge_sync", () => {
    it("reports the state, and runs a sync", async () => {
      const report = { mode: "full", upserted: 1, deleted: 0, unchanged: 3, durationMs: 40 };
      const client = await connect(fakeKmcp({ sync: { getState: async () => syncState, syncSources: async () => report } }));
      const status = await call(client, "knowledge_sync");
      expect(status.structuredContent).toEqual({ state: { ...syncState, lastSyncAt: NOW.toISOString(), lastSuccessAt: NOW.toISOString() }, report: null });
      expect(text(status)).toContain("Background syncs: on every change PostgreSQL notifies.");
      const held = { ...syncState, status: "syncing" as const, lease: { holder: "kmcp-mcp pid 7 on web-2", since: NOW, expiresAt: NOW, self: false } };
      const other = await connect(fakeKmcp({ sync: { getState: async () => held, syncSources: async () => report } }));
      expect(text(await call(other, "knowledge_sync"))).toContain("Syncing now: kmcp-mcp pid 7 on web-2.");
      const run = await call(client, "knowledge_sync", { action: "run", mode: "full" });
      expect(run.isError).toBeFalsy();
      expect(run.structuredContent).toMatchObject({ report });
      expect(text(run)).toContain("Synced (full)");
    });

    it("fails readably", async () => {
      const client = await connect(fakeKmcp({ sync: { getState: async () => syncState, syncSources: failing() } }));
      expect(await call(client, "knowledge_sync", { action: "run" })).toMatchObject({ isError: true });
    });
  });

  describe("knowledge_status", () => {
    it("reports health and the mirror", async () => {
      const client = await connect(fakeKmcp({ sync: { getState: async () => syncState }, health: { report: async () => healthReport } }));
      const result = await call(client, "knowledge_status");
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ status: "pass", online: true, mirror: { status: "synced" }, health: healthReport });
    });

    it("fails readably when the services cannot start", async () => {
      const client = await connect(fakeKmcp(failing()));
      const result = await call(client, "knowledge_status");
      expect(result.isError).toBe(true);
      expect(text(result)).not.toContain("hunter22-secret");
    });
  });

  describe("knowledge_stats", () => {
    it("counts sources and chunks", async () => {
      const client = await connect(
        fakeKmcp({
          catalog: { stats: async () => ({ stats, ...primary }) },
          store: { sources: { count: async () => 1 } },
          search: { stats: async () => ({ chunks: 2, sources: 1, embedder: "local-hash-256", dimension: 256 }) },
          db: {
            crawls: {
              sites: async () => [{ jobStatus: "completed" }, { jobStatus: "completed" }, { jobStatus: "running" }],
              pageStatusCounts: async () => [
                { status: "stored", pages: 40, sources: 3 },
                { status: "gone", pages: 2, sources: 1 },
              ],
            },
          },
        }),
      );
      const result = await call(client, "knowledge_stats");
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual({
        ...stats,
        mirrorSize: 1,
        chunks: { total: 2, sources: 1, embedder: "local-hash-256", dimension: 256 },
        crawls: { sites: { running: 1, stopped: 0, completed: 2 }, pages: { pending: 0, stored: 40, unchanged: 0, skipped: 0, failed: 0, gone: 2 } },
        origin: "primary",
        asOf: null,
      });
      expect(text(result)).toContain("Crawled sites: running 1, stopped 0, completed 2; their pages: pending 0, stored 40");
    });

    it("still answers without the search index, and fails only without the source counts", async () => {
      const partial = await connect(
        fakeKmcp({ catalog: { stats: async () => ({ stats, ...primary }) }, store: { sources: { count: failing() } }, search: { stats: failing("Chroma is unreachable") } }),
      );
      const result = await call(partial, "knowledge_stats");
      expect(result.structuredContent).toMatchObject({ mirrorSize: null, chunks: null, crawls: null });
      expect(text(result)).toContain("Search index: unavailable (Chroma is unreachable)");
      const broken = await connect(fakeKmcp({ catalog: { stats: failing() }, store: { sources: { count: async () => 1 } }, search: { stats: failing() } }));
      expect(await call(broken, "knowledge_stats")).toMatchObject({ isError: true });
    });
  });
});
