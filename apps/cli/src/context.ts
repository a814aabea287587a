import type { Command } from "commander";
import { createKmcp, createLogger, parseKmcpEnv, type Kmcp, type KmcpConfig, type KmcpServices } from "@kmcp/runtime";
import { createOutput, type Output } from "./output.js";

/** What every command gets: configuration, output, and the services (started on first use). */
export interface CliContext {
  config: KmcpConfig;
  out: Output;
  /** --json was given. */
  json: boolean;
  /** The environment the command runs in (read here, once, like the rest of the configuration). */
  env: NodeJS.ProcessEnv;
  services(): Promise<KmcpServices>;
  close(): Promise<void>;
}

export function createContext(command: Command, env: NodeJS.ProcessEnv = process.env): CliContext {
  const options = command.optsWithGlobals<{ json?: boolean }>();
  const config = parseKmcpEnv(env);
  let kmcp: Kmcp | undefined;
  return {
    config,
    out: createOutput({ env }),
    json: Boolean(options.json),
    env,
    services() {
      kmcp ??= createKmcp({ config, logger: createLogger(config) });
      return kmcp.ready();
    },
    async close() {
      await kmcp?.close();
    },
  };
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
