import { backoffDelay, type Logger, type SyncTrigger } from "@kmcp/core";
import { LeaseEventSchema, SOURCES_CHANGED_CHANNEL, SYNC_LEASE_CHANNEL, type LeaseHolding, type ListenerState, type NotificationListener, type SyncDb } from "@kmcp/db/sync";
import { createSyncDemand } from "./sync-demand.js";

/** How one background attempt went. */
export type AttemptOutcome =
  | { outcome: "synced" }
  /** Synced, but changes that had committed wait for an older transaction still running (ChangePage.heldBack). */
  | { outcome: "held back" }
  | { outcome: "busy"; holding: LeaseHolding | null }
  | { outcome: "failed" };

export interface BackgroundSyncOptions {
  /** The safety-net timer: a sync at least this often (after failures the delay doubles, up to 5 min). */
  intervalMs: number;
  /** Spread of the timer, ± this fraction, so processes do not tick together. */
  jitter: number;
  /** Sync on PostgreSQL's change notifications; false polls on the timer only (KMCP_SYNC_NOTIFY=off). */
  push: false | { debounceMs: number; probeTimeoutMs: number };
}

export interface BackgroundSyncDeps {
  db: SyncDb;
  /** The sync lease this process competes for, and its own holder id (its lease events are ignored). */
  lease: { name: string; holderId: string };
  /** Shown in pg_stat_activity for the notification connection. */
  applicationName: string;
  /**
   * Tries one incremental sync now, without waiting for the lease. It asks `more()` whenever it
   * has read the feed to its end: true to read on in the same run.
   */
  attempt(more: () => boolean): Promise<AttemptOutcome>;
  /** Resolves once no sync runs in this process. */
  idle(): Promise<void>;
  onTrigger(trigger: SyncTrigger): void;
  logger: Logger;
}

export interface BackgroundSync {
  readonly trigger: SyncTrigger;
  stop(): Promise<void>;
}

const HELD_BACK = "an older transaction still running on the PostgreSQL server";

/** How long one background run keeps reading changes notified while it runs (see attempt()). */
const MAX_RUN_MS = 5_000;

const NO_PROBE_REASON = (ms: number) =>
  `a test notification sent through another connection did not arrive within ${ms} ms: something between kmcp and PostgreSQL ` +
  "(a transaction-mode pooler such as PgBouncer) does not deliver notifications; set KMCP_SYNC_NOTIFY=off to stop trying";

/**
 * Background syncs for a long-running process: on every notified change (debounced: the first
 * notification opens a window of `debounceMs`, and everything notified in it is one batch; what
 * is notified during a sync is one more batch right after it), on the timer as a safety net, and after the notification
 * connection comes back (notifications may have been missed). When another process holds the
 * lease, it waits for that process's sync: covered if that sync started after the change was
 * heard (see SyncDemand), tried again when the lease is released or would lapse (a dead holder).
 */
