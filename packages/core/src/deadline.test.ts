import { describe, expect, it } from "vitest";
import { runWithDeadline, withDeadline } from "./deadline.js";

describe("runWithDeadline", () => {
  it("returns the value of work that finishes", async () => {
    expect(await runWithDeadline(async () => 42, 1_000)).toMatchObject({ settled: "value", value: 42 });
  });

  it("returns the error of work that rejects or throws at once", async () => {
    const boom = new Error("boom");
    expect(await runWithDeadline(() => Promise.reject(boom), 1_000)).toMatchObject({ settled: "error", error: boom });
    expect(
      await runWithDeadline(() => {
        throw boom;
      }, 1_000),
    ).toMatchObject({ settled: "error", error: boom });
  });

  it("gives up on work that never settles", async () => {
    const outcome = await runWithDeadline(() => new Promise<never>(() => {}), 20);
    expect(outcome.settled).toBe("timeout");
    expect(outcome).not.toHaveProperty("value");
  });
});

describe("withDeadline", () => {
  it("resolves with the value, passes errors through, and rejects with the timeout error", async () => {
    expect(await withDeadline(async () => 1, 1_000, () => new Error("late"))).toBe(1);
    await expect(withDeadline(() => Promise.reject(new Error("boom")), 1_000, () => new Error("late"))).rejects.toThrow("boom");
    await expect(withDeadline(() => new Promise<never>(() => {}), 20, () => new Error("late"))).rejects.toThrow("late");
  });
});
