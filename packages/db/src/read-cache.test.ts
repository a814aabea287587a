import { describe, expect, it } from "vitest";
import { createReadCache, sharedAfterStart } from "./read-cache.js";

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

/** A read whose answers the test hands out one by one, recording when each was sent. */
function manualReads() {
  const sent: { resolve: (v: string) => void; reject: (e: Error) => void }[] = [];
  const read = () => new Promise<string>((resolve, reject) => sent.push({ resolve, reject }));
  return { sent, read };
}
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("sharedAfterStart (pure rules)", () => {
  it("gives callers that arrive while a read is in flight one shared read sent after they began", async () => {
    const { sent, read } = manualReads();
    const shared = sharedAfterStart(read);
    const first = shared();
    expect(sent).toHaveLength(1);
    const waiting = [shared(), shared(), shared()];
    await settle();
    expect(sent).toHaveLength(1); // nothing more sent while the first is in flight
    sent[0]!.resolve("before");
    await settle();
    expect(sent).toHaveLength(2); // one read for the three, sent only now
    sent[1]!.resolve("after");
    expect(await first).toBe("before");
    expect(await Promise.all(waiting)).toEqual(["after", "after", "after"]);
    // Nothing in flight: the next caller sends its own read at once.
    const alone = shared();
    expect(sent).toHaveLength(3);
    sent[2]!.resolve("alone");
    expect(await alone).toBe("alone");
  });

  it("fails exactly the callers of a failed read; those waiting get the next one", async () => {
    const { sent, read } = manualReads();
    const shared = sharedAfterStart(read);
    const first = shared();
    const second = shared();
    sent[0]!.reject(new Error("down"));
    await expect(first).rejects.toThrow("down");
    await settle();
    sent[1]!.resolve("up again");
    expect(await second).toBe("up again");
  });

  it("never answers a cached read from a version read sent before that read began", async () => {
    const { sent, read } = manualReads();
    const cache = createReadCache(read, 10);
    let loads = 0;
    const load = async () => ++loads;
    const first = cache.read("k", load, same);
    sent[0]!.resolve("0");
    expect(await first).toBe(1);
    // `during` sends a version read; `later` begins while it is out (a change may commit in between).
    const during = cache.read("k", load, same);
    const later = cache.read("k", load, same);
    expect(sent).toHaveLength(2);
    sent[1]!.resolve("0");
    await settle();
    expect(sent).toHaveLength(3); // `later` began while sent[1] was out, so it waits for a read of its own
    sent[2]!.resolve("1");
    expect(await during).toBe(1); // version 0: the kept answer
    expect(await later).toBe(2); // version 1: loaded again
  });
});
