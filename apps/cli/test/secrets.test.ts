import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { makeServerTempDir, startLocalPostgres, type LocalPostgres } from "@kmcp/local-servers";
import { createKmcp, createLogger, parseKmcpEnv } from "@kmcp/runtime";
import { startPrivateChroma } from "@kmcp/testing/chroma";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kmcp, tempHome, type CliResult } from "./run-cli.js";

// The database password must never show: not in logs (debug level), errors (with --verbose
// stacks), SyncState, health output or MCP tool results, whatever fails. A password with
// characters that URL-encoding changes, so both spellings are looked for.
const PASSWORD = "Zx9-secret+pass/Q7";
const WRONG = "Wr0ng-secret+pass/Q7";
const spellings = (secret: string) => [secret, encodeURIComponent(secret)];
const SECRETS = [...spellings(PASSWORD), ...spellings(WRONG)];

const mcpBin = fileURLToPath(new URL("../../mcp/dist/main.js", import.meta.url));

/** Every text a failure could surface through, collected per scenario. */
class Capture {
  readonly parts: string[] = [];
  add(label: string, text: unknown) {
    this.parts.push(`--- ${label}\n${typeof text === "string" ? text : JSON.stringify(text)}`);
  }
  /** An error's message, stack, data and whole cause chain. */
  addError(label: string, error: unknown, depth = 0) {
    if (!(error instanceof Error) || depth > 5) return this.add(label, String(error));
    const { message, stack, cause } = error;
    this.add(`${label} message`, message);
    this.add(`${label} stack`, stack ?? "");
    this.add(`${label} data`, (error as { data?: unknown }).data ?? null);
    if (cause !== undefined) this.addError(`${label} cause`, cause, depth + 1);
  }
  addCli(label: string, result: CliResult) {
    this.add(`${label} (exit ${result.code}) stdout`, result.stdout);
    this.add(`${label} stderr`, result.stderr);
  }
  get text() {
    return this.parts.join("\n");
  }
}

function expectNoSecret(capture: Capture) {
  for (const secret of SECRETS) {
    const leaks = capture.parts.filter((part) => part.includes(secret)).map((part) => part.slice(0, 2_000));
    expect(leaks, `leaked ${secret}`).toEqual([]);
  }
}

/** Drives the built MCP server over stdio with raw JSON-RPC: every tool, and the sync state resource. */
async function runMcp(env: Record<string, string>, capture: Capture): Promise<{ answered: number; exitCode: number | null }> {
  const calls: [string, Record<string, unknown>][] = [
    ["knowledge_sources", {}],
    ["knowledge_sources", { query: "secret" }],
    ["knowledge_source", { idOrUrl: "https://secret-probe.example.test/" }],
    ["knowledge_request", { url: "https://secret-probe.example.test/", reason: "leak probe" }],
    ["knowledge_requests", {}],
    ["knowledge_stats", {}],
    ["knowledge_status", {}],
    ["knowledge_sync", { action: "run", mode: "full" }],
    ["knowledge_sync", { action: "status" }],
  ];
  const child = spawn(process.execPath, [mcpBin], { env: { ...process.env, ...env, KMCP_LOG_LEVEL: "debug" }, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
  const expected = calls.length + 2;
  const answered = new Promise<number>((resolve) => {
    const done = () => resolve(stdout.split("\n").filter((l) => l.includes('"id"')).length);
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (stdout.split("\n").filter((l) => l.includes('"id"')).length >= expected) done();
    });
    child.on("exit", done);
  });
  child.stdin.on("error", () => {}); // the server may exit at once on a malformed environment
  send({ jsonrpc: "2.0", id: 0, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "secrets-test", version: "1.0.0" } } });
  send({ jsonrpc: "2.0", method: "notifications/initialized" });
  calls.forEach(([name, args], i) => send({ jsonrpc: "2.0", id: i + 1, method: "tools/call", params: { name, arguments: args } }));
  send({ jsonrpc: "2.0", id: calls.length + 1, method: "resources/read", params: { uri: "kmcp://sync/state" } });
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const count = await answered;
  child.stdin.end();
  const exitCode = await exited;
  clearTimeout(timer);
  capture.add("mcp stdout", stdout);
  capture.add("mcp stderr", stderr);
  return { answered: count, exitCode };
}

