/**
 * Search across real processes: a running MCP server (kmcp-mcp over stdio) answers
 * knowledge_search while `kmcp ingest` and `kmcp sources remove` run as other processes on the
 * same embedded PostgreSQL and Chroma, and while an ingest is killed with SIGKILL half way.
 * The server is never restarted: its lexical index must follow Chroma by itself.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createChromaStore, type ChromaStore } from "@kmcp/chroma-store";
import type { SearchResult } from "@kmcp/search";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { bin, json, kmcp, tempHome } from "./run-cli.js";

const mcpMain = fileURLToPath(new URL("../../mcp/dist/main.js", import.meta.url));
/** The bar: another process's ingest is searchable in a running server within 5 s. */
const FRESH_MS = 5_000;

interface IngestJson {
  documents: { sourceId: string; chunks: number; outcome: string; path: string }[];
}

/** A word no other document holds (hex from a hash: no shared trigrams worth speaking of). */
const tokenOf = (name: string) => `k${createHash("sha256").update(name).digest("hex").slice(0, 11)}`;
const FILLER = "ledger replica quorum latency snapshot compaction journal partition cursor".split(" ");
/** A document of `sections` sections (about a chunk each), every paragraph naming its token. */
function document(name: string, sections = 3): string {
  const token = tokenOf(name);
  const parts = Array.from({ length: sections }, (_, i) => i + 1).map((s) => {
    const words = Array.from({ length: 60 }, (_, i) => FILLER[(i * 7 + s * 3 + name.length) % FILLER.length]).join(" ");
    return `## Part ${s}\n\n${token} ${words}.\n\n${words} ${token}.`;
  });
  return `# Document ${name}\n\n${parts.join("\n\n")}\n`;
}

let env: Record<string, string>;
let docs: string;
let store: ChromaStore;
let client: Client;

/** kmcp-mcp over stdio on the test's KMCP_HOME. */
async function startServer(): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [mcpMain],
    env: { ...(process.env as Record<string, string>), ...env, KMCP_LOG_LEVEL: "warn" },
    stderr: "pipe",
  });
  const connected = new Client({ name: "search-processes", version: "1.0.0" });
  await connected.connect(transport);
  return connected;
}

async function searchMcp(args: Record<string, unknown>, on = client): Promise<SearchResult[]> {
  const result = (await on.callTool({ name: "knowledge_search", arguments: args }, undefined, { timeout: 30_000 })) as {
    isError?: boolean;
    structuredContent?: { results: SearchResult[] };
    content: { type: string; text?: string }[];
  };
  if (result.isError) throw new Error(`knowledge_search failed: ${result.content.map((c) => c.text).join("\n")}`);
  return result.structuredContent!.results;
}

beforeAll(async () => {
  env = { KMCP_HOME: await tempHome() };
  docs = path.join(path.dirname(env.KMCP_HOME!), "docs");
  await mkdir(path.join(docs, "bulk"), { recursive: true });
  const up = json<{ chroma: { port: number } }>(await kmcp(["up", "--json"], env));
  store = createChromaStore({ url: `http://127.0.0.1:${up.chroma.port}` });
  await writeFile(path.join(docs, "first.md"), document("first"));
  json(await kmcp(["ingest", path.join(docs, "first.md"), "--json"], env));

  client = await startServer();
  // The server has answered once, so its lexical index is built before the other processes write.
  expect((await searchMcp({ query: tokenOf("first"), mode: "lexical" }))[0]?.text).toContain(tokenOf("first"));
});
afterAll(async () => {
  await client?.close();
  await store?.close();
  await kmcp(["down"], env);
});

