import type { ChunkInput, VectorSpace } from "@kmcp/chroma-store";
import { describe, expect, it } from "vitest";
import { createChunkWriter, type DocumentWrite } from "./chunk-writer.js";

const chunk = (id: string): ChunkInput => ({ id, sourceId: id.split(":")[0]!, contentHash: "h", index: 0, count: 1, text: id, headingPath: [], embedding: [1, 0] });

/** A chunk store that logs every call and holds each write until the test lets it go. */
function heldStore() {
  const log: string[] = [];
  const pending: (() => void)[] = [];
  let failNext: Error | null = null;
  const hold = (entry: string) =>
    new Promise<void>((resolve, reject) => {
      log.push(entry);
      pending.push(() => {
        const error = failNext;
        failNext = null;
        if (error) reject(error);
        else resolve();
      });
    });
  return {
    log,
    release: () => pending.shift()?.(),
    failNextWith: (error: Error) => {
      failNext = error;
    },
    chunks: {
      upsert: async (space: VectorSpace, chunks: readonly ChunkInput[]) => {
        await hold(`upsert ${space.embedder}/${space.dimension} ${chunks.map((c) => c.id).join(",")}`);
        return chunks.length;
      },
      delete: (ids: readonly string[]) => hold(`delete ${ids.join(",")}`),
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

function write(source: string, count: number, stale: string[], log: string[]): DocumentWrite {
  return {
    chunks: Array.from({ length: count }, (_, i) => chunk(`${source}:${i}`)),
    stale,
    written: () => {
      log.push(`written ${source}`);
    },
  };
}

describe("createChunkWriter", () => {
  it("writes the first document at once, then everything queued meanwhile in one upsert, each batch's new chunks before the old ones are removed", async () => {
    const store = heldStore();
    const writer = createChunkWriter({ chunks: store.chunks, embedder: "e", maxChunks: 100 });
    await writer.add(write("a", 1, ["a:old"], store.log));
    await tick();
    await writer.add(write("b", 2, [], store.log));
    await writer.add(write("c", 1, ["c:old1", "c:old2"], store.log));
    await tick();
    expect(store.log).toEqual(["upsert e/2 a:0"]);
    store.release();
    await tick();
    expect(store.log.at(-1)).toBe("delete a:old");
    store.release();
    await tick();
    store.release();
    await tick();
    store.release();
    await writer.drain();
    expect(store.log).toEqual(["upsert e/2 a:0", "delete a:old", "written a", "upsert e/2 b:0,b:1,c:0", "delete c:old1,c:old2", "written b", "written c"]);
  });

  it("never puts more than maxChunks in a batch, except a document larger than that alone", async () => {
    const store = heldStore();
    const writer = createChunkWriter({ chunks: store.chunks, embedder: "e", maxChunks: 3 });
    await writer.add(write("a", 1, [], store.log));
    // Not awaited one by one: with a full batch waiting, add() holds the caller until a write ends.
    const adding = Promise.all(([["b", 2], ["c", 2], ["d", 5], ["e", 1]] as const).map(([source, count]) => writer.add(write(source, count, [], store.log))));
    const draining = writer.drain();
    for (let i = 0; i < 5; i++) {
      await tick();
      store.release();
    }
    await Promise.all([adding, draining]);
    expect(store.log.filter((entry) => entry.startsWith("upsert"))).toEqual([
      "upsert e/2 a:0",
      "upsert e/2 b:0,b:1",
      "upsert e/2 c:0,c:1",
      "upsert e/2 d:0,d:1,d:2,d:3,d:4",
      "upsert e/2 e:0",
    ]);
  });

  it("holds the caller back while a full batch waits, so memory stays bounded", async () => {
    const store = heldStore();
    const writer = createChunkWriter({ chunks: store.chunks, embedder: "e", maxChunks: 2 });
    await writer.add(write("a", 1, [], store.log));
    let added = false;
    const adding = writer.add(write("b", 2, [], store.log)).then(() => {
      added = true;
    });
    await tick();
    expect(added).toBe(false);
    store.release();
    await adding;
    expect(added).toBe(true);
    store.release();
    await writer.drain();
  });

  it("after a failed write, removes nothing of that batch, writes nothing more, and reports the failure", async () => {
    const store = heldStore();
    const writer = createChunkWriter({ chunks: store.chunks, embedder: "e", maxChunks: 100 });
    await writer.add(write("a", 1, ["a:old"], store.log));
    await tick();
    await writer.add(write("b", 1, [], store.log));
    store.failNextWith(new Error("Chroma went away"));
    store.release();
    await expect(writer.drain()).rejects.toThrow("Chroma went away");
    expect(store.log).toEqual(["upsert e/2 a:0"]);
    await expect(writer.add(write("c", 1, [], store.log))).rejects.toThrow("Chroma went away");
  });

  it("writes documents without new chunks (unchanged, or emptied) in order, removing what they replace", async () => {
    const store = heldStore();
    const writer = createChunkWriter({ chunks: store.chunks, embedder: "e", maxChunks: 100 });
    await writer.add(write("a", 0, [], store.log));
    await writer.add(write("b", 0, ["b:old"], store.log));
    await tick();
    store.release();
    await writer.drain();
    expect(store.log).toEqual(["written a", "delete b:old", "written b"]);
  });
});
