import { describe, expect, it } from "vitest";
import { runWithDeadline } from "./run-with-deadline.js";

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
