import { describe, expect, it } from "vitest";
import { assessHealth } from "./assess-health.js";
import type { BacklogReading, HealthReadings, MirrorReading, ResponseTimeReading } from "./observations.js";
import type { HealthStatus } from "./report.js";

const NOW = new Date("2025-03-01T12:00:00.000Z");
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
const RULES = { mirrorMaxAgeMs: 15 * 60_000, backlogWarnAbove: 100 };

const up = (latencyMs = 4): ResponseTimeReading => ({ ok: true, latencyMs, time: NOW });
const down = (name: string, reason: "unreachable" | "timeout" | "error" = "unreachable"): ResponseTimeReading => ({
  ok: false,
  reason,
  latencyMs: 12,
  message: `${name} went away (${reason}).`,
  time: NOW,
});
const mirrorAt = (lastSuccessAt: Date | null): MirrorReading => ({ ok: true, lastSuccessAt, time: NOW });
const FRESH = mirrorAt(minutesAgo(2));
const STALE = mirrorAt(minutesAgo(125));
const NONE = mirrorAt(null);
const UNREADABLE: MirrorReading = { ok: false, reason: "unreachable", message: "Cannot reach Chroma.", time: NOW };
const pending = (count: number): BacklogReading => ({ ok: true, pending: count, time: NOW });
const BACKLOG_UNREADABLE: BacklogReading = { ok: false, reason: "error", message: "queue file is corrupt", time: NOW };

interface Row {
  name: string;
  readings: HealthReadings;
  status: HealthStatus;
  /** postgres, chroma, mirror[, backlog] */
  checks: HealthStatus[];
  output?: RegExp;
}