describe("a running MCP server and other kmcp processes", () => {
  let freshSource: string;
  let bulk: IngestJson["documents"] = [];

  it("finds chunks that a `kmcp ingest` process wrote within 5 s, in both halves, without a restart", async () => {
    const file = path.join(docs, "fresh.md");
    await writeFile(file, `# Fresh\n\n## Kernel\n\nThe io_submit call queues asynchronous I/O. When memory runs out, the OOM killer sends SIGKILL.\n`);
    expect(await searchMcp({ query: "io_submit", mode: "lexical" })).toEqual([]);

    const report = json<IngestJson>(await kmcp(["ingest", file, "--json"], env));
    freshSource = report.documents[0]!.sourceId;
    const ingested = Date.now();
    let top: SearchResult | undefined;
    await vi.waitFor(
      async () => {
        top = (await searchMcp({ query: "io_submit SIGKILL", limit: 3, explain: true }))[0];
        expect(top?.source.id).toBe(freshSource);
        // First in the keyword list (the lexical index has it) and ranked by the vectors too. The
        // vector half queries Chroma live while the keyword index checks for new chunks once a
        // second, so the two halves may see the chunk up to a second apart: both must within 5 s.
        expect(top!.explain).toMatchObject({ mode: "hybrid", lexicalRank: 1, vectorRank: expect.any(Number) });
      },
      { timeout: FRESH_MS, interval: 100 },
    );
    expect(Date.now() - ingested).toBeLessThan(FRESH_MS);
    expect(top!.text).toContain("io_submit");
    for (const identifier of ["io_submit", "SIGKILL"]) {
      const [exact] = await searchMcp({ query: `"${identifier}"`, mode: "lexical", limit: 1 });
      expect(exact?.source.id, identifier).toBe(freshSource);
    }
  });

  it("forgets a source that `kmcp sources remove` removed, in the lexical and the vector half", async () => {
    expect(json(await kmcp(["sources", "remove", freshSource, "--json"], env))).toMatchObject({ removed: freshSource });
    const removed = Date.now();
    await vi.waitFor(
      async () => {
        for (const mode of ["lexical", "vector", "hybrid"] as const) {
          const results = await searchMcp({ query: "io_submit SIGKILL", mode, limit: 50, perSource: 50 });
          expect(results.map((r) => r.source.id), mode).not.toContain(freshSource);
        }
      },
      { timeout: FRESH_MS, interval: 100 },
    );
    expect(Date.now() - removed).toBeLessThan(FRESH_MS);
    expect(await searchMcp({ query: "io_submit", mode: "lexical" })).toEqual([]);
  });

  it("after an ingest killed with SIGKILL half way, the next run leaves both halves holding the same chunks", async () => {
    // 1,200 chunks: more than one write even if the ingest batches chunks across documents.
    const names = Array.from({ length: 120 }, (_, i) => `bulk-${String(i).padStart(3, "0")}`);
    for (const name of names) await writeFile(path.join(docs, "bulk", `${name}.md`), document(name, 10));
    const before = await store.chunks.count();

    // Killed as soon as its first chunks are in Chroma: sources created, chunks partly written, no sync.
    const child = spawn(process.execPath, [bin, "ingest", path.join(docs, "bulk"), "--json"], { env: { ...process.env, ...env, KMCP_LOG_LEVEL: "warn" }, stdio: "ignore" });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    await vi.waitFor(async () => expect(await store.chunks.count()).toBeGreaterThan(before), { timeout: 60_000, interval: 10 });
    child.kill("SIGKILL");
    expect(await exited, "the ingest was still running when it was killed").toBe("SIGKILL");
    const written = (await store.chunks.count()) - before;

    const rerun = json<IngestJson>(await kmcp(["ingest", path.join(docs, "bulk"), "--json"], env));
    expect(rerun.documents).toHaveLength(names.length);
    const expectedChunks = rerun.documents.reduce((sum, d) => sum + d.chunks, 0);
    expect(written, "killed half way").toBeLessThan(expectedChunks);
    expect(rerun.documents.some((d) => d.outcome === "added"), "the killed run left documents to do").toBe(true);
    // Chroma holds exactly the chunks of the finished run: nothing the killed run left behind.
    expect(await store.chunks.count()).toBe(before + expectedChunks);

    // The running server's lexical index holds exactly Chroma's chunks of each document, and the
    // vector half ranks them too.
    for (const { sourceId, path: file, chunks } of rerun.documents) {
      const token = tokenOf(path.basename(file, ".md"));
      const stored = (await store.chunks.ofSource(sourceId)).map((c) => c.id).sort();
      expect(stored).toHaveLength(chunks);
      await vi.waitFor(
        async () => {
          const lexical = await searchMcp({ query: token, mode: "lexical", limit: 50, perSource: 50 });
          expect(lexical.map((r) => r.chunk.id).sort(), file).toEqual(stored);
        },
        { timeout: FRESH_MS, interval: 100 },
      );
      const [top] = await searchMcp({ query: token, limit: 1, explain: true });
      expect(top?.source.id, file).toBe(sourceId);
      expect(top?.explain, file).toMatchObject({ lexicalRank: expect.any(Number), vectorRank: expect.any(Number) });
    }
    bulk = rerun.documents;
  });

  it("a new server starts from the running one's keyword index snapshot and applies what changed since", async () => {
    // Over 1,000 chunks changed: the running server saved a snapshot of its keyword index.
    const cache = path.join(env.KMCP_HOME!, "cache");
    await vi.waitFor(async () => expect((await readdir(cache).catch(() => [])).some((f) => f.endsWith(".snapshot"))).toBe(true), { timeout: 20_000, interval: 200 });
    const [removed, ...kept] = bulk.slice(0, 6);
    expect(json(await kmcp(["sources", "remove", removed!.sourceId, "--json"], env))).toMatchObject({ removed: removed!.sourceId });

    const second = await startServer();
    try {
      const removedToken = tokenOf(path.basename(removed!.path, ".md"));
      await vi.waitFor(async () => expect(await searchMcp({ query: removedToken, mode: "lexical" })).toEqual([]), { timeout: FRESH_MS, interval: 100 });
      expect(await searchMcp({ query: removedToken, mode: "lexical" }, second)).toEqual([]);
      for (const { path: file } of kept) {
        const query = { query: `${tokenOf(path.basename(file, ".md"))} ledger quorum`, limit: 20, explain: true };
        expect(await searchMcp(query, second), file).toEqual(await searchMcp(query));
      }
    } finally {
      await second.close();
    }
  });
});