/** The CLI commands that touch the database, the mirror and health, with debug logs and stacks. */
async function runCli(env: Record<string, string>, capture: Capture, only?: string[]): Promise<Record<string, CliResult>> {
  const debug = { ...env, KMCP_LOG_LEVEL: "debug" };
  const all: Record<string, string[]> = {
    list: ["sources", "list", "--json", "--verbose"],
    add: ["sources", "add", `https://secret-${Math.random().toString(36).slice(2)}.example.test/`, "--title", "t", "--type", "blog", "--tier", "tier_2_trusted", "--verbose"],
    syncRun: ["sync", "run", "--verbose"],
    syncStatus: ["sync", "status", "--json", "--verbose"],
    health: ["health", "--json", "--verbose"],
    request: ["requests", "create", "https://secret-probe.example.test/", "--reason", "leak probe", "--verbose"],
  };
  const commands = Object.entries(all).filter(([name]) => !only || only.includes(name));
  const entries = await Promise.all(commands.map(async ([name, args]) => [name, await kmcp(args, debug)] as const));
  for (const [name, result] of entries) capture.addCli(`cli ${name}`, result);
  return Object.fromEntries(entries);
}

/** The same in-process, with the logger writing to an array: services, state, health, and every error in full. */
async function runInProcess(env: Record<string, string>, capture: Capture): Promise<{ ready: boolean }> {
  const log: string[] = [];
  let app: ReturnType<typeof createKmcp> | undefined;
  try {
    const config = parseKmcpEnv({ ...env, KMCP_LOG_LEVEL: "debug" });
    app = createKmcp({ config, logger: createLogger(config, { write: (line) => log.push(line) }) });
    const services = await app.ready();
    const attempt = async (label: string, fn: () => Promise<unknown>) => {
      try {
        capture.add(label, await fn());
      } catch (error) {
        capture.addError(label, error);
      }
    };
    await attempt("sync.syncSources", () => services.sync.syncSources({ mode: "full" }));
    await attempt("sync.getState", () => services.sync.getState());
    await attempt("health.report", () => services.health.report());
    await attempt("catalog.list", () => services.catalog.list({}));
    await attempt("catalog.get", () => services.catalog.get("https://secret-probe.example.test/"));
    await attempt("requests.create", () => services.requests.create({ url: "https://secret-probe.example.test/", reason: "leak probe" }));
    await attempt("db.sources.create", () => services.db.sources.create({ url: "https://secret-inproc.example.test/", title: "t", sourceType: "blog", authorityTier: "tier_2_trusted" }));
    await attempt("db.ping", () => services.db.ping());
    await attempt("db.migrationStatus", () => services.db.migrationStatus());
    capture.add("describe", services.describe());
    return { ready: true };
  } catch (error) {
    capture.addError("ready", error);
    return { ready: false };
  } finally {
    await app?.close().catch((error: unknown) => capture.addError("close", error));
    capture.add("in-process log", log.join(""));
  }
}

async function runEverything(env: Record<string, string>, cliCommands?: string[]) {
  const capture = new Capture();
  const [cli, mcp, inProcess] = await Promise.all([runCli(env, capture, cliCommands), runMcp(env, capture), runInProcess(env, capture)]);
  return { capture, cli, mcp, inProcess };
}

