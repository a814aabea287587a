import type { SyncReport, SyncState } from "@kmcp/core";
import { describe, expect, it } from "vitest";
import { createServerMetrics } from "./create-server-metrics.js";
import type { MetricsSources } from "./sources.js";
import { expectSamples, samples } from "../test/samples.js";

const NOW = Date.parse("2026-11-26T12:00:00Z");
const state = (over: Partial<SyncState> = {}): SyncState => ({
  status: "synced",
  isOnline: true,
  lastSyncAt: new Date(NOW - 30_000),
  lastSuccessAt: new Date(NOW - 30_000),
  lastMode: "incremental",
  counts: { upserted: 4, deleted: 1, unchanged: 7 },
  durationMs: 250,
  mirrorSize: 12,
  error: null,
  lease: null,
  trigger: null,
  ...over,
});

function sources(over: { state?: () => Promise<SyncState>; oldest?: () => Promise<Date | null>; pending?: () => Promise<number> } = {}) {
  const listeners = new Map<string, (...args: never[]) => void>();
  const attached: MetricsSources = {
    sync: { getState: over.state ?? (async () => state()), on: (event: string, listener: (...args: never[]) => void) => listeners.set(event, listener) },
    lag: { oldestUnsyncedChange: over.oldest ?? (async () => null) },
    backlog: { pendingWrites: over.pending ?? (async () => 0) },
  };
  const emit = (event: string, ...args: unknown[]) => (listeners.get(event) as (...a: unknown[]) => void)(...args);
  return { attached, emit };
}

const metrics = () => createServerMetrics({ now: () => NOW, processMetrics: false, probeTimeoutMs: 200 });

describe("createServerMetrics", () => {
  it("reads every gauge from the sources at each render", async () => {
    const m = metrics();
    m.attach(sources({ oldest: async () => new Date(NOW - 12_500), pending: async () => 3 }).attached);
    const s = samples(await m.render());
    expectSamples(s, {
      kmcp_postgres_online: 1,
      kmcp_mirror_lag_seconds: 12.5,
      kmcp_mirror_last_sync_age_seconds: 30,
      kmcp_mirror_last_sync_duration_seconds: 0.25,
      'kmcp_mirror_last_sync_records{kind="upserted"}': 4,
      'kmcp_mirror_last_sync_records{kind="deleted"}': 1,
      'kmcp_mirror_last_sync_records{kind="unchanged"}': 7,
      kmcp_mirror_last_sync_failed: 0,
      kmcp_mirror_sources: 12,
      kmcp_write_backlog: 3,
    });
  });

  it("reports a caught-up mirror as lag 0, an outage as online 0 with the failure flagged", async () => {
    const m = metrics();
    const failed = state({ isOnline: false, status: "offline", error: { side: "postgres", message: "down" } });
    m.attach(sources({ state: async () => failed }).attached);
    const s = samples(await m.render());
    expectSamples(s, {
      kmcp_mirror_lag_seconds: 0,
      kmcp_postgres_online: 0,
      kmcp_mirror_last_sync_failed: 1,
    });
  });

  it("shows NaN (unknown) for readings that fail, hang, or have no source yet, and still renders", async () => {
    const before = samples(await metrics().render());
    expect(before.get("kmcp_mirror_lag_seconds")).toBeNaN();
    expect(before.get("kmcp_postgres_online")).toBeNaN();

    const m = metrics();
    const never = new Promise<never>(() => {});
    m.attach(sources({ state: () => never, oldest: async () => Promise.reject(new Error("PostgreSQL is down")), pending: async () => 2 }).attached);
    const s = samples(await m.render());
    expectSamples(s, {
      kmcp_mirror_lag_seconds: NaN,
      kmcp_postgres_online: NaN,
      kmcp_mirror_last_sync_age_seconds: NaN,
      'kmcp_mirror_last_sync_records{kind="upserted"}': NaN,
      kmcp_write_backlog: 2,
    });
  });

  it("shows no sync age before the first successful sync", async () => {
    const m = metrics();
    m.attach(sources({ state: async () => state({ lastSuccessAt: null, status: "pending", counts: null, durationMs: null }) }).attached);
    const s = samples(await m.render());
    expect(s.get("kmcp_mirror_last_sync_age_seconds")).toBeNaN();
    expect(s.get("kmcp_mirror_last_sync_duration_seconds")).toBeNaN();
  });

  it("counts this instance's syncs from the sync manager's events", async () => {
    const m = metrics();
    const { attached, emit } = sources();
    m.attach(attached);
    const report = (over: Partial<SyncReport>): SyncReport => ({
      mode: "incremental",
      outcome: "success",
      startedAt: NOW - 1000,
      finishedAt: NOW,
      durationMs: 1000,
      upserted: 10,
      deleted: 2,
      unchanged: 0,
      error: null,
      lastSuccessAt: NOW,
      lastChangedAt: NOW,
      ...over,
    });
    emit("sync:finished", report({}));
    emit("sync:finished", report({ mode: "full", upserted: 5, durationMs: 3000 }));
    emit("sync:failed", report({ outcome: "failed", durationMs: 40 }), new Error("x"));
    const s = samples(await m.render());
    expectSamples(s, {
      'kmcp_sync_records_total{kind="upserted"}': 15,
      'kmcp_sync_records_total{kind="deleted"}': 4,
      'kmcp_sync_duration_seconds_count{mode="incremental",outcome="success"}': 1,
      'kmcp_sync_duration_seconds_sum{mode="full",outcome="success"}': 3,
      'kmcp_sync_duration_seconds_count{mode="incremental",outcome="failed"}': 1,
    });
  });

  it("records tool calls by tool, origin and outcome", async () => {
    const m = metrics();
    m.observeToolCall({ tool: "knowledge_sources", origin: "primary", outcome: "ok", seconds: 0.004 });
    m.observeToolCall({ tool: "knowledge_sources", origin: "mirror", outcome: "ok", seconds: 0.02 });
    m.observeToolCall({ tool: "knowledge_search", origin: "none", outcome: "error", seconds: 0.3 });
    const s = samples(await m.render());
    expectSamples(s, {
      'kmcp_tool_call_duration_seconds_bucket{le="0.005",tool="knowledge_sources",origin="primary",outcome="ok"}': 1,
      'kmcp_tool_call_duration_seconds_bucket{le="0.01",tool="knowledge_sources",origin="mirror",outcome="ok"}': 0,
      'kmcp_tool_call_duration_seconds_count{tool="knowledge_sources",origin="mirror",outcome="ok"}': 1,
      'kmcp_tool_call_duration_seconds_count{tool="knowledge_search",origin="none",outcome="error"}': 1,
    });
  });

  it("keeps each instance's samples apart and exports process metrics unless told not to", async () => {
    const a = createServerMetrics();
    const b = createServerMetrics();
    a.observeToolCall({ tool: "knowledge_stats", origin: "primary", outcome: "ok", seconds: 0.01 });
    expect(await b.render()).not.toContain('tool="knowledge_stats"');
    expect(await a.render()).toContain("process_cpu_user_seconds_total");
    expect(await metrics().render()).not.toContain("process_cpu_user_seconds_total");
    expect(a.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});