export function startBackgroundSync(deps: BackgroundSyncDeps, options: BackgroundSyncOptions): BackgroundSync {
  const { logger } = deps;
  const demand = createSyncDemand();
  let trigger: SyncTrigger = {
    mode: "polling",
    configured: options.push ? "push" : "polling",
    reason: options.push ? "connecting to PostgreSQL to listen for changes" : "change notifications are switched off (KMCP_SYNC_NOTIFY=off)",
    intervalMs: options.intervalMs,
    waitingFor: null,
  };
  let stopped = false;
  let running = false;
  let failures = 0;
  // Runs in a row that found changes held back (AttemptOutcome "held back"); while > 0 this process
  // owes another run whatever the demand says: its own lease release, announced as a good sync,
  // clears the demand, and no notification comes when the older transaction ends.
  let heldBack = 0;
  let tickTimer: NodeJS.Timeout | undefined;
  let soonTimer: NodeJS.Timeout | undefined;
  let soonAt = Number.POSITIVE_INFINITY;
  let pushWorked = false;

  function setTrigger(patch: Partial<SyncTrigger>): void {
    const next = { ...trigger, ...patch };
    if (next.mode === trigger.mode && next.reason === trigger.reason && next.waitingFor === trigger.waitingFor) return;
    logger.info("sync trigger", { mode: next.mode, reason: next.reason, waitingFor: next.waitingFor });
    trigger = next;
    deps.onTrigger({ ...trigger });
  }

  /** An attempt in `delayMs` (later while syncs fail: from 1 s, doubling), unless one is due sooner. */
  function soon(requestedMs: number): void {
    if (stopped) return;
    const delayMs = failures === 0 ? requestedMs : Math.max(requestedMs, backoffDelay({ attempt: failures - 1, baseMs: 1_000, maxMs: options.intervalMs }));
    const at = performance.now() + delayMs;
    if (soonTimer && soonAt <= at) return;
    clearTimeout(soonTimer);
    soonAt = at;
    soonTimer = setTimeout(() => {
      soonTimer = undefined;
      soonAt = Number.POSITIVE_INFINITY;
      void attempt();
    }, delayMs);
    soonTimer.unref();
  }

  const owed = () => demand.owed || heldBack > 0;

  async function attempt(): Promise<void> {
    if (stopped || running || !owed()) return;
    running = true;
    // A sync this process runs already (one a caller asked for) may cover what is owed.
    await deps.idle();
    if (!owed() || stopped) {
      running = false;
      return;
    }
    const token = demand.begin();
    // Changes notified while it runs are read in the same run, for up to MAX_RUN_MS (then the
    // run ends, storing its report, and another starts): no lease, state read and report write
    // between batches of a steady stream of writes.
    const until = performance.now() + MAX_RUN_MS;
    let continued = false;
    const more = () => {
      if (!options.push || !demand.owed || performance.now() > until) return false;
      demand.begin();
      continued = true;
      return true;
    };
    const result = await deps.attempt(more).catch((): AttemptOutcome => ({ outcome: "failed" }));
    running = false;
    if (result.outcome === "held back") {
      // Again soon, by this process alone (its lease was released as a good sync, so other
      // processes do not join in), backing off while the older transaction runs.
      setTrigger({ waitingFor: HELD_BACK });
      soon(backoffDelay({ attempt: heldBack++, baseMs: 100, maxMs: Math.min(options.intervalMs, 5_000) }));
      return;
    }
    if (result.outcome === "synced") heldBack = 0;
    else {
      demand.restore(token);
      if (continued) demand.note(); // what the run took on is owed again
    }
    if (result.outcome === "busy") {
      setTrigger({ waitingFor: result.holding?.holder ?? "another process" });
      // Released: its notification brings the next attempt sooner. A dead holder's lease lapses then.
      soon(Math.min(options.intervalMs, result.holding ? result.holding.expiresInMs + 25 : 50));
      return;
    }
    if (trigger.waitingFor !== null) setTrigger({ waitingFor: null });
    if (result.outcome === "failed") {
      failures += 1;
      return; // the timer retries, backing off
    }
    failures = 0;
    // What was notified during the sync is already a batch: no window to wait for.
    if (demand.owed && options.push) soon(0);
  }

  function scheduleTick(first: boolean): void {
    if (stopped) return;
    const delay = first
      ? 0
      : backoffDelay({ attempt: failures, baseMs: options.intervalMs, maxMs: Math.max(options.intervalMs, 300_000), spread: [1 - options.jitter, 1 + options.jitter] });
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- the callback catches everything itself
    tickTimer = setTimeout(async () => {
      demand.note();
      await attempt();
      if (listener?.state.status === "listening") void checkPush(false);
      scheduleTick(false);
    }, delay);
    tickTimer.unref();
  }

  /** Proves notifications arrive (a probe round trip); polls, saying why, when they do not. */
  async function checkPush(reconnected: boolean): Promise<void> {
    if (!listener || !options.push) return;
    const ok = await listener.probe(options.push.probeTimeoutMs);
    if (stopped) return;
    if (ok) setTrigger({ mode: "push", reason: null });
    else {
      setTrigger({ mode: "polling", reason: NO_PROBE_REASON(options.push.probeTimeoutMs) });
      // It worked before: the connection went quiet; a new one may work again.
      if (pushWorked) listener.reconnect();
    }
    pushWorked = ok;
    if (reconnected) {
      demand.note(); // changes committed while it was down were never notified
      soon(0);
    }
  }

  function onNotification(channel: string, payload: string): void {
    if (channel === SOURCES_CHANGED_CHANNEL) {
      demand.note();
      if (options.push) soon(options.push.debounceMs);
      return;
    }
    const parsed = LeaseEventSchema.safeParse(safeJson(payload));
    if (!parsed.success || parsed.data.name !== deps.lease.name) return;
    // This process's own syncs count too (one a tool asked for covers a change heard before it).
    const own = parsed.data.holderId === deps.lease.holderId;
    if (parsed.data.event === "acquired") demand.syncStarted();
    else if (demand.syncFinished(parsed.data.ok ?? false)) {
      if (!own) soon(0);
    } else if (!own && trigger.waitingFor !== null) setTrigger({ waitingFor: null });
  }

  function onListenerState(state: ListenerState): void {
    if (stopped) return;
    if (state.status === "listening") void checkPush(state.connections > 1);
    else if (state.status === "down") setTrigger({ mode: "polling", reason: `the connection that listens for changes is down (${state.error}); reconnecting` });
  }

  const listener: NotificationListener | undefined = options.push
    ? deps.db.listen({
        channels: [SOURCES_CHANGED_CHANNEL, SYNC_LEASE_CHANNEL],
        onNotification,
        onStateChange: onListenerState,
        applicationName: deps.applicationName,
      })
    : undefined;
  scheduleTick(true);

  return {
    get trigger() {
      return { ...trigger };
    },
    async stop() {
      stopped = true;
      clearTimeout(tickTimer);
      clearTimeout(soonTimer);
      await listener?.close();
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
