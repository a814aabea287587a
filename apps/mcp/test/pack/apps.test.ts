import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { installPackedPackages, workspacePackageDirs } from "@kmcp/testing/pack";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempHome } from "../harness.js";
import { TOOL_NAMES } from "../tool-names.js";

const exec = promisify(execFile);

// Both apps as a user gets them: packed with every workspace package they depend on, installed
// with npm into a project outside the workspace, and run from there through their bins. Nothing
// listens on the configured ports: --help and tools/list must not need the databases.
describe("the published apps, installed alone", () => {
  let project: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    const dirs = await workspacePackageDirs(["@kmcp/cli", "@kmcp/mcp"]);
    expect(dirs.map((d) => path.basename(d))).toEqual(expect.arrayContaining(["cli", "mcp", "core", "db", "chroma-store", "sync-core", "search", "health", "runtime"]));
    project = await installPackedPackages(dirs);
    env = {
      ...(process.env as Record<string, string>),
      NO_COLOR: "1",
      KMCP_HOME: await tempHome(),
      DATABASE_URL: "postgresql://kmcp:kmcp@127.0.0.1:1/kmcp",
      CHROMA_URL: "http://127.0.0.1:1",
    };
  }, 1_500_000);

  it("installs every workspace dependency from its tarball, none from the registry", async () => {
    const lock = JSON.parse(await readFile(path.join(project, "package-lock.json"), "utf8")) as { packages: Record<string, { resolved?: string }> };
    const workspace = Object.keys(lock.packages).filter((key) => key.includes("node_modules/@kmcp/"));
    expect(workspace.length).toBeGreaterThanOrEqual(9);
    for (const key of workspace) expect({ key, resolved: lock.packages[key]?.resolved }).toEqual({ key, resolved: expect.stringMatching(/^file:/) });
  });

  it("runs `kmcp --help`: exit 0, listing the commands", async () => {
    const { stdout } = await exec(path.join(project, "node_modules/.bin/kmcp"), ["--help"], { cwd: project, env, timeout: 60_000 });
    expect(stdout).toContain("Usage: kmcp");
    for (const command of ["up", "down", "db", "sources", "ingest", "search", "requests", "sync", "health", "demo"]) expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"));
  });

  it("runs `kmcp sync run` from its bundled file: PostgreSQL unreachable, exit 5 naming it", async () => {
    const failed = await exec(path.join(project, "node_modules/.bin/kmcp"), ["sync", "run"], { cwd: project, env, timeout: 60_000 }).then(
      () => null,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failed?.stderr).toMatch(/^kmcp: .*PostgreSQL is unreachable/m);
    expect(failed?.code).toBe(5);
  });

  describe("kmcp-mcp over stdio", () => {
    let client: Client;
    afterAll(async () => {
      await client?.close();
    });

    it("answers tools/list with every tool", async () => {
      const transport = new StdioClientTransport({ command: path.join(project, "node_modules/.bin/kmcp-mcp"), cwd: project, env, stderr: "pipe" });
      client = new Client({ name: "kmcp-pack", version: "1.0.0" });
      await client.connect(transport);
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
    });
  });
});
