import type { ChromaStore } from "@kmcp/chroma-store";
import { describe, expect, it } from "vitest";
import { mirrorRecord } from "./mirror-record.fixture.js";
import { createMirrorSnapshot } from "./mirror-snapshot.js";

/** A mirror of `size()` records whose whole-mirror reads wait until released, counted. */
function fakeStore(size: () => number) {
  const releases: (() => void)[] = [];
  let reads = 0;
  const store = {
    sources: {
      count: async () => size(),
      find: async ({ offset = 0, limit = 100 }: { offset?: number; limit?: number }) => {
        const n = size(); // as the mirror was when the read asked
        if (offset === 0) {
          reads += 1;
          await new Promise<void>((resolve) => releases.push(resolve));
        }
        return Array.from({ length: Math.max(0, Math.min(limit, n - offset)) }, (_, i) => ({ ...mirrorRecord(`https://s.test/${offset + i}`), id: `id-${offset + i}` }));
      },
    },
  } as unknown as ChromaStore;
  return { store, reads: () => reads, release: () => releases.shift()?.() };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("mirror snapshot", () => {
  it("reads the whole mirror once at a time: keys asked for meanwhile share one more read, of the newest", async () => {
    let size = 3;
    const fake = fakeStore(() => size);
    const snapshot = createMirrorSnapshot(fake.store);
    const first = snapshot.load(1);
    await tick();
    size = 5;
    const waits = [snapshot.load(2), snapshot.load(3), snapshot.load(4)];
    await tick();
    expect(fake.reads()).toBe(1);
    fake.release();
    await first;
    expect(snapshot.current(1)?.size).toBe(3);
    await tick();
    expect(fake.reads()).toBe(2);
    fake.release();
    await Promise.all(waits);
    expect(fake.reads()).toBe(2);
    expect(snapshot.current(4)?.size).toBe(5);
    expect(snapshot.current(4)?.getById("id-4")?.url).toBe("https://s.test/4");
  });

  it("forgets everything on drop, a read in flight included", async () => {
    const fake = fakeStore(() => 2);
    const snapshot = createMirrorSnapshot(fake.store);
    const pending = snapshot.load(1);
    await tick();
    snapshot.drop();
    fake.release();
    await pending;
    expect(snapshot.current(1)).toBeUndefined();
  });
});
