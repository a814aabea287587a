import { DbError, type PingResult } from "@kmcp/db";
import { describe, expect, it } from "vitest";
import { createConnectivityMonitor } from "./connectivity.js";

const down: PingResult = { ok: false, reason: "unreachable", latencyMs: 1, message: "down" };
const up: PingResult = { ok: true, latencyMs: 1 };

describe("connectivity monitor", () => {
  it("flips to offline after consecutive failures, and back on the first success", async () => {
    let answer: PingResult = down;
    const changes: string[] = [];
    const monitor = createConnectivityMonitor({ ping: async () => answer, failureThreshold: 2 });
    monitor.on("change", (s) => changes.push(s));
    await monitor.probe();
    expect(monitor.isOnline).toBe(true);
    await monitor.probe();
    expect(monitor.state).toBe("offline");
    answer = up;
    await monitor.probe();
    expect(monitor.state).toBe("online");
    expect(changes).toEqual(["offline", "online"]);
  });

  it("learns from failed queries, but only from outages", () => {
    const monitor = createConnectivityMonitor({ ping: async () => up, failureThreshold: 2 });
    expect(monitor.reportFailure(new DbError("VALIDATION", "bad"))).toBe(false);
    expect(monitor.reportFailure(new DbError("UNREACHABLE", "gone"))).toBe(true);
    expect(monitor.reportFailure(new DbError("TIMEOUT", "slow"))).toBe(true);
    expect(monitor.isOnline).toBe(false);
    expect(monitor.lastError).toBe("slow");
  });

  it("while offline, sends reads to the mirror and probes in the background at most every retryAfterMs", async () => {
    let pings = 0;
    let clock = 0;
    const monitor = createConnectivityMonitor({ ping: async () => (pings++, down), failureThreshold: 1, retryAfterMs: 100, now: () => clock });
    monitor.reportFailure(new DbError("UNREACHABLE", "gone"));
    expect(monitor.shouldTryPrimary()).toBe(false);
    await monitor.probe();
    const before = pings;
    expect(monitor.shouldTryPrimary()).toBe(false);
    expect(pings).toBe(before);
    clock = 150;
    expect(monitor.shouldTryPrimary()).toBe(false);
    await Promise.resolve();
    expect(pings).toBe(before + 1);
  });

  it("shares one ping between concurrent probes", async () => {
    let pings = 0;
    const monitor = createConnectivityMonitor({ ping: async () => (pings++, up) });
    await Promise.all([monitor.probe(), monitor.probe(), monitor.probe()]);
    expect(pings).toBe(1);
  });
});
