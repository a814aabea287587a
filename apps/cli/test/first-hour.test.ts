import { execFile } from "node:child_process";
import { mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { describe, expect, it } from "vitest";
import packageJson from "../package.json" with { type: "json" };
import { kmcp } from "./run-cli.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const mcpMain = path.join(root, "apps/mcp/dist/main.js");
const TOOLS = ["knowledge_preflight", "knowledge_request", "knowledge_requests", "knowledge_search", "knowledge_source", "knowledge_sources", "knowledge_stats", "knowledge_status", "knowledge_sync"];

function run(command: string, args: string[], options: { env: Record<string, string>; cwd?: string }) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(command, args, { ...options, timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Splits a printed sh command line into its words (plain words and '…' quoting, as shellWord writes them). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /'((?:[^']|'\\'')*)'|(\S+)/g;
  for (const m of line.matchAll(re)) words.push(m[1] !== undefined ? m[1].replaceAll(`'\\''`, "'") : m[2]!);
  return words;
}

describe("kmcp --version", () => {
  it.each([["--version"], ["-V"]])("%s prints the package's version", async (flag) => {
    const result = await kmcp([flag]);
    expect(result).toMatchObject({ code: 0, stdout: `${packageJson.version}\n` });
  });
});

describe("npm run setup / unsetup: kmcp and kmcp-mcp on PATH", () => {
  it("installs launchers that work from any folder with a bare PATH, and removes them", async () => {
    const bin = await mkdtemp(path.join(tmpdir(), "kmcp-bin-"));
    const env = { KMCP_BIN_DIR: bin, PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" };
    const installed = await run(process.execPath, [path.join(root, "tooling/path-setup.mjs"), "install"], { env, cwd: root });
    expect(installed.code).toBe(0);
    expect(installed.stdout).toContain(`${bin} is not on your PATH`);
    expect((await readdir(bin)).sort()).toEqual(["kmcp", "kmcp-mcp"]);

    const bare = { PATH: `${bin}:/usr/bin:/bin`, HOME: env.HOME };
    expect(await run("sh", ["-c", "kmcp --version"], { env: bare, cwd: tmpdir() })).toMatchObject({ code: 0, stdout: `${packageJson.version}\n` });
    expect(await run("sh", ["-c", "kmcp-mcp --version"], { env: bare, cwd: tmpdir() })).toMatchObject({ code: 0, stdout: `${packageJson.version}\n` });
    // A second install replaces its own launchers; a file it did not write is left alone.
    expect((await run(process.execPath, [path.join(root, "tooling/path-setup.mjs"), "install"], { env: { ...env, PATH: `${bin}:${env.PATH}` }, cwd: root })).stdout).toContain("now work from any folder");

    const removed = await run(process.execPath, [path.join(root, "tooling/path-setup.mjs"), "remove"], { env, cwd: root });
    expect(removed.code).toBe(0);
    expect(await readdir(bin)).toEqual([]);
    expect((await run("sh", ["-c", "command -v kmcp"], { env: bare, cwd: tmpdir() })).code).not.toBe(0);

    await writeFile(path.join(bin, "kmcp"), "#!/bin/sh\necho someone else's\n");
    const refused = await run(process.execPath, [path.join(root, "tooling/path-setup.mjs"), "install"], { env, cwd: root });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("was not written by kmcp");
    expect(await readFile(path.join(bin, "kmcp"), "utf8")).toContain("someone else's");
  });
});

describe("kmcp mcp-config", () => {
  const entry = { command: process.execPath, args: [mcpMain] };

  it("prints a JSON mcpServers block with this installation's paths for claude-desktop (the default) and cursor", async () => {
    for (const args of [[], ["--client", "claude-desktop"], ["--client", "cursor"]]) {
      const result = await kmcp(["mcp-config", ...args], { KMCP_HOME: undefined });
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({ mcpServers: { kmcp: entry } });
    }
    expect((await kmcp(["mcp-config", "--client", "cursor"])).stderr).toContain(path.join(".cursor", "mcp.json"));
  });

  it("passes KMCP_HOME on, and never a secret", async () => {
    const result = await kmcp(["mcp-config"], { KMCP_HOME: "/srv/kmcp home", DATABASE_URL: "postgresql://u:hunter2-secret@127.0.0.1:1/db" });
    expect(JSON.parse(result.stdout).mcpServers.kmcp.env).toEqual({ KMCP_HOME: "/srv/kmcp home" });
    expect(result.stdout + result.stderr).not.toContain("hunter2");
    expect(result.stderr).toContain("DATABASE_URL is set but not copied");
    const code = await kmcp(["mcp-config", "--client", "claude-code"], { KMCP_HOME: "/srv/kmcp home" });
    expect(code.stdout.trim()).toBe(`claude mcp add kmcp -e 'KMCP_HOME=/srv/kmcp home' -- ${process.execPath} ${mcpMain}`);
  });

  it("prints the server command and the URL for http", async () => {
    const result = await kmcp(["mcp-config", "--client", "http"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${process.execPath} ${mcpMain} --http\n`);
    expect(JSON.parse(result.stdout.slice(result.stdout.indexOf("{")))).toEqual({ mcpServers: { kmcp: { type: "http", url: "http://127.0.0.1:3333/mcp" } } });
  });

  it("claude-code: the printed command, run as printed, registers a server that answers tools/list", async () => {
    const result = await kmcp(["mcp-config", "--client", "claude-code"], { KMCP_HOME: undefined });
    expect(result.code).toBe(0);
    const words = shellWords(result.stdout.trim());
    expect(words.slice(0, words.indexOf("--"))).toEqual(["claude", "mcp", "add", "kmcp"]);
    const [command, ...args] = words.slice(words.indexOf("--") + 1);
    // What Claude Code then starts: exactly that command, with the databases out of reach.
    const transport = new StdioClientTransport({
      command: command!,
      args,
      env: { PATH: "/usr/bin:/bin", HOME: tmpdir(), DATABASE_URL: "postgresql://kmcp:x@127.0.0.1:9/kmcp", CHROMA_URL: "http://127.0.0.1:9", KMCP_LOG_LEVEL: "silent" },
      stderr: "pipe",
    });
    const client = new Client({ name: "first-hour", version: "1.0.0" });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(TOOLS);
    } finally {
      await client.close();
    }
  });

  describe("--write", () => {
    const configFile = async (content?: string) => {
      const file = path.join(await mkdtemp(path.join(tmpdir(), "kmcp-mcp-config-")), "claude_desktop_config.json");
      if (content !== undefined) await writeFile(file, content);
      return file;
    };

    it("merges kmcp into an existing file, keeping the other servers and keys, with a backup", async () => {
      const before = { globalShortcut: "Ctrl+Space", mcpServers: { other: { command: "other-server", args: ["--x"] }, kmcp: { command: "npx", args: ["-y", "@kmcp/mcp"] } } };
      const file = await configFile(JSON.stringify(before));
      const result = await kmcp(["mcp-config", "--client", "claude-desktop", "--write", "--config-file", file], { KMCP_HOME: undefined });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`${file}: mcpServers.kmcp`);
      expect(result.stdout).toContain('-   "command": "npx"');
      expect(result.stdout).toContain(`+   "command": ${JSON.stringify(process.execPath)}`);
      expect(JSON.parse(await readFile(file, "utf8"))).toEqual({ ...before, mcpServers: { ...before.mcpServers, kmcp: entry } });
      expect(JSON.parse(await readFile(`${file}.bak`, "utf8"))).toEqual(before);
      const again = await kmcp(["mcp-config", "--write", "--config-file", file], { KMCP_HOME: undefined });
      expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining("nothing to change") });
    });

    it("creates the file (and its folder) when there is none, for cursor too", async () => {
      const file = path.join(await mkdtemp(path.join(tmpdir(), "kmcp-mcp-config-")), ".cursor", "mcp.json");
      const result = await kmcp(["mcp-config", "--client", "cursor", "--write", "--config-file", file], { KMCP_HOME: undefined });
      expect(result.code).toBe(0);
      expect(JSON.parse(await readFile(file, "utf8"))).toEqual({ mcpServers: { kmcp: entry } });
      expect(await readdir(path.dirname(file))).toEqual(["mcp.json"]);
    });

    it.each([["{ not json"], ["[1, 2]"], ['{"mcpServers": 3}']])("refuses %j and writes nothing", async (content) => {
      const file = await configFile(content);
      const result = await kmcp(["mcp-config", "--write", "--config-file", file]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/nothing was written/);
      expect(await readFile(file, "utf8")).toBe(content);
      expect(await readdir(path.dirname(file))).toEqual(["claude_desktop_config.json"]);
    });

    it("refuses --write for claude-code and says what to run", async () => {
      const result = await kmcp(["mcp-config", "--client", "claude-code", "--write"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("claude mcp add kmcp -- ");
    });
  });
});
