import { describe, expect, it } from "vitest";
import { createReadCache } from "./read-cache.js";

const same = <T>(value: T) => value;

function fakeVersion() {
  const state: { version: string | null } = { version: "0" };
  return { state, version: async () => state.version };
}

describe("createReadCache (pure rules)", () => {
  it("does not reuse an answer whose load overlapped a change: it may predate the change", async () => {
    const { state, version } = fakeVersion();
    const cache = createReadCache(version, 10);
    let loads = 0;
    const load = async () => {
      loads++;
      if (loads === 1) state.version = "1"; // a change committed while the first load was running
      return loads;
    };
    expect(await cache.read("k", load, same)).toBe(1);
    expect(await cache.read("k", load, same)).toBe(2);
    expect(await cache.read("k", load, same)).toBe(2);
    expect(loads).toBe(2);
  });

  it("reloads as soon as the version moves, and after any other version (a database reset)", async () => {
    const { state, version } = fakeVersion();
    const cache = createReadCache(version, 10);
    let loads = 0;
    const load = async () => ++loads;
    state.version = "5";
    expect(await cache.read("k", load, same)).toBe(1);
    expect(await cache.read("k", load, same)).toBe(1);
    state.version = "6";
    expect(await cache.read("k", load, same)).toBe(2);
    state.version = "0";
    expect(await cache.read("k", load, same)).toBe(3);
    state.version = "6";
    expect(await cache.read("k", load, same)).toBe(4); // nothing kept from before the reset
  });

  it("keeps nothing and reuses nothing while there is no version to check", async () => {
    const { state, version } = fakeVersion();
    const cache = createReadCache(version, 10);
    let loads = 0;
    const load = async () => ++loads;
    await cache.read("k", load, same);
    state.version = null;
    expect(await cache.read("k", load, same)).toBe(2);
    expect(await cache.read("k", load, same)).toBe(3);
    state.version = "0";
    expect(await cache.read("k", load, same)).toBe(1); // the answer kept at version 0 is still current
  });

  it("forgets the least recently used answer beyond maxEntries", async () => {
    const { version } = fakeVersion();
    const cache = createReadCache(version, 2);
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
