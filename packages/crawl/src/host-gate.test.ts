import { describe, expect, it } from "vitest";
import { HostGate } from "./host-gate.js";

describe("HostGate", () => {
  it("lets `concurrency` requests in at once", () => {
    const gate = new HostGate({ concurrency: 2, crawlDelayMs: 0, maxFailures: 3 });
    expect(gate.waitMs(0)).toBe(0);
    gate.start(0);
    gate.start(0);
    expect(gate.waitMs(0)).toBeNull();
    gate.finish();
    expect(gate.waitMs(0)).toBe(0);
  });

  it("spaces request starts by the Crawl-delay", () => {
    const gate = new HostGate({ concurrency: 3, crawlDelayMs: 500, maxFailures: 3 });
    gate.start(1_000);
    expect(gate.waitMs(1_200)).toBe(300);
    gate.start(1_500);
    expect(gate.waitMs(1_500)).toBe(500);
  });

  it("waits out a Retry-After pause", () => {
    const gate = new HostGate({ concurrency: 3, crawlDelayMs: 0, maxFailures: 3 });
    gate.pause(5_000);
    gate.pause(2_000);
    expect(gate.waitMs(1_000)).toBe(4_000);
    expect(gate.waitMs(6_000)).toBe(0);
  });

  it("gives up after maxFailures in a row; a success in between resets the count", () => {
    const gate = new HostGate({ concurrency: 3, crawlDelayMs: 0, maxFailures: 2 });
    gate.start(0);
    gate.finish("HTTP 500");
    gate.start(0);
    gate.finish();
    gate.start(0);
    gate.finish("HTTP 500");
    expect(gate.stopped).toBe(false);
    gate.start(0);
    gate.finish("timed out");
    expect(gate.stopped).toBe(true);
    expect(gate.waitMs(0)).toBeNull();
    expect(gate.stopReason).toBe("gave up after 2 failures in a row (last: timed out)");
  });
});
