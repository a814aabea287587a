import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

// The command line in-process: parsing, help and usage errors need no server and no subprocess.
// The environment points at ports where nothing listens, so a command that wrongly got as far
// as connecting fails (exit 5) instead of starting embedded servers.
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  env = {
    NO_COLOR: "1",
    KMCP_LOG_LEVEL: "warn",
    KMCP_HOME: path.join(await mkdtemp(path.join(tmpdir(), "kmcp-cli-unit-")), "home"),
    DATABASE_URL: "postgresql://kmcp:kmcp@127.0.0.1:1/kmcp",
    CHROMA_URL: "http://127.0.0.1:1",
  };
});

async function kmcp(args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env });
  return { code, stdout, stderr };
}

describe("kmcp --help", () => {
  it.each([
    [[]],
    [["up"]],
    [["down"]],
    [["db"]],
    [["db", "migrate"]],
    [["sources"]],
    [["sources", "add"]],
    [["sources", "list"]],
    [["sources", "import"]],
    [["ingest"]],
    [["search"]],
    [["requests", "create"]],
    [["requests", "complete"]],
    [["sync"]],
    [["sync", "run"]],
    [["sync", "verify"]],
    [["health"]],
    [["demo"]],
    [["mcp-config"]],
  ])("kmcp %j --help explains itself and exits 0", async (args) => {
    const result = await kmcp([...args, "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: kmcp${args.length ? ` ${args.join(" ")}` : ""}`);
  });
});

describe("usage errors", () => {
  it.each([
    ["an invalid url", ["sources", "add", "not a url", "--title", "t", "--type", "blog", "--tier", "tier_2_trusted"], 2, "Invalid URL"],
    ["an unknown type", ["sources", "add", "https://x.test", "--title", "t", "--type", "podcast", "--tier", "tier_2_trusted"], 2, "sourceType"],
    ["a missing flag", ["sources", "add", "https://x.test", "--type", "blog", "--tier", "tier_2_trusted"], 2, "--title"],
    ["an unknown flag", ["sources", "list", "--colour", "red"], 2, "unknown option"],
    ["an unknown command", ["sources", "explode"], 2, "unknown command"],
    ["a limit over 1000", ["sources", "list", "--limit", "1001"], 2, "limit"],
    ["a malformed id", ["sources", "archive", "42"], 2, "UUID"],
    ["an unknown acquire tier", ["acquire", "https://x.test/", "--tier", "tier_0"], 2, "--tier"],
    ["a blank acquire title", ["acquire", "https://x.test/", "--title", "   "], 2, "--title: must not be empty"],
    ["a --wait that is not seconds", ["sync", "run", "--wait", "soon"], 2, "--wait must be a number of seconds from 0 to 86400"],
    ["a negative --wait", ["sync", "run", "--wait", "-1"], 2, "--wait must be a number of seconds from 0 to 86400"],
    ["a --wait over a day", ["sync", "run", "--wait", "86401"], 2, "--wait must be a number of seconds from 0 to 86400"],
    ["an --older-than that is not a duration", ["sources", "refresh", "--older-than", "soon"], 2, "Invalid --older-than"],
  ])("refuses %s with one clear line and the usage exit code", async (_what, args, code, message) => {
    const result = await kmcp(args);
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace without --verbose
  });

  // Regression: commander printed the parent's help and exited 0 when --help followed an unknown name.
  it.each([[["nosuch", "--help"]], [["sources", "nosuch", "--help"]], [["nosuch"]], [["sources", "nosuch"]]])(
    "refuses the unknown command in kmcp %j with exit 2",
    async (args) => {
      const result = await kmcp(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("unknown command 'nosuch'");
      expect(result.stdout).not.toContain("Usage:");
    },
  );

  it("still answers `kmcp help sources` and a bare `kmcp sources` with help", async () => {
    const help = await kmcp(["help", "sources"]);
    expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining("Usage: kmcp sources") });
    const bare = await kmcp(["sources"]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("Usage: kmcp sources");
  });
});
