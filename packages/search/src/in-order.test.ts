import { describe, expect, it } from "vitest";
import { inOrder } from "./in-order.js";

/** A task that settles when the test says so, recording when it started. */
function controlled() {
  const log: string[] = [];
  const settle = new Map<number, { resolve: (v: number) => void; reject: (e: Error) => void }>();
  const task = (i: number) =>
    new Promise<number>((resolve, reject) => {
      log.push(`start ${i}`);
      settle.set(i, { resolve, reject });
    });
  return { log, settle, task };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("inOrder", () => {
  it("runs at most `width` tasks at once and yields in index order whatever order they finish in", async () => {
    const { log, settle, task } = controlled();
    const results: number[] = [];
    const consuming = (async () => {
      for await (const value of inOrder(4, 2, task)) results.push(value);
    })();
    await tick();
    expect(log).toEqual(["start 0", "start 1"]);
    settle.get(1)!.resolve(10);
    await tick();
    expect(results).toEqual([]);
    settle.get(0)!.resolve(0);
    await tick();
    expect(results).toEqual([0, 10]);
    expect(log).toEqual(["start 0", "start 1", "start 2", "start 3"]);
    settle.get(3)!.resolve(30);
    settle.get(2)!.resolve(20);
    await consuming;
    expect(results).toEqual([0, 10, 20, 30]);
  });

  it("on a failure, waits for the tasks already started, then throws it", async () => {
    const { settle, task } = controlled();
    let finished = false;
    const consuming = (async () => {
      for await (const _ of inOrder(5, 3, task)) {
        // consume
      }
    })().finally(() => {
      finished = true;
    });
    await tick();
    settle.get(0)!.reject(new Error("boom"));
    await tick();
    expect(finished).toBe(false);
    settle.get(1)!.resolve(1);
    settle.get(2)!.resolve(2);
    await expect(consuming).rejects.toThrow("boom");
  });

  it("when the consumer stops early, waits for started tasks and starts no more", async () => {
    let started = 0;
    const task = async (i: number) => {
      started++;
      await tick();
      return i;
    };
    for await (const value of inOrder(10, 3, task)) {
      if (value === 1) break;
    }
    expect(started).toBe(4);
  });

  it("with firstAlone, runs the first task alone and starts the next `width` when it settles, before the consumer asks", async () => {
    const { log, settle, task } = controlled();
    const reads = inOrder(5, 2, task, { firstAlone: true });
    const first = reads.next();
    await tick();
    expect(log).toEqual(["start 0"]);
    settle.get(0)!.resolve(0);
    expect((await first).value).toBe(0);
    await tick();
    // The consumer has not asked for the second yet: the next two started anyway.
    expect(log).toEqual(["start 0", "start 1", "start 2"]);
    settle.get(1)!.resolve(1);
    expect((await reads.next()).value).toBe(1);
    const third = reads.next();
    await tick();
    expect(log).toEqual(["start 0", "start 1", "start 2", "start 3"]);
    settle.get(2)!.resolve(2);
    expect((await third).value).toBe(2);
    settle.get(3)!.resolve(3);
    await reads.return(undefined);
    // Stopped: the last task never starts.
    expect(log).toEqual(["start 0", "start 1", "start 2", "start 3"]);
  });

  it("with firstAlone, a consumer that stops at the first result waits for the tasks it started and starts no more", async () => {
    const { log, settle, task } = controlled();
    const reads = inOrder(6, 2, task, { firstAlone: true });
    const first = reads.next();
    await tick();
    settle.get(0)!.resolve(0);
    await first;
    await tick();
    let returned = false;
    const returning = reads.return(undefined).then(() => {
      returned = true;
    });
    await tick();
    expect(returned).toBe(false);
    settle.get(1)!.resolve(1);
    settle.get(2)!.resolve(2);
    await returning;
    await tick();
    expect(log).toEqual(["start 0", "start 1", "start 2"]);
  });
});
