import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { sharedChromaUrl, uniqueCollectionPrefix } from "@kmcp/testing/chroma";
import { ChromaClient } from "chromadb";
import { afterEach, describe, expect, it } from "vitest";
import { createChromaRest, type GetBody, type QueryBody } from "../src/chroma-rest.js";
import { createChromaStore, type ChunkInput, type VectorSpace } from "../src/index.js";

// Concurrent reads of the chunk collection share Chroma requests (src/batched-reads.ts): each
// caller must get exactly what its read alone gets, from the real server.

const DIM = 8;
const SPACE: VectorSpace = { embedder: "test:batch", dimension: DIM };
const vector = (seed: number) => Array.from({ length: DIM }, (_, d) => Math.sin(seed * (d + 1) * 0.37) + 0.1 * d);
const chunks: ChunkInput[] = Array.from({ length: 60 }, (_, i) => ({
  id: `c${String(i).padStart(2, "0")}`,
  sourceId: `s${i % 7}`,
  contentHash: `h${i}`,
  index: i,
  count: 60,
  text: `text of chunk ${i}`,
  headingPath: [`part ${i % 4}`],
  embedding: vector(i),
}));

type Verdict = "relay" | { delayMs: number } | { status: number; body: string };

/** A loopback proxy in front of the real Chroma that records each read's body and may delay or answer it. */
async function startReadProxy(decide: (verb: string, readNumber: number) => Verdict) {
  const upstream = new URL(sharedChromaUrl());
  const reads: { verb: string; body: QueryBody & GetBody }[] = [];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => {
      const body = Buffer.concat(parts);
      const verb = /\/collections\/[^/]+\/(query|get)$/.exec(req.url ?? "")?.[1];
      let verdict: Verdict = "relay";
      if (verb) {
        reads.push({ verb, body: JSON.parse(body.toString("utf8")) as QueryBody & GetBody });
        verdict = decide(verb, reads.filter((r) => r.verb === verb).length);
      }
      if (typeof verdict === "object" && "status" in verdict) return void res.writeHead(verdict.status, { "content-type": "application/json" }).end(verdict.body);
      const relay = () => {
        const forwarded = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        forwarded.on("error", () => res.destroy());
        forwarded.end(body);
      };
      if (verdict === "relay") relay();
      else setTimeout(relay, verdict.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    reads,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

describe("concurrent chunk reads batched into one Chroma request", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function storeBehindProxy(decide: (verb: string, readNumber: number) => Verdict = () => "relay", requestTimeoutMs?: number) {
    const proxy = await startReadProxy(decide);
    cleanups.push(proxy.close);
    const store = createChromaStore({ url: proxy.url, collectionPrefix: uniqueCollectionPrefix("batch"), ...(requestTimeoutMs ? { requestTimeoutMs } : {}) });
    cleanups.push(() => store.close());
    await store.chunks.upsert(SPACE, chunks);
    proxy.reads.length = 0;
    return { store, proxy };
  }

  it("answer each of many different concurrent queries and gets what it gets alone, in fewer requests", async () => {
    const { store, proxy } = await storeBehindProxy();
    const seeds = Array.from({ length: 24 }, (_, i) => 100 + i * 3.1);
    const pages = Array.from({ length: 16 }, (_, i) => [`c${String(i * 3).padStart(2, "0")}`, `c${String((i * 7 + 1) % 60).padStart(2, "0")}`, "missing", `c${String(i + 40).padStart(2, "0")}`]);
    const sourceIds = ["s1", "s4"];

    // One at a time, each read is a request of its own.
    const alone = { nearest: [] as unknown[], query: [] as unknown[], filtered: [] as unknown[], records: [] as unknown[], texts: [] as unknown[] };
    for (const seed of seeds) {
      alone.nearest.push(await store.chunks.nearest(SPACE, vector(seed), { limit: 10 }));
      alone.query.push(await store.chunks.query(SPACE, vector(seed), { limit: 5 }));
      alone.filtered.push(await store.chunks.query(SPACE, vector(seed), { limit: 5, sourceIds, text: false }));
    }
    for (const ids of pages) {
      alone.records.push(await store.chunks.records(ids));
      alone.texts.push(await store.chunks.texts(ids));
    }
    expect(proxy.reads.every((r) => (r.body.query_embeddings?.length ?? 1) === 1)).toBe(true);
    const requestsAlone = proxy.reads.length;
    proxy.reads.length = 0;

    const [nearest, query, filtered, records, texts] = await Promise.all([
      Promise.all(seeds.map((seed) => store.chunks.nearest(SPACE, vector(seed), { limit: 10 }))),
      Promise.all(seeds.map((seed) => store.chunks.query(SPACE, vector(seed), { limit: 5 }))),
      Promise.all(seeds.map((seed) => store.chunks.query(SPACE, vector(seed), { limit: 5, sourceIds, text: false }))),
      Promise.all(pages.map((ids) => store.chunks.records(ids))),
      Promise.all(pages.map((ids) => store.chunks.texts(ids))),
    ]);
    // Deep equality: Chroma orders a record's metadata keys differently from one request to the next, even alone.
    expect(nearest).toEqual(alone.nearest);
    expect(query).toEqual(alone.query);
    expect(filtered).toEqual(alone.filtered);
    expect(records).toEqual(alone.records);
    expect(texts).toEqual(alone.texts);
    expect((alone.records[0] as unknown[]).length).toBe(3);

    const queries = proxy.reads.filter((r) => r.verb === "query");
    expect(Math.max(...queries.map((r) => r.body.query_embeddings.length))).toBeGreaterThan(1);
    expect(Math.max(...queries.map((r) => r.body.query_embeddings.length))).toBeLessThanOrEqual(32);
    expect(proxy.reads.length).toBeLessThan(requestsAlone / 3);
    const gets = proxy.reads.filter((r) => r.verb === "get");
    expect(Math.max(...gets.map((r) => r.body.ids?.length ?? 0))).toBeGreaterThan(4);
  });

  it("give Chroma's raw answers, field for field, to each read of a merged request", async () => {
    const { hostname, port } = new URL(sharedChromaUrl());
    const client = new ChromaClient({ host: hostname, port: Number(port), ssl: false });
    const collection = await client.createCollection({ name: `${uniqueCollectionPrefix("raw")}c`, embeddingFunction: null });
    cleanups.push(() => client.deleteCollection({ name: collection.name }));
    await collection.add({ ids: chunks.map((c) => c.id), embeddings: chunks.map((c) => c.embedding), documents: chunks.map((c) => c.text), metadatas: chunks.map((c) => ({ sourceId: c.sourceId, i: c.index })) });
    const rest = createChromaRest({ ssl: false, host: hostname, port: Number(port), headers: undefined, requestTimeoutMs: 15_000 });
    cleanups.push(() => rest.close());
    const path = { tenant: collection.tenant, database: collection.database, id: collection.id };
    const queries: QueryBody[] = Array.from({ length: 12 }, (_, i) => ({
      query_embeddings: [vector(7 + i)],
      n_results: 6,
      include: ["distances", "documents", "metadatas"],
      where: { sourceId: { $in: ["s0", "s2", "s3"] } },
    }));
    const gets: GetBody[] = [["c01", "c02", "nope"], ["c02", "c59", "c30"], ["gone"], ["c30", "c01"], ["c10", "c11"]].map((ids) => ({ ids, include: ["documents", "metadatas"] }));
    const alone = { queries: [] as unknown[], gets: [] as unknown[] };
    for (const body of queries) alone.queries.push(await rest.query(path, body));
    for (const body of gets) alone.gets.push(await rest.get(path, body));
    const batched = await Promise.all([Promise.all(queries.map((body) => rest.query(path, body, { upTo: 32 }))), Promise.all(gets.map((body) => rest.get(path, body, { upTo: 100 })))]);
    expect(batched[0]).toEqual(alone.queries);
    expect(batched[1]).toEqual(alone.gets);
    expect(alone.gets[2]).toMatchObject({ ids: [], documents: [] });
  });

  it("fail every read of a failed request, and only those", async () => {
    // Reads 1 and 2 go out alone (two in flight); the rest wait and go out together as read 3, which fails.
    const { store, proxy } = await storeBehindProxy((verb, n) => (verb === "get" && n === 3 ? { status: 500, body: JSON.stringify({ error: "Internal", message: "disk failed" }) } : "relay"));
    const pages = [["c01"], ["c02"], ["c03"], ["c04", "c05"], ["c06"]];
    const results = await Promise.allSettled(pages.map((ids) => store.chunks.records(ids)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "rejected", "rejected"]);
    for (const result of results.slice(2)) expect((result as PromiseRejectedResult).reason).toMatchObject({ code: "UNKNOWN", message: expect.stringContaining("disk failed") });
    expect(proxy.reads.map((r) => r.body.ids)).toEqual([["c01"], ["c02"], ["c03", "c04", "c05", "c06"]]);
    expect((await store.chunks.records(["c03"])).map((r) => r.text)).toEqual(["text of chunk 3"]);
  });

  it("answer the others when a read waited on times out", async () => {
    // The first get is answered late, after its caller's deadline; the others are not held up past theirs.
    const { store } = await storeBehindProxy((verb, n) => (verb === "get" && n === 1 ? { delayMs: 1_500 } : "relay"), 1_000);
    const late = store.chunks.records(["c01"]).catch((e: unknown) => e);
    const others = await Promise.all([["c02"], ["c03", "c04"], ["c05"]].map((ids) => store.chunks.records(ids)));
    expect(others.map((records) => records.map((r) => r.id))).toEqual([["c02"], ["c03", "c04"], ["c05"]]);
    expect(await late).toMatchObject({ code: "TIMEOUT" });
    expect((await store.chunks.records(["c01"])).map((r) => r.id)).toEqual(["c01"]);
  });
});
