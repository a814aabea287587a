import { createDb, type Db } from "@kmcp/db";
import type { LocalChroma, LocalPostgres } from "@kmcp/local-servers";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { call, connectStdio, openAiEmbedderEnv, startRefusingEmbeddings, startStores, tempHome, text } from "./harness.js";
import { TOOL_NAMES as TOOLS } from "./tool-names.js";

const QUEUED_ID = "0b7c3a52-5d7e-4c1e-9a3f-2e8d6b4f1a90";

describe("the MCP server over stdio", () => {
  let postgres: LocalPostgres;
  let chroma: LocalChroma;
  let db: Db;
  let session: Awaited<ReturnType<typeof connectStdio>>;
  let client: Client;
  let password: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    ({ postgres, chroma, env } = await startStores());
    password = decodeURIComponent(new URL(postgres.url).password);
    db = createDb({ url: postgres.url });
    await db.migrate();
    for (const [i, type] of (["documentation", "blog", "standards_body", "documentation"] as const).entries()) {
      await db.sources.create({ url: `https://mcp-${i}.example.test/`, title: `MCP source ${i}`, sourceType: type, authorityTier: i === 0 ? "tier_1_canonical" : "tier_2_trusted", status: "active" });
    }
    session = await connectStdio(env);
    client = session.client;
  });
  afterAll(async () => {
    await session?.close();
    await db?.close();
    await Promise.all([postgres?.destroy(), chroma?.destroy()]);
  });

  it("lists every tool with schemas, descriptions and annotations", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOLS);
    for (const tool of tools) {
      expect(tool.description?.length).toBeGreaterThan(40);
      expect(tool.inputSchema.type).toBe("object");
      expect(tool.outputSchema?.type).toBe("object");
      expect(tool.annotations).toBeDefined();
    }
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    for (const read of ["knowledge_search", "knowledge_sources", "knowledge_source", "knowledge_requests", "knowledge_status", "knowledge_stats", "knowledge_preflight"]) {
      expect(byName[read]?.annotations?.readOnlyHint).toBe(true);
    }
    expect(byName.knowledge_sync?.annotations).toMatchObject({ readOnlyHint: false, idempotentHint: true, destructiveHint: false });
    expect(byName.knowledge_sources?.inputSchema.properties?.sourceType).toMatchObject({ enum: expect.arrayContaining(["blog", "documentation"]) });
  });

  it("answers every tool's happy path from PostgreSQL", async () => {
    const list = await call(client, "knowledge_sources", { sourceType: "documentation" });
    expect(list.isError).toBeFalsy();
    expect(list.structuredContent).toMatchObject({ origin: "primary", asOf: null, nextCursor: null });
    expect((list.structuredContent!.items as unknown[]).length).toBe(2);
    expect(text(list)).toContain("MCP source 0");

    const one = await call(client, "knowledge_source", { idOrUrl: "HTTPS://MCP-0.example.test" });
    expect(one.structuredContent).toMatchObject({ source: { title: "MCP source 0", authorityTier: "tier_1_canonical" }, origin: "primary" });

    const id = "6f1f5f0e-8a1c-4b7e-9d2a-3c4b5a697887";
    const req = await call(client, "knowledge_request", { url: "https://wanted.example.test", reason: "the user asked", priority: 2, id });
    expect(req.structuredContent).toMatchObject({ request: { id, status: "pending", priority: 2 } });
    const again = await call(client, "knowledge_request", { url: "https://wanted.example.test", reason: "the user asked", priority: 2, id });
    expect(again.structuredContent).toEqual(req.structuredContent);
    const reqs = await call(client, "knowledge_requests", { status: "pending" });
    expect(reqs.structuredContent).toMatchObject({ items: [{ id }], nextCursor: null });

    const sync = await call(client, "knowledge_sync", { action: "run" });
    expect(sync.structuredContent).toMatchObject({ report: { mode: "incremental" }, state: { status: "synced", mirrorSize: 4 } });

    const stats = await call(client, "knowledge_stats");
    expect(stats.structuredContent).toMatchObject({
      total: 4,
      byType: { documentation: 2, blog: 1, standards_body: 1, website: 0 },
      mirrorSize: 4,
      chunks: { total: 0, sources: 0, embedder: null, dimension: null },
      origin: "primary",
    });
    expect(text(stats)).toContain("Search index: empty");

    // Nothing ingested: an empty answer that says what to do, not an error.
    const search = await call(client, "knowledge_search", { query: "anything at all" });
    expect(search.isError).toBeFalsy();
    expect(search.structuredContent).toEqual({ results: [], embedder: "local:hash-v1", mirrorAsOf: expect.any(String), emptyReason: "nothing_ingested" });
    expect(text(search)).toContain("Nothing has been ingested");
    expect(text(search)).toContain("kmcp ingest");

    const status = await call(client, "knowledge_status");
    expect(status.structuredContent).toMatchObject({ status: "pass", online: true, mirror: { status: "synced" }, health: { status: "pass" } });
  });

  it.each([
    ["knowledge_sources", { limit: 0 }, "limit"],
    ["knowledge_sources", { sourceType: "podcast" }, "sourceType"],
    ["knowledge_sources", { cursor: "garbage" }, "cursor"],
    ["knowledge_source", { idOrUrl: "not a url" }, "source id"],
    ["knowledge_source", { idOrUrl: "https://nowhere.example.test/" }, "No source"],
    ["knowledge_request", { url: "javascript:alert(1)", reason: "x" }, "only http and https"],
    ["knowledge_request", { url: "https://x.test", reason: "" }, "reason"],
    ["knowledge_request", { url: "https://x.test", reason: "x", priority: 6 }, "priority"],
    ["knowledge_sync", { action: "explode" }, "action"],
  ])("%s with %j fails with a clear isError result", async (name, args, message) => {
    const result = await call(client, name, args);
    expect(result.isError).toBe(true);
    expect(text(result)).toContain(message);
    expect(text(result).split("\n").length).toBeLessThanOrEqual(3);
  });

  it("reports an embedder failure as one isError sentence, never with the API key", async () => {
    const embeddings = await startRefusingEmbeddings();
    const key = "sk-test-0123456789abcdefSECRET";
    const other = await connectStdio({
      ...env,
      KMCP_HOME: await tempHome(),
      ...openAiEmbedderEnv(embeddings.url, key),
    });
    try {
      const result = await call(other.client, "knowledge_search", { query: "anything at all" });
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(/^Search failed: the query could not be embedded\. Embedding request to .* KMCP_EMBEDDING_API_KEY/);
      expect(text(result).split("\n").length).toBe(1);
      expect(JSON.stringify(result)).not.toContain(key);
    } finally {
      await other.close();
      await embeddings.close();
    }
    expect(other.stderr()).not.toContain(key);
  });

  it("serves the sync state and each source as resources", async () => {
    const state = await client.readResource({ uri: "kmcp://sync/state" });
    expect(JSON.parse((state.contents[0] as { text: string }).text)).toMatchObject({ status: "synced" });
    const { resources } = await client.listResources();
    const source = resources.find((r) => r.name === "MCP source 1");
    expect(source?.uri).toMatch(/^kmcp:\/\/sources\//);
    const read = await client.readResource({ uri: source!.uri });
    expect(JSON.parse((read.contents[0] as { text: string }).text)).toMatchObject({ source: { title: "MCP source 1" }, origin: "primary" });
  });

  it("keeps answering reads from the mirror when PostgreSQL dies mid-session, and says so", async () => {
    await postgres.kill();
    const list = await call(client, "knowledge_sources", { sourceType: "documentation" });
    expect(list.isError).toBeFalsy();
    expect(list.structuredContent).toMatchObject({ origin: "mirror", asOf: expect.any(String) });
    expect((list.structuredContent!.items as unknown[]).length).toBe(2);
    expect(text(list)).toContain("offline mirror");

    const one = await call(client, "knowledge_source", { idOrUrl: "https://mcp-2.example.test/" });
    expect(one.structuredContent).toMatchObject({ source: { sourceType: "standards_body" }, origin: "mirror" });
    const stats = await call(client, "knowledge_stats");
    expect(stats.structuredContent).toMatchObject({ total: 4, origin: "mirror" });

    const write = await call(client, "knowledge_request", { url: "https://later.example.test", reason: "while down", id: QUEUED_ID });
    expect(write.isError).toBeFalsy();
    expect(write.structuredContent).toMatchObject({ queued: true, request: { id: QUEUED_ID, pendingUpload: true, status: "pending" } });
    expect(text(write)).toContain("queued locally");
    const requests = await call(client, "knowledge_requests");
    expect(requests.structuredContent).toMatchObject({ storedUnavailable: true, items: [{ id: QUEUED_ID, pendingUpload: true }] });
    const status = await call(client, "knowledge_status");
    expect(status.structuredContent).toMatchObject({ online: false, status: "warn", mirror: { status: "offline" } });

    for (const result of [list, one, stats, write, requests, status]) expect(JSON.stringify(result)).not.toContain(password);
  });

  it("returns to PostgreSQL by itself once it is back", async () => {
    await postgres.start();
    let origin = "mirror";
    for (let i = 0; i < 60 && origin !== "primary"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      origin = String((await call(client, "knowledge_sources", { limit: 1 })).structuredContent?.origin);
    }
    expect(origin).toBe("primary");
    // The request queued during the outage was uploaded on its own, exactly once.
    await vi.waitFor(async () => expect(await db.requests.get(QUEUED_ID)).toMatchObject({ reason: "while down" }), { timeout: 10_000 });
    const requests = await call(client, "knowledge_requests", { limit: 100 });
    const mine = (requests.structuredContent!.items as { id: string; pendingUpload?: boolean }[]).filter((r) => r.id === QUEUED_ID);
    expect(mine).toEqual([expect.not.objectContaining({ pendingUpload: true })]);
    expect((await call(client, "knowledge_request", { url: "https://later2.example.test", reason: "after recovery" })).structuredContent).toMatchObject({ queued: false });
  });

  it("logged to stderr only, as JSON, without the password", () => {
    const lines = session.stderr().trim().split("\n").filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(session.stderr()).not.toContain(password);
  });
});

