import { describe, expect, it } from "vitest";
import { createRequestSlots } from "./request-slots.js";

/** A task that stays open until released, recording how many of its key run at once. */
function gate(running: Map<string, number>, peak: Map<string, number>, key: string) {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  const task = async () => {
    running.set(key, (running.get(key) ?? 0) + 1);
    peak.set(key, Math.max(peak.get(key) ?? 0, running.get(key)!));
    await done;
    running.set(key, running.get(key)! - 1);
    return key;
  };
  return { task, release };
}

describe("createRequestSlots", () => {
  it("keeps at most max tasks of a key in flight, runs the rest in order, and keys apart", async () => {
    const inSlot = createRequestSlots(2);
    const running = new Map<string, number>();
    const peak = new Map<string, number>();
    const gates = Array.from({ length: 6 }, (_, i) => gate(running, peak, i < 5 ? "a" : "b"));
    const started: number[] = [];
    const results = gates.map((g, i) => inSlot(i < 5 ? "a" : "b", () => (started.push(i), g.task())));
    await new Promise((resolve) => setImmediate(resolve));
    expect(running.get("a")).toBe(2);
    expect(running.get("b")).toBe(1);
    for (const g of gates) {
      g.release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await Promise.all(results)).toEqual(["a", "a", "a", "a", "a", "b"]);
    expect(peak.get("a")).toBe(2);
    // Each freed slot of "a" went to its longest-waiting task (results alone keep call order whatever the run order).
    expect(started).toEqual([0, 1, 5, 2, 3, 4]);
  });

  it("frees the slot of a failed task", async () => {
    const inSlot = createRequestSlots(1);
    await expect(inSlot("k", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(inSlot("k", async () => "next")).resolves.toBe("next");
  });

  it("passes straight through without a bound", async () => {
    const inSlot = createRequestSlots(Infinity);
    const running = new Map<string, number>();
    const peak = new Map<string, number>();
    const gates = Array.from({ length: 20 }, () => gate(running, peak, "k"));
    const results = gates.map((g) => inSlot("k", g.task));
    await new Promise((resolve) => setImmediate(resolve));
    expect(running.get("k")).toBe(20);
    for (const g of gates) g.release();
    await Promise.all(results);
  });
});
