import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LexicalChunk } from "./lexical-index.js";
import type { LexicalSnapshotStore } from "./lexical-snapshot.js";
import { createLiveLexicalIndex } from "./live-lexical-index.js";

/** An in-memory chunk collection with the change signal Chroma's has, counting the records read. */
function fakeChunks(initial: LexicalChunk[]) {
  const stored = new Map(initial.map((c) => [c.id, c]));
  let version = 0;
  const read: string[][] = [];
  return {
    read,
    put(chunk: LexicalChunk) {
      stored.set(chunk.id, chunk);
      version++;
    },
    drop(id: string) {
      stored.delete(id);
      version++;
    },
    chunks: {
      count: async () => stored.size,
      version: async () => String(version),
      ids: async () => [...stored.keys()],
      records: async (ids: readonly string[]) => {
        read.push([...ids]);
        return ids.flatMap((id) => (stored.has(id) ? [{ ...stored.get(id)!, index: 0, count: 1, contentHash: "h", headingPath: [...stored.get(id)!.headingPath] }] : []));
      },
    },
  };
}

function memorySnapshots(initial: Uint8Array | null = null) {
  let saved = initial;
  const store: LexicalSnapshotStore & { saved: () => Uint8Array | null; writes: number } = {
    writes: 0,
    saved: () => saved,
    read: async () => saved,
    write: async (snapshot) => {
      saved = snapshot;
      store.writes++;
    },
  };
  return store;
}

const chunk = (n: number, words: string): LexicalChunk => ({ id: `c${n}`, sourceId: `s${n % 3}`, headingPath: [`Part ${n}`], text: `${words} word${n}` });
const corpus = Array.from({ length: 12 }, (_, n) => chunk(n, n % 2 ? "lockfile frozen install" : "signal process killed"));
const ids = (hits: { id: string }[]) => hits.map((h) => h.id).sort();

describe("live lexical index with a snapshot", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("writes a snapshot after enough changes, and a new index starts from it, reading only what changed since", async () => {
    const source = fakeChunks(corpus);
    const snapshots = memorySnapshots();
    const first = createLiveLexicalIndex({ chunks: source.chunks, snapshot: snapshots, snapshotEvery: 10 });
    await first.refresh();
    expect(snapshots.writes).toBe(0); // written a little later, not while a search waits
    await vi.advanceTimersByTimeAsync(2_000);
    expect(snapshots.writes).toBe(1);

    source.put(chunk(40, "lockfile frozen install"));
    source.drop("c1");
    source.read.length = 0;
    const second = createLiveLexicalIndex({ chunks: source.chunks, snapshot: snapshots, snapshotEvery: 10 });
    await second.refresh();
    expect(source.read).toEqual([["c40"]]);
    expect(second.index.size).toBe(12);
    const query = { limit: 50 };
    expect(ids(second.index.search("lockfile", query))).toEqual(["c11", "c3", "c40", "c5", "c7", "c9"]);
    // Two changes are fewer than snapshotEvery: no new snapshot.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(snapshots.writes).toBe(1);
  });

  it("ignores a snapshot made with other options, and a damaged one, building from the chunks", async () => {
    const source = fakeChunks(corpus);
    const snapshots = memorySnapshots();
    await createLiveLexicalIndex({ chunks: source.chunks, snapshot: snapshots, snapshotEvery: 1, lexical: { headingBoost: 2 } }).refresh();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(snapshots.saved()).not.toBeNull();

    source.read.length = 0;
    const other = createLiveLexicalIndex({ chunks: source.chunks, snapshot: snapshots });
    await other.refresh();
    expect(source.read.flat()).toHaveLength(12);

    const errors: unknown[] = [];
    const saved = Buffer.from(snapshots.saved()!);
    const damaged = memorySnapshots(Buffer.concat([saved.subarray(0, saved.indexOf(0x0a) + 1), Buffer.from('{"not": "an index"')]));
    source.read.length = 0;
    const rebuilt = createLiveLexicalIndex({ chunks: source.chunks, snapshot: damaged, lexical: { headingBoost: 2 }, onSnapshotError: (e) => errors.push(e) });
    await rebuilt.refresh();
    expect(errors).toHaveLength(1);
    expect(source.read.flat()).toHaveLength(12);
    expect(ids(rebuilt.index.search("signal", { limit: 50 }))).toEqual(["c0", "c10", "c2", "c4", "c6", "c8"]);
  });

  it("ignores a snapshot of the former format (MiniSearch JSON) and builds from the chunks", async () => {
    const source = fakeChunks(corpus);
    const errors: unknown[] = [];
    const former = `${JSON.stringify({ format: "kmcp-lexical-index-1", options: {}, probe: [] })}\n{"documentCount":0}`;
    const live = createLiveLexicalIndex({ chunks: source.chunks, snapshot: memorySnapshots(new TextEncoder().encode(former)), onSnapshotError: (e) => errors.push(e) });
    await live.refresh();
    expect(errors).toEqual([]);
    expect(source.read.flat()).toHaveLength(12);
    expect(ids(live.index.search("signal", { limit: 50 }))).toEqual(["c0", "c10", "c2", "c4", "c6", "c8"]);
  });

  it("goes on without a snapshot when writing it fails", async () => {
    const source = fakeChunks(corpus);
    const errors: unknown[] = [];
    const failing: LexicalSnapshotStore = { read: async () => null, write: async () => Promise.reject(new Error("disk full")) };
    const live = createLiveLexicalIndex({ chunks: source.chunks, snapshot: failing, snapshotEvery: 1, onSnapshotError: (e) => errors.push(e) });
    await live.refresh();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(errors).toEqual([new Error("disk full")]);
    expect(live.index.size).toBe(12);
  });
});
