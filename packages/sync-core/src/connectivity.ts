import { EventEmitter } from "node:events";
import type { PingResult } from "@kmcp/db";
import { isPrimaryOutage } from "./failure.js";

export type Connectivity = "unknown" | "online" | "offline";

export interface ConnectivityMonitorOptions {
  /** Probes PostgreSQL; must resolve (never reject) within a bounded time, as Db.ping() does. */
  ping: () => Promise<PingResult>;
  /** Consecutive failures (probes or failed queries) before PostgreSQL counts as offline. */
  failureThreshold?: number;
  /** While offline, how long to wait between probes triggered by reads. */
  retryAfterMs?: number;
  now?: () => number;
}

export interface ConnectivityMonitor {
  readonly state: Connectivity;
  /** False only once PostgreSQL is known to be down. */
  readonly isOnline: boolean;
  /** The message of the last failure, if the last thing seen was a failure. */
  readonly lastError: string | undefined;
  /** Pings now (concurrent calls share one ping) and updates the state. */
  probe(): Promise<boolean>;
  /** Learns from a failed query; returns true when the failure was an outage. */
  reportFailure(error: unknown): boolean;
  reportSuccess(): void;
  /**
   * Whether a read should try PostgreSQL. While offline this is false, so reads go straight to
   * the mirror without waiting for a timeout; it also starts a background probe now and then,
   * so the state flips back on its own when PostgreSQL returns.
   */
  shouldTryPrimary(): boolean;
  on(event: "change", listener: (state: Connectivity) => void): this;
  off(event: "change", listener: (state: Connectivity) => void): this;
}

export function createConnectivityMonitor(options: ConnectivityMonitorOptions): ConnectivityMonitor {
  const threshold = options.failureThreshold ?? 2;
  const retryAfterMs = options.retryAfterMs ?? 1_000;
  const now = options.now ?? Date.now;
  const events = new EventEmitter();
  let state: Connectivity = "unknown";
  let failures = 0;
  let lastError: string | undefined;
  let lastProbeAt = -Infinity;
  let inFlight: Promise<boolean> | undefined;

  function set(next: Connectivity) {
    if (next === state) return;
    state = next;
    events.emit("change", next);
  }

  function fail(message: string) {
    failures += 1;
    lastError = message;
    if (failures >= threshold) set("offline");
  }

  function succeed() {
    failures = 0;
    lastError = undefined;
    set("online");
  }

  const monitor: ConnectivityMonitor = {
    get state() {
      return state;
    },
    get isOnline() {
      return state !== "offline";
    },
    get lastError() {
      return lastError;
    },
    probe() {
      inFlight ??= (async () => {
        lastProbeAt = now();
        try {
          const result = await options.ping();
          // A database that answers with an error (bad credentials, say) is not an outage.
          if (result.ok || result.reason === "error") succeed();
          else fail(result.message);
          return result.ok;
        } finally {
          inFlight = undefined;
        }
      })();
      return inFlight;
    },
    reportFailure(error) {
      if (!isPrimaryOutage(error)) return false;
      fail(error instanceof Error ? error.message : String(error));
      return true;
    },
    reportSuccess: succeed,
    shouldTryPrimary() {
      if (state !== "offline") return true;
      if (!inFlight && now() - lastProbeAt >= retryAfterMs) void monitor.probe();
      return false;
    },
    on(event, listener) {
      events.on(event, listener);
      return monitor;
    },
    off(event, listener) {
      events.off(event, listener);
      return monitor;
    },
  };
  return monitor;
}
