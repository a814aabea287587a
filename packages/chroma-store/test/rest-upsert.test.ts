import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { sharedChromaUrl, uniqueCollectionPrefix } from "@kmcp/testing/chroma";
import { ChromaClient } from "chromadb";
import { afterEach, describe, expect, it } from "vitest";
import { createChromaConnection } from "../src/connection.js";
import { createChromaStore, type ChunkInput, type VectorSpace } from "../src/index.js";
import { resolveChromaStoreOptions } from "../src/options.js";
import { createChromaHttp } from "../src/chroma-http.js";
import { collectionPath } from "../src/chroma-rest.js";
import { upsertBody } from "../src/rest-upsert.js";

const SPACE: VectorSpace = { embedder: "test:rest", dimension: 1024 };

/** A vector with values of every magnitude and sign, not all exactly representable in float32. */
function vector(seed: number, dimension = SPACE.dimension): number[] {
  return Array.from({ length: dimension }, (_, i) => Math.sin(seed * 7919 + i * 104729) * 10 ** ((i % 9) - 4));
}

function chunk(id: string, embedding: number[], text = `text of ${id}`): ChunkInput {
  return { id, sourceId: "s1", contentHash: "h1", index: 0, count: 1, text, headingPath: ["Top"], embedding };
}

function rawClient(url: string) {
  const { hostname, port } = new URL(url);
  return new ChromaClient({ host: hostname, port: Number(port), ssl: false });
}

/** Records read back with the chromadb client. */
async function readBack(name: string, ids: string[]) {
  const collection = await rawClient(sharedChromaUrl()).getCollection({ name });
  return collection.get({ ids, include: ["embeddings", "documents"] });
}

/** Chroma stores float32 and answers with 7–8 significant digits: each value within a millionth of the one written. */
function expectCloseTo(read: readonly number[] | undefined, written: readonly number[]) {
  expect(read).toHaveLength(written.length);
  for (const [i, value] of written.entries()) expect(Math.abs((read?.[i] ?? NaN) - value)).toBeLessThanOrEqual(Math.abs(value) * 1e-6);
}

describe("chunk upserts sent straight to Chroma's REST API", () => {
  it("write vectors that read back equal (as float32) through the chromadb client, and replace them on a second upsert", async () => {
    const store = createChromaStore({ url: sharedChromaUrl(), collectionPrefix: uniqueCollectionPrefix("rest") });
    const chunks = Array.from({ length: 40 }, (_, i) => chunk(`c${i}`, vector(i)));
    expect(await store.chunks.upsert(SPACE, chunks)).toBe(40);
    const ids = chunks.map((c) => c.id);
    const first = await readBack(store.collections.chunks, ids);
    // The same chunks written by the chromadb client itself read back identical.
    const client = rawClient(sharedChromaUrl());
    const official = await client.createCollection({ name: `${store.collections.chunks}_official`, embeddingFunction: null, configuration: { hnsw: { space: "cosine" } } });
    await official.upsert({ ids, embeddings: chunks.map((c) => c.embedding), documents: chunks.map((c) => c.text) });
    const expected = await official.get({ ids, include: ["embeddings", "documents"] });
    await client.deleteCollection({ name: official.name });
    expect(first.ids).toEqual(expected.ids);
    expect(first.documents).toEqual(expected.documents);
    expect(first.embeddings).toEqual(expected.embeddings);
    for (const [i, id] of first.ids.entries()) expectCloseTo(first.embeddings[i], chunks.find((c) => c.id === id)!.embedding);

    const changed = chunks.map((c, i) => chunk(c.id, vector(i + 1_000), `new text of ${c.id}`));
    await store.chunks.upsert(SPACE, changed);
    expect(await store.chunks.count()).toBe(40);
    const second = await readBack(store.collections.chunks, ["c7"]);
    expectCloseTo(second.embeddings[0], changed[7]!.embedding);
    expect(second.documents[0]).toBe("new text of c7");
    // And the vector search reads them: the nearest chunk to c7's new vector is c7.
    expect((await store.chunks.nearest(SPACE, changed[7]!.embedding, { limit: 1 }))[0]?.id).toBe("c7");
  });

  it("a batch the server refuses fails as VALIDATION and changes nothing", async () => {
    const options = resolveChromaStoreOptions({ url: sharedChromaUrl(), collectionPrefix: uniqueCollectionPrefix("rest") });
    const store = createChromaStore({ url: sharedChromaUrl(), collectionPrefix: options.collectionPrefix });
    await store.chunks.upsert(SPACE, [chunk("a", vector(1))]);
    const connection = createChromaConnection(options);
    const spec = { name: store.collections.chunks, kind: "source_chunks", space: "cosine" as const };
    const write = connection.withCollectionRef(spec, "writing a bad batch", (c) =>
      connection.http.request(
        "POST",
        collectionPath(c, "upsert"),
        upsertBody({
          ids: ["a", "b"],
          // "a" is fine; "b" has the wrong dimension, so the whole batch is refused.
          embeddings: [vector(2), vector(3, 7)],
          documents: ["replaced", "new"],
          metadatas: [{}, {}],
        }, true),
      ),
    );
    await expect(write).rejects.toMatchObject({ name: "ChromaStoreError", code: "VALIDATION" });
    const after = await readBack(store.collections.chunks, ["a", "b"]);
    expect(after.ids).toEqual(["a"]);
    expect(after.documents).toEqual(["text of a"]);
    expectCloseTo(after.embeddings[0], vector(1));
  });
});

