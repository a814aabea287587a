import { execFile } from "node:child_process";
import { describe, expect, it } from "vitest";
import packageJson from "../package.json" with { type: "json" };
import { OAUTH_ENV } from "../src/env.js";
import { bin } from "./harness.js";

function server(args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    // Unreachable databases: --help and --version must not need (or start) anything.
    const env = { ...process.env, DATABASE_URL: "postgresql://kmcp:x@127.0.0.1:9/kmcp", CHROMA_URL: "http://127.0.0.1:9" };
    execFile(process.execPath, [bin, ...args], { env, timeout: 15_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("kmcp-mcp --help / --version", () => {
  it.each([["--help"], ["-h"]])("%s lists the flags and every environment variable, and exits 0", async (flag) => {
    const result = await server([flag]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    for (const flagName of ["--http", "--host", "--port", "--version"]) expect(result.stdout).toContain(flagName);
    const variables = ["DATABASE_URL", "CHROMA_URL", "KMCP_HOME", "KMCP_MCP_TOKEN", "KMCP_MCP_ALLOWED_ORIGINS", "KMCP_MCP_ALLOW_ACQUIRE", "KMCP_ACQUIRE_ALLOW_PRIVATE", "KMCP_LOG_LEVEL", "KMCP_SYNC_INTERVAL_MS", "KMCP_MIRROR_MAX_AGE_MS", "KMCP_READ_CACHE", "KMCP_EMBEDDER", "KMCP_EMBEDDING_URL", "KMCP_EMBEDDING_MODEL", "KMCP_EMBEDDING_API_KEY", "KMCP_EMBEDDING_DIMENSIONS", "KMCP_EMBEDDING_BATCH_SIZE", "KMCP_SEARCH_TIER_WEIGHTS"];
    for (const name of variables) expect(result.stdout).toContain(name);
  });

  it("documents every variable the configuration schema reads", async () => {
    const { KmcpEnvSchema } = await import("@kmcp/runtime");
    const { stdout } = await server(["--help"]);
    for (const name of Object.keys(KmcpEnvSchema.shape)) expect(stdout).toContain(name);
    for (const name of Object.values(OAUTH_ENV)) expect(stdout).toContain(name);
  });

  it.each([["--version"], ["-V"]])("%s prints the version and exits 0", async (flag) => {
    expect(await server([flag])).toMatchObject({ code: 0, stdout: `${packageJson.version}\n`, stderr: "" });
  });

  it("an unknown flag exits 2 and points at --help", async () => {
    const result = await server(["--nosuch"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("kmcp-mcp --help");
  });
});
