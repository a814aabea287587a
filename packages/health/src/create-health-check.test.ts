import { describe, expect, it } from "vitest";
import { createHealthCheck } from "./create-health-check.js";
import type { HealthCheckOptions } from "./options.js";

const NOW = Date.parse("2025-03-01T12:00:00.000Z");
const never = () => new Promise<never>(() => {});

/** Healthy fakes; override what a test is about. */
function options(overrides: Partial<HealthCheckOptions> = {}): HealthCheckOptions {
  return {
    postgres: { ping: async () => ({ ok: true, latencyMs: 2 }) },
    chroma: { heartbeat: async () => 3 },
    mirror: { mirrorAsOf: async () => new Date(NOW - 60_000) },
    now: () => NOW,
    ...overrides,
  };
}

describe("createHealthCheck", () => {
  it("reports pass with the configured service fields first", async () => {
    const report = await createHealthCheck(options({ serviceId: "kmcp-mcp", version: "0.1.0", description: "kmcp MCP server" })).report();
    expect(Object.keys(report)).toEqual(["status", "version", "serviceId", "description", "checks"]);
    expect(report).toMatchObject({ status: "pass", serviceId: "kmcp-mcp", version: "0.1.0" });
    expect(report.checks["mirror:freshness"]).toEqual([
      { componentType: "datastore", observedValue: 60, observedUnit: "s", status: "pass", time: "2025-03-01T12:00:00.000Z" },
    ]);
  });

  it("passes each check's timeout to the dependency", async () => {
    const seen: unknown[] = [];
    const report = await createHealthCheck(
      options({
        postgres: { ping: async (o) => (seen.push(["pg", o]), { ok: true, latencyMs: 1 }) },
        chroma: { heartbeat: async (o) => (seen.push(["chroma", o]), 1) },
        timeoutMs: 1_234,
        timeouts: { chroma: 777 },
      }),
    ).report();
    expect(report.status).toBe("pass");
    expect(seen).toEqual([
      ["pg", { timeoutMs: 1_234 }],
      ["chroma", { timeoutMs: 777 }],
    ]);
  });

  it("reports every hanging dependency as timed out instead of hanging", async () => {
    const report = await createHealthCheck(
      options({
        postgres: { ping: never },
        chroma: { heartbeat: never },
        mirror: { mirrorAsOf: never },
        backlog: { pendingWrites: never },
        timeouts: { postgres: 30, chroma: 40, mirror: 50, backlog: 60 },
      }),
    ).report();
    expect(report.status).toBe("fail");
    expect(report.checks["postgres:responseTime"][0]).toMatchObject({ status: "fail", output: "PostgreSQL did not answer within 30 ms." });
    expect(report.checks["chroma:responseTime"][0]).toMatchObject({ status: "fail", output: "Chroma did not answer within 40 ms." });
    expect(report.checks["mirror:freshness"][0]).toMatchObject({
      status: "fail",
      output: "Could not read when the mirror last synced: mirrorAsOf() did not answer within 50 ms.",
    });
    expect(report.checks["writes:backlog"]?.[0]).toMatchObject({
      status: "fail",
      output: "Could not read the write backlog: pendingWrites() did not answer within 60 ms.",
    });
  });

  it("reports a rejecting or throwing dependency instead of rejecting", async () => {
    const report = await createHealthCheck(
      options({
        postgres: {
          ping: () => {
            throw new Error("driver exploded");
          },
        },
        chroma: { heartbeat: () => Promise.reject(Object.assign(new Error("Cannot reach Chroma at x."), { code: "UNREACHABLE" })) },
      }),
    ).report();
    expect(report.status).toBe("fail");
    expect(report.checks["postgres:responseTime"][0]).toMatchObject({ status: "fail", output: "driver exploded" });
    expect(report.checks["chroma:responseTime"][0]).toMatchObject({ status: "fail", output: "Cannot reach Chroma at x." });
  });

  it("never lets credentials into the report", async () => {
    const report = await createHealthCheck(
      options({
        postgres: {
          ping: async () => ({ ok: false, reason: "error", latencyMs: 1, message: "auth failed for postgresql://kmcp:hunter22@db:5432/kmcp (hunter22)" }),
        },
        chroma: { heartbeat: () => Promise.reject(new Error("token s3cr3t-token rejected by http://admin:pw@chroma:8000")) },
        redact: (text) => text.replaceAll("hunter22", "***").replaceAll("s3cr3t-token", "***"),
      }),
    ).report();
    const json = JSON.stringify(report);
    expect(json).not.toMatch(/hunter22|s3cr3t-token|admin:pw/);
    expect(report.checks["postgres:responseTime"][0]!.output).toBe("auth failed for postgresql://***@db:5432/kmcp (***)");
    expect(report.checks["chroma:responseTime"][0]!.output).toBe("token *** rejected by http://***@chroma:8000");
  });

  it("reports dependencies that answer nonsense", async () => {
    const report = await createHealthCheck(
      options({
        mirror: { mirrorAsOf: async () => "yesterday" as unknown as Date },
        backlog: { pendingWrites: async () => -3 },
      }),
    ).report();
    expect(report.checks["mirror:freshness"][0]).toMatchObject({ status: "fail", output: expect.stringContaining("mirrorAsOf() returned yesterday") });
    expect(report.checks["writes:backlog"]?.[0]).toMatchObject({ status: "fail", output: expect.stringContaining("pendingWrites() returned -3") });
  });

  it("includes the backlog check only when a backlog source is given", async () => {
    expect((await createHealthCheck(options()).report()).checks).not.toHaveProperty("writes:backlog");
    const report = await createHealthCheck(options({ backlog: { pendingWrites: async () => 12 }, backlogWarnAbove: 10 })).report();
    expect(report.status).toBe("warn");
    expect(report.checks["writes:backlog"]).toEqual([
      {
        componentType: "component",
        observedValue: 12,
        observedUnit: "writes",
        status: "warn",
        time: "2025-03-01T12:00:00.000Z",
        output: "12 writes are waiting for PostgreSQL, more than 10.",
      },
    ]);
  });

  it("includes the crawl freshness check only when a crawl source is given: stale sites warn, an unreadable state warns", async () => {
    expect((await createHealthCheck(options()).report()).checks).not.toHaveProperty("crawls:freshness");
    let asked = 0;
    const stale = await createHealthCheck(options({ crawls: { staleSites: async (ms: number) => ((asked = ms), 2) }, crawlMaxAgeMs: 3 * 86_400_000 })).report();
    expect(asked).toBe(3 * 86_400_000);
    expect(stale.status).toBe("warn");
    expect(stale.checks["crawls:freshness"]?.[0]).toMatchObject({ observedValue: 2, observedUnit: "sites", status: "warn", output: expect.stringContaining("2 crawled sites were last crawled successfully more than 3 d") });
    expect(stale.output).toContain("kmcp sources refresh");
    const fresh = await createHealthCheck(options({ crawls: { staleSites: async () => 0 } })).report();
    expect(fresh.checks["crawls:freshness"]?.[0]).toMatchObject({ observedValue: 0, status: "pass" });
    const down = await createHealthCheck(options({ crawls: { staleSites: async () => Promise.reject(new Error("no database")) } })).report();
    expect(down.checks["crawls:freshness"]?.[0]).toMatchObject({ status: "warn", output: expect.stringContaining("no database") });
  });

  it.each([
    [{ postgres: {} }, /postgres: must be an object with a ping\(\) method/],
    [{ timeoutMs: 0 }, /timeoutMs/],
    [{ timeouts: { mirror: 1.5 } }, /timeouts\.mirror/],
    [{ mirrorMaxAgeMs: -1 }, /mirrorMaxAgeMs/],
    [{ backlogWarnAbove: -1 }, /backlogWarnAbove/],
    [{ unknownOption: true }, /unknownOption/],
  ])("rejects bad options: %j", (bad, message) => {
    expect(() => createHealthCheck({ ...options(), ...bad } as HealthCheckOptions)).toThrow(
      expect.objectContaining({ name: "HealthError", code: "VALIDATION", message: expect.stringMatching(message) }),
    );
  });
});