describe("the upsert request", () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it("posts the client's body to the upsert path with the store's auth headers, vectors in base64 (as numbers where the server lacks it)", async () => {
    const seen: { method?: string; url?: string; headers: IncomingMessage["headers"]; body: string }[] = [];
    const server = createServer((request, response) => {
      let text = "";
      request.on("data", (part: Buffer) => (text += part.toString()));
      request.on("end", () => {
        seen.push({ method: request.method, url: request.url, headers: request.headers, body: text });
        response.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const http = createChromaHttp({ ssl: false, host: "127.0.0.1", port: (server.address() as AddressInfo).port, headers: { "x-chroma-token": "key-123", Authorization: "Basic dTpw" } });
    close = async () => {
      http.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    };
    const collection = { tenant: "t 1", database: "db", id: "0b8e6a52-3a4c-4c1e-9d55-0f0c1a0b2c3d" };
    const records = { ids: ["x"], embeddings: [[0.5, -2, 1e-3]], documents: ["doc"], metadatas: [{ sourceId: "s1" }] };
    await http.request("POST", collectionPath(collection, "upsert"), upsertBody(records, true));
    // A server without base64 support gets the numbers as JSON, as the chromadb client sends them.
    await http.request("POST", collectionPath(collection, "upsert"), upsertBody(records, false));
    expect(seen).toHaveLength(2);
    const [request, plain] = seen;
    expect((JSON.parse(plain?.body ?? "") as { embeddings: unknown }).embeddings).toEqual([[0.5, -2, 1e-3]]);
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe(`/api/v2/tenants/t%201/databases/db/collections/${collection.id}/upsert`);
    expect(request?.headers).toMatchObject({ "x-chroma-token": "key-123", authorization: "Basic dTpw", "content-type": "application/json" });
    const body = JSON.parse(request?.body ?? "") as { embeddings: string[] };
    expect(body).toMatchObject({ ids: ["x"], documents: ["doc"], metadatas: [{ sourceId: "s1" }] });
    const decoded = Buffer.from(body.embeddings[0]!, "base64");
    expect(Array.from(new Float32Array(decoded.buffer, decoded.byteOffset, 3))).toEqual(Array.from(Float32Array.from([0.5, -2, 1e-3])));
  });
});
