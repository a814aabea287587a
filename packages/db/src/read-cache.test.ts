import { describe, expect, it } from "vitest";
import type { ChangeListener } from "./change-listener.js";
import { createReadCache } from "./read-cache.js";

const same = <T>(value: T) => value;

function fakeListener() {
  const state = { live: true, epoch: 0 };
  const listener: ChangeListener = { isLive: () => state.live, epoch: () => state.epoch, start() {}, close: async () => {} };
  return { state, listener };
}

describe("createReadCache (pure rules)", () => {
  it("does not keep an answer whose load overlapped a change: it may predate the change", async () => {
    const { state, listener } = fakeListener();
    const cache = createReadCache(listener, 10);
    let loads = 0;
    const load = async () => {
      loads++;
      if (loads === 1) state.epoch++; // a change announced while the first load was running
      return loads;
    };
    expect(await cache.read("k", load, same)).toBe(1);
    expect(await cache.read("k", load, same)).toBe(2);
    expect(await cache.read("k", load, same)).toBe(2);
    expect(loads).toBe(2);
  });

  it("keeps nothing and reuses nothing while not live", async () => {
    const { state, listener } = fakeListener();
    const cache = createReadCache(listener, 10);
    let loads = 0;
    const load = async () => ++loads;
    await cache.read("k", load, same);
    state.live = false;
    expect(await cache.read("k", load, same)).toBe(2);
    expect(await cache.read("k", load, same)).toBe(3);
    state.live = true;
    expect(await cache.read("k", load, same)).toBe(1); // the answer kept while live is still current (same epoch)
  });

  it("forgets the least recently used answer beyond maxEntries", async () => {
    const { listener } = fakeListener();
    const cache = createReadCache(listener, 2);
    let loads = 0;
    const load = async () => ++loads;
    await cache.read("a", load, same);
    await cache.read("b", load, same);
    await cache.read("a", load, same); // a is now the most recent
    await cache.read("c", load, same); // evicts b
    expect(loads).toBe(3);
    await cache.read("a", load, same);
    expect(loads).toBe(3);
    await cache.read("b", load, same);
    expect(loads).toBe(4);
  });
});
