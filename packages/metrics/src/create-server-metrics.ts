import { runWithDeadline } from "@kmcp/core";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { MetricsSources, ToolCallObservation } from "./sources.js";

export interface ServerMetricsOptions {
  /** How long each reading may take at a scrape (default 2000 ms); one that does not answer reads as NaN. */
  probeTimeoutMs?: number;
  /** Also export Node.js's process metrics (CPU, memory, event loop lag, GC); default true. */
  processMetrics?: boolean;
  now?: () => number;
}

export interface ServerMetrics {
  /** The Prometheus text format's content type, for the response header. */
  readonly contentType: string;
  /** Reads the gauges afresh and renders every metric in the Prometheus text format. Never rejects for a failed reading. */
  render(): Promise<string>;
  /** Records one tool call in `kmcp_tool_call_duration_seconds`. */
  observeToolCall(call: ToolCallObservation): void;
  /** Starts reading the sync manager, backlog and lag; until then those gauges read NaN (unknown). */
  attach(sources: MetricsSources): void;
}

const TOOL_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SYNC_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];
const RECORD_KINDS = ["upserted", "deleted", "unchanged"] as const;

/**
 * A registry of its own (never prom-client's global one), so two servers in one process do not
 * share samples. Touches nothing until `attach()` and `render()`.
 *
 * @example
 *   const metrics = createServerMetrics();
 *   metrics.attach({ sync, backlog: { pendingWrites: () => store.pendingWrites.count() }, lag: createMirrorLagSource({ ... }) });
 *   res.writeHead(200, { "content-type": metrics.contentType }).end(await metrics.render());
 */
export function createServerMetrics(options: ServerMetricsOptions = {}): ServerMetrics {
  const now = options.now ?? Date.now;
  const timeoutMs = options.probeTimeoutMs ?? 2_000;
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  let sources: MetricsSources | undefined;

  /** A reading, or undefined when there is no source yet, it failed, or it did not answer in time. */
  async function read<T>(get: (s: MetricsSources) => Promise<T>): Promise<T | undefined> {
    if (!sources) return undefined;
    const attached = sources;
    const outcome = await runWithDeadline(() => get(attached), timeoutMs);
    return outcome.settled === "value" ? outcome.value : undefined;
  }
  const seconds = (ms: number | null | undefined) => (ms === null || ms === undefined ? Number.NaN : ms / 1000);

  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });
  const online = gauge("kmcp_postgres_online", "1 while PostgreSQL answers, 0 during an outage (reads then come from the mirror); NaN when unknown.");
  const lag = gauge("kmcp_mirror_lag_seconds", "Age of the oldest change committed in PostgreSQL that the mirror does not have yet; 0 when it has them all, NaN when unknown.");
  const syncAge = gauge("kmcp_mirror_last_sync_age_seconds", "Time since the mirror's last successful sync, by any instance; NaN before the first.");
  const lastDuration = gauge("kmcp_mirror_last_sync_duration_seconds", "Duration of the last sync, by any instance.");
  const lastRecords = gauge("kmcp_mirror_last_sync_records", "Records the last sync (by any instance) wrote, deleted or found unchanged.", ["kind"]);
  const lastFailed = gauge("kmcp_mirror_last_sync_failed", "1 when the last sync failed, else 0.");
  const mirrorSize = gauge("kmcp_mirror_sources", "Sources in the mirror.");
  const backlog = gauge("kmcp_write_backlog", "Writes (acquisition requests) queued while PostgreSQL was down, waiting to be replayed.");

  /** Reads every source at once, each within the timeout, and sets the gauges; an unknown reading is NaN. */
  async function readGauges(): Promise<void> {
    const [state, oldest, pending] = await Promise.all([
      read((s) => s.sync.getState()),
      read((s) => s.lag.oldestUnsyncedChange()),
      read((s) => s.backlog.pendingWrites()),
    ]);
    const at = now();
    online.set(state ? Number(state.isOnline) : Number.NaN);
    lag.set(oldest === undefined ? Number.NaN : oldest === null ? 0 : Math.max(0, (at - oldest.getTime()) / 1000));
    syncAge.set(state?.lastSuccessAt ? Math.max(0, (at - state.lastSuccessAt.getTime()) / 1000) : Number.NaN);
    lastDuration.set(seconds(state?.durationMs));
    for (const kind of RECORD_KINDS) lastRecords.set({ kind }, state?.counts ? state.counts[kind] : Number.NaN);
    lastFailed.set(state ? Number(state.error !== null) : Number.NaN);
    mirrorSize.set(state?.mirrorSize ?? Number.NaN);
    backlog.set(pending ?? Number.NaN);
  }

  const syncDuration = new Histogram({
    name: "kmcp_sync_duration_seconds",
    help: "Syncs this instance ran, by mode and outcome.",
    labelNames: ["mode", "outcome"],
    buckets: SYNC_BUCKETS,
    registers: [registry],
  });
  const syncRecords = new Counter({ name: "kmcp_sync_records_total", help: "Records this instance's syncs wrote, deleted or found unchanged.", labelNames: ["kind"], registers: [registry] });
  const toolCalls = new Histogram({
    name: "kmcp_tool_call_duration_seconds",
    help: "MCP tool calls, by tool, the store that answered (primary, mirror, none) and outcome (ok, error, refused: the token lacked a scope).",
    labelNames: ["tool", "origin", "outcome"],
    buckets: TOOL_BUCKETS,
    registers: [registry],
  });

  return {
    contentType: registry.contentType,
    async render() {
      await readGauges();
      return registry.metrics();
    },
    observeToolCall({ tool, origin, outcome, seconds: s }) {
      toolCalls.observe({ tool, origin, outcome }, s);
    },
    attach(attached) {
      if (sources) return;
      sources = attached;
      attached.sync.on("sync:finished", (report) => {
        syncDuration.observe({ mode: report.mode, outcome: "success" }, report.durationMs / 1000);
        for (const kind of RECORD_KINDS) syncRecords.inc({ kind }, report[kind]);
      });
      attached.sync.on("sync:failed", (report) => syncDuration.observe({ mode: report.mode, outcome: "failed" }, report.durationMs / 1000));
    },
  };
}
