import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { sharedChromaUrl, startPrivateChroma, uniqueCollectionPrefix } from "@kmcp/testing/chroma";
import { afterEach, describe, expect, it } from "vitest";
import { ChromaStoreError, createChromaStore, type ChunkInput, type VectorSpace } from "../src/index.js";

// The search's reads (chunks.query, nearest, records, texts) go to Chroma's REST API through
// their own HTTP pool, not the chromadb client: these check that path keeps the store's guarantees.

const SPACE: VectorSpace = { embedder: "test:axes", dimension: 3 };
const chunk = (id: string, embedding: number[]): ChunkInput => ({ id, sourceId: "s1", contentHash: "h", index: 0, count: 1, text: `text of ${id}`, headingPath: [id], embedding });

type Verdict = "relay" | "hold" | { status: number; body: string };

/** A loopback proxy in front of a real Chroma that relays every request, except that `decide` may hold one unanswered or answer it itself. */
async function startProxy(target: string, decide: (req: IncomingMessage) => Verdict) {
  const upstream = new URL(target);
  const seen: { url: string; authorization: string | undefined }[] = [];
  const held = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? "", authorization: req.headers.authorization });
    const verdict = decide(req);
    if (verdict === "hold") return void held.add(res);
    if (verdict !== "relay") return void res.writeHead(verdict.status, { "content-type": "application/json" }).end(verdict.body);
    const relay = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(relay);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const isRead = (req: IncomingMessage) => /\/collections\/[^/]+\/(query|get)$/.test(req.url ?? "");

describe("the search's reads over Chroma's REST API", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("send the URL's credentials, and end in TIMEOUT, without them, when Chroma never answers", async () => {
    let hold = false;
    const proxy = await startProxy(sharedChromaUrl(), (req) => (hold && isRead(req) ? "hold" : "relay"));
    cleanups.push(proxy.close);
    const url = proxy.url.replace("http://", "http://reader:hunter2@");
    const store = createChromaStore({ url, collectionPrefix: uniqueCollectionPrefix("rest"), requestTimeoutMs: 500 });
    await store.chunks.upsert(SPACE, [chunk("x", [1, 0, 0]), chunk("y", [0, 1, 0])]);
    expect(await store.chunks.nearest(SPACE, [1, 0, 0], { limit: 2 })).toEqual([
      { id: "x", distance: 0 },
      { id: "y", distance: 1 },
    ]);
    const reads = proxy.seen.filter((r) => /\/(query|get)$/.test(r.url));
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((r) => r.authorization === `Basic ${Buffer.from("reader:hunter2").toString("base64")}`)).toBe(true);

    hold = true;
    const started = performance.now();
    const error = await store.chunks.records(["x"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChromaStoreError);
    expect(error).toMatchObject({ code: "TIMEOUT" });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect((error as Error).message).not.toContain("hunter2");
    await expect(store.chunks.nearest(SPACE, [1, 0, 0], { limit: 1 })).rejects.toMatchObject({ code: "TIMEOUT" });
    hold = false;
    expect((await store.chunks.records(["x"])).map((r) => r.text)).toEqual(["text of x"]);
  });

  it("translate the server's refusals as the chromadb client's are, secrets masked, and reopen a collection not found", async () => {
    let answer: Verdict = "relay";
    const proxy = await startProxy(sharedChromaUrl(), (req) => {
      if (!isRead(req)) return "relay";
      const verdict = answer;
      answer = "relay";
      return verdict;
    });
    cleanups.push(proxy.close);
    const store = createChromaStore({ url: proxy.url, apiKey: "sk-secret-key", tenant: "default_tenant", database: "default_database", collectionPrefix: uniqueCollectionPrefix("rest") });
    await store.chunks.upsert(SPACE, [chunk("x", [1, 0, 0])]);

    answer = { status: 500, body: JSON.stringify({ error: "Internal", message: "disk failed reading with key sk-secret-key" }) };
    const failed = await store.chunks.texts(["x"]).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: "UNKNOWN", message: expect.stringContaining("disk failed") });
    expect((failed as Error).message).not.toContain("sk-secret-key");

    answer = { status: 400, body: JSON.stringify({ error: "InvalidArgumentError", message: "bad where" }) };
    await expect(store.chunks.records(["x"])).rejects.toMatchObject({ code: "VALIDATION", message: expect.stringContaining("bad where") });
    answer = { status: 401, body: "{}" };
    await expect(store.chunks.records(["x"])).rejects.toMatchObject({ code: "UNAUTHORIZED" });

    // A 404 (the collection was dropped since it was opened): the handle is opened afresh and the read made again.
    answer = { status: 404, body: JSON.stringify({ error: "NotFoundError", message: "Collection not found" }) };
    expect((await store.chunks.records(["x"])).map((r) => r.id)).toEqual(["x"]);
  });

  it("fail as UNREACHABLE while Chroma is down and work again once it is back, and after close()", async () => {
    const chroma = await startPrivateChroma();
    cleanups.push(() => chroma.destroy());
    const store = createChromaStore({ url: chroma.url });
    await store.chunks.upsert(SPACE, [chunk("x", [1, 0, 0])]);
    expect(await store.chunks.nearest(SPACE, [1, 0, 0], { limit: 1 })).toEqual([{ id: "x", distance: 0 }]);
    await chroma.kill();
    await expect(store.chunks.nearest(SPACE, [1, 0, 0], { limit: 1 })).rejects.toMatchObject({ code: "UNREACHABLE" });
    await expect(store.chunks.records(["x"])).rejects.toMatchObject({ code: "UNREACHABLE" });
    await chroma.start();
    expect((await store.chunks.records(["x"])).map((r) => r.text)).toEqual(["text of x"]);
    await store.close();
    expect(await store.chunks.query(SPACE, [1, 0, 0], { limit: 1 })).toMatchObject([{ id: "x", text: "text of x" }]);
  });
});
