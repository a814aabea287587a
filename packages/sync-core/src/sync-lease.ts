import type { LeaseHolding, SyncDb } from "@kmcp/db";
import { SyncError } from "./errors.js";

/** Who this process is, as the lease records it. */
export interface LeaseIdentity {
  /** Which mirror: one lease per mirror (the sync-state collection's name). */
  name: string;
  /** Random per process. */
  holderId: string;
  /** For people, e.g. "kmcp-mcp pid 4242 on web-1". */
  holder: string;
  /** How long the lease lasts without renewal: how soon another process takes over from a dead holder. */
  ttlMs: number;
}

/** The lease, held for one sync. */
export interface HeldLease {
  /** Throws SyncError LEASE_LOST unless the lease is certainly still this process's for a while: call before each write. */
  assertHeld(): void;
  /** Stops renewing and frees the lease (best effort: a lease that cannot be released lapses on its own). */
  release(ok: boolean): Promise<void>;
}

export type LeaseTry = { held: HeldLease } | { busy: LeaseHolding | null };

/**
 * Takes the sync lease if it is free, and renews it every third of its time-to-live while held.
 * A write may start only while at least a third of the time-to-live is certainly left (counted
 * from when the last successful renewal was *sent*, so PostgreSQL's expiry is never earlier), so
 * a holder that stalls or loses PostgreSQL stops writing before another process can take over.
 */
export async function tryLease(db: SyncDb, identity: LeaseIdentity, now: () => number = () => performance.now()): Promise<LeaseTry> {
  const sentAt = now();
  const attempt = await db.leases.acquire(identity);
  if (!attempt.acquired) return { busy: attempt.current };
  const { token } = attempt;
  const key = { name: identity.name, holderId: identity.holderId, token };
  let validUntil = sentAt + identity.ttlMs;
  let lost = false;
  let renewing: Promise<void> | undefined;
  const renew = async () => {
    const sent = now();
    try {
      if (await db.leases.renew({ ...key, ttlMs: identity.ttlMs })) validUntil = sent + identity.ttlMs;
      else lost = true;
    } catch {
      // PostgreSQL unreachable: the lease runs down; assertHeld() stops the sync in time.
    } finally {
      renewing = undefined;
    }
  };
  const timer = setInterval(() => {
    if (!renewing && !lost) renewing = renew();
  }, Math.max(50, Math.floor(identity.ttlMs / 3)));
  timer.unref();
  return {
    held: {
      assertHeld() {
        if (lost || now() > validUntil - identity.ttlMs / 3) {
          throw new SyncError(
            "LEASE_LOST",
            lost
              ? "Another process took over the sync lease, so this sync stopped before writing more; the other process carries on from the checkpoint."
              : "This process could not renew its sync lease in time (PostgreSQL slow or unreachable, or the process stalled), so the sync stopped before writing more; it is retried.",
          );
        }
      },
      async release(ok) {
        clearInterval(timer);
        // A renewal landing after the release (on another pooled connection) would hold the lease
        // for another time-to-live, keeping every other process waiting for nothing.
        await renewing;
        await db.leases.release({ ...key, ok }).catch(() => {});
      },
    },
  };
}

/**
 * Waits up to `waitMs` for the lease, retrying as the current one would lapse (or every
 * `pollMs`), telling `onWait` who holds it the first time it is busy.
 * @throws SyncError BUSY naming the holder when it stays busy.
 */
export async function waitForLease(
  db: SyncDb,
  identity: LeaseIdentity,
  options: { waitMs: number; pollMs?: number; onWait?: (holding: LeaseHolding | null) => void },
): Promise<HeldLease> {
  const deadline = performance.now() + options.waitMs;
  const pollMs = options.pollMs ?? 250;
  let told = false;
  for (;;) {
    const result = await tryLease(db, identity);
    if ("held" in result) return result.held;
    const left = deadline - performance.now();
    if (left <= 0) throw busyError(result.busy, options.waitMs);
    if (!told) options.onWait?.(result.busy);
    told = true;
    const retryIn = Math.min(pollMs, result.busy ? result.busy.expiresInMs + 20 : 20, left);
    await new Promise((resolve) => setTimeout(resolve, Math.max(10, retryIn)));
  }
}

/** One line saying who holds the lease. */
export function describeHolding(holding: LeaseHolding): string {
  return `${holding.holder} (syncing since ${holding.acquiredAt.toISOString()})`;
}

function busyError(holding: LeaseHolding | null, waitMs: number): SyncError {
  const who = holding ? describeHolding(holding) : "another process";
  const waited = waitMs < 1_000 ? `${waitMs} ms` : `${Number((waitMs / 1_000).toFixed(1))} s`;
  return new SyncError("BUSY", `Another sync is running: ${who} held the sync lease for the ${waited} this call would wait. Try again later, or wait longer.`, {
    data: { holder: holding?.holder ?? null, since: holding?.acquiredAt.toISOString() ?? null },
  });
}