const ROWS: Row[] = [
  { name: "everything up, fresh mirror", readings: { postgres: up(), chroma: up(), mirror: FRESH }, status: "pass", checks: ["pass", "pass", "pass"] },
  {
    name: "PostgreSQL down, fresh mirror: degraded, reads from the mirror",
    readings: { postgres: down("PostgreSQL"), chroma: up(), mirror: FRESH },
    status: "warn",
    checks: ["fail", "pass", "pass"],
    output: /PostgreSQL is unavailable: reads are answered from the mirror as of 2025-03-01T11:58:00\.000Z \(2 min old\); writes fail/,
  },
  {
    name: "PostgreSQL timing out, fresh mirror",
    readings: { postgres: down("PostgreSQL", "timeout"), chroma: up(), mirror: FRESH },
    status: "warn",
    checks: ["fail", "pass", "pass"],
    output: /reads are answered from the mirror/,
  },
  {
    name: "PostgreSQL down, no mirror",
    readings: { postgres: down("PostgreSQL"), chroma: up(), mirror: NONE },
    status: "fail",
    checks: ["fail", "pass", "fail"],
    output: /no mirror to answer from/,
  },
  {
    name: "PostgreSQL answering with an error (e.g. bad password), no mirror",
    readings: { postgres: down("PostgreSQL", "error"), chroma: up(), mirror: NONE },
    status: "fail",
    checks: ["fail", "pass", "fail"],
    output: /no mirror to answer from/,
  },
  {
    name: "PostgreSQL down, stale mirror: still degraded, says how stale",
    readings: { postgres: down("PostgreSQL"), chroma: up(), mirror: STALE },
    status: "warn",
    checks: ["fail", "pass", "warn"],
    output: /from the mirror as of 2025-03-01T09:55:00\.000Z \(2 h 5 min old, older than the 15 min limit\)/,
  },
  {
    name: "PostgreSQL down, mirror state unreadable",
    readings: { postgres: down("PostgreSQL"), chroma: up(), mirror: UNREADABLE },
    status: "fail",
    checks: ["fail", "pass", "fail"],
    output: /mirror's state could not be read/,
  },
  {
    name: "Chroma down, PostgreSQL up: reads work, mirror not updating",
    readings: { postgres: up(), chroma: down("Chroma"), mirror: FRESH },
    status: "warn",
    checks: ["pass", "fail", "pass"],
    output: /Chroma is unavailable: reads work from PostgreSQL, but the mirror is not being updated/,
  },
  {
    name: "Chroma down, PostgreSQL up, mirror unreadable",
    readings: { postgres: up(), chroma: down("Chroma"), mirror: UNREADABLE },
    status: "warn",
    checks: ["pass", "fail", "fail"],
    output: /mirror is not being updated/,
  },
  {
    name: "both down, even with a fresh mirror (it lives in Chroma)",
    readings: { postgres: down("PostgreSQL"), chroma: down("Chroma"), mirror: FRESH },
    status: "fail",
    checks: ["fail", "fail", "pass"],
    output: /PostgreSQL and Chroma are both unavailable/,
  },
  {
    name: "both down, mirror unreadable",
    readings: { postgres: down("PostgreSQL"), chroma: down("Chroma"), mirror: UNREADABLE },
    status: "fail",
    checks: ["fail", "fail", "fail"],
    output: /both unavailable/,
  },
  {
    name: "PostgreSQL up, no mirror yet",
    readings: { postgres: up(), chroma: up(), mirror: NONE },
    status: "warn",
    checks: ["pass", "pass", "warn"],
    output: /no mirror yet/,
  },
  {
    name: "PostgreSQL up, stale mirror",
    readings: { postgres: up(), chroma: up(), mirror: STALE },
    status: "warn",
    checks: ["pass", "pass", "warn"],
    output: /The mirror is 2 h 5 min old \(last synced 2025-03-01T09:55:00\.000Z\), older than the 15 min limit/,
  },
  {
    name: "PostgreSQL up, mirror state unreadable although Chroma answers",
    readings: { postgres: up(), chroma: up(), mirror: UNREADABLE },
    status: "warn",
    checks: ["pass", "pass", "fail"],
    output: /Could not read when the mirror last synced: Cannot reach Chroma/,
  },
  {
    name: "backlog at the threshold",
    readings: { postgres: up(), chroma: up(), mirror: FRESH, backlog: pending(100) },
    status: "pass",
    checks: ["pass", "pass", "pass", "pass"],
  },
  {
    name: "backlog above the threshold",
    readings: { postgres: up(), chroma: up(), mirror: FRESH, backlog: pending(101) },
    status: "warn",
    checks: ["pass", "pass", "pass", "warn"],
    output: /101 writes are waiting for PostgreSQL, more than 100/,
  },
  {
    name: "backlog unreadable",
    readings: { postgres: up(), chroma: up(), mirror: FRESH, backlog: BACKLOG_UNREADABLE },
    status: "warn",
    checks: ["pass", "pass", "pass", "fail"],
    output: /Could not read the write backlog: queue file is corrupt/,
  },
  {
    name: "PostgreSQL down with a long backlog and a fresh mirror",
    readings: { postgres: down("PostgreSQL"), chroma: up(), mirror: FRESH, backlog: pending(5_000) },
    status: "warn",
    checks: ["fail", "pass", "pass", "warn"],
    output: /reads are answered from the mirror.*5000 writes are waiting/,
  },
  {
    name: "PostgreSQL down, no mirror, empty backlog",
    readings: { postgres: down("PostgreSQL"), chroma: up(), mirror: NONE, backlog: pending(0) },
    status: "fail",
    checks: ["fail", "pass", "fail", "pass"],
    output: /no mirror to answer from/,
  },
];

