/**
 * A real Chroma server run from the native binding that the `chromadb` npm package ships for
 * its `chroma` CLI, for the embedded default and for tests. It can be stopped, killed (SIGKILL,
 * to simulate a crash) and started again on the same port with the same data.
 *
 * The binding's cli() blocks its thread for the server's whole life, so the server runs in a
 * child Node process of its own, which also lets it outlive the parent (`detached`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { LocalServerError } from "./errors.js";
import { findFreePort, isPortFree } from "./free-port.js";
import type { LocalServer } from "./local-server.js";
import { sleep } from "./process.js";

export interface LocalChromaOptions {
  /** Where Chroma keeps its data; created when missing. */
  dataDir: string;
  /** TCP port on 127.0.0.1; a free one is chosen when omitted. */
  port?: number;
  /** Keep the server running after this process exits (the CLI's `kmcp up`); its output goes to `<dataDir>/chroma.log`. */
  detached?: boolean;
  /** How long to wait for the first heartbeat; defaults to 30 000 ms. */
  startTimeoutMs?: number;
  /** Receives the server's output when not detached; silent by default. */
  onLog?: (text: string) => void;
}

export type LocalChroma = LocalServer;

// Runs in the child: `node -e <this> -- <binding> <dataDir> <port>`.
const SERVER_SCRIPT = `const [binding, dataDir, port] = process.argv.slice(1);
require(binding).cli(["chroma", "run", "--path", dataDir, "--host", "127.0.0.1", "--port", port]);`;

const LOG_FILE = "chroma.log";

function bindingPackageName(): string {
  // The same names chromadb's own `chroma` CLI loads (src/bindings.ts in the chromadb package).
  const suffix = process.platform === "linux" ? "-gnu" : process.platform === "win32" ? "-msvc" : "";
  return `chromadb-js-bindings-${process.platform}-${process.arch}${suffix}`;
}

/** Path of the native binding chromadb installed for this platform. */
function resolveBinding(): string {
  const name = bindingPackageName();
  try {
    // The binding is chromadb's optional dependency, not ours: resolve it from chromadb.
    const client = createRequire(import.meta.url).resolve("chromadb");
    return createRequire(client).resolve(name);
  } catch (error) {
    throw new LocalServerError(
      "START_FAILED",
      `The Chroma server binding ${name} is not installed; reinstall dependencies on this platform (it is an optional dependency of chromadb).`,
      { cause: error },
    );
  }
}

/** Whether a Chroma server answers its heartbeat at `url` within a second. Never throws. */
export async function chromaAnswers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/api/v2/heartbeat`, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Start a Chroma server on 127.0.0.1 and wait until it answers its heartbeat.
 *
 * @throws {LocalServerError} `START_FAILED` when the binding is missing, the port is taken,
 *   or the server exits or stays silent while starting.
 * @example
 *   const chroma = await startLocalChroma({ dataDir: "/tmp/kmcp-chroma" });
 *   const store = createChromaStore({ url: chroma.url });
 *   await chroma.kill(); // simulate an outage
 *   await chroma.start(); // and recover, data intact
 */
export async function startLocalChroma(options: LocalChromaOptions): Promise<LocalChroma> {
  const binding = resolveBinding();
  const dataDir = path.resolve(options.dataDir);
  const port = options.port ?? (await findFreePort());
  const url = `http://127.0.0.1:${port}`;
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  // A server that is not detached must not outlive us: stop it when this process exits.
  const stopOnExit = () => child?.kill("SIGTERM");

  async function start(): Promise<void> {
    if (child) return;
    await mkdir(dataDir, { recursive: true });
    // Another server on the port would answer our heartbeat and look like ours.
    if (!(await isPortFree(port))) {
      throw new LocalServerError("START_FAILED", `Port ${port} on 127.0.0.1 is in use; stop whatever listens there or pick another port.`, {
        data: { port },
      });
    }
    const logPath = path.join(dataDir, LOG_FILE);
    const output = options.detached ? openSync(logPath, "a") : "pipe";
    const spawned = spawn(process.execPath, ["-e", SERVER_SCRIPT, "--", binding, dataDir, String(port)], {
      detached: options.detached ?? false,
      stdio: ["ignore", output, output],
      windowsHide: true,
    });
    if (typeof output === "number") closeSync(output);
    child = spawned;

    let recentOutput = "";
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      recentOutput = (recentOutput + text).slice(-4000);
      options.onLog?.(text);
    };
    spawned.stdout?.on("data", collect);
    spawned.stderr?.on("data", collect);

    let exitReason: string | undefined;
    exited = new Promise((resolve) => {
      spawned.once("exit", (code, signal) => {
        exitReason = signal ? `killed by ${signal}` : `exited with code ${code}`;
        if (child === spawned) child = undefined;
        process.off("exit", stopOnExit);
        resolve();
      });
      spawned.once("error", (error) => {
        exitReason = `could not be spawned: ${error.message}`;
        if (child === spawned) child = undefined;
        resolve();
      });
    });
    if (options.detached) spawned.unref();
    else process.once("exit", stopOnExit);

    const deadline = Date.now() + startTimeoutMs;
    for (;;) {
      if (exitReason !== undefined) {
        const where = options.detached ? `; see ${logPath}` : `: ${recentOutput.trim().slice(-1000)}`;
        throw new LocalServerError("START_FAILED", `The Chroma server ${exitReason} while starting on port ${port}${where}`, {
          data: { port, dataDir },
        });
      }
      if (await chromaAnswers(url)) return;
      if (Date.now() > deadline) {
        spawned.kill("SIGKILL");
        await exited;
        throw new LocalServerError(
          "START_FAILED",
          `The Chroma server did not answer on port ${port} within ${startTimeoutMs} ms; see its output${options.detached ? ` in ${logPath}` : ""}.`,
          { data: { port, dataDir } },
        );
      }
      await sleep(50);
    }
  }

  async function signalAndWait(signal: NodeJS.Signals): Promise<void> {
    const running = child;
    if (!running) return;
    running.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 15_000)));
    const gone = await Promise.race([exited.then(() => true), gaveUp]);
    clearTimeout(timer);
    if (!gone) {
      // It ignored SIGTERM: make sure it is gone so the port and data are free.
      running.kill("SIGKILL");
      await exited;
    }
  }

  await start();

  return {
    url,
    port,
    dataDir,
    get pid() {
      return child?.pid;
    },
    stop: () => signalAndWait("SIGTERM"),
    kill: () => signalAndWait("SIGKILL"),
    start,
    async destroy() {
      await signalAndWait("SIGTERM");
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
