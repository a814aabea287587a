import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { Option, type Command } from "commander";
import { action, type CliContext } from "../context.js";
import { EXIT, ExitError } from "../exit-codes.js";

export const MCP_CLIENTS = ["claude-desktop", "claude-code", "cursor", "http"] as const;
export type McpClient = (typeof MCP_CLIENTS)[number];

/** How a client starts the server: one process, its arguments and environment. */
export interface ServerLaunch {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** Settings worth passing on to the server (a client does not start it from your shell). */
const PASSED_ON = [
  "KMCP_HOME",
  "CHROMA_URL",
  "CHROMA_TENANT",
  "CHROMA_DATABASE",
  "KMCP_CHROMA_MAX_BATCH",
  "KMCP_CHROMA_MAX_RESULTS",
  "KMCP_CHROMA_MAX_CONCURRENCY",
  "KMCP_EMBEDDER",
  "KMCP_EMBEDDING_URL",
  "KMCP_EMBEDDING_MODEL",
  "KMCP_EMBEDDING_DIMENSIONS",
  "KMCP_SEARCH_TIER_WEIGHTS",
  "KMCP_SEARCH_FUSION",
  "KMCP_SEARCH_FUSION_K",
  "KMCP_SEARCH_LEXICAL_WEIGHT",
  "KMCP_SEARCH_VECTOR_WEIGHT",
  "KMCP_SEARCH_SOURCE_EVIDENCE",
];
/** Settings that hold secrets: never printed, the user adds them. */
const SECRET = ["DATABASE_URL", "KMCP_EMBEDDING_API_KEY", "CHROMA_API_KEY"];

/** The built server of this installation (apps/mcp/dist/main.js next to apps/cli/dist), if there is one. */
export function localServerPath(): string | null {
  const file = fileURLToPath(new URL("../../mcp/dist/main.js", import.meta.url));
  return existsSync(file) ? file : null;
}

/** This Node.js running this installation's server; `npx -y @kmcp/mcp` where there is no build. */
export function serverLaunch(env: NodeJS.ProcessEnv, serverPath = localServerPath()): ServerLaunch {
  const passed = Object.fromEntries(PASSED_ON.filter((k) => env[k]).map((k) => [k, env[k] as string]));
  return serverPath ? { command: process.execPath, args: [serverPath], env: passed } : { command: "npx", args: ["-y", "@kmcp/mcp"], env: passed };
}

/** The `mcpServers.kmcp` entry of a JSON client configuration. */
export function serverEntry(launch: ServerLaunch): Record<string, unknown> {
  return { command: launch.command, args: launch.args, ...(Object.keys(launch.env).length ? { env: launch.env } : {}) };
}

/** A word for sh: quoted only when it must be. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

export function claudeCodeCommand(launch: ServerLaunch): string {
  const env = Object.entries(launch.env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  return ["claude", "mcp", "add", "kmcp", ...env, "--", launch.command, ...launch.args].map(shellWord).join(" ");
}

/** Where a client keeps its configuration file (claude-code and http have none). */
export function clientConfigFile(client: McpClient, env: NodeJS.ProcessEnv, platform = process.platform): string | null {
  const home = homedir();
  if (client === "cursor") return path.join(home, ".cursor", "mcp.json");
  if (client !== "claude-desktop") return null;
  if (platform === "darwin") return path.join(home, "Library", "Application Support", "Claude", "claude_desktop_config.json");
  if (platform === "win32") return path.join(env.APPDATA ?? path.join(home, "AppData", "Roaming"), "Claude", "claude_desktop_config.json");
  return path.join(env.XDG_CONFIG_HOME || path.join(home, ".config"), "Claude", "claude_desktop_config.json");
}

/**
 * The file's configuration with `mcpServers.kmcp` set to `entry`, every other key and server kept.
 * @throws ExitError (usage) when the file is not a JSON object: nothing is to be written then.
 */
export function mergeConfig(file: string, text: string | null, entry: Record<string, unknown>) {
  let config: Record<string, unknown> = {};
  if (text !== null && text.trim() !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new ExitError(EXIT.usage, `${file} is not valid JSON (${(error as Error).message}); nothing was written. Fix the file, or paste the configuration by hand.`);
    }
    if (!isObject(parsed)) throw new ExitError(EXIT.usage, `${file} does not hold a JSON object; nothing was written.`);
    if (parsed.mcpServers !== undefined && !isObject(parsed.mcpServers)) throw new ExitError(EXIT.usage, `${file}: "mcpServers" is not an object; nothing was written.`);
    config = parsed;
  }
  const servers = (config.mcpServers ?? {}) as Record<string, unknown>;
  const before = servers.kmcp;
  return { before, config: { ...config, mcpServers: { ...servers, kmcp: entry } }, changed: !isDeepStrictEqual(before, entry) };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function registerMcpConfigCommand(program: Command): void {
  program
    .command("mcp-config")
    .description("Print the configuration that connects an MCP client to this installation's server; --write merges it into the client's config file")
    .addOption(new Option("--client <client>", "the client to configure").choices(MCP_CLIENTS).default("claude-desktop"))
    .option("--write", "merge it into the client's configuration file (claude-desktop, cursor), keeping a .bak copy and the other servers")
    .option("--config-file <path>", "the configuration file --write changes (default: the client's own)")
    .option("--port <port>", "with --client http: the port the server listens on", "3333")
    .action(
      action(async (ctx, flags: { client: McpClient; write?: boolean; configFile?: string; port: string }) => {
        const launch = serverLaunch(ctx.env);
        for (const name of SECRET.filter((k) => ctx.env[k])) {
          ctx.out.warn(`${name} is set but not copied (it holds a secret): add it to the server's env yourself.`);
        }
        if (launch.command === "npx") ctx.out.warn("no built server next to this CLI: using `npx -y @kmcp/mcp` (needs the published package).");
        const { client } = flags;
        if (flags.write) return write(ctx, client, launch, flags.configFile);

        if (client === "claude-code") {
          const line = claudeCodeCommand(launch);
          return ctx.json ? ctx.out.json({ client, command: line }) : ctx.out.line(line);
        }
        if (client === "http") {
          const url = `http://127.0.0.1:${flags.port}/mcp`;
          const start = [launch.command, ...launch.args, "--http", ...(flags.port === "3333" ? [] : ["--port", flags.port])].map(shellWord).join(" ");
          const config = { mcpServers: { kmcp: { type: "http", url } } };
          if (ctx.json) return ctx.out.json({ client, start, url, config });
          ctx.out.line(`# Start the server (it serves ${url}, loopback only, no token needed):`);
          ctx.out.line(start);
          ctx.out.line(`# Then give any Streamable HTTP client:`);
          return ctx.out.json(config);
        }
        const config = { mcpServers: { kmcp: serverEntry(launch) } };
        if (ctx.json) return ctx.out.json({ client, file: clientConfigFile(client, ctx.env), config });
        // stdout is the JSON alone (pipe it anywhere); where it goes is said on stderr.
        process.stderr.write(`Paste into ${clientConfigFile(client, ctx.env)} (or run \`kmcp mcp-config --client ${client} --write\`):\n`);
        ctx.out.json(config);
      }),
    );
}

async function write(ctx: CliContext, client: McpClient, launch: ServerLaunch, configFile: string | undefined) {
  if (client === "claude-code") {
    throw new ExitError(EXIT.usage, `Claude Code keeps its servers itself, not in a file this command edits: run\n  ${claudeCodeCommand(launch)}`);
  }
  if (client === "http") throw new ExitError(EXIT.usage, "--write needs a client with a configuration file: claude-desktop or cursor (for http, start the server and give your client its URL).");
  const file = path.resolve(configFile ?? clientConfigFile(client, ctx.env)!);
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return null;
    throw new ExitError(EXIT.usage, `cannot read ${file}: ${error.message}`);
  });
  const entry = serverEntry(launch);
  const merged = mergeConfig(file, text, entry);
  const show = (sign: string, value: unknown) =>
    JSON.stringify(value, null, 2)
      .split("\n")
      .map((l) => `${sign} ${l}`)
      .join("\n");
  if (!merged.changed) {
    if (ctx.json) return ctx.out.json({ file, changed: false, backup: null, entry });
    return ctx.out.line(`${file} already has this mcpServers.kmcp entry: nothing to change.`);
  }
  await mkdir(path.dirname(file), { recursive: true });
  const backup = text === null ? null : `${file}.bak`;
  if (backup) await copyFile(file, backup);
  const temp = `${file}.kmcp-${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(merged.config, null, 2)}\n`);
  await rename(temp, file);
  if (ctx.json) return ctx.out.json({ file, changed: true, backup, before: merged.before ?? null, entry });
  ctx.out.line(`${file}: mcpServers.kmcp`);
  ctx.out.line(merged.before === undefined ? "- (none)" : ctx.out.red(show("-", merged.before)));
  ctx.out.line(ctx.out.green(show("+", entry)));
  ctx.out.line(`Written${backup ? ` (the previous file is in ${backup})` : ""}; other servers kept. Restart ${client === "cursor" ? "Cursor" : "Claude Desktop"} to load it.`);
}