describe("assessHealth", () => {
  it.each(ROWS)("$name → $status", ({ readings, status, checks, output }) => {
    const report = assessHealth(readings, RULES);
    expect(report.status).toBe(status);
    const results = [
      report.checks["postgres:responseTime"],
      report.checks["chroma:responseTime"],
      report.checks["mirror:freshness"],
      ...(report.checks["writes:backlog"] ? [report.checks["writes:backlog"]] : []),
    ];
    expect(results.map((list) => list.map((check) => check.status))).toEqual(checks.map((s) => [s]));
    for (const [check] of results) {
      if (check!.status === "pass") expect(check).not.toHaveProperty("output");
      else expect(check!.output).toMatch(/\S/);
    }
    if (output) expect(report.output).toMatch(output);
    else expect(report).not.toHaveProperty("output");
  });

  it("fills every check in the health+json shape", () => {
    const report = assessHealth({ postgres: up(3.14159), chroma: down("Chroma"), mirror: mirrorAt(minutesAgo(1)), backlog: pending(7) }, RULES);
    expect(report.checks).toEqual({
      "postgres:responseTime": [{ componentType: "datastore", observedValue: 3.1, observedUnit: "ms", status: "pass", time: NOW.toISOString() }],
      "chroma:responseTime": [
        { componentType: "datastore", observedValue: 12, observedUnit: "ms", status: "fail", time: NOW.toISOString(), output: "Chroma went away (unreachable)." },
      ],
      "mirror:freshness": [{ componentType: "datastore", observedValue: 60, observedUnit: "s", status: "pass", time: NOW.toISOString() }],
      "writes:backlog": [{ componentType: "component", observedValue: 7, observedUnit: "writes", status: "pass", time: NOW.toISOString() }],
    });
  });

  it("has no writes:backlog check when no backlog was read", () => {
    expect(assessHealth({ postgres: up(), chroma: up(), mirror: FRESH }, RULES).checks).not.toHaveProperty("writes:backlog");
  });

  it("reports no age for a missing mirror", () => {
    expect(assessHealth({ postgres: up(), chroma: up(), mirror: NONE }, RULES).checks["mirror:freshness"][0]!.observedValue).toBeNull();
  });

  it("warns about slow dependencies only when a latency limit is set", () => {
    const readings = { postgres: up(1_500), chroma: up(20), mirror: FRESH };
    expect(assessHealth(readings, RULES).status).toBe("pass");
    const slow = assessHealth(readings, { ...RULES, responseTimeWarnMs: 1_000 });
    expect(slow.status).toBe("warn");
    expect(slow.checks["postgres:responseTime"][0]).toMatchObject({ status: "warn", output: "PostgreSQL answered in 1.5 s, slower than the 1 s limit." });
    expect(slow.checks["chroma:responseTime"][0]!.status).toBe("pass");
    expect(slow.output).toBe("PostgreSQL answered in 1.5 s, slower than the 1 s limit.");
  });

  it("passes background syncs that follow notifications, or poll because configured to; warns when they fall back to polling, saying why", () => {
    const trigger = (mode: "push" | "polling", configured: "push" | "polling", reason: string | null) => ({ mode, configured, reason, intervalMs: 30_000, waitingFor: null, time: NOW });
    const base = { postgres: up(), chroma: up(), mirror: FRESH };
    expect(assessHealth({ ...base, trigger: trigger("push", "push", null) }, RULES)).toEqual(
      expect.objectContaining({ status: "pass", checks: expect.objectContaining({ "sync:trigger": [{ componentType: "component", observedValue: 30_000, observedUnit: "ms", status: "pass", time: NOW.toISOString() }] }) as unknown }),
    );
    expect(assessHealth({ ...base, trigger: trigger("polling", "polling", "switched off") }, RULES).status).toBe("pass");
    const fallback = assessHealth({ ...base, trigger: trigger("polling", "push", "a test notification did not arrive within 2000 ms") }, RULES);
    expect(fallback.status).toBe("warn");
    expect(fallback.checks["sync:trigger"]?.[0]).toMatchObject({ status: "warn", output: "Changes reach the mirror on the 30 s timer only, not as PostgreSQL notifies them: a test notification did not arrive within 2000 ms." });
    expect(fallback.output).toContain("30 s timer only");
    expect(assessHealth(base, RULES).checks).not.toHaveProperty("sync:trigger");
  });

  it("treats a sync finished after the reading (clock skew) as zero seconds old", () => {
    const report = assessHealth({ postgres: up(), chroma: up(), mirror: mirrorAt(new Date(NOW.getTime() + 5_000)) }, RULES);
    expect(report.checks["mirror:freshness"][0]).toMatchObject({ status: "pass", observedValue: 0 });
  });
});
