import { formatDuration } from "./format-duration.js";
import type { HealthReadings, HealthRules, MirrorReading, ResponseTimeReading } from "./observations.js";
import { CHECK_KEYS, type CheckResult, type HealthReport } from "./report.js";

/** The part of the report assessHealth() decides. */
export type HealthAssessment = Pick<HealthReport, "status" | "output" | "checks">;

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

function responseTimeCheck(label: string, reading: ResponseTimeReading, warnMs: number | undefined): CheckResult {
  const base = { componentType: "datastore", observedValue: round(reading.latencyMs, 1), observedUnit: "ms", time: reading.time.toISOString() } as const;
  if (!reading.ok) return { ...base, status: "fail", output: reading.message };
  if (warnMs !== undefined && reading.latencyMs > warnMs) {
    return { ...base, status: "warn", output: `${label} answered in ${formatDuration(reading.latencyMs)}, slower than the ${formatDuration(warnMs)} limit.` };
  }
  return { ...base, status: "pass" };
}

function mirrorAgeMs(reading: MirrorReading): number | null {
  if (!reading.ok || reading.lastSuccessAt === null) return null;
  return Math.max(0, reading.time.getTime() - reading.lastSuccessAt.getTime());
}

function mirrorCheck(reading: MirrorReading, postgresUp: boolean, maxAgeMs: number): CheckResult {
  const base = { componentType: "datastore", observedUnit: "s", time: reading.time.toISOString() } as const;
  if (!reading.ok) {
    return { ...base, observedValue: null, status: "fail", output: `Could not read when the mirror last synced: ${reading.message}` };
  }
  if (reading.lastSuccessAt === null) {
    return postgresUp
      ? { ...base, observedValue: null, status: "warn", output: "There is no mirror yet (no sync has completed): reads have nothing to fall back on if PostgreSQL goes down." }
      : { ...base, observedValue: null, status: "fail", output: "There is no mirror (no sync has completed) and PostgreSQL is down: nothing can answer reads." };
  }
  const ageMs = mirrorAgeMs(reading)!;
  const observedValue = round(ageMs / 1_000, 3);
  if (ageMs > maxAgeMs) {
    return {
      ...base,
      observedValue,
      status: "warn",
      output: `The mirror is ${formatDuration(ageMs)} old (last synced ${reading.lastSuccessAt.toISOString()}), older than the ${formatDuration(maxAgeMs)} limit.`,
    };
  }
  return { ...base, observedValue, status: "pass" };
}

function backlogCheck(reading: NonNullable<HealthReadings["backlog"]>, warnAbove: number): CheckResult {
  const base = { componentType: "component", observedUnit: "writes", time: reading.time.toISOString() } as const;
  if (!reading.ok) return { ...base, observedValue: null, status: "fail", output: `Could not read the write backlog: ${reading.message}` };
  if (reading.pending > warnAbove) {
    return { ...base, observedValue: reading.pending, status: "warn", output: `${reading.pending} writes are waiting for PostgreSQL, more than ${warnAbove}.` };
  }
  return { ...base, observedValue: reading.pending, status: "pass" };
}

function crawlsCheck(reading: NonNullable<HealthReadings["crawls"]>): CheckResult {
  const base = { componentType: "component", observedUnit: "sites", time: reading.time.toISOString() } as const;
  // Freshness is advice: a crawl state that cannot be read (PostgreSQL down) warns, never fails.
  if (!reading.ok) return { ...base, observedValue: null, status: "warn", output: `Could not read when sites were last crawled: ${reading.message}` };
  if (reading.stale > 0) {
    const sites = reading.stale === 1 ? "1 crawled site was" : `${reading.stale} crawled sites were`;
    return {
      ...base,
      observedValue: reading.stale,
      status: "warn",
      output: `${sites} last crawled successfully more than ${formatDuration(reading.olderThanMs)} ago (\`kmcp sources refresh\` re-crawls them).`,
    };
  }
  return { ...base, observedValue: 0, status: "pass" };
}

