import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const child = fileURLToPath(new URL("./sync-instance-child.ts", import.meta.url));

export interface SyncEvent {
  ev: string;
  t: number;
  [key: string]: unknown;
}

export interface SyncInstance {
  readonly name: string;
  readonly events: SyncEvent[];
  /** The first event from `since` on (epoch ms) that matches. */
  waitFor(match: (e: SyncEvent) => boolean, since: number, timeoutMs: number): Promise<SyncEvent>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** A syncing process (src/sync-instance-child.ts) on its own. */
export function startSyncInstance(options: { url: string; chromaUrl: string; prefix: string; name: string; push: boolean; intervalMs: number; batchSize?: number }): SyncInstance {
  const proc = spawn(process.execPath, ["--import", "tsx", child], {
    env: {
      ...process.env,
      DATABASE_URL: options.url,
      CHROMA_URL: options.chromaUrl,
      PREFIX: options.prefix,
      NAME: options.name,
      PUSH: options.push ? "on" : "off",
      INTERVAL_MS: String(options.intervalMs),
      BATCH_SIZE: String(options.batchSize ?? 2_500),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const events: SyncEvent[] = [];
  const waiters = new Set<(e: SyncEvent) => void>();
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  void (async () => {
    for await (const line of createInterface({ input: proc.stdout })) {
      const event = JSON.parse(line) as SyncEvent;
      events.push(event);
      for (const waiter of waiters) waiter(event);
    }
  })();
  return {
    name: options.name,
    events,
    waitFor(match, since, timeoutMs) {
      const seen = events.find((e) => e.t >= since && match(e));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = (e: SyncEvent) => {
          if (e.t < since || !match(e)) return;
          waiters.delete(waiter);
          clearTimeout(timer);
          resolve(e);
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`${options.name}: the awaited event did not come within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async stop(signal = "SIGTERM") {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
}

export const epochNow = () => performance.timeOrigin + performance.now();
