import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";

const INSTANCE = fileURLToPath(new URL("./fixtures/sync-instance.mjs", import.meta.url));

/** One line an instance printed: `ev` is the event, `t` epoch ms. */
export interface InstanceEvent {
  ev: string;
  name: string;
  t: number;
  [key: string]: unknown;
}

export interface Instance {
  readonly name: string;
  readonly events: InstanceEvent[];
  /** The first event (already seen or to come) that matches, within `timeoutMs`. */
  waitFor(match: (event: InstanceEvent) => boolean, what: string, timeoutMs?: number): Promise<InstanceEvent>;
  /** Runs a command of the fixture and resolves with its reply (which may hold `error`). */
  call(cmd: string, args?: Record<string, unknown>): Promise<InstanceEvent>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<Instance>();
afterAll(async () => {
  await Promise.all([...running].map((instance) => instance.kill("SIGKILL")));
});

/** Starts tests/fixtures/sync-instance.mjs: a long-running instance with background syncs, in its own process. */
export function startInstance(options: {
  name: string;
  url: string;
  chromaUrl: string;
  prefix: string;
  intervalMs?: number;
  push?: boolean;
  batchSize?: number;
}): Instance {
  const child = spawn(process.execPath, [INSTANCE], {
    env: {
      ...process.env,
      DATABASE_URL: options.url,
      CHROMA_URL: options.chromaUrl,
      COLLECTION_PREFIX: options.prefix,
      NAME: options.name,
      INTERVAL_MS: String(options.intervalMs ?? 60_000),
      PUSH: options.push === false ? "off" : "on",
      BATCH_SIZE: String(options.batchSize ?? 2_500),
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const events: InstanceEvent[] = [];
  const waiters = new Set<{ match: (e: InstanceEvent) => boolean; resolve: (e: InstanceEvent) => void }>();
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdin.on("error", () => {}); // killed with commands unsent
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void (async () => {
    for await (const line of createInterface({ input: child.stdout })) {
      const event = JSON.parse(line) as InstanceEvent;
      events.push(event);
      for (const waiter of waiters) if (waiter.match(event)) waiter.resolve(event);
    }
  })();
  let calls = 0;
  const instance: Instance = {
    name: options.name,
    events,
    waitFor(match, what, timeoutMs = 30_000) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = {
          match,
          resolve: (event: InstanceEvent) => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(event);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`${options.name}: no ${what} within ${timeoutMs} ms. Events: ${JSON.stringify(events.slice(-10))}\nstderr: ${stderr}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    call(cmd, args = {}) {
      const id = ++calls;
      const reply = instance.waitFor((e) => e.ev === "reply" && e.id === id, `reply to ${cmd}`, 60_000);
      child.stdin.write(`${JSON.stringify({ cmd, id, ...args })}\n`);
      return reply;
    },
    async kill(signal = "SIGTERM") {
      running.delete(instance);
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  running.add(instance);
  return instance;
}

/** Every [started, finished-or-failed] interval of these instances' syncs, in start order. */
export function syncIntervals(instances: readonly Instance[]): { name: string; from: number; to: number }[] {
  const intervals: { name: string; from: number; to: number }[] = [];
  for (const instance of instances) {
    let from: number | undefined;
    for (const event of instance.events) {
      if (event.ev === "started") from = event.t;
      if ((event.ev === "finished" || event.ev === "failed") && from !== undefined) {
        intervals.push({ name: instance.name, from, to: event.t });
        from = undefined;
      }
    }
  }
  return intervals.sort((a, b) => a.from - b.from);
}
