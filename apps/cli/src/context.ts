import type { Command } from "commander";
import type { Kmcp, KmcpServices, SyncServices } from "@kmcp/runtime";
import { createLogger, parseKmcpEnv, type KmcpConfig } from "@kmcp/runtime/config";
import { createOutput, type Output, type OutputStream } from "./output.js";

/** Where a run of `kmcp` writes and what environment it reads (see runCli). */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: NodeJS.ProcessEnv;
}

const ioByProgram = new WeakMap<Command, CliIo>();

/** Gives a program (and so every command under it) its streams and environment. */
export function setCliIo(program: Command, io: CliIo): void {
  ioByProgram.set(program, io);
}

function cliIoOf(command: Command): CliIo {
  let root = command;
  while (root.parent) root = root.parent;
  return ioByProgram.get(root) ?? { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** What every command gets: configuration, output, and the services (started on first use). */
export interface CliContext {
  config: KmcpConfig;
  out: Output;
  /** --json was given. */
  json: boolean;
  /** The environment the command runs in (read here, once, like the rest of the configuration). */
  env: NodeJS.ProcessEnv;
  services(): Promise<KmcpServices>;
  /** Only PostgreSQL, Chroma and the sync manager: loads no search or ingestion, so `kmcp sync …` starts fast. */
  syncServices(): Promise<SyncServices>;
  close(): Promise<void>;
}

export function createContext(command: Command): CliContext {
  const io = cliIoOf(command);
  const options = command.optsWithGlobals<{ json?: boolean }>();
  const { env } = io;
  const config = parseKmcpEnv(env);
  let kmcp: Promise<Kmcp> | undefined;
  let sync: Promise<SyncServices> | undefined;
  const processName = commandPath(command);
  return {
    config,
    out: createOutput({ stdout: io.stdout, stderr: io.stderr, env }),
    json: Boolean(options.json),
    env,
    async services() {
      // Loaded on first use: the whole assembly (search, ingestion, acquisition) is the heavy part of start-up.
      kmcp ??= import("@kmcp/runtime").then(({ createKmcp }) => createKmcp({ config, logger: createLogger(config), processName }));
      return (await kmcp).ready();
    },
    syncServices() {
      sync ??= import("@kmcp/runtime/sync").then(({ openSyncServices }) => openSyncServices({ config, logger: createLogger(config), processName }));
      return sync;
    },
    async close() {
      await Promise.all([kmcp?.then((k) => k.close(), () => {}), sync?.then((s) => s.close(), () => {})]);
    },
  };
}

/** e.g. "kmcp sync run". */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** Wraps a command action: builds the context, runs, and always closes connections. */
export function action<A extends unknown[]>(fn: (ctx: CliContext, ...args: A) => Promise<void>) {
  return async function (this: Command, ...args: A) {
    const ctx = createContext(this);
    try {
      await fn(ctx, ...args);
    } finally {
      await ctx.close();
    }
  };
}

/** Prints `value` as JSON with --json, else in its human form: the one place that chooses. */
export function respond<T>(ctx: CliContext, value: T, human: (value: T) => void): void {
  if (ctx.json) ctx.out.json(value);
  else human(value);
}
