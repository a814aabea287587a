import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { startPrivateChroma } from "@kmcp/testing/chroma";
import { startChromaCloudProxy, type ChromaCloudProxy } from "@kmcp/testing/chroma-cloud-proxy";
import { startPrivatePostgres } from "@kmcp/testing/postgres";
import { cleanUp } from "@kmcp/testing/clean-up";
import { beforeAll, describe, expect, it } from "vitest";
import { kmcp, tempHome, type CliResult } from "./run-cli.js";

// CHROMA_API_KEY must never show in what the CLI prints (stdout, stderr with debug logs and
// --verbose stacks) or what the MCP server answers and logs, whether Chroma (here a proxy that
// plays Chroma Cloud's rules in front of a real server) accepts the key or refuses it.
const KEY = "ck-cli-Hq4Tz8Wm2Vx6Jp0";
const mcpBin = fileURLToPath(new URL("../../mcp/dist/main.js", import.meta.url));

describe("the Chroma API key never shows", () => {
  let proxy: ChromaCloudProxy;
  let env: Record<string, string>;

  beforeAll(async () => {
    const [chroma, postgres] = await Promise.all([startPrivateChroma(), startPrivatePostgres()]);
    cleanUp(() => Promise.all([chroma.destroy(), postgres.destroy()]));
    proxy = await startChromaCloudProxy(chroma.url, { apiKey: KEY });
    cleanUp(() => proxy.close());
    env = { DATABASE_URL: postgres.url, CHROMA_URL: proxy.url, CHROMA_API_KEY: KEY, KMCP_HOME: await tempHome(), KMCP_LOG_LEVEL: "debug", KMCP_SYNC_INTERVAL_MS: "3600000" };
  });

  /** Every command that reaches Chroma, and mcp-config, with debug logs and stacks. */
  async function runCli(key: string): Promise<Record<string, CliResult>> {
    const docs = await mkdtemp(path.join(tmpdir(), "kmcp-key-docs-"));
    await writeFile(path.join(docs, "guide.md"), "# Rotation guide\n\nRotate the certificates every ninety days.\n");
    const e = { ...env, CHROMA_API_KEY: key };
    const results: Record<string, CliResult> = {};
    const commands: Record<string, string[]> = {
      add: ["sources", "add", "https://key-probe.example.test/", "--title", "Probe", "--type", "blog", "--tier", "tier_2_trusted", "--verbose"],
      ingest: ["ingest", docs, "--verbose"],
      sync: ["sync", "run", "--full", "--verbose"],
      list: ["sources", "list", "--json", "--verbose"],
      search: ["search", "rotate", "certificates", "--verbose"],
      status: ["sync", "status", "--json", "--verbose"],
      health: ["health", "--json", "--verbose"],
      mcpConfig: ["mcp-config"],
    };
    for (const [name, args] of Object.entries(commands)) results[name] = await kmcp(args, e);
    return results;
  }

  async function runMcp(key: string): Promise<string> {
    const transport = new StdioClientTransport({ command: process.execPath, args: [mcpBin], env: { ...(process.env as Record<string, string>), ...env, CHROMA_API_KEY: key }, stderr: "pipe" });
    let stderr = "";
    transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: "chroma-key-test", version: "1.0.0" });
    await client.connect(transport);
    const answers: unknown[] = [];
    try {
      for (const [name, args] of [
        ["knowledge_sources", {}],
        ["knowledge_search", { query: "rotate certificates" }],
        ["knowledge_status", {}],
        ["knowledge_sync", { action: "run" }],
        ["knowledge_sync", { action: "status" }],
      ] as const) {
        answers.push(await client.callTool({ name, arguments: args }));
      }
      answers.push(await client.readResource({ uri: "kmcp://sync/state" }));
    } finally {
      await client.close();
    }
    return `${JSON.stringify(answers)}\n${stderr}`;
  }

  const leaks = (text: string) => {
    const runs = Array.from({ length: KEY.length - 7 }, (_, i) => KEY.slice(i, i + 8));
    return runs.filter((run) => text.includes(run));
  };

  it("when Chroma accepts it", async () => {
    const cli = await runCli(KEY);
    for (const name of ["add", "ingest", "sync", "list", "search", "status", "health", "mcpConfig"]) expect(cli[name]!.code, `${name}: ${cli[name]!.stderr}`).toBe(0);
    expect(cli.search!.stdout).toContain("Rotation guide");
    expect(cli.mcpConfig!.stderr).toContain("CHROMA_API_KEY is set but not copied");
    const mcp = await runMcp(KEY);
    expect(mcp).toContain("Rotation guide");
    expect(mcp).toMatch(/"level":"(debug|info)"/); // the server's logs were captured
    const everything = Object.values(cli).map((r) => `${r.stdout}\n${r.stderr}`).join("\n") + mcp;
    expect(leaks(everything)).toEqual([]);
    expect(proxy.stats()).toMatchObject({ unauthorized: 0, refused: [] });
  });

  it("when Chroma refuses it", async () => {
    const wrong = `${KEY}-revoked`;
    const before = proxy.stats().unauthorized;
    const cli = await runCli(wrong);
    expect(cli.health!.code).not.toBe(0);
    expect(cli.sync!.code).not.toBe(0);
    expect(cli.sync!.stderr).toContain("check the API key");
    const mcp = await runMcp(wrong);
    expect(proxy.stats().unauthorized).toBeGreaterThan(before);
    const everything = Object.values(cli).map((r) => `${r.stdout}\n${r.stderr}`).join("\n") + mcp;
    expect(leaks(everything)).toEqual([]);
  });
});
