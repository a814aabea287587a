export { createServerMetrics } from "./create-server-metrics.js";
export type { ServerMetrics, ServerMetricsOptions } from "./create-server-metrics.js";

export { createMirrorLagSource } from "./mirror-lag.js";
export type { BacklogSource, LagSource, MetricsSources, SyncSource, ToolCallObservation } from "./sources.js";