describe("the database password never leaks", () => {
  let postgres: LocalPostgres;
  let chroma: Awaited<ReturnType<typeof startPrivateChroma>>;
  let home: string;
  let goodUrl: string;
  const withPassword = (password: string, host = "127.0.0.1", port: number | string = postgres.port) =>
    `postgresql://postgres:${encodeURIComponent(password)}@${host}:${port}/kmcp`;

  beforeAll(async () => {
    const base = await makeServerTempDir("kmcp-secrets-pg-");
    [postgres, chroma] = await Promise.all([
      startLocalPostgres({ dataDir: path.join(base, "data"), password: PASSWORD, durability: "throwaway" }),
      startPrivateChroma(),
    ]);
    goodUrl = postgres.url;
    expect(goodUrl).toContain(encodeURIComponent(PASSWORD));
    home = await tempHome();
  });
  afterAll(async () => {
    await Promise.all([postgres?.destroy(), chroma?.destroy()]);
  });

  const env = (databaseUrl: string, chromaUrl = chroma.url) => ({ DATABASE_URL: databaseUrl, CHROMA_URL: chromaUrl, KMCP_HOME: home, KMCP_SYNC_INTERVAL_MS: "600000" });

  it("with PostgreSQL up", async () => {
    const { capture, cli, mcp, inProcess } = await runEverything(env(goodUrl));
    expect(cli.list!.code).toBe(0);
    expect(cli.health!.code).toBe(0);
    expect(mcp.answered).toBe(11);
    expect(inProcess.ready).toBe(true);
    expect(capture.parts.find((p) => p.startsWith("--- mcp stderr"))).toMatch(/"level":"(debug|info)"/); // logs were captured
    expectNoSecret(capture);
  });

  it("with the wrong password", async () => {
    const { capture, cli, mcp } = await runEverything(env(withPassword(WRONG)));
    expect(cli.add!.code).not.toBe(0);
    expect(cli.health!.code).not.toBe(0);
    expect(mcp.answered).toBe(11);
    expectNoSecret(capture);
  });

  it("with PostgreSQL unreachable (closed port, unknown host)", async () => {
    for (const [url, commands] of [
      [withPassword(PASSWORD, "127.0.0.1", 1), undefined],
      [withPassword(PASSWORD, "kmcp-no-such-host.invalid", 5432), ["list", "add", "health"]],
    ] as const) {
      const { capture, cli, mcp } = await runEverything(env(url), commands ? [...commands] : undefined);
      expect(cli.add!.code).toBe(5);
      expect(mcp.answered).toBe(11);
      expectNoSecret(capture);
    }
  });

  it("with Chroma down", async () => {
    const { capture, cli, mcp } = await runEverything(env(goodUrl, "http://127.0.0.1:1"));
    expect(cli.health!.code).not.toBe(0);
    expect(mcp.answered).toBe(11);
    expectNoSecret(capture);
  });

  it.each([
    ["a non-numeric port", `postgresql://postgres:${PASSWORD}@127.0.0.1:notaport/kmcp`],
    ["an unencoded password that breaks the url", `postgresql://postgres:${PASSWORD}@127.0.0.1:5432/kmcp`],
    ["a port out of range", `postgresql://postgres:${encodeURIComponent(PASSWORD)}@127.0.0.1:99999/kmcp`],
    ["no host", `postgresql://postgres:${encodeURIComponent(PASSWORD)}@/kmcp`],
    ["another scheme", `mysql://postgres:${encodeURIComponent(PASSWORD)}@127.0.0.1/kmcp`],
    ["spaces around it", ` postgresql://postgres:${PASSWORD}@127.0.0.1:5432/kmcp `],
  ])("with a malformed DATABASE_URL: %s (refused by name, never echoed)", async (_what, url) => {
    // Every command reads the environment the same way before doing anything: three of them suffice.
    const { capture, cli, mcp, inProcess } = await runEverything(env(url), ["list", "add", "health"]);
    // Regression: a URL that passed the prefix check but not `new URL()` crashed the MCP server
    // with the whole URL, password included, as the TypeError's `input` on stderr.
    expect(cli.list).toMatchObject({ code: 2, stderr: expect.stringContaining("DATABASE_URL") });
    expect(mcp).toEqual({ answered: 0, exitCode: 2 });
    expect(capture.text).toMatch(/kmcp-mcp: Invalid environment: DATABASE_URL/);
    expect(inProcess.ready).toBe(false);
    expectNoSecret(capture);
  });

  it("with PostgreSQL killed (SIGKILL) mid-life", async () => {
    await postgres.kill();
    const { capture, cli, mcp } = await runEverything(env(goodUrl));
    expect(cli.list!.code).toBe(0);
    expect(JSON.parse(cli.list!.stdout)).toMatchObject({ origin: "mirror" });
    expect(cli.add!.code).toBe(5);
    expect(mcp.answered).toBe(11);
    expectNoSecret(capture);
  });
});
