/**
 * Pure: whether this process owes a sync, from what it has heard, in the order it heard it.
 *
 * Notifications reach a listener in the order their transactions committed. So when a process
 * (another one, or this one through another path such as `kmcp sync run` in-process calls)
 * announces that it took the sync lease *after* this process heard of a change, that sync reads
 * the change feed after the change committed and covers it: once it finishes well, nothing is
 * owed. (A sync that starts while an older transaction is still open, in any database of the
 * server, may not see a later commit yet: the feed says so (heldBack), and the process that ran
 * that sync tries again, backing off, until it has; see background-sync.)
 */
export interface SyncDemand {
  readonly owed: boolean;
  /** Something may need syncing: a change was notified, the timer ticked, notifications may have been missed. */
  note(): void;
  /** A sync took the lease. */
  syncStarted(): void;
  /** A sync ended; returns whether a sync is still owed. */
  syncFinished(ok: boolean): boolean;
  /** This process starts a sync: it covers everything noted so far. Returns a token for restore(). */
  begin(): number | null;
  /** That sync did not happen or failed: owe again what was owed before it. */
  restore(token: number | null): void;
}

export function createSyncDemand(): SyncDemand {
  let seq = 0;
  // The position of the latest demand not yet covered; null when nothing is owed. Owed at start.
  let owedAt: number | null = 0;
  let startedAt = -1;
  return {
    get owed() {
      return owedAt !== null;
    },
    note() {
      owedAt = ++seq;
    },
    syncStarted() {
      startedAt = ++seq;
    },
    syncFinished(ok) {
      if (ok && owedAt !== null && startedAt > owedAt) owedAt = null;
      return owedAt !== null;
    },
    begin() {
      const token = owedAt;
      owedAt = null;
      return token;
    },
    restore(token) {
      if (token !== null && (owedAt === null || owedAt < token)) owedAt = token;
    },
  };
}
