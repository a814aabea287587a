import type { BacklogReading, CrawlsReading, FailedReading, FailureReason, MirrorReading, ResponseTimeReading, TriggerReading } from "./observations.js";
import type { BacklogProbe, ChromaProbe, CrawlsProbe, MirrorProbe, PostgresProbe, TriggerProbe } from "./probes.js";
import { runWithDeadline } from "@kmcp/core";

/** What every read needs: a clock and a scrubber for messages. */
export interface ObserveContext {
  now: () => number;
  /** Returns text fit for a report: no credentials, bounded length. */
  clean: (text: string) => string;
}

function reasonOf(error: unknown): FailureReason {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "UNREACHABLE" ? "unreachable" : code === "TIMEOUT" ? "timeout" : "error";
}

function messageOf(error: unknown, what: string): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.trim() ? message : `${what} failed without a message.`;
}

/** The failure for an outcome that is not a usable value. */
function failure(outcome: { settled: "timeout" } | { settled: "error"; error: unknown }, what: string, timeoutMs: number, ctx: ObserveContext) {
  const time = new Date(ctx.now());
  if (outcome.settled === "timeout") {
    return { ok: false as const, reason: "timeout" as const, message: `${what} did not answer within ${timeoutMs} ms.`, time };
  }
  return { ok: false as const, reason: reasonOf(outcome.error), message: ctx.clean(messageOf(outcome.error, what)), time };
}

const invalid = (what: string, value: unknown) => ({ settled: "error" as const, error: new Error(`${what} returned ${String(value)}.`) });

export async function readPostgres(probe: PostgresProbe, timeoutMs: number, ctx: ObserveContext): Promise<ResponseTimeReading> {
  const outcome = await runWithDeadline(() => probe.ping({ timeoutMs }), timeoutMs);
  if (outcome.settled !== "value") return { ...failure(outcome, "PostgreSQL", timeoutMs, ctx), latencyMs: outcome.elapsedMs };
  const result = outcome.value;
  const time = new Date(ctx.now());
  if (result?.ok === true) return { ok: true, latencyMs: Number.isFinite(result.latencyMs) ? result.latencyMs : outcome.elapsedMs, time };
  if (result?.ok === false) {
    return { ok: false, reason: result.reason, latencyMs: result.latencyMs ?? outcome.elapsedMs, message: ctx.clean(messageOf(result.message, "PostgreSQL ping")), time };
  }
  return { ...failure(invalid("PostgreSQL ping", result), "PostgreSQL ping", timeoutMs, ctx), latencyMs: outcome.elapsedMs };
}

export async function readChroma(probe: ChromaProbe, timeoutMs: number, ctx: ObserveContext): Promise<ResponseTimeReading> {
  const outcome = await runWithDeadline(() => probe.heartbeat({ timeoutMs }), timeoutMs);
  if (outcome.settled !== "value") return { ...failure(outcome, "Chroma", timeoutMs, ctx), latencyMs: outcome.elapsedMs };
  const latencyMs = Number.isFinite(outcome.value) && outcome.value >= 0 ? outcome.value : outcome.elapsedMs;
  return { ok: true, latencyMs, time: new Date(ctx.now()) };
}

export async function readMirror(probe: MirrorProbe, timeoutMs: number, ctx: ObserveContext): Promise<MirrorReading> {
  const outcome = await runWithDeadline(() => probe.mirrorAsOf(), timeoutMs);
  if (outcome.settled !== "value") return failure(outcome, "mirrorAsOf()", timeoutMs, ctx);
  const asOf = outcome.value;
  if (asOf !== null && !(asOf instanceof Date && Number.isFinite(asOf.getTime()))) {
    return failure(invalid("mirrorAsOf()", asOf), "mirrorAsOf()", timeoutMs, ctx);
  }
  return { ok: true, lastSuccessAt: asOf, time: new Date(ctx.now()) };
}

/** A count a probe returns (a non-negative safe integer), or why there is none. */
async function readCount(count: () => Promise<number>, what: string, timeoutMs: number, ctx: ObserveContext): Promise<{ ok: true; n: number; time: Date } | FailedReading> {
  const outcome = await runWithDeadline(count, timeoutMs);
  if (outcome.settled !== "value") return failure(outcome, what, timeoutMs, ctx);
  const n = outcome.value;
  if (!Number.isSafeInteger(n) || n < 0) return failure(invalid(what, n), what, timeoutMs, ctx);
  return { ok: true, n, time: new Date(ctx.now()) };
}

export async function readCrawls(probe: CrawlsProbe, olderThanMs: number, timeoutMs: number, ctx: ObserveContext): Promise<CrawlsReading> {
  const reading = await readCount(() => probe.staleSites(olderThanMs), "staleSites()", timeoutMs, ctx);
  return reading.ok ? { ok: true, stale: reading.n, olderThanMs, time: reading.time } : reading;
}

export async function readBacklog(probe: BacklogProbe, timeoutMs: number, ctx: ObserveContext): Promise<BacklogReading> {
  const reading = await readCount(() => probe.pendingWrites(), "pendingWrites()", timeoutMs, ctx);
  return reading.ok ? { ok: true, pending: reading.n, time: reading.time } : reading;
}

/** Synchronous and local (no I/O): undefined when there is no probe or no background syncs. */
export function readTrigger(probe: TriggerProbe | undefined, ctx: ObserveContext): TriggerReading | undefined {
  try {
    const trigger = probe?.trigger();
    return trigger ? { ...trigger, time: new Date(ctx.now()) } : undefined;
  } catch {
    return undefined; // report() never rejects; a probe that throws has nothing to report
  }
}
