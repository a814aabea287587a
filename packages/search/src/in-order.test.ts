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

  it("with rampUp, runs the first task alone and one more with each result taken, up to `width`", async () => {
    const { log, settle, task } = controlled();
    const reads = inOrder(8, 3, task, { rampUp: true });
    const started = () => log.map((entry) => Number(entry.split(" ")[1]));
    const first = reads.next();
    await tick();
    expect(started()).toEqual([0]);
    settle.get(0)!.resolve(0);
    expect((await first).value).toBe(0);
    await tick();
    // The first result is the consumer's alone until it asks for more.
    expect(started()).toEqual([0]);
    const second = reads.next();
    await tick();
    expect(started()).toEqual([0, 1, 2]);
    settle.get(2)!.resolve(2);
    settle.get(1)!.resolve(1);
    expect((await second).value).toBe(1);
    const third = reads.next();
    await tick();
    expect(started()).toEqual([0, 1, 2, 3, 4]);
    expect((await third).value).toBe(2);
    const fourth = reads.next();
    await tick();
    // Capped at `width` running beyond the one the consumer waits for.
    expect(started()).toEqual([0, 1, 2, 3, 4, 5]);
    for (const i of [3, 4, 5]) settle.get(i)!.resolve(i);
    expect((await fourth).value).toBe(3);
    await reads.return(undefined);
    // Stopped: no more tasks start.
    expect(started()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("with rampUp, a consumer that stops after the first result leaves nothing else started", async () => {
    const { log, settle, task } = controlled();
    let count = 0;
    const consuming = (async () => {
      for await (const _ of inOrder(6, 3, task, { rampUp: true })) {
        count++;
        break;
      }
    })();
    await tick();
    settle.get(0)!.resolve(0);
    await consuming;
    expect(count).toBe(1);
    expect(log).toEqual(["start 0"]);
  });
});