function triggerCheck(reading: NonNullable<HealthReadings["trigger"]>): CheckResult {
  const base = { componentType: "component", observedValue: reading.intervalMs, observedUnit: "ms", time: reading.time.toISOString() } as const;
  if (reading.mode === "push" || reading.configured === "polling") return { ...base, status: "pass" };
  return {
    ...base,
    status: "warn",
    output: `Changes reach the mirror on the ${formatDuration(reading.intervalMs)} timer only, not as PostgreSQL notifies them: ${reading.reason ?? "notifications are unavailable"}.`,
  };
}

/**
 * Pure: the report for a set of readings. Each check gets its own status; the overall status
 * says whether kmcp can still answer reads:
 * - `fail` when PostgreSQL is down and the mirror cannot stand in (Chroma down, no mirror, or
 *   its state unreadable);
 * - otherwise `warn` when any check is not `pass` (e.g. PostgreSQL down with a mirror, Chroma
 *   down, a stale mirror, a long backlog);
 * - otherwise `pass`.
 */
export function assessHealth(readings: HealthReadings, rules: HealthRules): HealthAssessment {
  const postgresUp = readings.postgres.ok;
  const chromaUp = readings.chroma.ok;
  const mirror = readings.mirror;
  const mirrorAsOf = mirror.ok ? mirror.lastSuccessAt : null;

  const checks: HealthReport["checks"] = {
    [CHECK_KEYS.postgres]: [responseTimeCheck("PostgreSQL", readings.postgres, rules.responseTimeWarnMs)],
    [CHECK_KEYS.chroma]: [responseTimeCheck("Chroma", readings.chroma, rules.responseTimeWarnMs)],
    [CHECK_KEYS.mirror]: [mirrorCheck(mirror, postgresUp, rules.mirrorMaxAgeMs)],
  };
  if (readings.backlog) checks[CHECK_KEYS.backlog] = [backlogCheck(readings.backlog, rules.backlogWarnAbove)];
  if (readings.crawls) checks[CHECK_KEYS.crawls] = [crawlsCheck(readings.crawls)];
  if (readings.trigger) checks[CHECK_KEYS.trigger] = [triggerCheck(readings.trigger)];

  if (!postgresUp && !(chromaUp && mirrorAsOf)) {
    let output: string;
    if (!chromaUp) output = "PostgreSQL and Chroma are both unavailable: nothing can answer reads or writes.";
    else if (!mirror.ok) output = "PostgreSQL is unavailable and the mirror's state could not be read: reads and writes fail.";
    else output = "PostgreSQL is unavailable and there is no mirror to answer from (no sync has completed): reads and writes fail.";
    return { status: "fail", output, checks };
  }

  const only = (key: keyof HealthReport["checks"]) => checks[key]?.[0];
  const notes: string[] = [];
  if (!postgresUp) {
    const age = mirrorAgeMs(mirror)!;
    const stale = age > rules.mirrorMaxAgeMs ? `, older than the ${formatDuration(rules.mirrorMaxAgeMs)} limit` : "";
    notes.push(
      `PostgreSQL is unavailable: reads are answered from the mirror as of ${mirrorAsOf!.toISOString()} (${formatDuration(age)} old${stale}); writes fail until it is back.`,
    );
  } else if (!chromaUp) {
    notes.push("Chroma is unavailable: reads work from PostgreSQL, but the mirror is not being updated.");
  } else if (only(CHECK_KEYS.mirror)?.output) {
    notes.push(only(CHECK_KEYS.mirror)!.output!);
  }
  for (const key of [CHECK_KEYS.postgres, CHECK_KEYS.chroma] as const) {
    const check = only(key)!;
    if (check.status === "warn") notes.push(check.output!);
  }
  for (const key of [CHECK_KEYS.backlog, CHECK_KEYS.crawls, CHECK_KEYS.trigger] as const) {
    const output = only(key)?.output;
    if (output) notes.push(output);
  }

  const degraded = Object.values(checks).some((list) => list.some((check) => check.status !== "pass"));
  return degraded ? { status: "warn", output: notes.join(" "), checks } : { status: "pass", checks };
}
