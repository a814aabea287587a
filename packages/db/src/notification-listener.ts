import { randomBytes } from "node:crypto";
import { backoffDelay } from "@kmcp/core";
import pg from "pg";
import { translateError } from "./translate-error.js";

/** Every statement that changes rows of `sources` notifies here (migration 20261126000000), delivered at COMMIT. */
export const SOURCES_CHANGED_CHANNEL = "kmcp_sources_changed";

export interface ListenerState {
  /** `listening`: connected, with LISTEN done on every channel; `down`: waiting to reconnect. */
  status: "connecting" | "listening" | "down" | "closed";
  /** Why the last connection attempt failed or the connection was lost (no credentials); null while listening. */
  error: string | null;
  /** Connections made so far; more than one means notifications may have been missed in between. */
  connections: number;
}

export interface NotificationListenerOptions {
  channels: readonly string[];
  onNotification: (channel: string, payload: string) => void;
  onStateChange?: (state: ListenerState) => void;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
  /** Reconnect delays: doubling from `baseMs` to `maxMs`, with jitter. */
  retry?: { baseMs: number; maxMs: number };
}

export interface NotificationListener {
  readonly state: ListenerState;
  /**
   * Proves notifications arrive: sends one through another connection (the pool) on a channel
   * only this listener listens to, and resolves true if it arrives within `timeoutMs`. False
   * when not listening, or when it never arrives (e.g. behind a transaction-mode pooler, whose
   * server sessions are not this client's, or a proxy that drops them). Never throws.
   */
  probe(timeoutMs: number): Promise<boolean>;
  /** Drops the connection and connects again (after a probe failed on a connection that looked fine). */
  reconnect(): void;
  close(): Promise<void>;
}

export interface ListenerDeps {
  url: string;
  connectTimeoutMs: number;
  pool: pg.Pool;
  secrets: readonly string[];
}

/**
 * LISTENs on a dedicated connection of its own (notifications need a session; a pooled one would
 * be handed back), reconnecting with back-off whenever it is lost. Connects at once, in the background.
 */
export function createNotificationListener(deps: ListenerDeps, options: NotificationListenerOptions): NotificationListener {
  const retry = options.retry ?? { baseMs: 500, maxMs: 30_000 };
  const probeChannel = `kmcp_probe_${randomBytes(8).toString("hex")}`;
  const waiting = new Map<string, () => void>();
  const state: ListenerState = { status: "connecting", error: null, connections: 0 };
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;

  function setState(next: Partial<ListenerState>): void {
    Object.assign(state, next);
    options.onStateChange?.({ ...state });
  }

  function describe(error: unknown, action: string): string {
    return translateError(error, action, deps.secrets).message;
  }

  function lose(lost: pg.Client, error: unknown): void {
    if (client !== lost || state.status === "closed") return;
    client = undefined;
    lost.removeAllListeners("notification");
    lost.end().catch(() => {});
    const delay = backoffDelay({ attempt: failures, baseMs: retry.baseMs, maxMs: retry.maxMs });
    failures += 1;
    setState({ status: "down", error: describe(error, "listen for changes") });
    timer = setTimeout(connect, delay);
    timer.unref();
  }

  function connect(): void {
    if (state.status === "closed") return;
    const next = new pg.Client({
      connectionString: deps.url,
      connectionTimeoutMillis: deps.connectTimeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      ...(options.applicationName ? { application_name: options.applicationName.slice(0, 63) } : {}),
    });
    client = next;
    next.on("error", (error) => lose(next, error));
    next.on("end", () => lose(next, new Error("the connection was closed")));
    next.on("notification", ({ channel, payload = "" }) => {
      if (channel === probeChannel) waiting.get(payload)?.();
      else options.onNotification(channel, payload);
    });
    if (state.status !== "connecting") setState({ status: "connecting" });
    void (async () => {
      try {
        await next.connect();
        for (const channel of [...options.channels, probeChannel]) await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        if (client !== next) return;
        failures = 0;
        setState({ status: "listening", error: null, connections: state.connections + 1 });
      } catch (error) {
        lose(next, error);
      }
    })();
  }

  connect();

  return {
    get state() {
      return { ...state };
    },
    async probe(timeoutMs) {
      if (state.status !== "listening") return false;
      const nonce = randomBytes(8).toString("hex");
      let timeout: NodeJS.Timeout | undefined;
      const arrived = new Promise<boolean>((resolve) => {
        waiting.set(nonce, () => resolve(true));
        timeout = setTimeout(() => resolve(false), timeoutMs);
      });
      try {
        await deps.pool.query("SELECT pg_notify($1, $2)", [probeChannel, nonce]);
        return await arrived;
      } catch {
        return false;
      } finally {
        clearTimeout(timeout);
        waiting.delete(nonce);
      }
    },
    reconnect() {
      if (client) lose(client, new Error("notifications stopped arriving"));
    },
    async close() {
      clearTimeout(timer);
      const current = client;
      client = undefined;
      setState({ status: "closed", error: null });
      await current?.end().catch(() => {});
    },
  };
}
