/**
 * The KMCP_HOME lock: two kmcp processes starting at once must not both start servers on the
 * same data. Built on proper-lockfile: the lock is the directory `home/.lock` (mkdir is atomic),
 * whose mtime the holder refreshes every `staleMs / 2`; a lock not refreshed for `staleMs`
 * belongs to a dead or hung process and is taken over.
 */
import fs from "node:fs";
import path from "node:path";
import lockfile from "proper-lockfile";
import { LocalServerError } from "./errors.js";
import { sleep } from "./process.js";

export interface HomeLockOptions {
  /** How long to wait for another kmcp process to release the lock; defaults to 60 000 ms. */
  timeoutMs?: number;
  /** A lock not refreshed for this long is taken over (min 2 000 ms); defaults to 10 000 ms. */
  staleMs?: number;
}

const LOCK_DIR = ".lock";

/**
 * proper-lockfile takes a stale lock over by stat → rmdir → mkdir, with event-loop turns in
 * between: two waiters that both saw the same stale lock can each remove it, and the slower
 * one then removes the lock the faster one has just made, so both hold it (upstream issue
 * moxystudio/node-proper-lockfile#121). Its `fs` option lets us re-check staleness and remove
 * in one synchronous step, which shrinks that window from several I/O round trips to the
 * microseconds between two system calls. It also removes a lock dir left with files inside by
 * kmcp versions before this one (`.lock/pid`).
 */
function guardedFs(lockPath: string, staleMs: number, isHeld: () => boolean): typeof fs {
  const rmdir = (target: fs.PathLike, callback: (error: NodeJS.ErrnoException | null) => void) => {
    if (isHeld() || path.resolve(String(target)) !== lockPath) return fs.rmdir(target, callback);
    try {
      const { mtimeMs } = fs.statSync(lockPath);
      if (mtimeMs >= Date.now() - staleMs) {
        return callback(Object.assign(new Error("Lock file is already being held"), { code: "ELOCKED" }));
      }
      fs.rmSync(lockPath, { recursive: true, force: true });
      callback(null);
    } catch (error) {
      callback(error as NodeJS.ErrnoException);
    }
  };
  return { ...fs, rmdir } as typeof fs;
}

/**
 * Runs fn while holding `home/.lock`, waiting up to `timeoutMs` for another kmcp process to
 * release it. A lock left by a process that died (even by SIGKILL) is taken over once stale.
 *
 * @throws {LocalServerError} `LOCKED` naming the lock path when the wait times out, or when the
 *   lock was lost (taken over as stale) while fn ran.
 */
export async function withHomeLock<T>(home: string, fn: () => Promise<T>, options: HomeLockOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const staleMs = Math.max(options.staleMs ?? 10_000, 2_000);
  const target = path.resolve(home);
  const lockPath = path.join(target, LOCK_DIR);
  let held = false;
  let compromised: Error | undefined;
  const lockOptions = {
    lockfilePath: lockPath,
    realpath: false,
    stale: staleMs,
    update: staleMs / 2,
    retries: 0,
    fs: guardedFs(lockPath, staleMs, () => held),
    onCompromised: (error: Error) => {
      compromised = error;
    },
  };
  const deadline = Date.now() + timeoutMs;
  let release: () => Promise<void>;
  for (;;) {
    try {
      release = await lockfile.lock(target, lockOptions);
      held = true;
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ELOCKED") throw error;
      if (Date.now() > deadline) {
        throw new LocalServerError(
          "LOCKED",
          `Another kmcp process has held ${lockPath} for over ${timeoutMs} ms; if none runs, remove that directory.`,
          { cause: error, data: { lockPath, timeoutMs } },
        );
      }
      // Jitter, so waiters that saw the same lock do not all retry in step.
      await sleep(75 + Math.random() * 50);
    }
  }
  let result: T;
  try {
    result = await fn();
  } finally {
    // A compromised lock is no longer ours (proper-lockfile already dropped it): do not remove it.
    if (!compromised) await release();
  }
  if (compromised) {
    throw new LocalServerError("LOCKED", `Lost ${lockPath} while holding it: ${compromised.message}`, {
      cause: compromised,
      data: { lockPath },
    });
  }
  return result;
}
